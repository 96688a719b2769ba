# twtune explain against the real kernel, inside a private network
# namespace: per-netns keys show this namespace's value, global keys are
# absent here and explain says why. Writes only per-netns net.* keys.
. "$TWTUNE_SRCDIR/tests/lib.sh"
require_root
in_private_ns -n

echo 1 >/proc/sys/net/ipv4/tcp_tw_reuse || exit 99
run_tw 0 explain net.ipv4.tcp_tw_reuse
assert_grep '^  live:     1 (on for every outgoing connection; needs tcp_timestamps on both ends)$' "$T/out"
assert_grep "^  kernel:   $(uname -r) (has this key)$" "$T/out"

echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse || exit 99
run_tw 0 explain net/ipv4/tcp_tw_reuse --format json
assert_json "$T/out"
assert_grep '"live": "0",' "$T/out"

# tcp_max_orphans is registered on the initial namespace only.
[ ! -e /proc/sys/net/ipv4/tcp_max_orphans ] || skip "tcp_max_orphans visible in a child netns"
run_tw 0 explain net.ipv4.tcp_max_orphans
assert_grep '^  scope:    global$' "$T/out"
assert_grep '^  live:     absent on this kernel (a global key: absent inside a child network namespace)$' "$T/out"

# The kernel's own text for a vector key, tab and all, in JSON.
echo '40000 50001' >/proc/sys/net/ipv4/ip_local_port_range || exit 99
run_tw 0 explain net.ipv4.ip_local_port_range --format json
assert_grep '"live": "40000\\t50001",' "$T/out"
run_tw 0 explain net.ipv4.ip_local_port_range
assert_grep '^  live:     40000 50001$' "$T/out"

exit 0
