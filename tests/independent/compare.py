#!/usr/bin/python3
"""Cross-check: runs `vbp settle` and the independent reference (vbp_reference.py) on the same
data directory and compares every SPEC §4 field of every statement as exact strings, and
optionally each member's contract, step, eligible months and expenditure.

Usage:
  compare.py --vbp build/cli/vbp --data DIR [--rules FILE] [--as-of YYYY-MM-DD] [--members]
             [--work DIR] [--max-member-diffs N]
  compare.py --vbp build/cli/vbp --generate N --seed S [--members] ...
             (first runs `vbp generate --members N --seed S --out WORK/data`)
  compare.py --vbp build/cli/vbp --import-tuva TUVA_DIR [--members] ...
             (first runs `vbp import tuva --claims TUVA_DIR/medical_claim.csv --eligibility
              TUVA_DIR/eligibility.csv --providers TUVA_DIR/provider.csv --out WORK/data`)

Prints a readable diff; exit status 0 when both agree, 1 on any difference, 2 when a run
fails.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import statements_diff  # noqa: E402

REFERENCE = os.path.join(HERE, "vbp_reference.py")


def run(cmd, label):
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    took = time.monotonic() - start
    print("%-9s %.1fs  %s" % (label, took, " ".join(cmd)))
    if proc.returncode != 0:
        print("%s failed (exit %d):\n%s%s" % (label, proc.returncode, proc.stdout, proc.stderr))
        sys.exit(2)
    return proc


def read_ndjson(path):
    out = []
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for ln in f:
            if ln.strip():
                out.append(json.loads(ln))
    return out


STEP_NAMES = {"voluntary": 0, "voluntary_alignment": 0, "step0": 0, "primary_care": 1,
              "step1": 1, "specialist": 2, "step2": 2, "none": None}


def _step(v):
    if v is None or isinstance(v, int):
        return v
    if isinstance(v, str):
        if v.lstrip("-").isdigit():
            n = int(v)
            return None if n < 0 else n
        return STEP_NAMES.get(v, v)
    return v


def _money_sum(v):
    """An expenditure figure as a Fraction: a decimal string, or an object by enrollment type."""
    if v is None:
        return None
    if isinstance(v, dict):
        return sum((Fraction(x) for x in v.values()), Fraction(0))
    return Fraction(str(v))


def member_view(m):
    """(key, facts) of a member line from either implementation. The key is (performance_year,
    member_id, contracts evaluated) so that contracts with different member-level rules are
    compared evaluation by evaluation."""
    contract = m.get("contract_id", m.get("contract"))
    if isinstance(contract, dict):
        contract = contract.get("contract_id")
    evaluated = m.get("contracts_evaluated") or m.get("contracts") or []
    expenditure = m.get("expenditure_total")
    if expenditure is None:
        expenditure = m.get("expenditure")
    key = (m.get("performance_year"), m.get("member_id"), tuple(evaluated))
    return key, {
        "contract_id": contract,
        "step": _step(m.get("step")),
        "eligible_months": m.get("eligible_months"),
        "expenditure": _money_sum(expenditure),
    }


def diff_members(ref_lines, vbp_lines, max_diffs):
    ref = dict(member_view(m) for m in ref_lines)
    eng = dict(member_view(m) for m in vbp_lines)
    # When one side does not list the contracts evaluated, match on (year, member) alone.
    if not any(k[2] for k in eng) or not any(k[2] for k in ref):
        ref = {k[:2]: v for k, v in ref.items()}
        eng = {k[:2]: v for k, v in eng.items()}
    diffs = []
    only_ref = only_eng = 0
    for k in sorted(set(ref) | set(eng), key=str):
        if k not in eng:
            # A member the engine does not list: fine if the reference leaves it unattributed
            # and without eligible months (nothing to show).
            if ref[k]["contract_id"] is not None:
                only_ref += 1
                diffs.append("member %s: attributed to %s by the reference, absent from vbp"
                             % (k, ref[k]["contract_id"]))
            continue
        if k not in ref:
            if eng[k]["contract_id"] is not None:
                only_eng += 1
                diffs.append("member %s: attributed to %s by vbp, absent from the reference"
                             % (k, eng[k]["contract_id"]))
            continue
        for f in ("contract_id", "step", "eligible_months", "expenditure"):
            a, b = ref[k][f], eng[k][f]
            if b is None and f == "expenditure":
                continue  # the engine's line may not carry it
            if a != b:
                diffs.append("member %s: %-15s reference=%s vbp=%s" % (
                    k, f, a if not isinstance(a, Fraction) else float(a),
                    b if not isinstance(b, Fraction) else float(b)))
    shown = diffs[:max_diffs]
    if len(diffs) > max_diffs:
        shown.append("... %d more member differences" % (len(diffs) - max_diffs))
    return diffs, shown


def not_computed_notes(ref, eng):
    """Fields the reference leaves out on purpose (q from the claims-based quality measures,
    which it does not implement; it settles such a contract only when q cannot change the
    money) are named here, not silently skipped. The engine's statement must say that q came
    from the measures, or the reference's assumption does not hold: that is a difference."""
    out = []
    by_key = {(s.get("performance_year"), s.get("contract_id")): s for s in eng}
    for r in ref:
        nc = r.get("detail", {}).get("not_computed")
        if not nc:
            continue
        key = (r.get("performance_year"), r.get("contract_id"))
        e = by_key.get(key, {})
        source = e.get("detail", {}).get("quality_source")
        print("  NOTE PY %s contract %s: %s not compared (%s); vbp: quality_score %s, "
              "final_sharing_rate %s, quality_source %s" % (
                  key[0], key[1], ", ".join(nc["fields"]), nc["reason"],
                  e.get("quality_score"), e.get("final_sharing_rate"), source))
        if e and source != "measures":
            out.append("PY %s contract %s: reference assumed q from the measures, vbp's "
                       "quality_source is %r" % (key[0], key[1], source))
    return out


def main():
    ap = argparse.ArgumentParser(description="vbp settle vs. the independent reference")
    ap.add_argument("--vbp", required=True, help="path of the vbp binary")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", help="a directory with the four NDJSON files")
    src.add_argument("--generate", type=int, metavar="N",
                     help="generate a synthetic population of N members with `vbp generate`")
    src.add_argument("--import-tuva", metavar="DIR",
                     help="import the Tuva synthetic claims in DIR with `vbp import tuva`")
    ap.add_argument("--seed", type=int, default=20250101, help="seed for --generate")
    ap.add_argument("--rules")
    ap.add_argument("--as-of")
    ap.add_argument("--members", action="store_true", help="also compare member lines")
    ap.add_argument("--work", help="directory for both runs' outputs (default: a temp dir)")
    ap.add_argument("--max-member-diffs", type=int, default=40)
    args = ap.parse_args()

    work = args.work or tempfile.mkdtemp(prefix="vbp-compare-")
    os.makedirs(os.path.join(work, "vbp"), exist_ok=True)
    os.makedirs(os.path.join(work, "reference"), exist_ok=True)
    if args.generate is not None:
        args.data = os.path.join(work, "data")
        run([args.vbp, "generate", "--members", str(args.generate), "--seed", str(args.seed),
             "--out", args.data], "generate")
    elif args.import_tuva:
        args.data = os.path.join(work, "data")
        t = args.import_tuva
        run([args.vbp, "import", "tuva", "--claims", os.path.join(t, "medical_claim.csv"),
             "--eligibility", os.path.join(t, "eligibility.csv"),
             "--providers", os.path.join(t, "provider.csv"), "--out", args.data], "import")
    common = ["--data", args.data]
    if args.rules:
        common += ["--rules", args.rules]
    if args.as_of:
        common += ["--as-of", args.as_of]

    def outs(side):
        d = os.path.join(work, side)
        return (os.path.join(d, "statements.json"), os.path.join(d, "members.ndjson"),
                os.path.join(d, "rejects.ndjson"))

    v_st, v_mem, v_rej = outs("vbp")
    r_st, r_mem, r_rej = outs("reference")
    v_cmd = [args.vbp, "settle"] + common + ["--out", v_st, "--rejects", v_rej]
    r_cmd = [sys.executable, REFERENCE] + common + ["--out", r_st, "--rejects", r_rej]
    if args.members:
        v_cmd += ["--members", v_mem]
        r_cmd += ["--members", r_mem]
    run(v_cmd, "vbp")
    run(r_cmd, "reference")

    ref = statements_diff.load_statements(r_st)
    eng = statements_diff.load_statements(v_st)
    diffs = statements_diff.diff_statements(ref, eng, "reference", "vbp")
    print("\n== statements: %d (reference) / %d (vbp); %d fields each ==" % (
        len(ref), len(eng), len(statements_diff.STATEMENT_FIELDS)))
    for s in ref:
        print("  PY %s %-12s members %-6s benchmark %-14s expenditure %-14s net %s" % (
            s["performance_year"], s["contract_id"], s["assigned_members"],
            s["benchmark_total"], s["expenditure_total"], s["net_payment"]))
    diffs += not_computed_notes(ref, eng)
    for d in diffs:
        print("  DIFF " + d)
    if not diffs:
        print("  every statement field agrees")

    member_diffs = []
    if args.members:
        r_lines, v_lines = read_ndjson(r_mem), read_ndjson(v_mem)
        member_diffs, shown = diff_members(r_lines, v_lines, args.max_member_diffs)
        print("\n== members: %d lines (reference) / %d (vbp) ==" % (len(r_lines), len(v_lines)))
        for d in shown:
            print("  DIFF " + d)
        if not member_diffs:
            print("  every member's contract, step, months and expenditure agree")

    r_rejects, v_rejects = read_ndjson(r_rej), read_ndjson(v_rej)
    print("\n(rejects: reference %d, vbp %d; outputs in %s)" % (len(r_rejects), len(v_rejects),
                                                              work))
    if diffs or member_diffs:
        print("DIFFERENCES FOUND")
        return 1
    print("AGREE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
