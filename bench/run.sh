#!/bin/sh
# make bench: the census against the kernel floor and ss, in a private
# network namespace that disappears when this script ends. Needs root.
#
# Environment (set by `make bench`): TWTUNE, LOADGEN, FLOOR, BENCHTIME;
# SANITIZED non-empty when twtune was built with sanitizers.
# BENCH_SOCKETS (default 200000), BENCH_SMALL (20000), BENCH_RUNS (9),
# BENCH_STRICT=1 to exit 1 when a target is missed.
set -u

: "${TWTUNE:?run through make bench}" "${LOADGEN:?}" "${FLOOR:?}" "${BENCHTIME:?}"
N=${BENCH_SOCKETS:-200000}
SMALL=${BENCH_SMALL:-20000}
RUNS=${BENCH_RUNS:-9}
CW=50
EST=1000

if [ -z "${TWTUNE_BENCH_IN_NS:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
		echo "bench: needs root and unshare -n (a private network namespace)" >&2
		exit 1
	fi
	TWTUNE_BENCH_IN_NS=1 exec unshare -n sh "$0" "$@"
fi

# Never touch the host: refuse to write sysctls unless we are really in
# a network namespace of our own.
if [ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net)" ]; then
	echo "bench: not in a private network namespace, refusing" >&2
	exit 1
fi
ip link set lo up || exit 1
D=$(mktemp -d "${TMPDIR:-/tmp}/twtune-bench.XXXXXX") || exit 1
# The quiet host first: twtune check with the default profile on the fresh
# namespace, before any tuning or load (PRODUCT.md: under 20 ms).
"$BENCHTIME" "$RUNS" "$TWTUNE" check >"$D/quiet" || { rm -rf "$D"; exit 1; }
echo 400000 >/proc/sys/net/ipv4/tcp_max_tw_buckets || exit 1
echo "1024 65535" >/proc/sys/net/ipv4/ip_local_port_range || exit 1
# loadgen listens on 7000-7001 and 9000-9001: keep connect() from taking
# them as source ports, or a later listen() finds its port in use.
echo "7000-7001,9000-9001" >/proc/sys/net/ipv4/ip_local_reserved_ports || exit 1
# tw_reuse (default 2 = loopback) would recycle our TIME_WAIT sockets.
echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse || exit 1

mkfifo "$D/cmd" || exit 1
"$LOADGEN" <"$D/cmd" >"$D/ack" 2>"$D/loadgen.err" &
LGPID=$!
exec 9>"$D/cmd"
trap 'exec 9>&-; kill $LGPID 2>/dev/null; wait $LGPID 2>/dev/null; rm -rf "$D"' EXIT
ACKS=0

# send COMMAND: waits (bounded, 120 s) for loadgen's "ok".
send() {
	echo "$1" >&9
	ACKS=$((ACKS + 1))
	_i=0
	while [ "$(grep -c '^ok$' "$D/ack")" -lt $ACKS ]; do
		kill -0 $LGPID 2>/dev/null || { cat "$D/loadgen.err" >&2; echo "bench: loadgen died" >&2; exit 1; }
		_i=$((_i + 1))
		[ $_i -lt 2400 ] || { echo "bench: loadgen timed out on '$1'" >&2; exit 1; }
		sleep 0.05
	done
}

tw_count() {
	"$TWTUNE" sockets --state time-wait --format json |
		sed -n 's/^ *"TIME_WAIT": \([0-9]*\).*/\1/p'
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[ -n "${SANITIZED:-}" ] &&
	echo "warning: twtune was built with sanitizers ($SANITIZED): timings are not representative; configure without --enable-sanitizers for bench" >&2

echo "twtune bench: kernel $(uname -r), $(nproc) cpus, $RUNS interleaved rounds"
send "est $EST"
send "cw $CW"
T0=$(now)
send "tw $SMALL"
echo "created $(tw_count) TIME_WAIT (+$CW CLOSE_WAIT, +$((2 * EST)) ESTABLISHED) in $(elapsed "$T0") s"
"$BENCHTIME" "$RUNS" "$TWTUNE" sockets --format json >"$D/small" || exit 1

T0=$(now)
send "tw $((N - SMALL))"
BEFORE=$(tw_count)
echo "created $BEFORE TIME_WAIT in total ($(elapsed "$T0") s for the last $((N - SMALL)))"

# Interleaved rounds (census, floor, ss) while the sockets live (60 s):
# load from elsewhere on the machine then hits all three alike.
"$BENCHTIME" "$RUNS" "$TWTUNE" sockets --format json ::: "$FLOOR" ::: \
	sh -c 'ss -tan state time-wait | wc -l' >"$D/big" || exit 1
AFTER=$(tw_count)
FLOOR_COUNT=$("$FLOOR")
SS_COUNT=$(ss -tanH state time-wait | wc -l)

cat "$D/quiet" "$D/small" "$D/big" | awk -v n="$BEFORE" -v after="$AFTER" -v fc="$FLOOR_COUNT" \
    -v ssc="$SS_COUNT" -v small="$SMALL" -v strict="${BENCH_STRICT:-0}" '
function sort(a, k,   i, j, t) {
	for (i = 2; i <= k; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
}
function median(a, k) { sort(a, k); return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
function verdict(ok) { if (!ok) miss++; return ok ? "PASS" : "MISS" }
{
	rss[NR] = $1
	runs = NF - 1
	for (i = 2; i <= NF; i++) t[NR, i - 1] = $i
}
END {
	# rows: 0 check on the quiet namespace, 1 twtune at small, 2 twtune
	# at N, 3 floor, 4 ss (awk counts the input lines from 1: shift)
	for (r = 0; r <= 4; r++) {
		for (i = 1; i <= runs; i++) { x[i] = t[r + 1, i] }
		med[r] = median(x, runs); mn[r] = x[1]; rs[r] = rss[r + 1]
	}
	for (r = 0; r <= 4; r++) rss[r] = rs[r]
	for (i = 1; i <= runs; i++) { q[i] = t[3, i] / t[4, i]; s[i] = t[5, i] / t[3, i] }
	qr = median(q, runs); sr = median(s, runs)
	printf "sockets during measurement: %d TIME_WAIT before, %d after; floor saw %d sockets, ss %d TIME_WAIT\n", n, after, fc, ssc
	printf "%-46s %8s %8s %9s\n", "whole process, wall time", "median", "min", "peak RSS"
	printf "%-46s %6.1fms %6.1fms %6d KiB\n", "twtune sockets --format json", med[2], mn[2], rss[2]
	printf "%-46s %6.1fms %6.1fms %6d KiB\n", "sockdiag-floor (bare libmnl dump, counts)", med[3], mn[3], rss[3]
	printf "%-46s %6.1fms %6.1fms\n", "ss -tan state time-wait | wc -l", med[4], mn[4]
	printf "%-46s %6.1fms %6.1fms %6d KiB\n", sprintf("twtune sockets at %d TIME_WAIT", small), med[1], mn[1], rss[1]
	printf "%-46s %6.1fms %6.1fms %6d KiB\n", "twtune check, quiet namespace (default)", med[0], mn[0], rss[0]
	printf "census / floor   (median of rounds) %5.2fx  target <= 1.30  %s\n", qr, verdict(qr <= 1.30)
	printf "ss / census      (median of rounds) %5.1fx  target >= 3     %s\n", sr, verdict(sr >= 3)
	m = rss[2] / rss[1]
	printf "peak RSS %dk / %dk              %5.2fx  target <= 1.20  %s\n", n / 1000, small / 1000, m, verdict(m <= 1.20)
	printf "check on a quiet host (median)    %6.1fms  target < 20 ms   %s\n", med[0], verdict(med[0] < 20)
	exit (strict && miss) ? 1 : 0
}'
status=$?
echo quit >&9
exit $status
