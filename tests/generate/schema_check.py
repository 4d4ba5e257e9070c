#!/usr/bin/python3
"""CTest: `vbp generate` output validated by tests/schemas/validate.py.

Generates a population, asks validate.py for a verdict on every line of the four files and
checks that the invalid lines are exactly the malformed records listed in MANIFEST.json.
Run with Debian's /usr/bin/python3 (python3-jsonschema).

Usage: schema_check.py --vbp VBP --validate validate.py --work DIR [--members N] [--seed S]
"""

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

KINDS = {"members.ndjson": "member", "providers.ndjson": "provider",
         "contracts.ndjson": "contract", "claims.ndjson": "claim"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vbp", required=True)
    ap.add_argument("--validate", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--members", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--malformed-per-mille", type=int, default=2)
    args = ap.parse_args()

    out = Path(args.work)
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([args.vbp, "generate", "--members", str(args.members), "--seed", str(args.seed),
                    "--malformed-per-mille", str(args.malformed_per_mille), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    manifest = json.loads((out / "MANIFEST.json").read_text())
    listed = {(m["file"], m["line"]) for m in manifest["malformed"]}

    invalid = {}
    for name, kind in KINDS.items():
        res = subprocess.run([sys.executable, args.validate, "--verdicts", "--kind", kind,
                              str(out / name)], capture_output=True, text=True)
        if res.returncode not in (0, 1):
            print(res.stdout, res.stderr)
            return 2
        for row in res.stdout.splitlines():
            n, verdict, reason = (row.split("\t") + [""])[:3]
            if verdict == "invalid":
                invalid[(name, int(n))] = reason

    failed = False
    for key in sorted(set(invalid) - listed):
        print(f"unexpected invalid line {key[0]}:{key[1]}: {invalid[key]}")
        failed = True
    for key in sorted(listed - set(invalid)):
        print(f"malformed line listed in MANIFEST.json but valid: {key[0]}:{key[1]}")
        failed = True
    print(f"{len(invalid)} invalid lines, {len(listed)} listed as malformed"
          f" ({args.members} members, seed {args.seed})")
    if not listed:
        print("no malformed records were generated")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
