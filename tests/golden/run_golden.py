#!/usr/bin/python3
"""Runs golden settlement cases (tests/golden/<rule>/<case>/) and checks the statements against
the hand-computed expected/statements.json.

A case directory holds:
  input/            members.ndjson, providers.ndjson, contracts.ndjson, claims.ndjson
  rules.json        optional: a rule set passed with --rules
  as_of             optional: one line YYYY-MM-DD passed with --as-of
  expected/statements.json   the expected statements (SPEC §4 fields), computed by hand in
                    README.md
  README.md         what the case shows and the arithmetic

Usage:
  run_golden.py --impl vbp --vbp build/cli/vbp CASE_DIR...
  run_golden.py --impl reference CASE_DIR...
  run_golden.py --impl both --vbp build/cli/vbp --all      (every case under tests/golden/)
Exit status 0 when every case agrees, 1 otherwise.
"""

import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "independent"))
import statements_diff  # noqa: E402

REFERENCE = os.path.join(REPO, "tests", "independent", "vbp_reference.py")
# Folders under tests/golden/ owned by other suites (their own runners).
OTHER_SUITES = ("hcc", "quality")


def find_cases(root):
    cases = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel.split(os.sep)[0] in OTHER_SUITES:
            dirnames[:] = []
            continue
        dirnames.sort()
        if os.path.isdir(os.path.join(dirpath, "input")) and os.path.exists(
                os.path.join(dirpath, "expected", "statements.json")):
            cases.append(dirpath)
            dirnames[:] = []
    return sorted(cases)


def case_args(case):
    args = ["--data", os.path.join(case, "input")]
    rules = os.path.join(case, "rules.json")
    if os.path.exists(rules):
        args += ["--rules", rules]
    as_of = os.path.join(case, "as_of")
    if os.path.exists(as_of):
        with open(as_of, encoding="utf-8") as f:
            args += ["--as-of", f.read().strip()]
    return args


def run_case(case, impl, vbp):
    """Returns a list of difference lines (empty = pass)."""
    with tempfile.TemporaryDirectory(prefix="vbp-golden-") as tmp:
        out = os.path.join(tmp, "statements.json")
        if impl == "vbp":
            cmd = [vbp, "settle"] + case_args(case) + [
                "--out", out, "--members", os.path.join(tmp, "members.ndjson"),
                "--rejects", os.path.join(tmp, "rejects.ndjson")]
        else:
            cmd = [sys.executable, REFERENCE] + case_args(case) + [
                "--out", out, "--members", os.path.join(tmp, "members.ndjson")]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            return ["%s exited %d: %s\n  command: %s" % (impl, proc.returncode,
                                                       proc.stderr.strip(), " ".join(cmd))]
        expected = statements_diff.load_statements(
            os.path.join(case, "expected", "statements.json"))
        actual = statements_diff.load_statements(out)
        # The data_quality block (SPEC §6) is the engine's own report: the independent
        # reference implements the figures (SPEC §3-§4) only.
        fields = statements_diff.STATEMENT_FIELDS + (
            ("data_quality",) if impl == "vbp" else ())
        diffs = statements_diff.diff_statements(expected, actual, "expected", impl, fields)
        if diffs:
            diffs.append("command: %s" % " ".join(cmd))
        return diffs


def main():
    ap = argparse.ArgumentParser(description="golden settlement cases")
    ap.add_argument("--impl", choices=("vbp", "reference", "both"), default="both")
    ap.add_argument("--vbp", help="path of the vbp binary (for --impl vbp/both)")
    ap.add_argument("--all", action="store_true", help="every case under tests/golden/")
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    cases = [os.path.abspath(c) for c in args.cases]
    if args.all:
        cases += find_cases(HERE)
    if not cases:
        ap.error("no cases")
    impls = ("vbp", "reference") if args.impl == "both" else (args.impl,)
    if "vbp" in impls and not args.vbp:
        ap.error("--vbp is required for --impl vbp/both")
    failed = 0
    for case in cases:
        name = os.path.relpath(case, HERE)
        for impl in impls:
            diffs = run_case(case, impl, args.vbp)
            print("%-4s %-45s %s" % ("FAIL" if diffs else "ok", name, impl))
            for d in diffs:
                print("     " + d)
            failed += bool(diffs)
    print("%d case run(s), %d failed" % (len(cases) * len(impls), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
