#!/usr/bin/env python3
"""A strict reader of the Prometheus text exposition format (0.0.4), for
systems without promtool: every sample belongs to a family declared by
one HELP and one TYPE line before it, names and labels are well formed,
label values are properly escaped, no series appears twice, counters end
in _total, values parse as floats. Exit 1 with the offending line."""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s)(?:,%s)*\})? (\S+)$" % (NAME, LABEL, LABEL))
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def die(n, line, why):
    sys.stderr.write("line %d: %s: %r\n" % (n, why, line))
    sys.exit(1)


help_seen, type_seen, series, closed = {}, {}, set(), set()
current = None
text = open(sys.argv[1]).read()
if not text.endswith("\n"):
    die(0, "", "no final newline")
for n, line in enumerate(text.split("\n")[:-1], 1):
    if line.startswith("# HELP ") or line.startswith("# TYPE "):
        parts = line.split(" ", 3)
        if len(parts) < 4 or not re.fullmatch(NAME, parts[2]):
            die(n, line, "malformed comment")
        name = parts[2]
        table = help_seen if parts[1] == "HELP" else type_seen
        if name in table:
            die(n, line, "second %s for %s" % (parts[1], name))
        if name in closed:
            die(n, line, "family %s split in two" % name)
        if parts[1] == "TYPE":
            if parts[3] not in TYPES:
                die(n, line, "unknown type")
            if parts[3] == "counter" and not name.endswith("_total"):
                die(n, line, "counter without _total")
        table[name] = parts[3]
        if current and current != name:
            closed.add(current)
        current = name
        continue
    if line.startswith("#") or not line:
        die(n, line, "stray comment or blank line")
    m = SAMPLE.match(line)
    if not m:
        die(n, line, "malformed sample")
    name = m.group(1)
    if name not in type_seen or name not in help_seen:
        die(n, line, "sample before its HELP and TYPE")
    if name != current:
        die(n, line, "sample outside its family")
    key = (name, m.group(2) or "")
    if key in series:
        die(n, line, "duplicate series")
    series.add(key)
    try:
        float(m.group(3))
    except ValueError:
        die(n, line, "value is not a number")
if not series:
    die(0, "", "no samples")
