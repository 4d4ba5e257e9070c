#!/usr/bin/env python3
"""The dependency direction of the code, checked on every #include (issue 17, item 5):

    domain <- rules <- engine <- connectors <- cli

A file of one layer may include its own layer and the layers to its left only; the pure core
(domain, rules) and engine/ include no adapter library (Kafka, RocksDB, HTTP, simdjson): those
live in connectors/. bench/ and tests/ may include anything. Prints every violation with its
file and line, then 'N passed, N failed' (one check per source file).

Inside engine/, the targets of engine/CMakeLists.txt and what each may include (its own folder
and the targets it links, transitively):

    core <- state <- stream <- audit <- report;  core <- batch

`--self-test` builds a small tree with one violation of each kind and checks that every one is
reported (so that this check cannot pass by reading nothing)."""
import os
import re
import sys

LAYERS = ["domain", "rules", "engine", "connectors", "cli"]
ADAPTER_HEADERS = re.compile(r'#include\s*[<"](librdkafka/|rdkafka|rocksdb/|httplib|simdjson)')
INCLUDE = re.compile(r'#include\s*"([a-z_]+)/')
ENGINE_INCLUDE = re.compile(r'#include\s*"engine/([a-z_]+)/')
ENGINE_DEPS = {
    "core": {"core"},
    "state": {"state", "core"},
    "batch": {"batch", "core"},
    "stream": {"stream", "state", "core"},
    "audit": {"audit", "stream", "state", "core"},
    "report": {"report", "audit", "stream", "state", "core"},
}


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
                        e = ENGINE_INCLUDE.match(line.strip())
                        if e and layer == "engine":
                            part = rel.split(os.sep)[1]
                            allowed = ENGINE_DEPS.get(part, set())
                            if e.group(1) not in allowed:
                                out.append("%s:%d: engine/%s includes engine/%s (not a target it "
                                           "links)" % (rel, n, part, e.group(1)))
                        if rank <= LAYERS.index("engine") and ADAPTER_HEADERS.match(line.strip()):
                            out.append("%s:%d: %s includes an adapter library: %s"
                                       % (rel, n, layer, line.strip()))
    return files, out


def self_test():
    import tempfile
    cases = {
        "rules/core/a.h": '#include "engine/core/ports.h"\n',
        "domain/b.h": '#include "cli/common.h"\n',
        "engine/core/c.cc": '#include "engine/stream/streaming_engine.h"\n',
        "engine/batch/d.cc": '#include "engine/audit/audit.h"\n',
        "engine/state/e.cc": '#include <rocksdb/db.h>\n',
        "connectors/ok.cc": '#include "engine/report/whatif.h"\n',
    }
    with tempfile.TemporaryDirectory() as root:
        for rel, text in cases.items():
            os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
                f.write(text)
        files, out = violations(root)
    reported = sorted({v.split(":")[0] for v in out})
    expected = sorted(r for r in cases if not r.startswith("connectors/"))
    print("self-test: %d files, reported %s" % (files, reported))
    if files != len(cases) or reported != expected:
        print("self-test FAILED: expected %s" % expected)
        return 1
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    files, out = violations(os.path.abspath(root))
    for v in out:
        print(v)
    bad = len({v.split(":")[0] for v in out})
    print("%d passed, %d failed" % (files - bad, bad))
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
