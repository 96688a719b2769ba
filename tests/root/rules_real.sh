# The shipped default profile against real kernel sockets, in a private
# network namespace with a 100-port ephemeral range: 85 connections to
# 127.0.0.1:8080 closed by the client leave 85 TIME_WAIT sockets toward one
# destination (critical port exhaustion, tcp_tw_reuse asked for while it
# is 0, quiet once it is 2 because the destination is loopback), and 120
# connections to 127.0.0.1:8081 and :8082 that the servers closed and this
# test's python never closes sit in CLOSE_WAIT, owned by that process.
. "$TWTUNE_SRCDIR/tests/lib.sh"
require_root
in_private_ns -n

command -v python3 >/dev/null 2>&1 || skip "needs python3 to make connections"

# Only this namespace's keys: port range and reuse are per netns.
echo "40000 40099" >/proc/sys/net/ipv4/ip_local_port_range || exit 99
echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse || exit 99

# TIME_WAIT first (it outlives its process): 85 toward 127.0.0.1:8080.
tw=$(python3 "$TWTUNE_SRCDIR/tests/root/mktimewait.py" 127.0.0.1 8080 85 100) || exit 99
[ "$tw" -ge 80 ] || fail "only $tw TIME_WAIT sockets could be made (need 80 of 100 ports)"

cat >"$T/load.py" <<'PY'
import socket, sys, threading, time

ready = sys.argv[1]

def listener(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(256)
    return s

# CLOSE_WAIT: the server closes at once, the client keeps its socket.
# Two servers: 100 ports allow at most 100 connections to each.
held = []
for port in (8081, 8082):
    cw = listener(port)
    for _ in range(60):
        held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        c, _ = cw.accept()
        c.close()
time.sleep(0.2)
open(ready, "w").write("ok\n")
time.sleep(120)         # killed by the test long before
PY
python3 "$T/load.py" "$T/ready" &
load=$!
i=0
while [ ! -f "$T/ready" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -f "$T/ready" ] || { kill "$load"; fail "the load did not get ready"; }

verify() { # JSON EXPECTATIONS...: "id=severity" present, "!id" absent
	python3 - "$@" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
got = {f["id"]: f for f in doc["findings"]}
bad = []
for want in sys.argv[2:]:
    if want.startswith("!"):
        if want[1:] in got:
            bad.append("%s fired: %s" % (want[1:], got[want[1:]]["summary"]))
    else:
        i, sev = want.split("=")
        if i not in got or got[i]["severity"] != sev:
            bad.append("expected %s %s" % (i, sev))
for f in doc["findings"]:
    if f["severity"] == "unknown":
        bad.append("%s is unknown: %s" % (f["id"], f.get("reason")))
if bad:
    print("\n".join(bad))
    print("findings: " + ", ".join("%s=%s" % (k, v["severity"]) for k, v in got.items()))
    sys.exit(1)
EOF
}

run_tw 2 --color never check -p default --owners --format json
cp "$T/out" "$T/reuse0.json"
verify "$T/reuse0.json" tw-port-exhaustion-critical=critical \
	'!tw-port-exhaustion' tw-reuse-off-under-pressure=warning \
	port-range-narrow=warning close-wait-leak=warning '!close-wait-leak-critical' ||
	{ kill "$load"; fail "findings with tcp_tw_reuse = 0"; }
python3 - "$T/reuse0.json" "$load" <<'EOF' || { kill "$load"; fail "CLOSE_WAIT owner"; }
import json, sys
doc = json.load(open(sys.argv[1]))
f = [f for f in doc["findings"] if f["id"] == "close-wait-leak"][0]
want = "python3 (pid %s) holds 120 of them" % sys.argv[2]
if want not in f["summary"]:
    sys.exit("summary %r lacks %r" % (f["summary"], want))
f = [f for f in doc["findings"] if f["id"] == "tw-port-exhaustion-critical"][0]
if "(top 127.0.0.1:8080)" not in f["summary"]:
    sys.exit("summary %r does not name 127.0.0.1:8080" % f["summary"])
EOF

# 2 reuses TIME_WAIT toward loopback: nothing to ask for any more.
echo 2 >/proc/sys/net/ipv4/tcp_tw_reuse || { kill "$load"; exit 99; }
run_tw 2 --color never check -p default --owners --format json
verify "$T/out" tw-port-exhaustion-critical=critical '!tw-reuse-off-under-pressure' ||
	{ kill "$load"; fail "findings with tcp_tw_reuse = 2"; }

# The text report names the owner too.
run_tw 2 --color never check -p default --owners
assert_grep "^CRITICAL tw-port-exhaustion-critical" "$T/out"
assert_grep "^WARNING close-wait-leak" "$T/out"
kill "$load"
wait "$load" 2>/dev/null
exit 0
