#!/usr/bin/env python3
"""The dependency direction of the code, checked on every #include (issue 17, item 5):

    domain <- rules <- engine <- connectors <- cli

A file of one layer may include its own layer and the layers to its left only; the pure core
(domain, rules) and engine/ include no adapter library (Kafka, RocksDB, HTTP, simdjson): those
live in connectors/. bench/ and tests/ may include anything. Prints every violation with its
file and line, then 'N passed, N failed' (one check per source file)."""
import os
import re
import sys

LAYERS = ["domain", "rules", "engine", "connectors", "cli"]
ADAPTER_HEADERS = re.compile(r'#include\s*[<"](librdkafka/|rdkafka|rocksdb/|httplib|simdjson)')
INCLUDE = re.compile(r'#include\s*"([a-z_]+)/')


def violations(root):
    out = []
    files = 0
    for rank, layer in enumerate(LAYERS):
        for dirpath, _, names in os.walk(os.path.join(root, layer)):
            for name in sorted(names):
                if not name.endswith((".h", ".cc")):
                    continue
                files += 1
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                with open(path, encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        m = INCLUDE.match(line.strip())
                        if m and m.group(1) in LAYERS and LAYERS.index(m.group(1)) > rank:
                            out.append("%s:%d: %s includes %s (a higher layer)"
                                       % (rel, n, layer, m.group(1)))
                        if rank <= LAYERS.index("engine") and ADAPTER_HEADERS.match(line.strip()):
                            out.append("%s:%d: %s includes an adapter library: %s"
                                       % (rel, n, layer, line.strip()))
    return files, out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    files, out = violations(os.path.abspath(root))
    for v in out:
        print(v)
    bad = len({v.split(":")[0] for v in out})
    print("%d passed, %d failed" % (files - bad, bad))
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
