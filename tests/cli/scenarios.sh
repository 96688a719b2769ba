# Golden outputs of `twtune check` for whole hosts modelled on the seeds
# (tests/fixtures/scenarios/<name>/: an mkroot overlay, its profile, and
# expected.txt / expected.json). Output under --root must be deterministic;
# the only things replaced before comparing are the paths that depend on
# where the tree is checked out or built: the root directory (@ROOT@) and
# the source directory (@SRCDIR@).
# TWTUNE_REGEN=1 rewrites the expected files instead of comparing.
. "$TWTUNE_SRCDIR/tests/lib.sh"

# The roots are many small files: build them on tmpfs when there is one
# (unless TMPDIR says where temporary files go); a disk can be 10x slower.
W=$T
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	W=$(mktemp -d /dev/shm/twtune-scenarios.XXXXXX) || W=$T
	trap 'rm -rf "$T" "$W"' EXIT
fi

SCENARIOS="$FIXTURES/scenarios"
n=0
failed=0

normalize() {
	sed -e "s|$root|@ROOT@|g" -e "s|$TWTUNE_SRCDIR|@SRCDIR@|g" "$1"
}

for dir in "$SCENARIOS"/*/; do
	dir=${dir%/}
	name=${dir##*/}
	root=$W/$name
	profile=$(cat "$dir/profile") || fail "$name: no profile file"
	"$FIXTURES/mkroot" "$root" "$dir" || fail "$name: mkroot failed"
	for format in text json; do
		"$TWTUNE" --color never check --root "$root" -p "$profile" \
			--format $format >"$T/out" 2>"$T/err"
		echo "exit status: $?" >>"$T/out"
		# (valgrind's own notes, "--PID-- ...", under make check-valgrind)
		grep -v '^--[0-9]*-- ' "$T/err" >"$T/err.own"
		[ ! -s "$T/err.own" ] || { cat "$T/err.own" >&2; fail "$name: stderr is not empty"; }
		ext=$format
		[ $format = text ] && ext=txt
		normalize "$T/out" >"$T/$name.$ext"
		if [ "${TWTUNE_REGEN:-0}" = 1 ]; then
			cp "$T/$name.$ext" "$dir/expected.$ext"
		elif ! diff -u "$dir/expected.$ext" "$T/$name.$ext" >&2; then
			echo "FAIL: $name: $format output differs from $dir/expected.$ext" >&2
			failed=$((failed + 1))
		fi
	done
	# The JSON must parse once the exit-status line is taken off.
	sed '$d' "$T/$name.json" >"$T/$name.only.json"
	assert_json "$T/$name.only.json"
	# Twice the same: nothing in the output may depend on time or order.
	"$TWTUNE" --color never check --root "$root" -p "$profile" --format json \
		>"$T/again" 2>/dev/null
	echo "exit status: $?" >>"$T/again"
	normalize "$T/again" | cmp -s - "$T/$name.json" ||
		fail "$name: two runs gave different output"
	rm -rf "$root"
	n=$((n + 1))
done
[ $n -gt 0 ] || fail "no scenarios under $SCENARIOS"
[ $failed = 0 ] || fail "$failed scenario output(s) differ"
echo "$n scenarios match"
exit 0
