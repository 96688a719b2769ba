# twtune check against real kernel sockets: in a private network
# namespace with a 100-port ephemeral range, 85 connections to
# 127.0.0.2:8080 closed by the client leave 85 TIME_WAIT sockets toward
# one destination, which must come out as the critical port-exhaustion
# finding naming that destination, in text, JSON and metrics alike.
. "$TWTUNE_SRCDIR/tests/lib.sh"
require_root
in_private_ns -n

command -v python3 >/dev/null 2>&1 || skip "needs python3 to make connections"
P="$FIXTURES/profiles/fx-check.yaml"

# Only this namespace's keys: net.ipv4 port range and reuse are per netns.
echo "40000 40099" >/proc/sys/net/ipv4/ip_local_port_range || exit 99
echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse || exit 99

# Before any traffic: the port range alone is no finding (drift aside).
run_tw 1 check -p "$P"
assert_grep '^twtune: WARNING - 1 warning ' "$T/out"

TW_COUNT_FILE="$T/tw" python3 - <<'PY' || exit 99
import os, socket, threading

N = 85
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.2", 8080))
srv.listen(128)

def serve():
    for _ in range(N):
        c, _ = srv.accept()
        c.recv(1)          # returns b"" once the client has closed
        c.close()

t = threading.Thread(target=serve)
t.start()
for _ in range(N):
    s = socket.create_connection(("127.0.0.2", 8080), timeout=5)
    s.close()              # the client closes first: TIME_WAIT is ours
t.join(10)
srv.close()

# The last FINs may still be in flight: wait (bounded) until the count
# settles, then record the kernel's own count. Now and then one of the 85
# connections ends without a TIME_WAIT socket, so the assertions compare
# with what the kernel holds rather than with 85.
import time
def count():
    with open("/proc/net/tcp") as f:
        return sum(1 for l in f.readlines()[1:]
                   if l.split()[3] == "06" and l.split()[2].endswith(":1F90"))
deadline, last = time.time() + 5, -1
while time.time() < deadline:
    n = count()
    if n >= N or n == last:
        break
    last = n
    time.sleep(0.2)
open(os.environ["TW_COUNT_FILE"], "w").write("%d\n" % count())
PY
tw=$(cat "$T/tw")
[ "$tw" -ge 80 ] || fail "only $tw TIME_WAIT sockets were made (need 80 of 100 ports)"

run_tw 2 check -p "$P"
assert_grep '^twtune: CRITICAL - 1 critical' "$T/out"
assert_grep '^CRITICAL tw-port-exhaustion$' "$T/out"
assert_grep "^    127.0.0.2:8080 holds $tw TIME_WAIT sockets of 100 usable ports\$" "$T/out"
assert_grep "^    evidence: tw.max_per_destination = $tw, ports.ephemeral = 100,\$" "$T/out"
assert_grep "^        $tw  127.0.0.2:8080\$" "$T/out"

run_tw 2 check -p "$P" --format json
assert_json "$T/out"
python3 - "$T/out" "$tw" <<'PY' || fail "JSON finding does not name the destination"
import json, sys
d = json.load(open(sys.argv[1]))
tw = int(sys.argv[2])
assert d["status"] == "critical", d["status"]
assert d["facts"]["tw.top.address"] == "127.0.0.2", d["facts"]["tw.top.address"]
assert d["facts"]["tw.top.port"] == 8080
assert d["facts"]["sockets.source"] == "netlink"
f = [x for x in d["findings"] if x["id"] == "tw-port-exhaustion"][0]
assert f["severity"] == "critical"
assert f["evidence"]["tw.max_per_destination"] == tw
assert f["current"]["net.ipv4.ip_local_port_range"] == "40000\t40099"
assert d["time_wait_by_destination"][0] == {"address": "127.0.0.2", "port": 8080, "count": tw}
PY

run_tw 2 check -p "$P" --format prometheus
assert_grep "^twtune_time_wait_destination{address=\"127.0.0.2\",port=\"8080\"} $tw\$" "$T/out"
assert_grep '^twtune_status 2$' "$T/out"
exit 0
