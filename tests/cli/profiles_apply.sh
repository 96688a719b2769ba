# Every shipped profile's settings are what apply can write: on the
# healthy base (Debian 12 / 6.18) and on a CentOS 7 (3.10) tree, a dry run
# of each profile plans without errors, writes nothing, and carries the
# keys the profile promises, tcp_tw_recycle = 0 only where the kernel
# still has it.
. "$TWTUNE_SRCDIR/tests/lib.sh"

"$TWTUNE" apply -p default --dry-run --root "$FIXTURES/roots/healthy" \
	>/dev/null 2>"$T/err"
! grep -q 'not implemented' "$T/err" || skip "apply is not in this build yet"

W=$T
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	W=$(mktemp -d /dev/shm/twtune-apply.XXXXXX) || W=$T
	trap 'rm -rf "$T" "$W"' EXIT
fi
"$FIXTURES/mkroot" "$W/new" || fail "mkroot failed"
"$FIXTURES/mkroot" "$W/el7" "$FIXTURES/overlays/el7" || fail "mkroot el7 failed"
"$FIXTURES/mkroot" "$W/docker" "$FIXTURES/overlays/docker-host" || fail "mkroot docker failed"

snapshot() {
	(cd "$1" && find . -print | LC_ALL=C sort && find . -type f -exec cksum {} + | LC_ALL=C sort)
}

for root in new el7 docker; do
	snapshot "$W/$root" >"$T/before"
	for p in default web-proxy high-churn-client backend-server container-host legacy-kernel; do
		run_tw 0 --color never apply -p "$p" --dry-run --root "$W/$root"
		assert_grep 'nothing written' "$T/out"
		cp "$T/out" "$T/$root.$p"
	done
	snapshot "$W/$root" >"$T/after"
	cmp -s "$T/before" "$T/after" || fail "a dry run changed the $root tree"
done

for root in new el7; do
	for p in web-proxy high-churn-client; do
		assert_grep '^+net.ipv4.tcp_tw_reuse = 1$' "$T/$root.$p"
		assert_grep '^+net.ipv4.ip_local_port_range = 10240 65535$' "$T/$root.$p"
		assert_grep '^+net.ipv4.tcp_max_tw_buckets = 262144$' "$T/$root.$p"
	done
	assert_grep '^+net.core.somaxconn = 4096$' "$T/$root.backend-server"
done
# at_least never lowers: the healthy host's 2048 stays.
assert_grep '^+net.ipv4.tcp_max_syn_backlog = 2048$' "$T/new.backend-server"
# tcp_tw_recycle only where the kernel has it.
for p in default legacy-kernel; do
	assert_grep '^+net.ipv4.tcp_tw_recycle = 0$' "$T/el7.$p"
	assert_no_grep 'tcp_tw_recycle' "$T/new.$p"
done
# conntrack settings only where conntrack is loaded; raised, never lowered.
assert_no_grep 'nf_conntrack' "$T/new.container-host"
assert_grep '^+net.netfilter.nf_conntrack_max = 262144$' "$T/docker.container-host"
assert_grep '^+net.netfilter.nf_conntrack_tcp_timeout_time_wait = 120$' "$T/docker.container-host"
exit 0
