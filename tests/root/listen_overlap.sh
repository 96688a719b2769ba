# ports.listening_in_range and the rule port-range-overlap-listening from
# real kernel sockets (netlink census), in a private network namespace
# whose port range and reserved ports are its own: listeners inside the
# range fire the rule until ip_local_reserved_ports covers them, a port
# listened on over IPv4 and IPv6 counts once, one below the range never.
. "$TWTUNE_SRCDIR/tests/lib.sh"
require_root
in_private_ns -n

command -v python3 >/dev/null 2>&1 || skip "needs python3 to listen"

echo "40000 59999" >/proc/sys/net/ipv4/ip_local_port_range || exit 99
echo "" >/proc/sys/net/ipv4/ip_local_reserved_ports || exit 99

cat >"$T/listen.py" <<'PY'
import socket, sys, time

held, v6 = [], "no"
for fam, addr, port in ((socket.AF_INET, "127.0.0.1", 45000),
                        (socket.AF_INET, "127.0.0.1", 45001),
                        (socket.AF_INET, "127.0.0.1", 20000),
                        (socket.AF_INET, "127.0.0.1", 59999),
                        (socket.AF_INET6, "::1", 45000),
                        (socket.AF_INET6, "::1", 45002)):
    s = socket.socket(fam)
    try:
        s.bind((addr, port))
    except OSError:
        if fam == socket.AF_INET6:
            continue    # no IPv6 here: the IPv4 part still holds
        raise
    if fam == socket.AF_INET6:
        v6 = "yes"
    s.listen(8)
    held.append(s)
open(sys.argv[1], "w").write(v6 + "\n")
time.sleep(120)         # killed by the test long before
PY
python3 "$T/listen.py" "$T/ready" &
load=$!
i=0
while [ ! -s "$T/ready" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -s "$T/ready" ] || { kill "$load"; fail "the listeners did not get ready"; }

# facts COUNT LIST: the two facts and whether the rule fired, from JSON.
facts() {
	python3 - "$T/out" "$1" "$2" "$3" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
n, l = doc["facts"]["ports.listening_in_range"], doc["facts"]["ports.listening_in_range_list"]
fired = [f for f in doc["findings"] if f["id"] == "port-range-overlap-listening"]
bad = []
if (n, l) != (int(sys.argv[2]), sys.argv[3]):
    bad.append("facts %r %r, want %s %r" % (n, l, sys.argv[2], sys.argv[3]))
if sys.argv[4] == "fires":
    if not fired or fired[0]["severity"] != "warning":
        bad.append("rule did not fire as a warning")
    elif sys.argv[3] not in fired[0]["summary"]:
        bad.append("summary %r does not name %s" % (fired[0]["summary"], sys.argv[3]))
elif fired:
    bad.append("rule fired: %s" % fired[0]["summary"])
if doc["facts"]["sockets.source"] != "netlink":
    bad.append("census came from %s" % doc["facts"]["sockets.source"])
sys.exit("\n".join(bad) or None)
EOF
}

if [ "$(cat "$T/ready")" = yes ]; then
	all="45000,45001,45002,59999" n=4 rest="45000,45002" m=2
else
	all="45000,45001,59999" n=3 rest="45000" m=1
fi
run_tw 1 --color never check -p default --format json
facts "$n" "$all" fires || { kill "$load"; fail "nothing reserved"; }

# Reserving some takes them out; the list stays ascending.
echo "45001,59990-60010" >/proc/sys/net/ipv4/ip_local_reserved_ports ||
	{ kill "$load"; exit 99; }
run_tw 1 --color never check -p default --format json
facts "$m" "$rest" fires || { kill "$load"; fail "45001 and 59999 reserved"; }
run_tw 1 check -p default --format prometheus
grep -q "^twtune_ports_listening_in_range $m\$" "$T/out" ||
	{ kill "$load"; fail "metric twtune_ports_listening_in_range is not $m"; }

# All reserved: the host is OK again.
echo "45000-45002,59999" >/proc/sys/net/ipv4/ip_local_reserved_ports ||
	{ kill "$load"; exit 99; }
run_tw 0 --color never check -p default --format json
facts 0 "" quiet || { kill "$load"; fail "all reserved"; }

# Or the range moved off them (20000 is below it either way).
echo "" >/proc/sys/net/ipv4/ip_local_reserved_ports || { kill "$load"; exit 99; }
echo "45003 59998" >/proc/sys/net/ipv4/ip_local_port_range || { kill "$load"; exit 99; }
run_tw 0 --color never check -p default --format json
facts 0 "" quiet || { kill "$load"; fail "range above the listeners"; }
kill "$load"
wait "$load" 2>/dev/null
exit 0
