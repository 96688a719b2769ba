# Shared helpers for tests/cli/*.sh and tests/root/*.sh (POSIX sh).
# The automake harness exports TWTUNE (the built binary), TWTUNE_SRCDIR and
# TWTUNE_BUILDDIR. Exit 77 = skipped, 99 = hard error.
set -u

: "${TWTUNE:?run through make check}"
: "${TWTUNE_SRCDIR:?run through make check}"
FIXTURES="$TWTUNE_SRCDIR/tests/fixtures"
CORPUS="$TWTUNE_SRCDIR/../shared/corpus/sysctl"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# A private temporary directory, removed on exit.
T=$(mktemp -d "${TMPDIR:-/tmp}/twtune-test.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT

# make check-valgrind: every run of the binary goes through valgrind.
# valgrind's own messages go to a log (so stderr comparisons still hold)
# and are shown only when it found an error (exit 98).
if [ -n "${TWTUNE_VALGRIND:-}" ]; then
	# tests that run the binary as an unprivileged user must reach the
	# wrapper and write their logs too
	chmod 755 "$T"
	mkdir -m 1777 "$T/vg" || exit 99
	cat >"$T/twtune-vg" <<EOF_VG
#!/bin/sh
$TWTUNE_VALGRIND --log-file="$T/vg/vg.%p.log" "$TWTUNE" "\$@"
rc=\$?
if [ \$rc = 98 ]; then cat "$T"/vg/vg.*.log >&2; fi
exit \$rc
EOF_VG
	chmod 755 "$T/twtune-vg"
	TWTUNE="$T/twtune-vg"
fi

# run_tw EXPECTED_EXIT ARGS...: runs twtune, output in $T/out and $T/err.
run_tw() {
	_want=$1
	shift
	"$TWTUNE" "$@" >"$T/out" 2>"$T/err"
	_got=$?
	if [ "$_got" != "$_want" ]; then
		echo "--- stdout" >&2; cat "$T/out" >&2
		echo "--- stderr" >&2; cat "$T/err" >&2
		fail "twtune $* exited $_got, expected $_want"
	fi
}

# assert_grep PATTERN FILE
assert_grep() {
	grep -q -e "$1" "$2" || { cat "$2" >&2; fail "'$1' not found in $2"; }
}
assert_no_grep() {
	! grep -q -e "$1" "$2" || { cat "$2" >&2; fail "'$1' unexpectedly found in $2"; }
}

# assert_same EXPECTED_FILE ACTUAL_FILE
assert_same() {
	diff -u "$1" "$2" >&2 || fail "output differs from $1"
}

# Root tests: need root and private namespaces. Without them the test is
# skipped, unless TWTUNE_REQUIRE_ROOT_TESTS=1 (CI), where that is a failure.
require_root() {
	if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
		if [ "${TWTUNE_REQUIRE_ROOT_TESTS:-0}" = 1 ]; then
			echo "FAIL: needs root and unshare, and TWTUNE_REQUIRE_ROOT_TESTS=1" >&2
			exit 99
		fi
		skip "needs root and unshare -n"
	fi
}

# in_private_ns [FLAGS]: re-runs the calling script inside new namespaces
# (default -n: a private network namespace with lo up; -mn adds a mount
# namespace for tmpfs over /etc/sysctl.d and friends).
in_private_ns() {
	if [ -z "${TWTUNE_IN_NS:-}" ]; then
		TWTUNE_IN_NS=1 exec unshare "${1:--n}" --propagation private sh "$0"
	fi
	ip link set lo up || exit 99
}

# A JSON validity check that needs nothing but python3, when present.
assert_json() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" ||
			{ cat "$1" >&2; fail "$1 is not valid JSON"; }
	fi
}
