# apply, no-op, dry run, rollback and history against the real kernel in a
# private network and mount namespace: values go live and into the
# fragment; a second apply changes nothing; rollback restores the fragment
# byte for byte (or its absence) and the live values.
. "$TWTUNE_SRCDIR/tests/lib.sh"

require_root
command -v python3 >/dev/null 2>&1 || skip "needs python3"
in_private_ns -mn
. "$TWTUNE_SRCDIR/tests/root/apply_env.sh"

profile web 'net.ipv4.tcp_fin_timeout: 30' 'net.ipv4.tcp_tw_reuse: 1' \
	'net.ipv4.ip_local_port_range: "10240 65535"' \
	'net.ipv4.tcp_max_tw_buckets: { at_least: 262144 }'
profile other 'net.ipv4.tcp_fin_timeout: 45' 'net.core.somaxconn: 8192'

snapshot "$T/s0"

# A dry run writes nothing, and shows the diff and the table.
run_tw 0 apply -p "$T/web.yaml" --dry-run
assert_grep '^+++ /etc/sysctl.d/90-twtune.conf' "$T/out"
assert_grep '^+net.ipv4.tcp_fin_timeout = 30$' "$T/out"
assert_grep 'net.ipv4.tcp_fin_timeout *60 -> 30' "$T/out"
snapshot "$T/s"
assert_same "$T/s0" "$T/s"
[ -z "$(ls -A $STATE)" ] || fail "dry run created state: $(ls -A $STATE)"

# apply: live values and the fragment.
run_tw 0 apply -p "$T/web.yaml" --format json
assert_json "$T/out"
[ "$(json_get "$T/out" 'd["changed"]')" = True ] || fail "changed is not true"
[ "$(json_get "$T/out" 'd["generation"]')" = 1 ] || fail "generation is not 1"
[ "$(json_get "$T/out" 'd["error"]')" = None ] || fail "error is not null"
[ "$(cat /proc/sys/net/ipv4/tcp_fin_timeout)" = 30 ] || fail "tcp_fin_timeout not live"
[ "$(cat /proc/sys/net/ipv4/tcp_tw_reuse)" = 1 ] || fail "tcp_tw_reuse not live"
[ "$(cat /proc/sys/net/ipv4/ip_local_port_range)" = "$(printf '10240\t65535')" ] ||
	fail "port range not live"
[ "$(cat /proc/sys/net/ipv4/tcp_max_tw_buckets)" -ge 262144 ] || fail "at_least not applied"
assert_grep '^# profile: web$' $FRAG
assert_grep '^# generation: 1$' $FRAG
assert_grep '^net.ipv4.ip_local_port_range = 10240 65535$' $FRAG
[ "$(stat -c %a $FRAG)" = 644 ] || fail "fragment mode $(stat -c %a $FRAG)"
[ "$(stat -c %a $STATE)" = 700 ] || fail "state mode $(stat -c %a $STATE)"
[ "$(stat -c %a $STATE/generations/1.journal)" = 600 ] || fail "journal mode"
# sorted keys after the header
grep -v '^#' $FRAG | cut -d' ' -f1 >"$T/keys"
sort "$T/keys" | diff -u - "$T/keys" || fail "fragment keys not sorted"
snapshot "$T/s1"

# Again: nothing changes, nothing is written, no generation.
run_tw 0 apply -p "$T/web.yaml" --format json
[ "$(json_get "$T/out" 'd["changed"]')" = False ] || fail "second apply changed"
[ "$(json_get "$T/out" 'd["generation"]')" = None ] || fail "second apply made a generation"
snapshot "$T/s"
assert_same "$T/s1" "$T/s"
[ ! -e $STATE/generations/2.journal ] || fail "no-op wrote a journal"
run_tw 0 apply -p "$T/web.yaml"
assert_grep '^no changes' "$T/out"

# A second profile over the first, then rollback twice: back to s1, then s0.
run_tw 0 apply -p "$T/other.yaml"
assert_grep 'applied as generation 2' "$T/out"
[ "$(cat /proc/sys/net/core/somaxconn)" = 8192 ] || fail "somaxconn not live"
run_tw 0 history --format json
assert_json "$T/out"
[ "$(json_get "$T/out" 'len(d["generations"])')" = 2 ] || fail "history length"
[ "$(json_get "$T/out" 'd["generations"][1]["profile"]')" = other ] || fail "history profile"

snapshot "$T/s2"
run_tw 0 rollback --dry-run
assert_grep '^-net.core.somaxconn = 8192$' "$T/out"
snapshot "$T/s"
assert_same "$T/s2" "$T/s"

run_tw 0 rollback --format json
assert_json "$T/out"
[ "$(json_get "$T/out" 'd["generation"]')" = 3 ] || fail "rollback generation"
[ "$(json_get "$T/out" 'd["rollback_to"]')" = 2 ] || fail "rollback target"
snapshot "$T/s"
assert_same "$T/s1" "$T/s"
run_tw 0 rollback
assert_grep 'restoring the state before generation 1' "$T/out"
snapshot "$T/s"
assert_same "$T/s0" "$T/s"
[ ! -e $FRAG ] || fail "fragment still there after the last rollback"
run_tw 0 rollback
assert_grep '^nothing to roll back' "$T/out"

run_tw 0 history
assert_grep '^ *1 .* apply .* web .*rolled back by 4' "$T/out"
assert_grep '^ *2 .* apply .* other .*rolled back by 4' "$T/out"
assert_grep '^ *3 .* rollback .*(to before 2).*rolled back by 4' "$T/out"
assert_grep '^ *4 .* rollback .*(to before 1).*committed' "$T/out"

# A fragment that was there before (not ours) comes back byte for byte,
# also after rollback --to an older generation.
printf '# hand-written\nnet.ipv4.tcp_fin_timeout=50\n' >$FRAG
echo 50 >/proc/sys/net/ipv4/tcp_fin_timeout
snapshot "$T/s5"
run_tw 0 apply -p "$T/web.yaml"
run_tw 0 apply -p "$T/other.yaml"
run_tw 0 rollback --to 5
snapshot "$T/s"
assert_same "$T/s5" "$T/s"
run_tw 3 rollback --to 99
assert_grep "no generation 99" "$T/err"

# --netns: the named namespace changes, this one does not; rollback needs
# the same --netns.
command -v ip >/dev/null 2>&1 || exit 0
ip netns add twtune-test || exit 99
rm -rf $STATE/generations $FRAG
snapshot "$T/s6"
before=$(ip netns exec twtune-test cat /proc/sys/net/ipv4/tcp_fin_timeout)
run_tw 0 apply -p "$T/other.yaml" --netns twtune-test
[ "$(ip netns exec twtune-test cat /proc/sys/net/ipv4/tcp_fin_timeout)" = 45 ] ||
	fail "--netns value not set in the namespace"
[ "$(cat /proc/sys/net/ipv4/tcp_fin_timeout)" = 50 ] || fail "--netns changed this namespace"
run_tw 3 rollback
assert_grep "applied in network namespace 'twtune-test'" "$T/err"
run_tw 0 rollback --netns twtune-test
[ "$(ip netns exec twtune-test cat /proc/sys/net/ipv4/tcp_fin_timeout)" = "$before" ] ||
	fail "--netns rollback"
snapshot "$T/s"
assert_same "$T/s6" "$T/s"
ip netns delete twtune-test
exit 0
