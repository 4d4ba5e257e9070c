#!/usr/bin/env python3
"""Seed corpora for the libFuzzer targets of tests/fuzz, from the repository's own inputs:
golden cases (every NDJSON line, prefixed by the kind byte the target reads first), the
shipped rule sets, contract records, the Tuva CSV heads and the shared CCLF/FHIR samples.
With --vbp PATH, a small population generated as CCLF and as FHIR seeds the importers.
Usage: seeds.py OUT_DIR [--vbp PATH]  (writes OUT_DIR/<target>/seed-N; targets without seeds
here get an empty directory and start from nothing or from their own seed program)."""
import glob
import os
import subprocess
import sys
import tempfile

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


CCLF_KIND = {"ZC1": 0, "ZC2": 1, "ZC3": 2, "ZC4": 3, "ZC5": 4, "ZC6": 5, "ZC8": 6, "ZC9": 7}


def cclf_kind(name):
    for tag, k in CCLF_KIND.items():
        if tag in name:
            return k
    return None


def importer_seeds(out, vbp):
    """CCLF: each file's head prefixed by its kind byte (the whole set joined by 0xFF as one
    more seed); FHIR: resource lines and the shared Blue Button bundle, prefixed by the name
    byte (1: NDJSON, 0: a Bundle)."""
    cclf, fhir = [], []
    sample = os.path.join(SHARED, "bcda-synthetic")
    for name in ("ZC8", "ZC9"):
        p = os.path.join(sample, "cclf-small", name)
        if os.path.exists(p):
            cclf.append(bytes([CCLF_KIND[name]]) + open(p, "rb").read())
    for name in ("bb-stu3-ExplanationOfBenefit.json", "bb-stu3-Patient.json",
                 "bb-stu3-Coverage.json"):
        p = os.path.join(sample, name)
        if os.path.exists(p):
            fhir.append(bytes([0]) + open(p, "rb").read()[:60000])
    if vbp and os.path.exists(vbp):
        with tempfile.TemporaryDirectory() as tmp:
            for fmt in ("cclf", "fhir"):
                d = os.path.join(tmp, fmt)
                subprocess.run([vbp, "generate", "--members", "40", "--seed", "3", "--format",
                                fmt, "--out", d], capture_output=True, check=True)
            joined = []
            for name in sorted(os.listdir(os.path.join(tmp, "cclf"))):
                k = cclf_kind(name)
                if k is None:
                    continue
                head = b"\n".join(lines(os.path.join(tmp, "cclf", name))[:15]) + b"\n"
                cclf.append(bytes([k]) + head)
                joined.append(bytes([k]) + head)
            cclf.append(b"\xff".join(joined))
            for name in sorted(os.listdir(os.path.join(tmp, "fhir"))):
                if name.endswith(".ndjson"):
                    for l in lines(os.path.join(tmp, "fhir", name))[:60]:
                        fhir.append(bytes([1]) + l)
    return write(out, "cclf", cclf), write(out, "fhir", fhir)


def api_seeds():
    """Requests to every route of the provider API (connectors/api/api_service.h) over
    tests/api/data: method, target, token selector, declared body length."""
    targets = ["/health", "/v1/contracts", "/v1/contracts/C-ACME/statements",
               "/v1/contracts/C-ACME/revisions", "/v1/contracts/C-ACME/revisions?year=2025",
               "/v1/contracts/C-ACME/revisions/1", "/v1/contracts/C-ACME/members",
               "/v1/contracts/C-ACME/members?limit=2&after=M01",
               "/v1/contracts/C-ACME/members/M01/explanation",
               "/v1/contracts/C-BETA/members/M02/explanation", "/v1/contracts/C%2DACME/statements",
               "/v1/contracts/C-ACME/statements?year=2025&year=2026", "/openapi.yaml"]
    out = []
    for t in targets:
        for who in ("acme", "admin", ""):
            out.append(("GET\n%s\n%s\n0" % (t, who)).encode())
    out.append(b"POST\n/v1/contracts\nacme\n12")
    out.append(b"GET\n/v1/contracts\nBearer nope\nchunked")
    return out


def config_seeds():
    """The `vbp run` config file: every key with a value of its type, and small variations."""
    full = (b'{"brokers":"127.0.0.1:9092","state":"vbp-state","topic_prefix":"vbp.",'
            b'"group_id":"vbp-engine","instance_id":"auto","chain_key_file":"/etc/vbp/key",'
            b'"http_host":"127.0.0.1","kafka":{"security.protocol":"ssl","linger.ms":5,'
            b'"enable.idempotence":true},"rules":["rules.json"],"as_of":"2026-03-31",'
            b'"http_port":9464,"batch_records_max":20000,"revision_interval_ms":250,'
            b'"sync_commits":false,"keep_history":true,"pipeline":true,"parallel_apply":true}')
    return [full, b"{}", b'{"brokers":"h:1","http_port":-1}', b'{"kafka":{}}',
            b'{"rules":[],"as_of":"2025-12-31"}']


def main():
    out = sys.argv[1]
    vbp = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--vbp" else None
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
    counts["cclf"], counts["fhir"] = importer_seeds(out, vbp)
    counts["api"] = write(out, "api", api_seeds())
    counts["config"] = write(out, "config", config_seeds())
    os.makedirs(os.path.join(out, "state_values"), exist_ok=True)
    for target, n in sorted(counts.items()):
        print("seeds: %-16s %d" % (target, n))


if __name__ == "__main__":
    main()
