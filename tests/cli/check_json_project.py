#!/usr/bin/env python3
"""Projects `twtune check --format json` onto its stable, host-independent
members (no absolute paths, no fact values a fixture does not pin) and
prints them sorted, for comparison with a golden file. Also checks the
schema-1 shape of every finding, so a missing member fails loudly."""
import json
import sys

doc = json.load(open(sys.argv[1]))
assert doc["schema"] == 1
assert doc["status"] in ("ok", "warning", "critical", "unknown")
for member in ("kernel", "profile", "facts", "findings", "counts", "sysctl",
               "time_wait_by_destination", "close_wait_by_process"):
    assert member in doc, member
assert set(doc["profile"]) >= {"name", "path", "sha256"}
for f in doc["findings"]:
    for member in ("id", "severity", "summary", "advice", "keys", "current",
                   "recommended", "evidence", "refs"):
        assert member in f, (f["id"], member)
    assert f["severity"] in ("info", "warning", "critical", "unknown")
facts = {k: v for k, v in doc["facts"].items()
         if k.split(".")[0] in ("kernel", "sockets", "tw", "closewait", "ports")}
out = {
    "status": doc["status"],
    "kernel": doc["kernel"],
    "profile": {"name": doc["profile"]["name"], "sha256": doc["profile"]["sha256"],
                "chain": doc["profile"].get("chain")},
    "counts": doc["counts"],
    "facts": facts,
    "findings": [{k: f[k] for k in ("id", "severity", "summary", "reason", "keys",
                                     "current", "recommended", "evidence", "refs")}
                 for f in doc["findings"]],
    "time_wait_by_destination": doc["time_wait_by_destination"],
    "close_wait_by_process": doc["close_wait_by_process"],
}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
