# The census against the real kernel: tests/root/sockfix puts sockets into
# known states over 127.0.0.1 / 127.0.0.2 / ::1 in a private network
# namespace, and twtune must count what the kernel (and ss) shows, from
# netlink and from /proc (--root /) alike.
. "$TWTUNE_SRCDIR/tests/lib.sh"
require_root
in_private_ns -n

SOCKFIX="$TWTUNE_BUILDDIR/tests/root/sockfix"
[ -x "$SOCKFIX" ] || fail "sockfix not built ($SOCKFIX)"
command -v ss >/dev/null 2>&1 || skip "needs ss (iproute2)"

# EST4 TW4 CW4 PTW4 EST6 TW6 CW6 CWC4 (CWC4: client-side CLOSE_WAIT)
EST4=6 TW4=40 CW4=5 PTW4=3 EST6=4 TW6=25 CW6=7 CWC4=9
CW=$((CW4 + CW6 + CWC4))

mkfifo "$T/hold" || exit 99
"$SOCKFIX" $EST4 $TW4 $CW4 $PTW4 $EST6 $TW6 $CW6 $CWC4 <"$T/hold" >"$T/ready" 2>"$T/sockfix.err" &
FIXPID=$!
exec 9>"$T/hold"
trap 'exec 9>&-; kill $FIXPID 2>/dev/null; wait $FIXPID 2>/dev/null; rm -rf "$T"' EXIT
i=0
until grep -q '^ready$' "$T/ready" 2>/dev/null; do
	i=$((i + 1))
	kill -0 $FIXPID 2>/dev/null || { cat "$T/sockfix.err" >&2; fail "sockfix died"; }
	[ $i -lt 200 ] || fail "sockfix not ready after 20 s"
	sleep 0.1
done

# jnum KEY FILE: the first "KEY": NUMBER in a pretty-printed document.
jnum() {
	sed -n "s/^ *\"$1\": \\(-\\{0,1\\}[0-9][0-9]*\\),\\{0,1\\}\$/\\1/p" "$2" | head -n 1
}
# jfirst ARRAY KEY FILE: KEY of the first object in ARRAY.
jfirst() {
	sed -n "/\"$1\": \\[/,/}/p" "$3" |
		sed -n "s/^ *\"$2\": \"\\{0,1\\}\\([^\",]*\\)\"\\{0,1\\},\\{0,1\\}\$/\\1/p" | head -n 1
}
expect() {
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}

run_tw 0 sockets --format json --owners --top 0
assert_json "$T/out"
cp "$T/out" "$T/nl.json"
expect source "$(sed -n 's/^ *"source": "\(.*\)",$/\1/p' "$T/nl.json")" netlink

# What we built.
expect ESTABLISHED "$(jnum ESTABLISHED "$T/nl.json")" $((2 * (EST4 + EST6)))
expect TIME_WAIT "$(jnum TIME_WAIT "$T/nl.json")" $((TW4 + PTW4 + TW6))
expect time_wait_active "$(jnum time_wait_active "$T/nl.json")" $((TW4 + TW6))
expect time_wait_passive "$(jnum time_wait_passive "$T/nl.json")" $PTW4
expect CLOSE_WAIT "$(jnum CLOSE_WAIT "$T/nl.json")" $CW
# The ends that closed first are orphans in FIN_WAIT2 (timewait
# minisockets with substate FIN_WAIT2).
expect FIN_WAIT2 "$(jnum FIN_WAIT2 "$T/nl.json")" $CW
expect LISTEN "$(jnum LISTEN "$T/nl.json")" 6
expect 'top destination' "$(jfirst time_wait_by_destination address "$T/nl.json")" 127.0.0.2
expect 'top port' "$(jfirst time_wait_by_destination port "$T/nl.json")" 5001
expect 'top count' "$(jfirst time_wait_by_destination count "$T/nl.json")" $TW4
sed -n '/"time_wait_by_destination"/,/"time_wait_by_pair"/p' "$T/nl.json" >"$T/dest"
assert_grep '"address": "::1"' "$T/dest"
[ "$(grep -c '"address"' "$T/dest")" = 2 ] || fail "expected 2 destinations"
expect 'pair local' "$(jfirst time_wait_by_pair local_address "$T/nl.json")" 127.0.0.1

# What ss sees, state by state.
ss -tanH >"$T/ss" || fail "ss failed"
for pair in ESTAB:ESTABLISHED SYN-SENT:SYN_SENT SYN-RECV:SYN_RECV FIN-WAIT-1:FIN_WAIT1 \
	FIN-WAIT-2:FIN_WAIT2 TIME-WAIT:TIME_WAIT CLOSE-WAIT:CLOSE_WAIT LAST-ACK:LAST_ACK \
	LISTEN:LISTEN CLOSING:CLOSING; do
	want=$(awk -v s="${pair%%:*}" '$1 == s' "$T/ss" | wc -l)
	expect "${pair#*:} vs ss" "$(jnum "${pair#*:}" "$T/nl.json")" $((want))
done
expect 'total vs ss' "$(jnum total "$T/nl.json")" $(($(wc -l <"$T/ss")))
expect 'time-wait vs ss state time-wait' "$(jnum TIME_WAIT "$T/nl.json")" \
	$(($(ss -tanH state time-wait | wc -l)))
want=$(ss -tanH state time-wait dst 127.0.0.2 dport = :5001 | wc -l)
expect 'top count vs ss' "$(jfirst time_wait_by_destination count "$T/nl.json")" $((want))

# CLOSE_WAIT owners, all the helper itself: 9 client side toward
# 127.0.0.3:5020 (each on its own local port, as ss shows: one group, not
# 9), then server side 7 on listening port [::1]:5010 and 5 on 5000.
want=$(ss -tanH state close-wait dst 127.0.0.3 dport = :5020 | wc -l)
expect 'client CLOSE_WAIT vs ss' $((want)) $CWC4
want=$(ss -tanH state close-wait dst 127.0.0.3 dport = :5020 |
	awk '{ n = split($3, a, ":"); print a[n] }' | sort -u | wc -l)
expect 'client local ports vs ss' $((want)) $CWC4
sed -n '/"close_wait_by_process"/,$p' "$T/nl.json" >"$T/cw"
[ "$(grep -c '"pid"' "$T/cw")" = 3 ] || { cat "$T/cw" >&2; fail "expected 3 owner groups"; }
expect 'owner pid' "$(jfirst close_wait_by_process pid "$T/cw")" $FIXPID
expect 'owner comm' "$(jfirst close_wait_by_process comm "$T/cw")" sockfix
expect 'owner side' "$(jfirst close_wait_by_process side "$T/cw")" client
expect 'owner port' "$(jfirst close_wait_by_process port "$T/cw")" 5020
expect 'owner peer' "$(jfirst close_wait_by_process peer "$T/cw")" 127.0.0.3:5020
expect 'owner count' "$(jfirst close_wait_by_process count "$T/cw")" $CWC4
# The server-side groups: the listening ports ss shows, no peer.
for port in 5010 5000; do
	[ "$(ss -tlnH "sport = :$port" | wc -l)" -ge 1 ] || fail "ss: no listener on $port"
	sed -n "/\"port\": $port,/,/}/p" "$T/cw" >"$T/grp"
	assert_grep '"side": "server"' "$T/grp"
	assert_grep '"peer": null' "$T/grp"
done
assert_grep "\"port\": 5010,\$" "$T/cw"
expect unresolved "$(jnum close_wait_unresolved "$T/nl.json")" 0

# /proc/net/tcp{,6} of this namespace (--root /) must tell the same story.
run_tw 0 sockets --root / --format json --owners --top 0
assert_json "$T/out"
grep -v -e '"source"' -e '"fallback_reason"' "$T/nl.json" >"$T/a"
grep -v -e '"source"' -e '"fallback_reason"' "$T/out" >"$T/b"
assert_same "$T/a" "$T/b"

# Without privileges the census still works (sock_diag needs none), but
# root's sockets have no visible owner: pid 0 "?", and said so.
if command -v setpriv >/dev/null 2>&1; then
	setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$TWTUNE" sockets --format json --owners >"$T/out" 2>"$T/err" ||
		{ cat "$T/err" >&2; fail "unprivileged sockets failed"; }
	expect 'unprivileged source' "$(sed -n 's/^ *"source": "\(.*\)",$/\1/p' "$T/out")" netlink
	expect 'unprivileged TIME_WAIT' "$(jnum TIME_WAIT "$T/out")" $((TW4 + PTW4 + TW6))
	expect 'unprivileged unresolved' "$(jnum close_wait_unresolved "$T/out")" $CW
	expect 'unprivileged owner pid' "$(jfirst close_wait_by_process pid "$T/out")" 0
	expect 'unprivileged owner comm' "$(jfirst close_wait_by_process comm "$T/out")" '?'
	setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$TWTUNE" sockets --by process >"$T/out" 2>"$T/err" || fail "unprivileged text"
	assert_grep "sockets without a known owner (pid 0 '?')" "$T/out"
fi

# netlink refused (seccomp, as in some containers): /proc, same story.
"$TWTUNE_BUILDDIR/tests/root/nlrefuse" "$TWTUNE" sockets --format json --owners --top 0 \
	>"$T/out" 2>"$T/err" || { cat "$T/err" >&2; fail "sockets under nlrefuse failed"; }
assert_json "$T/out"
assert_grep '"source": "proc"' "$T/out"
assert_grep '"fallback_reason": "netlink socket refused (EPERM)"' "$T/out"
grep -v -e '"source"' -e '"fallback_reason"' "$T/out" >"$T/b"
assert_same "$T/a" "$T/b"

# --state is applied by the kernel: only TIME_WAIT comes back.
run_tw 0 sockets --state time-wait --format json
expect 'filtered total' "$(jnum total "$T/out")" $((TW4 + PTW4 + TW6))
assert_no_grep '"ESTABLISHED"' "$T/out"
expect 'filtered passive' "$(jnum time_wait_passive "$T/out")" $PTW4

# Text: the top destination with its share of 28232 usable ports.
run_tw 0 sockets
assert_grep "^  *$TW4  *0\\.14%  127\\.0\\.0\\.2:5001\$" "$T/out"
assert_grep '^  ephemeral ports 32768-60999: 28232 usable (0 reserved)$' "$T/out"
run_tw 0 sockets --by process
assert_grep "^  *$CWC4  *$FIXPID  *sockfix  *to 127\\.0\\.0\\.3:5020\$" "$T/out"
assert_grep "^  *$CW6  *$FIXPID  *sockfix  *listen 5010\$" "$T/out"
assert_grep "^  *$CW4  *$FIXPID  *sockfix  *listen 5000\$" "$T/out"
# Only CLOSE_WAIT asked for: the kernel is still asked for the listeners,
# or every socket would look client side.
run_tw 0 sockets --state close-wait --by process
assert_grep "^  *$CWC4  *$FIXPID  *sockfix  *to 127\\.0\\.0\\.3:5020\$" "$T/out"
assert_grep "^  *$CW6  *$FIXPID  *sockfix  *listen 5010\$" "$T/out"
assert_grep "^  *$CW4  *$FIXPID  *sockfix  *listen 5000\$" "$T/out"
assert_no_grep 'LISTEN' "$T/out"
