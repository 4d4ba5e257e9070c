#!/usr/bin/env python3
"""`vbp settle --format csv|fhir --roster` end to end (issue 14, item 5): a generated
population is settled once per format, and every figure of the CSV rows and of the FHIR
MeasureReport groups must equal the JSON statement's text exactly (FHIR numbers are read as
their literal text: parse_float=str). The roster is checked by an independent
route: its rows per contract must count the statement's assigned members and sum to its
pmpm_total. Prints 'N passed, N failed'."""
import argparse
import csv
import decimal
import json
import os
import subprocess
import sys
import tempfile

FIGURE_SYSTEM = "urn:vbp:fhir:statement-figure"


def run(vbp, *args):
    return subprocess.run([vbp, *args], capture_output=True, text=True, timeout=300)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vbp", required=True)
    a = ap.parse_args()
    checks = []

    def check(name, ok, detail=""):
        checks.append(ok)
        print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + detail))

    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        p = run(a.vbp, "generate", "--members", "400", "--seed", "3", "--out", data)
        if p.returncode != 0:
            print("FAIL generate: " + p.stderr)
            return 1
        out = {}
        for fmt in ("json", "csv", "fhir"):
            path = os.path.join(tmp, "statements." + fmt)
            args = ["settle", "--data", data, "--out", path, "--format", fmt, "--quiet"]
            if fmt == "csv":
                args += ["--roster", os.path.join(tmp, "roster.csv")]
            p = run(a.vbp, *args)
            check("settle --format " + fmt + " exits 0", p.returncode == 0, p.stderr)
            out[fmt] = path
        statements = json.load(open(out["json"]))
        check("statements were computed", len(statements) >= 2, str(len(statements)))
        by_id = {s["contract_id"]: s for s in statements}

        def flat(s):
            f = {k: v for k, v in s.items() if not isinstance(v, (dict, list))}
            f.update({k: v for k, v in s["data_quality"].items() if not isinstance(v, dict)})
            return f

        rows = list(csv.DictReader(open(out["csv"], newline="")))
        check("one CSV row per statement", len(rows) == len(statements))
        for row in rows:
            s = flat(by_id[row["contract_id"]])
            diffs = [k for k in row if k in s and str(s[k]) != row[k]]
            check("CSV row %s equals its statement" % row["contract_id"], not diffs, str(diffs))

        bundles = [json.loads(line, parse_float=str)
                   for line in open(out["fhir"]) if line.strip()]
        check("one FHIR Bundle per statement", len(bundles) == len(statements))
        for b in bundles:
            report = b["entry"][0]["resource"]
            s = flat(by_id[report["subject"]["identifier"]["value"]])
            diffs = []
            seen = 0
            for g in report["group"]:
                code = [c["code"] for c in g["code"]["coding"] if c["system"] == FIGURE_SYSTEM][0]
                score = g["measureScore"]
                value = score["extension"][0]["valueMoney"]["value"] if "extension" in score \
                    else score["value"]
                seen += 1
                if str(value) != str(s[code]):
                    diffs.append((code, str(value), s[code]))
            check("FHIR groups of %s equal its statement (%d figures)" %
                  (report["subject"]["identifier"]["value"], seen), not diffs and seen >= 20,
                  str(diffs))

        roster = list(csv.DictReader(open(os.path.join(tmp, "roster.csv"), newline="")))
        for s in statements:
            mine = [r for r in roster if r["contract_id"] == s["contract_id"]]
            pmpm = sum((decimal.Decimal(r["pmpm_total"]) for r in mine), decimal.Decimal("0.00"))
            check("roster of %s: %d members, pmpm %s" % (s["contract_id"], len(mine), pmpm),
                  len(mine) == s["assigned_members"] and str(pmpm) == s["pmpm_total"],
                  "statement: %d members, pmpm %s" % (s["assigned_members"], s["pmpm_total"]))
            steps = {r["step"] for r in mine}
            check("roster of %s names steps and units" % s["contract_id"],
                  steps <= {"0", "1", "2"} and all(r["unit"] for r in mine), str(steps))

        p = run(a.vbp, "settle", "--data", data, "--format", "xml", "--out", "-")
        check("an unknown --format exits 2 naming the formats", p.returncode == 2 and
              "json" in p.stderr and "fhir" in p.stderr, p.stderr)

    failed = checks.count(False)
    print("%d passed, %d failed" % (len(checks) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
