#!/usr/bin/env python3
"""The quality value sets the engine ships equal the public expansion they are labelled with.

For every value set of rules/data/quality/value_sets.tsv whose rows say "VSAC <oid> (eCQM Update
2022-05-05)", the set of (code system, code) must equal the claim codes (ICD-10-CM, ICD-10-PCS,
CPT, HCPCS Level II) of that OID in the VSAC expansion file
../shared/data/tuva-value-sets/quality_measures__value_set_codes.csv, read here with the
standard csv module (independently of rules/data/generate.py). Every value set the expansion
holds for a name the measures use must be labelled so. Exit 1 with the differences otherwise.

Usage: value_sets_check.py --table rules/data/quality/value_sets.tsv --shared ../shared/data
"""
import argparse
import collections
import csv
import os
import re
import sys

SYSTEMS = {"ICD10CM": "ICD10CM", "ICD10PCS": "ICD10PCS", "CPT": "HCPCS", "HCPCS Level II": "HCPCS"}
VERSION = "eCQM Update 2022-05-05"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", required=True)
    ap.add_argument("--shared", required=True)
    args = ap.parse_args()

    expansion = collections.defaultdict(set)  # oid -> {(system, code)}
    names = {}  # oid -> value set name
    path = os.path.join(args.shared, "tuva-value-sets", "quality_measures__value_set_codes.csv")
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["expansionversion"] != VERSION:
                continue
            names[r["oid"]] = r["valuesetname"]
            if r["codesystemname"] in SYSTEMS:
                expansion[r["oid"]].add((SYSTEMS[r["codesystemname"]],
                                         r["code"].replace(".", "").upper()))

    shipped = collections.defaultdict(set)  # name -> {(system, code)}
    labelled = {}  # name -> oid
    with open(args.table, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    header, rows = rows[0], rows[1:]
    assert header == ["value_set", "code_system", "code", "origin"], header
    for name, system, code, origin in rows:
        shipped[name].add((system, code))
        m = re.fullmatch(r"VSAC (\S+) \((.*)\)", origin)
        if m and m.group(2) == VERSION:
            labelled[name] = m.group(1)

    problems = []
    for name, oid in sorted(labelled.items()):
        if names.get(oid) != name:
            problems.append("%s: labelled %s, which the expansion names %r" % (name, oid,
                                                                             names.get(oid)))
        missing = expansion[oid] - shipped[name]
        extra = shipped[name] - expansion[oid]
        if missing:
            problems.append("%s: lacks %s" % (name, sorted(missing)))
        if extra:
            problems.append("%s: has codes not in the expansion: %s" % (name, sorted(extra)))
    for oid, name in sorted(names.items()):
        if name in shipped and name not in labelled and expansion[oid]:
            problems.append("%s: the expansion holds it (%s) but the table does not say so" %
                            (name, oid))
    if problems:
        print("\n".join(problems))
        return 1
    print("%d value sets equal their %s expansion (%d codes)" %
          (len(labelled), VERSION, sum(len(shipped[n]) for n in labelled)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
