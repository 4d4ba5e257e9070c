#!/usr/bin/python3
"""Parses a `vbp run` /metrics page with an independent parser (Debian's
python3-prometheus-client, issue 18 item 3) and checks its invariants:
- every family has HELP and TYPE, and the page parses;
- for each kind, applied + superseded + rejected = vbp_records_read_total (no family counts a
  record twice);
- vbp_build_info is 1 and names a version; the process families are present and plausible.
Prints 'N passed, N failed'; exit 1 on a failure."""
import sys

from prometheus_client.parser import text_string_to_metric_families

failures = []
passed = 0


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print("FAIL: " + what)


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    for name, f in sorted(families.items()):
        check(f.documentation != "", "%s has HELP" % name)
        check(f.type != "unknown", "%s has TYPE (got %s)" % (name, f.type))
    # The parser strips _total from counter family names.
    samples = {}
    for f in families.values():
        for s in f.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    for kind in ("claim", "member", "provider", "contract"):
        read = samples.get(("vbp_records_read_total", (("kind", kind),)))
        parts = [samples.get(("vbp_records_total", (("kind", kind), ("outcome", o))))
                 for o in ("applied", "superseded", "rejected")]
        check(read is not None and None not in parts, "%s has read and every outcome" % kind)
        if read is not None and None not in parts:
            check(sum(parts) == read, "%s: %s add up to read %s" % (kind, parts, read))
        check(samples.get(("vbp_records_total", (("kind", kind), ("outcome", "read")))) is None,
              "%s: no outcome=read series beside the outcomes" % kind)
    build = [s for s in families.get("vbp_build_info", families.get("vbp_build")).samples] \
        if ("vbp_build_info" in families or "vbp_build" in families) else []
    check(len(build) == 1 and build[0].value == 1 and build[0].labels.get("version"),
          "vbp_build_info is 1 with a version: %s" % build)
    rss = samples.get(("process_resident_memory_bytes", ()))
    check(rss is not None and rss > 1 << 20, "resident memory is over 1 MiB: %s" % rss)
    check(samples.get(("process_open_fds", ()), 0) > 2, "open fds counted")
    check(samples.get(("process_cpu_seconds_total", ()), -1) >= 0, "cpu seconds present")
    check(samples.get(("process_start_time_seconds", ()), 0) > 1.5e9, "start time is an epoch")
    print("%d passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
