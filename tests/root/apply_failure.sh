# Failures in the middle of a commit leave the host as it was: a value the
# kernel refuses after an earlier key was already written (the plan saw a
# different ip_unprivileged_port_start than the kernel enforces, as when
# something changes it between plan and write), and a full file system
# under /etc/sysctl.d (ENOSPC while writing the new fragment).
. "$TWTUNE_SRCDIR/tests/lib.sh"

require_root
command -v python3 >/dev/null 2>&1 || skip "needs python3"
in_private_ns -mn
. "$TWTUNE_SRCDIR/tests/root/apply_env.sh"

profile base 'net.ipv4.tcp_fin_timeout: 40' 'net.core.somaxconn: 2000'
profile low 'net.core.somaxconn: 8000' 'net.ipv4.ip_local_port_range: "500 60999"' \
	'net.ipv4.tcp_fin_timeout: 30'

# An earlier generation, so there is a previous fragment to restore.
run_tw 0 apply -p "$T/base.yaml"
snapshot "$T/s0"

# The kernel refuses the port range (low 500 < the real start 1024) after
# net.core.somaxconn was written; the plan read a start of 0 from a file
# bound over the real one.
echo 0 >"$T/fake-start"
mount --bind "$T/fake-start" /proc/sys/net/ipv4/ip_unprivileged_port_start || exit 99
run_tw 2 apply -p "$T/low.yaml" --format json
umount /proc/sys/net/ipv4/ip_unprivileged_port_start || exit 99
assert_json "$T/out"
[ "$(json_get "$T/out" 'd["error"]["key"]')" = net.ipv4.ip_local_port_range ] ||
	fail "failing key not reported"
[ "$(json_get "$T/out" 'd["error"]["errno"]')" = 22 ] || fail "errno not EINVAL"
[ "$(json_get "$T/out" 'd["error"]["restored"]')" = True ] || fail "not restored"
[ "$(json_get "$T/out" 'd["changed"]')" = False ] || fail "failed run says changed"
[ "$(json_get "$T/out" 'd["generation"]')" = 2 ] || fail "generation of the failed run"
snapshot "$T/s"
assert_same "$T/s0" "$T/s"
run_tw 0 history
assert_grep "^ *2 .*failed, restored at 'net.ipv4.ip_local_port_range': Invalid argument" "$T/out"
# Without the stale view, the plan itself refuses it: nothing is written.
run_tw 3 apply -p "$T/low.yaml"
assert_grep "low end 500 is below 'net.ipv4.ip_unprivileged_port_start' 1024" "$T/err"
snapshot "$T/s"
assert_same "$T/s0" "$T/s"

# ENOSPC: /etc/sysctl.d on a 12 KiB tmpfs holding the old fragment and a
# filler up to the brim; the new fragment cannot be written.
cp $FRAG "$T/old-frag"
mount -t tmpfs -o size=12k,mode=0755 tmpfs /etc/sysctl.d || exit 99
cp -p "$T/old-frag" $FRAG
dd if=/dev/zero of=/etc/sysctl.d/zz-filler bs=1024 count=64 2>/dev/null
[ "$(df --output=avail /etc/sysctl.d | tail -1)" -eq 0 ] || fail "tmpfs not full"
profile bigger 'net.ipv4.tcp_fin_timeout: 35' 'net.core.somaxconn: 3000' \
	'net.ipv4.tcp_tw_reuse: 1'
snapshot "$T/s0"
run_tw 2 apply -p "$T/bigger.yaml" --format json
assert_json "$T/out"
[ "$(json_get "$T/out" 'd["error"]["errno"]')" = 28 ] || fail "errno not ENOSPC"
[ "$(json_get "$T/out" 'd["error"]["key"]')" = $FRAG ] || fail "fragment not named"
snapshot "$T/s"
assert_same "$T/s0" "$T/s"
cmp "$T/old-frag" $FRAG || fail "old fragment damaged"
[ -z "$(ls -A /etc/sysctl.d | grep twtune-)" ] || fail "temp file left: $(ls -A /etc/sysctl.d)"
run_tw 0 history --format json
[ "$(json_get "$T/out" 'd["generations"][-1]["outcome"]')" = failed ] || fail "not failed"
# Space again: the same apply succeeds.
rm /etc/sysctl.d/zz-filler
run_tw 0 apply -p "$T/bigger.yaml"
[ "$(cat /proc/sys/net/core/somaxconn)" = 3000 ] || fail "apply after ENOSPC"
exit 0
