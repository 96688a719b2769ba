# The command table: help, version, unknown commands and options.
. "$TWTUNE_SRCDIR/tests/lib.sh"

run_tw 0 --help
assert_grep '^usage: twtune' "$T/out"
cp "$T/out" "$T/help"
for c in check apply rollback history lint resolve sockets explain profiles; do
	assert_grep "^  $c " "$T/help"
	run_tw 0 "$c" --help
	assert_grep "^usage: twtune $c" "$T/out"
done

run_tw 0 --version
assert_grep '^twtune [0-9]' "$T/out"

run_tw 3 frobnicate
assert_grep "unknown command 'frobnicate'" "$T/err"
assert_grep '^usage:' "$T/err"

run_tw 3 --no-such-option
assert_grep "unknown option" "$T/err"

run_tw 3
assert_grep "no command given" "$T/err"

run_tw 3 --color sometimes check
assert_grep "invalid --color 'sometimes'" "$T/err"

# Output to a closed pipe / full device is an error, not silence.
if [ -w /dev/full ]; then
	"$TWTUNE" --help >/dev/full 2>"$T/err"
	[ $? = 3 ] || fail "--help to /dev/full did not exit 3"
fi
exit 0
