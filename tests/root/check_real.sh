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

tw=$(python3 "$TWTUNE_SRCDIR/tests/root/mktimewait.py" 127.0.0.2 8080 85 100) || exit 99
[ "$tw" -ge 80 ] || fail "only $tw TIME_WAIT sockets could be made (need 80 of 100 ports)"

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
