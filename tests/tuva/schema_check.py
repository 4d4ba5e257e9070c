#!/usr/bin/python3
"""CTest: `vbp import tuva` on the Tuva synthetic files; every written line must validate
against the JSON Schemas (tests/schemas/validate.py --dir). Run with /usr/bin/python3.

Usage: schema_check.py --vbp VBP --validate validate.py --data TUVA_DIR --work DIR
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vbp", required=True)
    ap.add_argument("--validate", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    out = Path(args.work)
    shutil.rmtree(out, ignore_errors=True)
    data = Path(args.data)
    subprocess.run([args.vbp, "import", "tuva", "--claims", str(data / "medical_claim.csv"),
                    "--eligibility", str(data / "eligibility.csv"),
                    "--providers", str(data / "provider.csv"), "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    res = subprocess.run([sys.executable, args.validate, "--dir", str(out)],
                         capture_output=True, text=True)
    print(res.stdout, end="")
    print(res.stderr, end="", file=sys.stderr)
    return res.returncode


if __name__ == "__main__":
    sys.exit(main())
