# kill -9 at every step of a commit. tests/root/killshim.so (LD_PRELOAD)
# raises SIGKILL just before the Nth write/fsync/rename/unlink; for every N
# until a run completes: the fragment is the old or the new one, never a
# mix; every live value is its old or new value; history flags the
# unfinished generation and apply refuses to run over it; and 'rollback'
# brings back the old fragment byte for byte and every old live value.
#
# ASan builds: libasan must come first in the initial library list, so
# the shim is preloaded after it (LD_PRELOAD="libasan.so killshim.so").
# The shim resolves the real calls with dlsym(RTLD_NEXT), below the ASan
# interceptors, so it counts the program's own calls either way.
. "$TWTUNE_SRCDIR/tests/lib.sh"

require_root
# Under make check-valgrind $TWTUNE is a wrapper script: the shim would
# count the shell's and valgrind's calls, not twtune's.
[ -z "${TWTUNE_VALGRIND:-}" ] || skip "the kill shim does not work under valgrind"
SHIM="${TWTUNE_BUILDDIR:-.}/tests/root/killshim.so"
[ -f "$SHIM" ] || skip "no $SHIM (make check builds it)"
in_private_ns -mn
. "$TWTUNE_SRCDIR/tests/root/apply_env.sh"

PRELOAD=$SHIM
asan=$(ldd "$TWTUNE" 2>/dev/null | awk '/libasan/ { print $3 }')
[ -n "$asan" ] && PRELOAD="$asan $SHIM"

profile web 'net.core.somaxconn: 7000' 'net.ipv4.ip_local_port_range: "20000 60999"' \
	'net.ipv4.tcp_fin_timeout: 31' 'net.ipv4.tcp_tw_reuse: 1'
printf '# written by hand\nnet.ipv4.tcp_fin_timeout = 55\n' >"$T/old-frag"
for k in $KEYS; do
	cat "/proc/sys/$k" >"$T/old-$(echo $k | tr / _)"
done

reset_host() {
	cp "$T/old-frag" $FRAG
	for k in $KEYS; do
		cat "$T/old-$(echo $k | tr / _)" >"/proc/sys/$k"
	done
	rm -rf $STATE/* $STATE/.[!.]*
	rm -f /etc/sysctl.d/.*twtune-*
}

# The finished result, for "old or new" checks; the shim counts the calls.
reset_host
snapshot "$T/s0"
TWTUNE_KILL_COUNT="$T/count" LD_PRELOAD="$PRELOAD" "$TWTUNE" apply -p "$T/web.yaml" \
	>"$T/out" 2>"$T/err" || { cat "$T/err"; fail "apply under the shim failed"; }
total=$(cat "$T/count")
[ "$total" -gt 8 ] || fail "shim counted only $total calls"
cp $FRAG "$T/new-frag"
snapshot "$T/s-new"

n=1
while [ $n -le $((total + 1)) ]; do
	reset_host
	TWTUNE_KILL_AT=$n LD_PRELOAD="$PRELOAD" "$TWTUNE" apply -p "$T/web.yaml" \
		>"$T/out" 2>"$T/err"
	rc=$?
	if [ $n -le "$total" ]; then
		[ $rc = 137 ] || { cat "$T/err"; fail "step $n: not killed (exit $rc)"; }
	else
		[ $rc = 0 ] || { cat "$T/err"; fail "complete run exited $rc"; }
	fi
	# old or new fragment, nothing in between, no visible temp file
	cmp -s $FRAG "$T/old-frag" || cmp -s $FRAG "$T/new-frag" ||
		fail "step $n: fragment is neither old nor new"
	for k in $KEYS; do
		v=$(cat "/proc/sys/$k")
		[ "$v" = "$(cat "$T/old-$(echo $k | tr / _)")" ] ||
			grep -q "^$k=$v\$" "$T/s-new" || fail "step $n: $k is '$v'"
	done
	# what the journal says
	"$TWTUNE" history >"$T/hist" 2>"$T/herr"
	hrc=$?
	if [ $rc = 137 ] && [ -e $STATE/generations/1.journal ] &&
	   ! grep -q '^status committed$' $STATE/generations/1.journal; then
		[ $hrc = 1 ] || { cat "$T/hist" "$T/herr"; fail "step $n: history exit $hrc"; }
		assert_grep 'UNFINISHED' "$T/hist"
		run_tw 3 apply -p "$T/web.yaml"
		assert_grep 'generation 1 is unfinished' "$T/err"
		# check tells the operator too, and never exits 0 over it
		"$TWTUNE" check --no-sockets -p "$T/web.yaml" >"$T/cout" 2>"$T/cerr"
		[ $? != 0 ] || fail "step $n: check exited 0 over an unfinished apply"
		assert_grep "generation 1 of 'twtune apply' did not finish" "$T/cerr"
	elif [ -e $STATE/generations/1.journal ]; then
		# killed after the committed line was written: all new
		[ $hrc = 0 ] || { cat "$T/hist" "$T/herr"; fail "step $n: history exit $hrc"; }
		snapshot "$T/s"
		assert_same "$T/s-new" "$T/s"
	else
		# killed before the journal existed: nothing changed
		[ $hrc = 0 ] || { cat "$T/hist" "$T/herr"; fail "step $n: history exit $hrc"; }
		snapshot "$T/s"
		assert_same "$T/s0" "$T/s"
	fi
	run_tw 0 rollback
	snapshot "$T/s"
	assert_same "$T/s0" "$T/s"
	"$TWTUNE" history >"$T/hist" 2>&1 || fail "step $n: unfinished after rollback"
	n=$((n + 1))
done
echo "killed at each of $total steps; every one rolled back"
exit 0
