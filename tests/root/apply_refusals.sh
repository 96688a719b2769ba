# What apply refuses, and that a refusal writes nothing at all: a symlink
# planted at the fragment path, profiles others can write, keys outside
# net., unknown keys, '..' in keys, values with newlines, bad --fragment
# names, keys a later sysctl.d file overrides at boot, and a held lock.
. "$TWTUNE_SRCDIR/tests/lib.sh"

require_root
command -v python3 >/dev/null 2>&1 || skip "needs python3"
in_private_ns -mn
. "$TWTUNE_SRCDIR/tests/root/apply_env.sh"

# nothing_written: live values, /etc/sysctl.d and the journal as before.
nothing_written() {
	snapshot "$T/s"
	assert_same "$T/s0" "$T/s"
	[ ! -d $STATE/generations ] || [ -z "$(ls -A $STATE/generations)" ] ||
		fail "a generation was recorded: $(ls -A $STATE/generations)"
}

profile good 'net.ipv4.tcp_fin_timeout: 33' 'net.ipv4.tcp_tw_reuse: 1'
snapshot "$T/s0"

# A symlink at the fragment path: refused, its target untouched.
echo precious >"$T/victim"
ln -s "$T/victim" $FRAG
snapshot "$T/s0"
run_tw 3 apply -p "$T/good.yaml"
assert_grep 'symbolic link' "$T/err"
assert_grep 'nothing written' "$T/err"
[ "$(cat "$T/victim")" = precious ] || fail "symlink target was written"
nothing_written
rm $FRAG
snapshot "$T/s0"

# A world-writable profile, and one owned by another user.
profile ww 'net.ipv4.tcp_fin_timeout: 33'
chmod 0666 "$T/ww.yaml"
run_tw 3 apply -p "$T/ww.yaml"
assert_grep 'writable' "$T/err"
nothing_written
profile gw 'net.ipv4.tcp_fin_timeout: 33'
chmod 0664 "$T/gw.yaml"
run_tw 3 apply -p "$T/gw.yaml"
nothing_written
profile nobody 'net.ipv4.tcp_fin_timeout: 33'
chown 65534 "$T/nobody.yaml"
run_tw 3 apply -p "$T/nobody.yaml"
assert_grep 'uid 65534' "$T/err"
nothing_written
# --allow-untrusted is the explicit way round it.
run_tw 0 --allow-untrusted apply -p "$T/ww.yaml" --dry-run
nothing_written

# Keys and values a profile must not smuggle in: each also alongside a
# good key, which must not be written either.
for bad in 'kernel.core_pattern: "|/bin/sh -c x"' 'kernel/core_pattern: "x"' \
	'net.ipv4.tcp_tw_resuse: 1' 'net.ipv4..tcp_tw_reuse: 1' \
	'net/ipv4/../../kernel/core_pattern: "x"' \
	'net.ipv4.tcp_fin_timeout: "30\nkernel.core_pattern = |x"' \
	'net.ipv4.tcp_tw_reuse: 7' 'net.ipv4.tcp_ehash_entries: 1024'; do
	profile bad 'net.core.somaxconn: 9999' "$bad"
	run_tw 3 apply -p "$T/bad.yaml"
	nothing_written
	[ -s "$T/err" ] || fail "no message for '$bad'"
done
profile bad 'kernel.core_pattern: "|/tmp/x"'
run_tw 3 apply -p "$T/bad.yaml"
assert_grep "kernel.core_pattern" "$T/err"
profile bad 'net.ipv4.tcp_tw_resuse: 1'
run_tw 3 apply -p "$T/bad.yaml"
assert_grep "net.ipv4.tcp_tw_reuse" "$T/err"

# --fragment takes a plain .conf file name only.
for name in ../x.conf x/y.conf x .hidden.conf 'a b.conf' ''; do
	run_tw 3 apply -p "$T/good.yaml" --fragment "$name"
	assert_grep 'invalid --fragment' "$T/err"
done
nothing_written
run_tw 0 apply -p "$T/good.yaml" --fragment 50-mine.conf --dry-run
assert_grep '^+++ /etc/sysctl.d/50-mine.conf' "$T/out"

# A later file overriding a key at boot: refused, naming file and line;
# an earlier one is fine to override.
printf 'net.core.somaxconn = 1\n' >/etc/sysctl.d/10-early.conf
printf '# vendor\n\nnet.ipv4.tcp_fin_timeout = 20\n' >/usr/lib/sysctl.d/99-late.conf
snapshot "$T/s0"
run_tw 2 apply -p "$T/good.yaml" --format json
assert_json "$T/out"
[ "$(json_get "$T/out" 'd["shadowed"][0]["file"]')" = /usr/lib/sysctl.d/99-late.conf ] ||
	fail "shadowing file not named"
[ "$(json_get "$T/out" 'd["shadowed"][0]["line"]')" = 3 ] || fail "shadowing line"
[ "$(json_get "$T/out" 'd["shadowed"][0]["key"]')" = net.ipv4.tcp_fin_timeout ] ||
	fail "shadowed key"
[ "$(json_get "$T/out" 'len(d["shadowed"])')" = 1 ] || fail "tcp_tw_reuse shadowed?"
[ "$(json_get "$T/out" 'd["changed"]')" = False ] || fail "refused run says changed"
nothing_written
run_tw 2 apply -p "$T/good.yaml"
assert_grep '^/usr/lib/sysctl.d/99-late.conf:3: .net.ipv4.tcp_fin_timeout. is set again' "$T/out"
# masked by a same-named file in /etc: no longer shadows
ln -s /dev/null /etc/sysctl.d/99-late.conf
snapshot "$T/s0"
run_tw 0 apply -p "$T/good.yaml" --dry-run
rm /etc/sysctl.d/99-late.conf
snapshot "$T/s0"
run_tw 0 apply -p "$T/good.yaml" --allow-shadowed
[ "$(cat /proc/sys/net/ipv4/tcp_fin_timeout)" = 33 ] || fail "--allow-shadowed did not apply"
run_tw 0 rollback
rm /usr/lib/sysctl.d/99-late.conf /etc/sysctl.d/10-early.conf
rm -rf $STATE/generations
snapshot "$T/s0"

# A held lock: waits up to --lock-timeout, then exit 3.
python3 -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.lockf(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(30)
' $STATE/lock "$T/locked" &
holder=$!
i=0
while [ ! -e "$T/locked" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$T/locked" ] || fail "lock holder did not start"
run_tw 3 apply -p "$T/good.yaml" --lock-timeout 1
assert_grep 'another twtune apply is running' "$T/err"
kill $holder
wait $holder 2>/dev/null
nothing_written
run_tw 0 apply -p "$T/good.yaml" --lock-timeout 1
exit 0
