#!/usr/bin/env python3
"""settle(import(generate --format cclf)) == settle(generate NDJSON), figure for figure.

Generates one population twice (NDJSON and CCLF), imports the CCLF files, settles both
directories and compares every statement field. The only fields allowed to differ are the
data-quality counts of superseded claim records: the NDJSON population delivers some versions
twice and some out of order (each counted superseded), while CCLF holds each version once and
writes a replacement as a cancellation plus an adjustment (Packet 5.2.1), so the imported
claims have other superseded versions. Every money figure, member count, person-years and
quality figure must be equal. Exit 0 on success; prints each difference otherwise.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

# Fields of a statement that may legitimately differ (see the docstring).
ALLOWED = {".data_quality.superseded_claim_records"}


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed (%d): %s\n%s%s" % (p.returncode, " ".join(cmd), p.stdout, p.stderr))
    return p.stdout


def flat(x, path=""):
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            out.update(flat(v, path + "." + k))
        return out
    if isinstance(x, list):
        out = {}
        for i, v in enumerate(x):
            out.update(flat(v, "%s[%d]" % (path, i)))
        return out
    return {path: x}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vbp", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--members", default="300")
    ap.add_argument("--seed", default="7")
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    nd, cc, imp = (os.path.join(a.work, d) for d in ("ndjson", "cclf", "imported"))
    gen = [a.vbp, "generate", "--members", a.members, "--seed", a.seed, "--malformed-per-mille", "0"]
    run(gen + ["--out", nd])
    run(gen + ["--format", "cclf", "--out", cc])
    run([a.vbp, "import", "cclf", "--dir", cc, "--out", imp,
         "--contract", os.path.join(cc, "contracts.ndjson"),
         "--roster", os.path.join(cc, "providers.ndjson"),
         "--member-attributes", os.path.join(cc, "member_attributes.ndjson")])
    # Without the side files: no contract, providers from the claims, members from CCLF8 only.
    bare = os.path.join(a.work, "bare")
    out = run([a.vbp, "import", "cclf", "--dir", cc, "--out", bare])
    if "no contract written" not in out or os.path.exists(os.path.join(bare, "contracts.ndjson")):
        sys.exit("import without --contract: expected no contracts.ndjson\n" + out)
    report = json.load(open(os.path.join(imp, "IMPORT_REPORT.json")))
    problems = []
    for f in report["files"]:
        if f["rows_read"] != f["rows_mapped"] + f["rows_rejected"]:
            problems.append("counts do not add up: %s" % f)
        if f["rows_rejected"]:
            problems.append("rows rejected from generated CCLF: %s" % f)
    statements = {}
    for name, d in (("ndjson", nd), ("cclf", imp)):
        out = os.path.join(a.work, name + "_statements.json")
        run([a.vbp, "settle", "--data", d, "--out", out, "--quiet"])
        statements[name] = json.load(open(out))
    a_st, b_st = statements["ndjson"], statements["cclf"]
    if len(a_st) != len(b_st) or not a_st:
        problems.append("statement count %d vs %d" % (len(a_st), len(b_st)))
    compared = 0
    for sa, sb in zip(a_st, b_st):
        fa, fb = flat(sa), flat(sb)
        for k in sorted(set(fa) | set(fb)):
            compared += 1
            if fa.get(k) != fb.get(k) and k not in ALLOWED:
                problems.append("%s %s: ndjson %r, cclf %r" % (sa.get("contract_id"), k,
                                                               fa.get(k), fb.get(k)))
    for p in problems:
        print(p)
    if problems:
        return 1
    print("cclf round trip: %d statements, %d fields compared, equal except %s" %
          (len(a_st), compared, sorted(ALLOWED)))
    for s in a_st:
        print("  %s: members %s, expenditure %s, shared savings %s, losses %s, net %s" %
              (s["contract_id"], s["assigned_members"], s["expenditure_total"],
               s["shared_savings"], s["shared_losses"], s["net_payment"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
