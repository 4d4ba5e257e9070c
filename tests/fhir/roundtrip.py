#!/usr/bin/env python3
"""settle(import fhir(generate --format fhir)) == settle(generate), figure for figure.

Generates one seeded population twice (SPEC NDJSON and Bulk FHIR), imports the FHIR copy
with `vbp import fhir` (contracts and the provider roster from the writer's vbp/ folder),
settles both directories with `vbp settle` and compares the statements JSON value by value:
every money figure, member counts, quality, data quality. Nothing is excluded; statements
name no input path, so even source-dependent fields must agree. Also checks the import
report: nothing rejected, nothing out of scope, per-file counts add up, and the claim and
member files hold as many records as the generated ones.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("FAILED (%d): %s\n%s\n%s" % (r.returncode, " ".join(cmd), r.stdout, r.stderr))
    return r.stdout


def diff(a, b, path, out):
    if type(a) is not type(b):
        out.append("%s: %r vs %r" % (path, a, b))
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append("%s/%s: present on one side only" % (path, k))
            else:
                diff(a[k], b[k], "%s/%s" % (path, k), out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append("%s: %d vs %d items" % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, "%s[%d]" % (path, i), out)
    elif a != b:
        out.append("%s: %r vs %r" % (path, a, b))


def lines(path):
    with open(path) as f:
        return sum(1 for l in f if l.strip())


def check_report(report):
    for inp in report["inputs"]:
        for t, c in inp["by_type"].items():
            if c["read"] != c["mapped"] + c["rejected"] + c["out_of_scope"]:
                sys.exit("counts do not add up for %s %s: %r" % (inp["source"], t, c))
    if report["written"]["rejects"] != 0:
        sys.exit("rejects on generated FHIR: %r" % report["rejects_by_reason"])
    for t, c in report["totals"].items():
        if c["out_of_scope"] or c["rejected"]:
            sys.exit("%s: %r" % (t, c))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vbp", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--members", default="300")
    ap.add_argument("--seed", default="7")
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    nd, fh, imp = (os.path.join(a.work, d) for d in ("ndjson", "fhir", "imported"))
    gen = [a.vbp, "generate", "--members", a.members, "--seed", a.seed, "--malformed-per-mille", "0"]
    run(gen + ["--out", nd])
    run(gen + ["--out", fh, "--format", "fhir"])
    run([a.vbp, "import", "fhir", "--dir", fh, "--out", imp,
         "--contract", os.path.join(fh, "vbp", "contracts.ndjson"),
         "--roster", os.path.join(fh, "vbp", "providers.ndjson")])
    with open(os.path.join(imp, "IMPORT_REPORT.json")) as f:
        check_report(json.load(f))
    for name in ("claims", "members", "providers", "contracts"):
        n, m = lines(os.path.join(nd, name + ".ndjson")), lines(os.path.join(imp, name + ".ndjson"))
        if n != m:
            sys.exit("%s.ndjson: %d generated, %d imported" % (name, n, m))
    statements = []
    for d in (nd, imp):
        out = os.path.join(a.work, os.path.basename(d) + "_statements.json")
        run([a.vbp, "settle", "--data", d, "--out", out])
        with open(out) as f:
            statements.append(json.load(f))
    problems = []
    diff(statements[0], statements[1], "", problems)
    if problems:
        sys.exit("statements differ:\n  " + "\n  ".join(problems[:50]))
    if not statements[0]:
        sys.exit("no statements to compare")
    print("OK: %d statements equal; %d claim records" % (len(statements[0]),
                                                        lines(os.path.join(imp, "claims.ndjson"))))


if __name__ == "__main__":
    main()
