#!/usr/bin/env python3
"""Exit codes a job scheduler can trust (issue 13, SPEC §6; issue 18 item 5):
- settle: 0 when every contract record was usable and got a statement; 3 when a contract
  record was rejected (a mistyped parameter name, say) or no statement was computed at all,
  naming each contract and why; --allow-incomplete makes it a warning (0);
- reconcile: 0 when the provider's list matches ours, 1 when there is a difference (listed);
  --exit-zero makes it 0.
Runs on copies of a golden case; prints 'N passed, N failed'."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = []
passed = 0


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print("FAIL: " + what)


def settle(vbp, data, *extra):
    return subprocess.run([vbp, "settle", "--data", data, "--quiet"] + list(extra),
                          capture_output=True, text=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vbp", required=True)
    ap.add_argument("--golden", required=True)
    args = ap.parse_args()
    case = os.path.join(args.golden, "sharing", "savings_cap_and_reduction", "input")
    with tempfile.TemporaryDirectory(prefix="vbp-exit-") as tmp:
        # Complete data: exit 0.
        r = settle(args.vbp, case)
        check(r.returncode == 0, "complete data exits 0 (got %d: %s)" % (r.returncode, r.stderr))

        # One contract with a mistyped parameter name: rejected, exit 3 naming it and why.
        bad = os.path.join(tmp, "bad")
        shutil.copytree(case, bad)
        path = os.path.join(bad, "contracts.ndjson")
        with open(path, encoding="utf-8") as f:
            contracts = [json.loads(line) for line in f if line.strip()]
        contracts[1]["parameters"]["savings_capp"] = "0.05"  # C2
        with open(path, "w", encoding="utf-8") as f:
            for c in contracts:
                f.write(json.dumps(c) + "\n")
        out = os.path.join(tmp, "statements.json")
        r = settle(args.vbp, bad, "--out", out)
        check(r.returncode == 3, "a rejected contract exits 3 (got %d)" % r.returncode)
        check("contract C2" in r.stderr and "savings_capp" in r.stderr,
              "the error names the contract and why: " + r.stderr)
        check("--allow-incomplete" in r.stderr, "the error says what to do: " + r.stderr)
        with open(out, encoding="utf-8") as f:
            ids = [s["contract_id"] for s in json.load(f)]
        check(ids == ["C1", "C3"], "the other contracts are still written: %s" % ids)
        r = settle(args.vbp, bad, "--allow-incomplete")
        check(r.returncode == 0, "--allow-incomplete exits 0 (got %d)" % r.returncode)
        check("warning" in r.stderr and "contract C2" in r.stderr,
              "--allow-incomplete still warns: " + r.stderr)

        # No contract record at all: nothing was computed, exit 3.
        empty = os.path.join(tmp, "empty")
        shutil.copytree(case, empty)
        open(os.path.join(empty, "contracts.ndjson"), "w").close()
        r = settle(args.vbp, empty)
        check(r.returncode == 3, "no statement at all exits 3 (got %d)" % r.returncode)
        check("no statement was computed" in r.stderr, "and says so: " + r.stderr)

        # reconcile: C1 attributes exactly M1 in this case (tests/golden/sharing/...).
        def reconcile(members, *extra):
            theirs = os.path.join(tmp, "theirs.csv")
            with open(theirs, "w", encoding="utf-8") as f:
                f.write("member_id\n" + "".join(m + "\n" for m in members))
            return subprocess.run([args.vbp, "reconcile", "--contract", "C1", "--data", case,
                                   "--theirs", theirs] + list(extra),
                                  capture_output=True, text=True)
        r = reconcile(["M1"])
        check(r.returncode == 0, "a matching list exits 0 (got %d: %s)" % (r.returncode, r.stderr))
        r = reconcile(["M1", "M9"])
        check(r.returncode == 1, "a difference exits 1 (got %d: %s)" % (r.returncode, r.stderr))
        check("M9" in r.stdout and "1 difference(s)" in r.stderr,
              "and lists it: " + r.stdout + r.stderr)
        r = reconcile(["M1", "M9"], "--exit-zero")
        check(r.returncode == 0, "--exit-zero exits 0 (got %d)" % r.returncode)

        # `--out -` writes the statements to stdout, as JSON only (no file named "-").
        os.chdir(tmp)
        r = settle(args.vbp, case, "--out", "-")
        check(r.returncode == 0, "settle --out - exits 0 (got %d: %s)" % (r.returncode, r.stderr))
        try:
            ids = [s["contract_id"] for s in json.loads(r.stdout)]
        except ValueError:
            ids = None
        check(ids == ["C1", "C2", "C3"], "stdout is the statements JSON: %r" % r.stdout[:200])
        check(not os.path.exists(os.path.join(tmp, "-")), "no file named '-' is created")

        # vbp run --config: kafka properties of any scalar type; an error names the key.
        cfg = os.path.join(tmp, "run.json")
        with open(cfg, "w", encoding="utf-8") as f:
            json.dump({"kafka": {"session.timeout.ms": 6000, "enable.auto.commit": False,
                                 "client.id": "x"}}, f)
        r = subprocess.run([args.vbp, "run", "--config", cfg], capture_output=True, text=True)
        check(r.returncode == 1 and "no brokers" in r.stderr,
              "numbers and booleans are accepted (then: no brokers): " + r.stderr)
        with open(cfg, "w", encoding="utf-8") as f:
            json.dump({"kafka": {"session.timeout.ms": [6000]}}, f)
        r = subprocess.run([args.vbp, "run", "--config", cfg], capture_output=True, text=True)
        check(r.returncode == 1 and "kafka.session.timeout.ms: expected a string" in r.stderr,
              "an array is refused naming the key: " + r.stderr)

        # -F FILE (kcat-style properties) reaches librdkafka; a bad line is named with its line.
        props = os.path.join(tmp, "client.properties")
        with open(props, "w", encoding="utf-8") as f:
            f.write("# comment\n! comment\n\nsession.timeout.ms = 7000\nbroken line\n")
        r = subprocess.run([args.vbp, "run", "-F", props], capture_output=True, text=True)
        check(r.returncode == 1 and props + ":5: expected key=value" in r.stderr,
              "a properties line without '=' is named with file:line: " + r.stderr)
        r = subprocess.run([args.vbp, "produce", "--brokers", "127.0.0.1:1", "--topic", "t",
                            "--file", os.devnull, "-F", props], capture_output=True, text=True)
        check(r.returncode == 2 and props + ":5:" in r.stderr,
              "vbp produce names it too: " + r.stderr)
        with open(props, "w", encoding="utf-8") as f:
            f.write("session.timeout.ms = not-a-number\n")
        r = subprocess.run([args.vbp, "run", "--brokers", "127.0.0.1:1", "--state",
                            os.path.join(tmp, "st"), "-F", props],
                           capture_output=True, text=True, timeout=60)
        check(r.returncode != 0 and "kafka property 'session.timeout.ms'" in r.stderr,
              "a property from -F reaches librdkafka (which refuses its value): " + r.stderr)

        # A broker nobody listens on: JSON log lines only (librdkafka's routed into the logger),
        # the address said once in words with what to check, no misleading topic warning.
        def run_unreachable(*extra):
            return subprocess.run([args.vbp, "run", "--brokers", "127.0.0.1:1", "--state",
                                   os.path.join(tmp, "st-unreachable"), *extra],
                                  capture_output=True, text=True, timeout=90)
        r = run_unreachable()
        lines = r.stderr.strip().splitlines()
        logs = []
        for line in lines[:-1]:
            try:
                logs.append(json.loads(line))
            except ValueError:
                logs.append(None)
        check(r.returncode == 1, "an unreachable broker exits 1 (got %d)" % r.returncode)
        check(logs and all(isinstance(x, dict) for x in logs),
              "every log line is JSON (no raw librdkafka lines): " + r.stderr[:300])
        said = [x for x in logs if x and x.get("msg", "").startswith(
            "cannot reach the Kafka broker at 127.0.0.1:1: check --brokers")]
        check(len(said) == 1, "the address is said once, with what to check: " + r.stderr[:300])
        check("parts topic" not in r.stderr, "no 'no vbp.parts topic' warning: " + r.stderr[:300])
        check(lines and "cannot reach the Kafka cluster at 127.0.0.1:1" in lines[-1],
              "the final error names the cluster: " + (lines[-1] if lines else ""))
        check(any(x and x.get("source") == "librdkafka" and x.get("facility") for x in logs),
              "librdkafka lines carry their facility")
        debug = run_unreachable("--log-level", "debug").stderr.count('"level":"debug"')
        check(debug > 0 and '"level":"debug"' not in r.stderr,
              "librdkafka's repeats are debug lines: shown with --log-level debug only")

        # A mistyped verb is bad usage (2) and names the closest verb.
        r = subprocess.run([args.vbp, "setle", "--data", case], capture_output=True, text=True)
        check(r.returncode == 2, "an unknown verb exits 2 (got %d)" % r.returncode)
        check("unknown verb 'setle' (did you mean 'settle'?)" in r.stderr,
              "and suggests the closest: " + r.stderr)
    print("%d passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
