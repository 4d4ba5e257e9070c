#!/usr/bin/python3
"""Independent cross-check of vbp_hcc and vbp_quality on the Tuva synthetic claims.

Runs the C++ driver (tests/hcc/tuva_dump.cc), which prints the engine's CMS-HCC scores and
quality-measure results for the 10 Tuva persons as JSON, recomputes the same figures here from
the raw CSVs in ../shared/data (never from the engine's derived tables or measure documents),
and fails on any difference. Standard library only (csv, fractions, json, subprocess).

The Tuva -> domain mapping is described at the top of tuva_dump.cc; this script implements it
again on its own. The measure logic below is a hand transcription of rules/quality/README.md,
and the HCC logic of rules/hcc/README.md, written against the source CSV columns.

Usage: tuva_crosscheck.py --driver <vbp_tuva_dump> --shared <../shared/data>
"""

import argparse
import collections
import csv
import datetime
import json
import os
import subprocess
import sys
from fractions import Fraction as F


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def d(s):
    return datetime.date.fromisoformat(s)


def add_months(day, n):
    m = day.month - 1 + n
    y = day.year + m // 12
    m = m % 12 + 1
    last = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][m - 1]
    return datetime.date(y, m, min(day.day, last))


def age_on(birth, on):
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def dual_code(s):
    if s.endswith(".0"):
        s = s[:-2]
    return s.zfill(2) if len(s) == 1 else s


def canon(code):
    return code.replace(".", "").upper()


# --------------------------------------------------------------------------------------------
# Input mapping
# --------------------------------------------------------------------------------------------

class Person:
    def __init__(self, pid):
        self.pid = pid
        self.rows = []       # eligibility rows
        self.claims = []     # dicts


def load_persons(shared):
    base = os.path.join(shared, "tuva-synthetic-claims")
    persons = {}
    for r in read_csv(os.path.join(base, "eligibility.csv")):
        persons.setdefault(r["person_id"], Person(r["person_id"])).rows.append(r)
    for p in persons.values():
        first = p.rows[0]
        p.birth = d(first["birth_date"])
        p.sex = first["gender"]
        p.spans = [(d(r["enrollment_start_date"]), d(r["enrollment_end_date"])) for r in p.rows]
        last = max(p.rows, key=lambda r: d(r["enrollment_end_date"]))
        p.orec = last["original_reason_entitlement_code"]
        p.esrd_rows = [r["medicare_status_code"] == "31" for r in p.rows]
    by_claim = collections.defaultdict(list)
    for r in read_csv(os.path.join(base, "medical_claim.csv")):
        by_claim[r["claim_id"]].append(r)
    for cid, rows in by_claim.items():
        rows.sort(key=lambda r: int(r["claim_line_number"]))
        h = rows[0]
        dx = []
        for i in range(1, 26):
            code = h["diagnosis_code_%d" % i]
            if code and code not in dx:
                dx.append(code)
        lines = []
        for r in rows:
            lines.append({"line": int(r["claim_line_number"]), "hcpcs": r["hcpcs_code"],
                          "revenue": r["revenue_center_code"],
                          "date": d(r["claim_line_start_date"] or r["claim_start_date"])})
        adm = next((d(r["admission_date"]) for r in rows if r["admission_date"]), None)
        dis = next((d(r["discharge_date"]) for r in rows if r["discharge_date"]), None)
        c = {"id": cid, "type": h["claim_type"], "from": d(h["claim_start_date"]),
             "through": d(h["claim_end_date"]), "dx": [canon(x) for x in dx], "lines": lines,
             "bill_type": h["bill_type_code"], "admission": adm, "discharge": dis,
             "status": h["discharge_disposition_code"], "facility": h["facility_npi"],
             "drg": h["drg_code"],
             "px": [canon(h["procedure_code_%d" % i]) for i in range(1, 26)
                    if h["procedure_code_%d" % i]]}
        persons[h["person_id"]].claims.append(c)
    return persons


def reference_row(p, on):
    covering = [r for r in p.rows
                if d(r["enrollment_start_date"]) <= on <= d(r["enrollment_end_date"])]
    if covering:
        return max(covering, key=lambda r: d(r["enrollment_start_date"]))
    before = [r for r in p.rows if d(r["enrollment_end_date"]) < on]
    if before:
        return max(before, key=lambda r: d(r["enrollment_end_date"]))
    return min(p.rows, key=lambda r: d(r["enrollment_start_date"]))


# --------------------------------------------------------------------------------------------
# CMS-HCC from the Tuva seed CSVs
# --------------------------------------------------------------------------------------------

class HccSource:
    def __init__(self, shared):
        vs = os.path.join(shared, "tuva-value-sets")
        self.mapping = collections.defaultdict(set)  # (model, year, code) -> {hcc}
        for r in read_csv(os.path.join(vs, "cms_hcc__icd_10_cm_mappings.csv")):
            year = int(r["payment_year"])
            # 2019 also lists a copy of the 2024 mapping (the rows with V28 columns filled).
            if year == 2019 and r["cms_hcc_v28_flag"]:
                continue
            for model, col in (("CMS-HCC-V24", "cms_hcc_v24"), ("CMS-HCC-V28", "cms_hcc_v28")):
                if r[col]:
                    self.mapping[(model, year, r["diagnosis_code"])].add(int(r[col]))
        self.cpt = collections.defaultdict(set)
        for r in read_csv(os.path.join(vs, "cms_hcc__cpt_hcpcs.csv")):
            if r["included_flag"] == "yes":
                self.cpt[int(r["payment_year"])].add(r["hcpcs_cpt_code"])
        self.demo = read_csv(os.path.join(vs, "cms_hcc__demographic_factors.csv"))
        self.disease = read_csv(os.path.join(vs, "cms_hcc__disease_factors.csv"))
        self.inter = read_csv(os.path.join(vs, "cms_hcc__disease_interaction_factors.csv"))
        self.dis_inter = read_csv(os.path.join(vs, "cms_hcc__disabled_interaction_factors.csv"))
        self.counts = read_csv(os.path.join(vs, "cms_hcc__payment_hcc_count_factors.csv"))
        self.hier = collections.defaultdict(set)
        for r in read_csv(os.path.join(vs, "cms_hcc__disease_hierarchy.csv")):
            self.hier[(r["model_version"], int(r["hcc_code"]))].add(int(r["hccs_to_exclude"]))


OUTPATIENT = {"12", "13", "43", "71", "73", "76", "77", "85"}


def hcc_age_group(age, new):
    bounds = [(34, "0-34"), (44, "35-44"), (54, "45-54"), (59, "55-59"), (64, "60-64")]
    for hi, g in bounds:
        if age <= hi:
            return g
    if age <= 69:
        return str(age) if new else "65-69"
    for hi, g in [(74, "70-74"), (79, "75-79"), (84, "80-84"), (89, "85-89"), (94, "90-94")]:
        if age <= hi:
            return g
    return ">=95"


ORIGINALLY_DISABLED = {
    ("CMS-HCC-V24", "CNA", "Female"): "0.250", ("CMS-HCC-V24", "CNA", "Male"): "0.147",
    ("CMS-HCC-V24", "CFA", "Female"): "0.173", ("CMS-HCC-V24", "CFA", "Male"): "0.182",
    ("CMS-HCC-V24", "CPA", "Female"): "0.136", ("CMS-HCC-V24", "CPA", "Male"): "0.083",
    ("CMS-HCC-V28", "CNA", "Female"): "0.228", ("CMS-HCC-V28", "CNA", "Male"): "0.135",
    ("CMS-HCC-V28", "CFA", "Female"): "0.160", ("CMS-HCC-V28", "CFA", "Male"): "0.158",
    ("CMS-HCC-V28", "CPA", "Female"): "0.103", ("CMS-HCC-V28", "CPA", "Male"): "0.075",
}


def hcc_score(src, p, py, weights, norms, period):
    """weights/norms: {model: Fraction}; period: (first, last)."""
    age_date = datetime.date(py, 2, 1)
    ref = reference_row(p, age_date)
    if ref["medicare_status_code"] == "31":
        return {"scored": False}
    dc = dual_code(ref["dual_status_code"])
    dual = "Full" if dc in ("02", "04", "08") else "Partial" if dc in ("01", "03", "05", "06") \
        else "Non"
    inst = ref["long_term_institutional_flag"] == "1"
    age = age_on(p.birth, age_date)
    # New enrollee: fewer than 12 months of the period with their first day covered.
    months = 0
    m = datetime.date(period[0].year, period[0].month, 1)
    while m <= period[1]:
        if m >= period[0] and any(a <= m <= b for a, b in p.spans):
            months += 1
        m = add_months(m, 1)
    new = months < 12
    origdis = p.orec == "1"
    sex = {"female": "Female", "male": "Male"}[p.sex]
    # The eligible CPT/HCPCS list of each service's year of service (issue 19 item 2): the
    # latest list not after that year, else the earliest list.
    def eligible(hcpcs, day):
        years = [y for y in src.cpt if y <= day.year]
        return hcpcs in src.cpt[max(years) if years else min(src.cpt)]
    models = [mv for mv in ("CMS-HCC-V24", "CMS-HCC-V28") if weights[mv] > 0]

    def maps(code):
        return {mv: src.mapping.get((mv, py, code), set()) for mv in models}

    diagnoses = set()
    for c in p.claims:
        if not c["dx"]:
            continue
        if c["type"] == "professional":
            ok = any(period[0] <= l["date"] <= period[1] and eligible(l["hcpcs"], l["date"])
                     for l in c["lines"])
        else:
            if not (period[0] <= c["through"] <= period[1]):
                continue
            bt = c["bill_type"][1:] if len(c["bill_type"]) == 4 and c["bill_type"][0] == "0" \
                else c["bill_type"]
            if bt[:2] in ("11", "41"):
                ok = True
            elif bt[:2] in OUTPATIENT:
                ok = any(eligible(l["hcpcs"], l["date"]) for l in c["lines"])
            else:
                ok = False
        if ok:
            for code in c["dx"]:
                if any(maps(code).values()):
                    diagnoses.add(code)

    out = {"scored": True, "age": age, "new_enrollee": new, "diagnoses": sorted(diagnoses),
           "models": {}}
    blended = F(0)
    for mv in models:
        factors = {}
        if new:
            med = "Yes" if dual != "Non" else "No"
            orec = "Disabled" if (origdis and age >= 65) else "Aged"
            group = hcc_age_group(age, True)
            rows = [r for r in src.demo if r["model_version"] == mv and
                    r["enrollment_status"] == "New" and r["plan_segment"] == "" and
                    r["gender"] == sex and r["age_group"] == group and
                    r["medicaid_status"] == med and r["orec"] == orec]
            assert len(rows) == 1, rows
            factors["NE_" + sex[0] + group] = F(rows[0]["coefficient"])
            segment, kept, dropped = "NE", [], []
        else:
            if inst:
                key = ("", "", "", "Yes")
                segment = "INS"
            else:
                # CMS: DISABL = (age < 65) * (OREC != 0)
                orec = "Disabled" if age < 65 and p.orec != "0" else "Aged"
                key = ("No" if dual == "Non" else "Yes", dual, orec, "No")
                segment = {"Non": "CN", "Full": "CF", "Partial": "CP"}[dual] + orec[0]

            def seg(r):
                return (r["medicaid_status"], r["dual_status"], r["orec"],
                        r["institutional_status"]) == key

            group = hcc_age_group(age, False)
            rows = [r for r in src.demo if r["model_version"] == mv and
                    r["enrollment_status"] == "Continuing" and r["gender"] == sex and
                    r["age_group"] == group and seg(r)]
            assert len(rows) == 1, (mv, key, group, rows)
            factors[sex[0] + group] = F(rows[0]["coefficient"])
            present = set()
            for code in diagnoses:
                present |= maps(code)[mv]
            # Hierarchies in HCC order, as CMS's software applies them: an HCC already
            # dropped drops nothing (issue 19 item 3).
            dropped = set()
            for t in sorted(present):
                if t not in dropped:
                    dropped |= src.hier[(mv, t)] & present
            dropped = sorted(dropped)
            kept = sorted(present - set(dropped))
            for h in kept:
                coef = [r["coefficient"] for r in src.disease if r["model_version"] == mv and
                        int(r["hcc_code"]) == h and seg(r)]
                factors["HCC%d" % h] = F(coef[0]) if coef else F(0)
            applied = {}
            for r in src.inter:
                if r["model_version"] == mv and seg(r) and \
                        int(r["hcc_code_1"]) in kept and int(r["hcc_code_2"]) in kept:
                    applied[r["short_name"]] = F(r["coefficient"])
            factors.update(applied)
            if inst and age < 65:
                for r in src.dis_inter:
                    if r["model_version"] == mv and int(r["hcc_code"]) in kept:
                        factors[r["short_name"]] = F(r["coefficient"])
            n = len(kept)
            if n:
                label = ">=10" if n >= 10 else str(n)
                rows = [r for r in src.counts if r["model_version"] == mv and seg(r) and
                        r["payment_hcc_count"] == label]
                if rows:
                    factors["D10P" if n >= 10 else "D%d" % n] = F(rows[0]["coefficient"])
            # CMS: ORIGDS = (OREC = 1) * (DISABL = 0), aged community segments only; the
            # coefficients of CMS's V24/V28 hcccoefn files (hccpy b2e3c83), typed in here.
            if not inst and origdis and age >= 65:
                od = ORIGINALLY_DISABLED[(mv, segment, sex)]
                factors["OriginallyDisabled_" + sex] = F(od)
        raw = sum(factors.values(), F(0))
        blended += weights[mv] * raw / norms[mv]
        out["models"][mv] = {"segment": segment, "raw": raw, "kept": kept, "dropped": dropped,
                             "factors": factors}
    out["score_exact"] = blended  # coding adjustment 0 in every configuration
    out["score"] = F((blended * 1000 + F(1, 2)).numerator // (blended * 1000 + F(1, 2)).denominator,
                     1000)
    return out


# --------------------------------------------------------------------------------------------
# Quality measures
# --------------------------------------------------------------------------------------------

PROJECT_CODES = {
    # transcribed from rules/quality/README.md (sources there)
    "Mammography (HCPCS before 2017)": {("hcpcs", c) for c in ("G0202", "G0204", "G0206")},
    "FOBT and FIT (claims)": {("hcpcs", c) for c in ("82270", "82274", "G0328")},
    "CT Colonography (claims)": {("hcpcs", c) for c in ("74261", "74262", "74263")},
    "sDNA FIT (claims)": {("hcpcs", "81528")},
    "Planned readmission principal diagnoses (simplified)":
        {("icd-10-cm", c) for c in ("Z5111", "Z5112", "Z5189")},
    # hospice from institutional claims: type of bill 81x/82x, revenue 065x, discharge to hospice
    "Hospice (claims)": {("bill-type", "81"), ("bill-type", "82"), ("discharge-status", "50"),
                         ("discharge-status", "51")} |
                        {("revenue", "065%d" % i) for i in range(10)},
}


EXPANSION_SYSTEMS = {"ICD10CM": "icd-10-cm", "ICD10PCS": "icd-10-pcs", "CPT": "hcpcs",
                     "HCPCS Level II": "hcpcs"}


def load_value_sets(shared):
    """A value set the VSAC expansion file holds (eCQM Update 2022-05-05) is its expansion's
    claim codes exactly; the others are the Tuva seed's (quality_measures__value_sets.csv)."""
    base = os.path.join(shared, "tuva-value-sets")
    expansion = collections.defaultdict(set)
    for r in read_csv(os.path.join(base, "quality_measures__value_set_codes.csv")):
        if r["expansionversion"] == "eCQM Update 2022-05-05" and \
                r["codesystemname"] in EXPANSION_SYSTEMS:
            expansion[r["valuesetname"].strip()].add(
                (EXPANSION_SYSTEMS[r["codesystemname"]], canon(r["code"].strip())))
    vs = collections.defaultdict(set)
    for r in read_csv(os.path.join(base, "quality_measures__value_sets.csv")):
        name = r["concept_name"].strip()
        if name not in expansion and r["code_system"] in ("icd-10-cm", "icd-10-pcs", "hcpcs"):
            vs[name].add((r["code_system"], canon(r["code"].strip())))
    vs.update(expansion)
    for name, codes in PROJECT_CODES.items():
        vs[name] |= codes
    return vs


def facts_of(p):
    out = []
    for c in p.claims:
        for l in c["lines"]:
            if l["hcpcs"]:
                out.append(("hcpcs", canon(l["hcpcs"]), l["date"], c["id"], False))
            if l["revenue"]:
                out.append(("revenue", l["revenue"].zfill(4), l["date"], c["id"], False))
        for i, code in enumerate(c["dx"]):
            out.append(("icd-10-cm", code, c["through"], c["id"], i == 0))
        if c["type"] == "institutional":
            for px in c["px"]:
                out.append(("icd-10-pcs", px, c["through"], c["id"], False))
            bt = c["bill_type"][1:] if len(c["bill_type"]) == 4 and c["bill_type"][0] == "0" \
                else c["bill_type"]
            if len(bt) >= 2:
                out.append(("bill-type", bt[:2], c["through"], c["id"], False))
            if c["status"]:
                out.append(("discharge-status", c["status"].zfill(2), c["through"], c["id"],
                            False))
    return out


def has(facts, vs, names, first, last, min_claims=1):
    claims = {f[3] for f in facts for n in names
              if (first is None or f[2] >= first) and f[2] <= last and (f[0], f[1]) in vs[n]}
    return len(claims) >= min_claims


def enrolled(p, first, last, max_gap=45, per_year=1, no_gaps_through=None):
    if not any(a <= last <= b for a, b in p.spans):
        return False
    spans = sorted((max(a, first), min(b, last)) for a, b in p.spans if a <= last and b >= first)
    gaps, cur = [], first
    for a, b in spans:
        if a > cur:
            gaps.append((cur, a - datetime.timedelta(days=1)))
        cur = max(cur, b + datetime.timedelta(days=1))
    if cur <= last:
        gaps.append((cur, last))
    years = collections.Counter()
    for a, b in gaps:
        if no_gaps_through is not None and a <= no_gaps_through:
            return False
        if (b - a).days + 1 > max_gap:
            return False
        years[a.year] += 1
        if years[a.year] > per_year:
            return False
    return True


def common_exclusion(facts, vs, age, py):
    s, e = datetime.date(py, 1, 1), datetime.date(py, 12, 31)
    if has(facts, vs, ["Hospice Encounter", "Hospice Care Ambulatory", "Hospice (claims)"], s, e):
        return True
    if has(facts, vs, ["Palliative Care Encounter", "Palliative Care Diagnosis"], s, e):
        return True
    if age >= 66 and has(facts, vs, ["Frailty Encounter", "Frailty Diagnosis", "Frailty Symptom"],
                         s, e) and has(facts, vs, ["Advanced Illness"],
                                       datetime.date(py - 1, 1, 1), e):
        return True
    if age >= 66 and has(facts, vs, ["Institutional special needs plans (snp) or residing in "
                                     "long-term care"], s, e):
        return True
    return False


def last_result(facts, py, components, prefer_met, no_result_met):
    """components: list of {code: met}. Returns met."""
    by_day = collections.defaultdict(lambda: [set() for _ in components])
    for f in facts:
        if f[0] == "hcpcs" and f[2].year == py:
            for i, comp in enumerate(components):
                if f[1] in comp:
                    by_day[f[2]][i].add(comp[f[1]])
    for day in sorted(by_day, reverse=True):
        results = by_day[day]
        if all(results):
            return all((prefer_met if prefer_met in r else not prefer_met) for r in results)
    return no_result_met


def member_measures(p, py, vs):
    facts = facts_of(p)
    end = datetime.date(py, 12, 31)
    start = datetime.date(py, 1, 1)
    age = age_on(p.birth, end)
    out = {}

    def result(in_pop, excluded, met, inverse=False):
        if not in_pop:
            return {"status": "not_in_denominator", "denominator": 0, "exclusions": 0,
                    "numerator": 0, "gap": False}
        if excluded:
            return {"status": "excluded", "denominator": 1, "exclusions": 1, "numerator": 0,
                    "gap": False}
        return {"status": "met" if met else "not_met", "denominator": 1, "exclusions": 0,
                "numerator": 1 if met else 0, "gap": met if inverse else not met}

    # BCS
    w = add_months(start, -15)
    # HEDIS BCS: no gap at all from October 1 through December 31 two years before the PY
    pop = 52 <= age <= 74 and p.sex == "female" and \
        enrolled(p, w, end, no_gaps_through=datetime.date(py - 2, 12, 31))
    excl = common_exclusion(facts, vs, age, py) or \
        has(facts, vs, ["Bilateral Mastectomy", "History of bilateral mastectomy"], None, end) or \
        (has(facts, vs, ["Unilateral Mastectomy Left", "Status Post Left Mastectomy"], None, end)
         and has(facts, vs, ["Unilateral Mastectomy Right", "Status Post Right Mastectomy"],
                 None, end))
    met = has(facts, vs, ["Mammography", "Mammography (HCPCS before 2017)"], w, end)
    out["BCS"] = result(pop, excl, met)
    # COL
    pop = 46 <= age <= 75 and enrolled(p, add_months(start, -12), end)  # CMS130v11
    excl = common_exclusion(facts, vs, age, py) or \
        has(facts, vs, ["Malignant Neoplasm of Colon"], None, end) or \
        has(facts, vs, ["Total Colectomy"], None, end)
    met = (has(facts, vs, ["Colonoscopy"], add_months(start, -108), end) or
           has(facts, vs, ["Flexible Sigmoidoscopy"], add_months(start, -48), end) or
           has(facts, vs, ["CT Colonography (claims)"], add_months(start, -48), end) or
           has(facts, vs, ["sDNA FIT (claims)"], add_months(start, -24), end) or
           has(facts, vs, ["FOBT and FIT (claims)"], start, end))
    out["COL"] = result(pop, excl, met)
    # HbA1c poor control (inverse)
    pop = 18 <= age <= 75 and enrolled(p, start, end) and \
        has(facts, vs, ["Diabetes"], add_months(start, -12), end)
    excl = common_exclusion(facts, vs, age, py)
    met = last_result(facts, py, [{"3046F": True, "3044F": False, "3051F": False,
                                   "3052F": False}], False, True)
    out["HBA1C_POOR"] = result(pop, excl, met, inverse=True)
    # CBP
    pop = 18 <= age <= 85 and enrolled(p, start, end) and \
        has(facts, vs, ["Essential Hypertension"], add_months(start, -12),
            datetime.date(py, 6, 30))
    excl = common_exclusion(facts, vs, age, py) or \
        has(facts, vs, ["End Stage Renal Disease", "Chronic Kidney Disease, Stage 5",
                        "Kidney Transplant", "Kidney Transplant Recipient", "Dialysis Services",
                        "ESRD Monthly Outpatient Services"], None, end) or \
        has(facts, vs, ["Pregnancy"], start, end) or \
        (age >= 81 and has(facts, vs, ["Frailty Encounter", "Frailty Diagnosis",
                                       "Frailty Symptom"], start, end))  # CMS165v11
    met = last_result(facts, py, [{"3074F": True, "3075F": True, "3077F": False},
                                  {"3078F": True, "3079F": True, "3080F": False}], True, False)
    out["CBP"] = result(pop, excl, met)
    out["READM30"] = readmissions(p, py, vs, age)
    return out


PLANNED_DRGS = {"001", "002", "005", "006", "007", "008", "010", "014", "016", "017", "652",
                "837", "838", "839", "846", "847", "848", "945", "946"}


def readmissions(p, py, vs, age):
    empty = {"status": "not_in_denominator", "denominator": 0, "exclusions": 0, "numerator": 0,
             "gap": False}
    if age < 18:
        return empty
    pieces = []
    for c in p.claims:
        bt = c["bill_type"]
        if len(bt) == 4 and bt[0] == "0":
            bt = bt[1:]
        if c["type"] != "institutional" or not bt.startswith("11"):
            continue
        pieces.append({"id": c["id"], "adm": c["admission"] or c["from"],
                       "dis": c["discharge"] or c["through"], "fac": c["facility"],
                       "status": c["status"], "drg": c["drg"],
                       "principal": c["dx"][0] if c["dx"] else "", "px": c["px"],
                       "freq": bt[2] if len(bt) >= 3 else "1"})
    pieces.sort(key=lambda x: (x["adm"], x["dis"], x["id"]))
    stays = []
    for pc in pieces:
        if stays:
            s = stays[-1]
            gap = (pc["adm"] - s["dis"]).days
            if pc["adm"] < s["dis"] or \
                    (pc["freq"] in "34" and pc["fac"] == s["fac"] and gap <= 1) or \
                    0 <= gap <= 1:  # HEDIS PCR direct transfer, any facility
                s["pieces"].append(pc)
                if pc["dis"] >= s["dis"]:
                    s["dis"], s["fac"], s["status"] = pc["dis"], pc["fac"], pc["status"]
                continue
        stays.append({"adm": pc["adm"], "dis": pc["dis"], "fac": pc["fac"],
                      "status": pc["status"], "pieces": [pc]})

    def planned(s):
        if any(pc["drg"] in PLANNED_DRGS for pc in s["pieces"]):
            return True
        if ("icd-10-cm", s["pieces"][0]["principal"]) in \
                vs["Planned readmission principal diagnoses (simplified)"]:
            return True
        return any(("icd-10-pcs", px) in vs["Kidney Transplant"]
                   for pc in s["pieces"] for px in pc["px"])

    den = exc = num = 0
    for i, s in enumerate(stays):
        if s["dis"].year != py:
            continue
        den += 1
        if s["status"] in ("20", "07"):
            exc += 1
            continue
        if i + 1 < len(stays):
            days = (stays[i + 1]["adm"] - s["dis"]).days
            if 0 <= days <= 30 and not planned(stays[i + 1]):
                num += 1
    if den == 0:
        return empty
    status = "excluded" if den == exc else ("met" if num else "not_met")
    return {"status": status, "denominator": den, "exclusions": exc, "numerator": num,
            "gap": num > 0}


def score_contract(tallies):
    """Deciles i/10 (higher is better) or (11-i)/10 (lower), points i, min denominator 1."""
    inverse = {"HBA1C_POOR", "READM30"}
    res, total, weight = {}, F(0), 0
    for mid, t in tallies.items():
        elig = t["denominator"] - t["exclusions"]
        pts, scored = F(0), False
        if elig >= 1:
            scored = True
            rate = F(t["numerator"], elig)
            for i in range(1, 11):
                reached = rate <= F(11 - i, 10) if mid in inverse else rate >= F(i, 10)
                if reached:
                    pts = max(pts, F(i))
            total += pts / 10
            weight += 1
        res[mid] = {"points": pts, "scored": scored}
    return res, (total / weight if weight else None)


# --------------------------------------------------------------------------------------------

def frac(s):
    return F(s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--shared", required=True)
    args = ap.parse_args()
    engine = json.loads(subprocess.run([args.driver, args.shared], check=True,
                                       capture_output=True, text=True).stdout)
    persons = load_persons(args.shared)
    src = HccSource(args.shared)
    errors = []
    compared = 0

    def check(what, mine, theirs):
        nonlocal compared
        compared += 1
        if mine != theirs:
            errors.append("%s: independent %r != engine %r" % (what, mine, theirs))

    v24 = {"CMS-HCC-V24": F(1), "CMS-HCC-V28": F(0)}
    one = {"CMS-HCC-V24": F(1), "CMS-HCC-V28": F(1)}
    configs = {
        "py2019_v24_dx2017": (2019, v24, one, (datetime.date(2017, 1, 1), datetime.date(2017, 12, 31))),
        # PY2024: 67% V24 / 33% V28, normalization 1.146 / 1.015 (CY2024 Rate Announcement).
        "py2024_blend_dx2017": (2024, {"CMS-HCC-V24": F("0.67"), "CMS-HCC-V28": F("0.33")},
                                {"CMS-HCC-V24": F("1.146"), "CMS-HCC-V28": F("1.015")},
                                (datetime.date(2017, 1, 1), datetime.date(2017, 12, 31))),
        "py2019_v24_prospective": (2019, v24, one, (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))),
    }
    for name, (py, weights, norms, period) in configs.items():
        check("hcc %s persons" % name, sorted(persons), sorted(engine["hcc"][name]))
        for pid, p in sorted(persons.items()):
            mine = hcc_score(src, p, py, weights, norms, period)
            theirs = engine["hcc"][name][pid]
            tag = "hcc %s person %s" % (name, pid)
            check(tag + " scored", mine["scored"], theirs["scored"])
            if not mine["scored"] or not theirs["scored"]:
                continue
            check(tag + " age", mine["age"], theirs["age"])
            check(tag + " new enrollee", mine["new_enrollee"], theirs["new_enrollee"])
            check(tag + " diagnoses", mine["diagnoses"], theirs["diagnoses"])
            check(tag + " score", mine["score"], frac(theirs["score"]))
            check(tag + " score_exact", mine["score_exact"], frac(theirs["score_exact"]))
            check(tag + " models", sorted(mine["models"]), sorted(theirs["models"]))
            for mv, m in mine["models"].items():
                t = theirs["models"].get(mv, {})
                check(tag + " " + mv + " segment", m["segment"], t.get("segment"))
                check(tag + " " + mv + " raw", m["raw"], frac(t.get("raw", "0")))
                check(tag + " " + mv + " kept", m["kept"], t.get("kept"))
                check(tag + " " + mv + " dropped", m["dropped"], t.get("dropped"))
                check(tag + " " + mv + " factors", m["factors"],
                      {k: frac(v) for k, v in t.get("factors", {}).items()})

    vs = load_value_sets(args.shared)
    for py in (2017, 2018):
        eq = engine["quality"][str(py)]
        totals = collections.defaultdict(lambda: {"denominator": 0, "exclusions": 0,
                                                  "numerator": 0})
        for pid, p in sorted(persons.items()):
            mine = member_measures(p, py, vs)
            for mid, r in mine.items():
                check("quality %d person %s %s" % (py, pid, mid), r, eq["members"][pid][mid])
                for k in ("denominator", "exclusions", "numerator"):
                    totals[mid][k] += r[k]
        scores, q = score_contract(totals)
        for mid, t in totals.items():
            e = eq["contract"][mid]
            check("quality %d contract %s tally" % (py, mid), t,
                  {k: e[k] for k in ("denominator", "exclusions", "numerator")})
            check("quality %d contract %s points" % (py, mid), scores[mid]["points"],
                  frac(e["points"]))
            check("quality %d contract %s scored" % (py, mid), scores[mid]["scored"], e["scored"])
        check("quality %d q" % py, q, frac(eq["q"]) if eq["q"] is not None else None)

    if errors:
        print("\n".join(errors))
        print("tuva cross-check: %d of %d comparisons differ" % (len(errors), compared))
        return 1
    scored = sum(1 for c in engine["hcc"].values() for r in c.values() if r["scored"])
    print("tuva cross-check: %d comparisons agree (%d HCC scores over 3 configurations, "
          "5 measures x 10 persons x 2 years)" % (compared, scored))
    return 0


if __name__ == "__main__":
    sys.exit(main())
