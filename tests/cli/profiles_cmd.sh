# twtune profiles list / show / validate, and every shipped profile in
# profiles/ must validate.
. "$TWTUNE_SRCDIR/tests/lib.sh"

P="$FIXTURES/profiles"

# Shipped profiles: all valid. At least one must exist (default).
set -- "$TWTUNE_SRCDIR"/profiles/*.yaml
[ -e "$1" ] || fail "no shipped profiles in $TWTUNE_SRCDIR/profiles"
run_tw 0 profiles validate "$@"
for f in "$@"; do
	assert_grep "^$f: valid\$" "$T/out"
done

# validate: every file's errors, exit 3 when any is invalid.
cat >"$T/broken.yaml" <<'YAML'
twtune: 1
name: broken
extends: [fx-base]
disable: [no-such-rule]
settings:
  net.ipv4.tcp_tw_reuse: 5
  vm.swappiness: 10
YAML
run_tw 3 profiles validate "$P/fx-check.yaml" "$T/broken.yaml"
assert_grep "^$P/fx-check.yaml: valid\$" "$T/out"
assert_grep "^$T/broken.yaml:3:11: error: unknown profile 'fx-base' in extends" "$T/err"
assert_grep "^$T/broken.yaml:4:11: error: cannot disable unknown rule 'no-such-rule'" "$T/err"
assert_grep "^$T/broken.yaml:6:26: error: '5' is out of range for 'net.ipv4.tcp_tw_reuse'" "$T/err"
assert_grep "^$T/broken.yaml:7:3: error: key 'vm.swappiness' is outside 'net.'" "$T/err"
assert_grep "1 of 2 profiles invalid" "$T/err"
run_tw 3 profiles validate
run_tw 3 profiles validate "$T/missing.yaml"
assert_grep "cannot open profile: No such file or directory" "$T/err"

# A profile extending a sibling: found next to it when not on the path.
cp "$P/fx-base.yaml" "$P/fx-check.yaml" "$T/"
run_tw 0 profiles validate "$T/fx-check.yaml"

# show: the merged profile with the origin of everything.
run_tw 0 profiles show "$P/fx-check.yaml"
assert_grep '^name: fx-check$' "$T/out"
assert_grep '^extends: fx-base$' "$T/out"
assert_grep '^sha256: [0-9a-f]\{64\}$' "$T/out"
assert_grep '^  net.ipv4.tcp_max_tw_buckets >= 65536  \[fx-check.yaml:10\]$' "$T/out"
assert_grep '^  net.ipv4.tcp_timestamps = 1  \[fx-base.yaml:10\]$' "$T/out"
assert_grep "^  net.ipv4.tcp_fin_timeout = 30  when kernel.version < \"3.0\"  \\[fx-check.yaml:11\\]\$" "$T/out"
assert_grep '^  close_wait_warning = 3  \[fx-check.yaml:7\]$' "$T/out"
assert_grep '^  tw_port_share_critical = 0.8  \[fx-base.yaml:7\]$' "$T/out"
assert_grep '^  tw-port-exhaustion (critical)  \[fx-base.yaml:12\]$' "$T/out"
assert_grep '^  time-wait-present (info)  \[fx-check.yaml:25\]$' "$T/out"
assert_grep '^    recommend: net.ipv4.tcp_tw_reuse = 1$' "$T/out"
run_tw 3 profiles show "$T/broken.yaml"
assert_grep "broken.yaml:6:26: error:" "$T/err"
[ -s "$T/out" ] && fail "show printed an invalid profile"
run_tw 3 profiles show no-such-profile
assert_grep "profile 'no-such-profile' not found" "$T/err"

# list: the search path, shipped profiles included when run from the
# build tree; unknown subcommands are errors.
run_tw 0 profiles list
assert_grep '^default ' "$T/out"
run_tw 0 profiles
assert_grep '^default ' "$T/out"
run_tw 3 profiles frobnicate
assert_grep "unknown subcommand 'frobnicate'" "$T/err"

# The example of twtune-profile(5) is a valid profile (on the shipped ones).
sed -n '/^twtune: 1$/,/refs: \[/p' "$TWTUNE_SRCDIR/man/twtune-profile.5" |
	sed 's/\\-/-/g' >"$T/site-proxy.yaml"
run_tw 0 profiles validate "$T/site-proxy.yaml"

# Trust: a world-writable profile is refused when running as root.
if [ "$(id -u)" = 0 ]; then
	cp "$P/fx-base.yaml" "$T/fx-base.yaml"
	chmod 666 "$T/fx-base.yaml"
	run_tw 3 profiles validate "$T/fx-base.yaml"
	assert_grep "refusing untrusted profile: writable by everyone" "$T/err"
	run_tw 0 --allow-untrusted profiles validate "$T/fx-base.yaml"
fi
exit 0
