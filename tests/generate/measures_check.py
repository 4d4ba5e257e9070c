#!/usr/bin/python3
"""CTest: the generated population exercises every shipped quality measure.

Generates a population, settles it with `vbp settle`, and for the contract scored from the
claims-based measures (`quality_source: "measures"`, the `below_msr` role) checks that

1. every shipped measure has a denominator > 0 and a rate strictly between 0 and 1;
2. the engine's tallies (statement `detail.quality`) equal tallies recomputed here from the
   generated NDJSON: the attributed members are read from `vbp settle --members`, the measure
   logic is the independent transcription of rules/quality/README.md in
   tests/hcc/tuva_crosscheck.py (value sets from ../shared/data/tuva-value-sets), applied to
   the effective claim versions paid by the run-out cutoff and the members' medicare_ffs
   coverage;
3. the data hold the cases the measures must handle: a member excluded for hospice known
   only from institutional claims (bill type 81x/82x, revenue 065x, discharge status 50/51);
   a direct transfer between two facilities counted as one index stay; a member who fails
   continuous enrollment because coverage starts inside the look-back; CPT II results that
   decide CBP (met and not met) and HbA1c (last result 3046F > 9%, and a result below 9%);
   the engine's HBA1C_POOR numerator equals the members whose last PY result is 3046F plus
   those without any result.

Standard library only; Debian's /usr/bin/python3.

Usage: measures_check.py --vbp VBP --shared ../shared/data --work DIR [--members N] [--seed S]
"""

import argparse
import collections
import datetime
import json
import os
import shutil
import subprocess
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hcc"))
import tuva_crosscheck as tc  # noqa: E402  (measure logic, transcribed from the README)

MEASURES = ("BCS", "CBP", "COL", "HBA1C_POOR", "READM30")
HBA1C = {"3046F": True, "3044F": False, "3051F": False, "3052F": False}
HOSPICE_CLAIMS = "Hospice (claims)"


def d(s):
    return datetime.date.fromisoformat(s)


def read_ndjson(path, skip):
    """(line number, object) of every line that parses and is not a listed malformed copy."""
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if n in skip:
                continue
            out.append((n, json.loads(line)))
    return out


class Person:
    pass


def load_people(data, manifest):
    """Members (last good record wins) with their effective claims paid by the cutoff."""
    skip = collections.defaultdict(set)
    for m in manifest["malformed"]:
        skip[m["file"]].add(m["line"])
    cutoff = d(manifest["runout_cutoff"])
    people = {}
    for _, m in read_ndjson(os.path.join(data, "members.ndjson"), skip["members.ndjson"]):
        p = Person()
        p.pid, p.birth = m["member_id"], d(m["birth_date"])
        p.sex = "female" if m["sex"] == "F" else "male"
        p.spans = [(d(c["from"]), d(c["through"])) for c in m["coverage"]
                   if c["program"] == "medicare_ffs"]
        p.claims = []
        people[p.pid] = p
    latest = {}
    for _, c in read_ndjson(os.path.join(data, "claims.ndjson"), skip["claims.ndjson"]):
        if c["claim_id"] not in latest or c["version"] > latest[c["claim_id"]]["version"]:
            latest[c["claim_id"]] = c
    for c in latest.values():
        if c["frequency"] == "void" or d(c["paid_date"]) > cutoff:
            continue
        people[c["member_id"]].claims.append(claim_of(c))
    return people


def claim_of(c):
    inst = c["claim_type"] == "institutional"
    return {"id": c["claim_id"], "type": c["claim_type"], "from": d(c["from_date"]),
            "through": d(c["through_date"]), "dx": [tc.canon(x) for x in c["diagnoses"]],
            "lines": [{"hcpcs": l.get("hcpcs", ""), "revenue": l.get("revenue_code", ""),
                       "date": d(l["service_date"])} for l in c["lines"]],
            "bill_type": c.get("bill_type", ""),
            "admission": d(c["admission_date"]) if c.get("admission_date") else None,
            "discharge": d(c["discharge_date"]) if c.get("discharge_date") else None,
            "status": c.get("discharge_status", ""),
            "facility": c.get("facility_npi") if inst else None,
            "drg": c.get("drg", ""), "px": [tc.canon(x) for x in c.get("procedures", [])]}


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def engine_tallies(statement):
    out = {}
    for m in statement["detail"]["quality"]["measures"]:
        t = m["tally"]
        out[m["measure_id"]] = (t["denominator"], t["exclusions"], t["numerator"])
    return out


def last_hba1c(p, py):
    """The member's last PY HbA1c reading by the measure's rule (lowest result on a day)."""
    by_day = collections.defaultdict(set)
    for c in p.claims:
        for l in c["lines"]:
            if l["hcpcs"] in HBA1C and l["date"].year == py:
                by_day[l["date"]].add(l["hcpcs"])
    if not by_day:
        return None
    codes = by_day[max(by_day)]
    return "3046F" if codes == {"3046F"} else "below 9%"


def bp_read(p, py):
    days = collections.defaultdict(set)
    for c in p.claims:
        for l in c["lines"]:
            if l["hcpcs"] in ("3074F", "3075F", "3077F", "3078F", "3079F", "3080F") and \
                    l["date"].year == py:
                days[l["date"]].add(l["hcpcs"][:4] in ("3074", "3075", "3077"))
    return any(len(v) == 2 for v in days.values())  # a systolic and a diastolic on one day


def transfer_stays(p, py):
    """Index stays (discharged in the PY) made of pieces at different facilities joined by a
    direct transfer (admission on the discharge day or the next)."""
    pieces = sorted((c for c in p.claims if c["type"] == "institutional"
                     and c["bill_type"].lstrip("0").startswith("11")),
                    key=lambda c: (c["admission"] or c["from"], c["id"]))
    n = 0
    for a, b in zip(pieces, pieces[1:]):
        gap = ((b["admission"] or b["from"]) - (a["discharge"] or a["through"])).days
        if 0 <= gap <= 1 and a["facility"] != b["facility"] and \
                (b["discharge"] or b["through"]).year == py:
            n += 1
    return n


def explain(vbp, data, pid, cid):
    """The engine's own per-member measure results (`vbp explain --member`)."""
    out = subprocess.run([vbp, "explain", "--data", data, "--member", pid, "--contract", cid,
                          "--format", "json"], check=True, capture_output=True, text=True)
    ev = json.loads(out.stdout)["evaluations"][0]
    return {m["measure_id"]: m for m in ev["quality_measures"]["measures"]}


def engine_transfer_stays(measures, claims_by_id):
    """READM30 index stays the engine built from claims of two or more facilities."""
    n = 0
    for stay in measures["READM30"].get("stays", []):
        facilities = {claims_by_id[c]["facility"] for c in stay["claim_ids"]}
        if stay["index"] and len(stay["claim_ids"]) >= 2 and len(facilities) >= 2:
            n += 1
    return n


def lookback_start(mid, py):
    start = datetime.date(py, 1, 1)
    return {"BCS": tc.add_months(start, -15), "COL": tc.add_months(start, -12)}.get(mid, start)


def late_coverage(p, py):
    """Measures whose age/sex band the member is in but whose enrollment window begins before
    the member's first covered day (coverage starts inside the look-back)."""
    if not p.spans:
        return []
    first = min(a for a, _ in p.spans)
    age = tc.age_on(p.birth, datetime.date(py, 12, 31))
    bands = {"BCS": 52 <= age <= 74 and p.sex == "female", "COL": 46 <= age <= 75,
             "CBP": 18 <= age <= 85, "HBA1C_POOR": 18 <= age <= 75}
    return [mid for mid, ok in bands.items()
            if ok and lookback_start(mid, py) < first <= datetime.date(py, 12, 31)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vbp", required=True)
    ap.add_argument("--shared", required=True, help="../shared/data (tuva-value-sets)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--members", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    data = os.path.join(args.work, "data")
    st_path = os.path.join(args.work, "statements.json")
    mem_path = os.path.join(args.work, "members.ndjson")
    run([args.vbp, "generate", "--members", str(args.members), "--seed", str(args.seed),
         "--quality-measures", "--out", data])
    run([args.vbp, "settle", "--data", data, "--out", st_path, "--members", mem_path, "--quiet"])
    with open(os.path.join(data, "MANIFEST.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    py = manifest["performance_year"]
    roles = {c["contract_id"]: c["role"] for c in manifest["contracts"]}
    with open(st_path, encoding="utf-8") as f:
        statements = json.load(f)
    failures = []

    def check(ok, what):
        print(("  ok    " if ok else "  FAIL  ") + what)
        if not ok:
            failures.append(what)

    scored = [s for s in statements if s["detail"].get("quality_source") == "measures"]
    check(len(scored) == 1 and roles.get(scored[0]["contract_id"]) == "below_msr",
          "exactly one contract (below_msr) takes q from the measures")
    if not scored:
        return 1
    st = scored[0]
    cid = st["contract_id"]
    check(st["detail"]["outcome"] == "savings_below_msr" and st["shared_savings"] == "0.00",
          "%s: savings below the MSR, shared savings 0.00 whatever q (%s)" % (
              cid, st["quality_score"]))
    engine = engine_tallies(st)
    print("seed %d, %d members, contract %s (%d attributed), q %s" % (
        args.seed, args.members, cid, st["assigned_members"], st["detail"]["quality"]["q"]))

    # 1. Non-degenerate rates.
    for mid in MEASURES:
        den, exc, num = engine.get(mid, (0, 0, 0))
        rate = F(num, den - exc) if den - exc > 0 else None
        check(den > 0 and rate is not None and 0 < rate < 1,
              "%-10s denominator %d, exclusions %d, numerator %d, rate %s" % (
                  mid, den, exc, num, "-" if rate is None else "%.4f" % rate))

    # 2. The same tallies, recomputed independently.
    people = load_people(data, manifest)
    vs = tc.load_value_sets(args.shared)
    attributed = set()
    with open(mem_path, encoding="utf-8") as f:
        for line in f:
            m = json.loads(line)
            if m.get("contract_id") == cid and cid in m.get("contracts_evaluated", [cid]):
                attributed.add(m["member_id"])
    check(len(attributed) == st["assigned_members"],
          "member detail lists the %d attributed members" % st["assigned_members"])
    ours = {mid: [0, 0, 0] for mid in MEASURES}
    results = {}
    for pid in sorted(attributed):
        results[pid] = tc.member_measures(people[pid], py, vs)
        for mid in MEASURES:
            r = results[pid][mid]
            for k, key in enumerate(("denominator", "exclusions", "numerator")):
                ours[mid][k] += r[key]
    for mid in MEASURES:
        check(tuple(ours[mid]) == engine.get(mid),
              "%-10s recomputed %s = engine %s" % (mid, tuple(ours[mid]), engine.get(mid)))

    # 3. The cases the measures must handle.
    hospice = [(pid, mid) for pid, r in results.items() for mid in MEASURES[:4]
               if r[mid]["status"] == "excluded"
               and tc.has(tc.facts_of(people[pid]), vs, [HOSPICE_CLAIMS],
                          datetime.date(py, 1, 1), datetime.date(py, 12, 31))
               and not tc.has(tc.facts_of(people[pid]), vs,
                              ["Hospice Encounter", "Hospice Care Ambulatory"],
                              datetime.date(py, 1, 1), datetime.date(py, 12, 31))]
    check(len(hospice) > 0, "%d member-measures excluded for hospice known only from "
          "institutional claims (e.g. %s)" % (len(hospice), hospice[:2]))
    transfers = {pid: transfer_stays(people[pid], py) for pid in attributed}
    transfers = {pid: n for pid, n in transfers.items() if n}
    check(len(transfers) > 0, "%d attributed members with a PY direct transfer between two "
          "facilities (e.g. %s)" % (len(transfers), sorted(transfers)[:2]))
    one_stay = 0
    for pid in sorted(transfers)[:3]:
        by_id = {c["id"]: c for c in people[pid].claims}
        one_stay += engine_transfer_stays(explain(args.vbp, data, pid, cid), by_id)
    check(one_stay > 0, "vbp explain: %d index stays made of a transfer between two facilities "
          "(one stay, the second admission no readmission)" % one_stay)
    reasons = [explain(args.vbp, data, pid, cid)[mid]["reason"] for pid, mid in hospice[:2]]
    check(bool(reasons) and all("hospice" in r for r in reasons),
          "vbp explain gives the reason: %s" % reasons)
    late = [(pid, mid) for pid in sorted(attributed) for mid in late_coverage(people[pid], py)
            if results[pid][mid]["status"] == "not_in_denominator"]
    check(len(late) > 0, "%d member-measures not in the denominator because coverage starts "
          "inside the look-back (e.g. %s)" % (len(late), late[:2]))
    cbp = collections.Counter()
    hba1c = collections.Counter()
    for pid, r in results.items():
        p = people[pid]
        if r["CBP"]["status"] in ("met", "not_met"):
            cbp[(r["CBP"]["status"], bp_read(p, py))] += 1
        if r["HBA1C_POOR"]["status"] in ("met", "not_met"):
            hba1c[last_hba1c(p, py)] += 1
    check(cbp[("met", True)] > 0 and cbp[("not_met", True)] > 0,
          "CBP decided by CPT II readings: %d met, %d not met with a reading, %d without" % (
              cbp[("met", True)], cbp[("not_met", True)], cbp[("not_met", False)]))
    check(hba1c["3046F"] > 0 and hba1c["below 9%"] > 0,
          "HbA1c decided by CPT II results: last 3046F %d, below 9%% %d, no result %d" % (
              hba1c["3046F"], hba1c["below 9%"], hba1c[None]))
    check(hba1c["3046F"] + hba1c[None] == engine["HBA1C_POOR"][2],
          "HBA1C_POOR numerator %d = last result 3046F (%d) + no result (%d)" % (
              engine["HBA1C_POOR"][2], hba1c["3046F"], hba1c[None]))

    print("FAILED" if failures else "PASSED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
