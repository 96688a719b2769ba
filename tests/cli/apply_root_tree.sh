# apply, rollback and history on a --root fixture tree (no privileges
# needed): proc/sys is a plain directory of files there. Covers the state
# directory layout and modes, the journal, a corrupt journal, and --root
# confinement of the fragment and state paths.
. "$TWTUNE_SRCDIR/tests/lib.sh"

R="$T/root"
mkdir -p "$R/proc/sys/net/ipv4" "$R/proc/sys/net/core" "$R/proc/sys/kernel" "$R/etc/sysctl.d" ||
	exit 99
echo 6.1.0-test >"$R/proc/sys/kernel/osrelease"
echo 60 >"$R/proc/sys/net/ipv4/tcp_fin_timeout"
echo 2 >"$R/proc/sys/net/ipv4/tcp_tw_reuse"
printf '32768\t60999\n' >"$R/proc/sys/net/ipv4/ip_local_port_range"
echo 1024 >"$R/proc/sys/net/ipv4/ip_unprivileged_port_start"
echo 4096 >"$R/proc/sys/net/core/somaxconn"
printf 'twtune: 1\nname: tree\ndescription: fixture\nsettings:\n  net.ipv4.tcp_fin_timeout: 30\n  net.ipv4.ip_local_port_range: "10240 65535"\n' \
	>"$T/tree.yaml"
chmod 0644 "$T/tree.yaml"

run_tw 0 apply -p "$T/tree.yaml" --root "$R"
assert_grep "applied as generation 1: wrote $R/etc/sysctl.d/90-twtune.conf" "$T/out"
[ "$(cat "$R/proc/sys/net/ipv4/tcp_fin_timeout")" = 30 ] || fail "value not written"
assert_grep '^net.ipv4.tcp_fin_timeout = 30$' "$R/etc/sysctl.d/90-twtune.conf"
[ "$(stat -c %a "$R/var/lib/twtune")" = 700 ] || fail "state dir mode"
[ "$(stat -c %a "$R/var/lib/twtune/generations/1.journal")" = 600 ] || fail "journal mode"
assert_grep '^status committed$' "$R/var/lib/twtune/generations/1.journal"
run_tw 0 apply -p "$T/tree.yaml" --root "$R"
assert_grep '^no changes' "$T/out"

run_tw 0 history --root "$R"
assert_grep '^ *1 .* apply .* tree .* 2  committed$' "$T/out"
run_tw 0 rollback --root "$R"
[ "$(cat "$R/proc/sys/net/ipv4/tcp_fin_timeout")" = 60 ] || fail "value not restored"
[ ! -e "$R/etc/sysctl.d/90-twtune.conf" ] || fail "fragment not removed"

# A corrupt journal: history names it and exits 2; apply and rollback
# refuse to act on an incomplete history.
printf 'twtune-journal 1\ngeneration 3\nop apply\n' >"$R/var/lib/twtune/generations/3.journal"
run_tw 2 history --root "$R"
assert_grep "generations/3.journal:3:.*truncated" "$T/err"
assert_grep '^ *2 .* rollback' "$T/out"
run_tw 3 apply -p "$T/tree.yaml" --root "$R"
assert_grep 'journal file cannot be read' "$T/err"
run_tw 3 rollback --root "$R"
rm "$R/var/lib/twtune/generations/3.journal"

# An unfinished generation (as a kill -9 leaves it): reported, blocks
# apply, completed by rollback.
run_tw 0 apply -p "$T/tree.yaml" --root "$R"
sed -i '/^status \(live-written\|committed\)$/d' "$R/var/lib/twtune/generations/3.journal"
run_tw 1 history --root "$R"
assert_grep "generation 3 is unfinished" "$T/err"
run_tw 3 apply -p "$T/tree.yaml" --root "$R"
run_tw 0 rollback --root "$R"
assert_grep 'generation 3 was interrupted' "$T/err"
[ "$(cat "$R/proc/sys/net/ipv4/tcp_fin_timeout")" = 60 ] || fail "not restored"
run_tw 0 history --root "$R" --format json
assert_json "$T/out"
assert_grep '"outcome": "rolled-back"' "$T/out"

# The fragment and state paths stay inside the root even through an
# absolute symlink.
ln -s /etc "$R/etc2"
rmdir "$R/etc/sysctl.d" 2>/dev/null || rm -rf "$R/etc/sysctl.d"
ln -s /etc2/sysctl.d.real "$R/etc/sysctl.d"
mkdir "$R/etc/sysctl.d.real"
run_tw 0 apply -p "$T/tree.yaml" --root "$R"
[ -f "$R/etc/sysctl.d.real/90-twtune.conf" ] || fail "fragment not written inside the root"

# --no-live: only the fragment; rollback takes only the fragment back.
rm -rf "$R/var/lib/twtune" "$R/etc/sysctl.d.real/90-twtune.conf"
echo 60 >"$R/proc/sys/net/ipv4/tcp_fin_timeout"
run_tw 0 apply -p "$T/tree.yaml" --root "$R" --no-live --format json
assert_grep '"live_skipped": true' "$T/out"
[ "$(cat "$R/proc/sys/net/ipv4/tcp_fin_timeout")" = 60 ] || fail "--no-live wrote a live value"
assert_grep '^net.ipv4.tcp_fin_timeout = 30$' "$R/etc/sysctl.d.real/90-twtune.conf"
run_tw 0 apply -p "$T/tree.yaml" --root "$R" --no-live
assert_grep '^no changes' "$T/out"
run_tw 0 rollback --root "$R"
[ ! -e "$R/etc/sysctl.d.real/90-twtune.conf" ] || fail "--no-live fragment not rolled back"

# Usage errors.
run_tw 3 apply --root "$R"
assert_grep 'no profile given' "$T/err"
run_tw 3 rollback --to x --root "$R"
run_tw 3 rollback --to 0 --root "$R"
run_tw 3 apply -p "$T/tree.yaml" --lock-timeout -1 --root "$R"
run_tw 3 history --format yaml
exit 0
