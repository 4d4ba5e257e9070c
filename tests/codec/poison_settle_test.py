#!/usr/bin/env python3
"""Issue 16, item 1, end to end: `vbp settle` over a data directory holding a claim with 65,536
lines and one with 65,536 diagnoses among normal records. Before the limits these aborted the
run (SIGABRT in engine/core/claim_arena.cc). Now each is rejected with its file:line, field and a
reason naming the limit, the run exits 0 as it does for any reject, the counts add up, and the
statements are byte for byte those of the same directory without the two claims.

usage: poison_settle_test.py VBP_BINARY INPUT_DIR   (Debian python3, standard library only)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def settle(vbp, data, out_dir):
    out = os.path.join(out_dir, "statements.json")
    rejects = os.path.join(out_dir, "rejects.ndjson")
    summary = os.path.join(out_dir, "summary.json")
    r = subprocess.run([vbp, "settle", "--data", data, "--out", out, "--rejects", rejects,
                        "--summary", summary], capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        sys.exit(f"vbp settle over {data} exited {r.returncode}\n{r.stdout}\n{r.stderr}")
    with open(out, "rb") as f:
        statements = f.read()
    with open(rejects) as f:
        reject_lines = [json.loads(line) for line in f if line.strip()]
    with open(summary) as f:
        counts = json.load(f)["counts"]
    return statements, reject_lines, counts


def main():
    vbp, input_dir = sys.argv[1], sys.argv[2]
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    with tempfile.TemporaryDirectory() as tmp:
        clean = os.path.join(tmp, "clean")
        poison = os.path.join(tmp, "poison")
        shutil.copytree(input_dir, clean)
        shutil.copytree(input_dir, poison)
        claims_path = os.path.join(poison, "claims.ndjson")
        with open(claims_path) as f:
            claims = [line for line in f if line.strip()]
        base = json.loads(claims[0])
        lines = json.loads(claims[0])
        lines["claim_id"] = "POISON-LINES"
        lines["paid_date"] = "2030-12-31"  # applied, it would move the default as-of
        lines["lines"] = [dict(base["lines"][0], line=n) for n in range(1, 65537)]
        diagnoses = json.loads(claims[0])
        diagnoses["claim_id"] = "POISON-DIAGNOSES"
        diagnoses["diagnoses"] = ["I10"] * 65536
        # Lines 2 and 4 of the file (1-based), between normal claims.
        claims.insert(1, json.dumps(lines) + "\n")
        claims.insert(3, json.dumps(diagnoses) + "\n")
        with open(claims_path, "w") as f:
            f.writelines(claims)
        os.makedirs(os.path.join(tmp, "out_clean"))
        os.makedirs(os.path.join(tmp, "out_poison"))
        s_clean, r_clean, c_clean = settle(vbp, clean, os.path.join(tmp, "out_clean"))
        s_poison, r_poison, c_poison = settle(vbp, poison, os.path.join(tmp, "out_poison"))

        # The figures are those of the run without the two claims; data quality reports them
        # (SPEC §6) wherever they count (their member's contract or their billing TIN's).
        def split(text):
            sts = json.loads(text)
            quality = [st.pop("data_quality") for st in sts]
            return sts, quality

        f_poison, q_poison = split(s_poison)
        f_clean, q_clean = split(s_clean)
        check(f_poison == f_clean, "figures differ from the run without the two claims")
        added = (sum(q["rejected_claim_records"] for q in q_poison)
                 - sum(q["rejected_claim_records"] for q in q_clean))
        check(0 <= added <= 2, f"{added} more rejected claim records on the statements")
        mine = {r["key"]: r for r in r_poison if r["key"].startswith("POISON")}
        check(len(r_poison) == len(r_clean) + 2, f"{len(r_poison)} rejects, want {len(r_clean) + 2}")
        want = {
            "POISON-LINES": ("claims.ndjson:2", "lines",
                             "too many lines: more than 9999 (at most 9999 per claim)"),
            "POISON-DIAGNOSES": ("claims.ndjson:4", "diagnoses",
                                 "too many diagnoses: more than 99 (at most 99 per claim)"),
        }
        for key, (source, field, reason) in want.items():
            r = mine.get(key)
            check(r is not None, f"no reject for {key}")
            if r is None:
                continue
            check(r["source"].endswith("/" + source), f"{key}: source {r['source']}, want .../{source}")
            check(r["kind"] == "claim", f"{key}: kind {r['kind']}")
            check(r["field"] == field, f"{key}: field {r['field']!r}, want {field!r}")
            check(r["reason"] == reason, f"{key}: reason {r['reason']!r}, want {reason!r}")
            check(json.loads(r["record"])["claim_id"] == key, f"{key}: the record is not kept whole")
        cc, cp = c_clean["claims"], c_poison["claims"]
        check(cp["read"] == cc["read"] + 2, f"claims read {cp['read']}, want {cc['read'] + 2}")
        check(cp["rejected"] == cc["rejected"] + 2, f"claims rejected {cp['rejected']}")
        check(cp["applied"] == cc["applied"] and cp["superseded"] == cc["superseded"],
              "applied or superseded claims changed")
        check(c_poison["claim_lines_read"] == c_clean["claim_lines_read"],
              "the rejected claims' lines were counted")
        for kind in ("claims", "members", "providers", "contracts"):
            k = c_poison[kind]
            check(k["applied"] + k["superseded"] + k["rejected"] == k["read"], f"{kind} do not add up")
    if failures:
        sys.exit("FAILED:\n  " + "\n  ".join(failures))
    print("ok: two poison claims rejected with file:line; statements and counts as without them")


if __name__ == "__main__":
    main()
