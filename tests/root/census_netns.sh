# twtune sockets --netns NAME counts the sockets (and reads the port range)
# of that namespace, not its own. Runs in private mount + network
# namespaces with a tmpfs over /run, so /run/netns of the host is untouched.
. "$TWTUNE_SRCDIR/tests/lib.sh"
require_root
in_private_ns -mn

command -v ip >/dev/null 2>&1 || skip "needs ip (iproute2)"
SOCKFIX="$TWTUNE_BUILDDIR/tests/root/sockfix"
mount -t tmpfs twtune-test /run || exit 99
mkdir /run/netns || exit 99
ip netns add twt-census || exit 99
ip netns exec twt-census ip link set lo up || exit 99
ip netns exec twt-census sh -c 'echo "40000 40999" >/proc/sys/net/ipv4/ip_local_port_range' || exit 99

mkfifo "$T/hold" || exit 99
ip netns exec twt-census "$SOCKFIX" 1 3 0 0 0 0 0 0 <"$T/hold" >"$T/ready" 2>&1 &
FIXPID=$!
exec 9>"$T/hold"
trap 'exec 9>&-; wait $FIXPID 2>/dev/null; rm -rf "$T"' EXIT
i=0
until grep -q '^ready$' "$T/ready" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 200 ] || { cat "$T/ready" >&2; fail "sockfix not ready"; }
	sleep 0.1
done

run_tw 0 sockets --netns twt-census --state time-wait
assert_grep '^  TIME_WAIT  *3$' "$T/out"
assert_grep '^  ephemeral ports 40000-40999: 1000 usable (0 reserved)$' "$T/out"
assert_grep '^  *3   0\.30%  127\.0\.0\.2:5001$' "$T/out"

# Our own namespace has none of them.
run_tw 0 sockets --state time-wait
assert_grep '^  TIME_WAIT  *0$' "$T/out"

run_tw 3 sockets --netns twt-missing
assert_grep "cannot enter network namespace 'twt-missing'" "$T/err"
