#!/bin/sh
# make bench: the census against the kernel floor and ss, in a private
# network namespace that disappears when this script ends. Needs root.
#
# Environment (set by `make bench`): TWTUNE, LOADGEN, FLOOR, BENCHTIME;
# SANITIZED non-empty when twtune was built with sanitizers.
# BENCH_SOCKETS (default 200000), BENCH_SMALL (20000), BENCH_RUNS (7),
# BENCH_STRICT=1 to exit 1 when a target is missed.
set -u

: "${TWTUNE:?run through make bench}" "${LOADGEN:?}" "${FLOOR:?}" "${BENCHTIME:?}"
N=${BENCH_SOCKETS:-200000}
SMALL=${BENCH_SMALL:-20000}
RUNS=${BENCH_RUNS:-7}
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
echo 400000 >/proc/sys/net/ipv4/tcp_max_tw_buckets || exit 1
echo "1024 65535" >/proc/sys/net/ipv4/ip_local_port_range || exit 1
# tw_reuse (default 2 = loopback) would recycle our TIME_WAIT sockets.
echo 0 >/proc/sys/net/ipv4/tcp_tw_reuse || exit 1

D=$(mktemp -d "${TMPDIR:-/tmp}/twtune-bench.XXXXXX") || exit 1
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

echo "twtune bench: kernel $(uname -r), $(nproc) cpus, $RUNS runs each, median"
send "est $EST"
send "cw $CW"
T0=$(now)
send "tw $SMALL"
echo "created $(tw_count) TIME_WAIT (+$CW CLOSE_WAIT, +$((2 * EST)) ESTABLISHED) in $(elapsed "$T0") s"
set -- $("$BENCHTIME" "$RUNS" "$TWTUNE" sockets --format json) || exit 1
SMALL_MS=$1 SMALL_RSS=$3

T0=$(now)
send "tw $((N - SMALL))"
BEFORE=$(tw_count)
echo "created $BEFORE TIME_WAIT in total ($(elapsed "$T0") s for the last $((N - SMALL)))"

# Each measured right after the other while the sockets live (60 s).
set -- $("$BENCHTIME" "$RUNS" "$TWTUNE" sockets --format json) || exit 1
CENSUS_MS=$1 CENSUS_RSS=$3
set -- $("$BENCHTIME" "$RUNS" "$FLOOR") || exit 1
FLOOR_MS=$1 FLOOR_RSS=$3
set -- $("$BENCHTIME" "$RUNS" sh -c 'ss -tan state time-wait | wc -l') || exit 1
SS_MS=$1
# A second census round, to show the noise between rounds.
set -- $("$BENCHTIME" "$RUNS" "$TWTUNE" sockets --format json) || exit 1
CENSUS2_MS=$1
AFTER=$(tw_count)
FLOOR_COUNT=$("$FLOOR")
SS_COUNT=$(ss -tanH state time-wait | wc -l)

awk -v n="$BEFORE" -v after="$AFTER" -v fc="$FLOOR_COUNT" -v ssc="$SS_COUNT" \
    -v small="$SMALL" -v sms="$SMALL_MS" -v srss="$SMALL_RSS" \
    -v cms="$CENSUS_MS" -v cms2="$CENSUS2_MS" -v crss="$CENSUS_RSS" \
    -v fms="$FLOOR_MS" -v frss="$FLOOR_RSS" -v ssms="$SS_MS" -v strict="${BENCH_STRICT:-0}" '
function verdict(ok) { if (!ok) miss++; return ok ? "PASS" : "MISS" }
BEGIN {
	printf "sockets during measurement: %d TIME_WAIT before, %d after; floor saw %d sockets, ss %d TIME_WAIT\n", n, after, fc, ssc
	printf "%-52s %9.2f ms  %7d KiB\n", "twtune sockets --format json (whole process)", cms, crss
	printf "%-52s %9.2f ms\n", "  same, second round", cms2
	printf "%-52s %9.2f ms  %7d KiB\n", "sockdiag-floor: bare libmnl dump, count only", fms, frss
	printf "%-52s %9.2f ms\n", "ss -tan state time-wait | wc -l", ssms
	printf "%-52s %9.2f ms  %7d KiB\n", sprintf("twtune at %d TIME_WAIT", small), sms, srss
	r = cms / fms
	printf "census / floor:        %5.2fx  (target <= 1.30)  %s\n", r, verdict(r <= 1.30)
	s = ssms / cms
	printf "speed-up over ss:      %5.1fx  (target >= 3)     %s\n", s, verdict(s >= 3)
	m = crss / srss
	printf "peak RSS %dk vs %dk: %5.2fx  (target flat, <= 1.20)  %s\n", n / 1000, small / 1000, m, verdict(m <= 1.20)
	exit (strict && miss) ? 1 : 0
}'
status=$?
echo quit >&9
exit $status
