#!/usr/bin/env python3
"""Seed corpora for the libFuzzer targets of tests/fuzz, from the repository's own inputs:
golden cases (every NDJSON line, prefixed by the kind byte the target reads first), the
shipped rule sets, contract records, the Tuva CSV heads and the shared CCLF/FHIR samples.
Usage: seeds.py OUT_DIR  (writes OUT_DIR/<target>/seed-N; targets without seeds here get an
empty directory and start from nothing or from their own seed program)."""
import glob
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared", "data"))
KIND_BYTE = {"claims": 0, "members": 1, "providers": 2, "contracts": 3}
MAX_SEEDS = 400


def lines(path):
    with open(path, "rb") as f:
        return [l.rstrip(b"\r\n") for l in f if l.strip()]


def write(out, target, blobs):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    seen = set()
    n = 0
    for b in blobs:
        if b in seen or n >= MAX_SEEDS:
            continue
        seen.add(b)
        with open(os.path.join(d, "seed-%d" % n), "wb") as f:
            f.write(b)
        n += 1
    return n


def main():
    out = sys.argv[1]
    golden = sorted(glob.glob(os.path.join(ROOT, "tests", "golden", "*", "*", "input", "*.ndjson")))
    records = []
    contracts = []
    for path in golden:
        kind = os.path.basename(path).split(".")[0]
        if kind not in KIND_BYTE:
            continue
        for l in lines(path)[:20]:
            records.append(bytes([KIND_BYTE[kind]]) + l)
            records.append(bytes([4]) + l)  # the "schema" field decides
            if kind == "contracts":
                contracts.append(bytes([1]) + l)
    counts = {"record_decoder": write(out, "record_decoder", records)}
    rule_sets = [bytes([0]) + open(p, "rb").read()
                 for p in sorted(glob.glob(os.path.join(ROOT, "rules", "sets", "*.json")))]
    counts["rules"] = write(out, "rules", rule_sets + contracts)
    csvs = []
    for p in sorted(glob.glob(os.path.join(SHARED, "tuva-synthetic-claims", "*.csv"))):
        with open(p, "rb") as f:
            csvs.append(b"".join(f.readlines()[:30]))
    csvs.append(b"member_id,contract_id\r\nM1,C1\r\n\"M,2\",\"C\"\"3\"\r\n")
    counts["csv"] = write(out, "csv", csvs)
    os.makedirs(os.path.join(out, "state_values"), exist_ok=True)
    for target, n in sorted(counts.items()):
        print("seeds: %-16s %d" % (target, n))


if __name__ == "__main__":
    main()
