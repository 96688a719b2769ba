# twtune explain: knowledge, live value under --root, unknown keys.
. "$TWTUNE_SRCDIR/tests/lib.sh"

R="$FIXTURES/roots/explain-basic"
OLD="$FIXTURES/roots/explain-old"

# A known key: the whole text, live value from the fixture root.
run_tw 0 explain net.ipv4.tcp_tw_reuse --root "$R"
cat >"$T/want" <<'WANT'
net.ipv4.tcp_tw_reuse
  meaning:  lets an outgoing connect() take over a TIME_WAIT 4-tuple once timestamps prove it safe; no effect on incoming connections
  type:     enum
  valid:    0 to 2
  values:   0 = off: TIME_WAIT 4-tuples are never reused by connect()
            1 = on for every outgoing connection; needs tcp_timestamps on both ends
            2 = on only for loopback traffic (default)
  default:  2
  history:  0/1 originally; per-netns since 4.11; 2 (loopback only) added and made the default in 4.18
  scope:    per-netns
  kernel:   5.10.0-21-amd64 (has this key)
  live:     1 (on for every outgoing connection; needs tcp_timestamps on both ends)
  boot:     1 (/etc/sysctl.d/90-site.conf:2)
WANT
assert_same "$T/want" "$T/out"

# The slash spelling and options before the key mean the same.
run_tw 0 explain --root "$R" net/ipv4/tcp_tw_reuse
assert_same "$T/want" "$T/out"

# Boot values as systemd-sysctl resolves the tree: a later "-key" line
# wins over an assignment; a key no file sets keeps the kernel default.
run_tw 0 explain net.ipv4.tcp_fin_timeout --root "$R"
assert_grep '^  live:     30$' "$T/out"
assert_grep "^  boot:     excluded by '-net.ipv4.tcp_fin_timeout' (/etc/sysctl.d/95-exclude.conf:2)$" "$T/out"
run_tw 0 explain net.core.somaxconn --root "$R"
assert_grep '^  boot:     not set by any sysctl.d file (the kernel default stays)$' "$T/out"
run_tw 0 explain net.ipv4.tcp_tw_reuse --root "$OLD"
assert_grep '^  boot:     not set by any sysctl.d file' "$T/out"

# Pair values are shown with a blank, as written in sysctl files.
run_tw 0 explain net.ipv4.ip_local_port_range --root "$R"
assert_grep '^  live:     32768 60999$' "$T/out"
assert_grep '^  default:  32768 60999$' "$T/out"

# A key newer than the kernel: absent, and why.
run_tw 0 explain net.ipv4.tcp_tw_reuse_delay --root "$R"
assert_grep '^  kernel:   5.10.0-21-amd64 (too old: the key appeared in 6.14)$' "$T/out"
assert_grep '^  live:     absent on this kernel$' "$T/out"

# A removed key on a kernel that still has it.
run_tw 0 explain net.ipv4.tcp_tw_recycle --root "$OLD"
assert_grep '^  kernel:   4.9.0-8-amd64 (has this key)$' "$T/out"
assert_grep '^  live:     1 (on)$' "$T/out"
assert_grep 'silently drops SYNs from clients behind NAT' "$T/out"
run_tw 0 explain net.ipv4.tcp_tw_recycle --root "$R"
assert_grep '(the key was removed in 4.12)$' "$T/out"

# A kernel key without a knowledge entry: what is known, exit 0.
run_tw 0 explain net.ipv4.conf.eth0.rp_filter --root "$R"
assert_grep 'twtune has no knowledge entry for this key' "$T/out"
assert_grep '^  live:     2$' "$T/out"
# ... also one that only the live tree has (a kernel newer than the list).
run_tw 0 explain net.ipv4.tcp_brand_new_knob --root "$R"
assert_grep '^  live:     7$' "$T/out"

# Unknown keys: exit 3, a suggestion when one is close, nothing on stdout.
run_tw 3 explain net.ipv4.tcp_tw_resuse --root "$R"
# (grep -x, not diff: stderr may also carry valgrind's notes under check-valgrind)
grep -qx "error: unknown key 'net.ipv4.tcp_tw_resuse' (did you mean 'net.ipv4.tcp_tw_reuse'?)" "$T/err" ||
	fail "no suggestion for tcp_tw_resuse"
[ "$(grep -c '^error:' "$T/err")" = 1 ] || fail "more than one error line"
[ ! -s "$T/out" ] || fail "stdout not empty for an unknown key"
run_tw 3 explain foo.bar.baz --root "$R"
grep -qx "error: unknown key 'foo.bar.baz'" "$T/err" || fail "nonsense key must get no suggestion"
run_tw 3 explain 'net.ipv4/../../etc/passwd' --root "$R"
assert_grep "unknown key" "$T/err"

# JSON
run_tw 0 explain net.ipv4.tcp_tw_reuse --root "$R" --format json
assert_json "$T/out"
assert_grep '"schema": 1,' "$T/out"
assert_grep '"key": "net.ipv4.tcp_tw_reuse",' "$T/out"
assert_grep '"live": "1",' "$T/out"
assert_grep '"presence": "present"' "$T/out"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/out" <<'PY' || fail "json members"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["type"] == "enum" and d["min"] == 0 and d["max"] == 2, d
assert [v["value"] for v in d["values"]] == [0, 1, 2], d
assert d["default"] == "2" and d["scope"] == "per-netns", d
assert d["kernel"]["release"] == "5.10.0-21-amd64", d
assert d["boot"] == {"value": "1", "file": "/etc/sysctl.d/90-site.conf",
                     "line": 2, "from_glob": None}, d
assert d["boot_known"] is True, d
PY
fi
run_tw 0 explain net.ipv4.tcp_tw_reuse_delay --root "$R" --format json
assert_json "$T/out"
assert_grep '"live": null,' "$T/out"
assert_grep '"live_status": "absent",' "$T/out"
run_tw 0 explain net.ipv4.tcp_fin_timeout --root "$R" --format json
assert_json "$T/out"
tr -d ' \n' <"$T/out" | grep -q '"boot":{"value":null,"file":"/etc/sysctl.d/95-exclude.conf","line":2,' ||
	fail "excluded boot value in json"
run_tw 0 explain net.ipv4.conf.eth0.rp_filter --root "$R" --format json
assert_json "$T/out"
assert_grep '"known": false,' "$T/out"
assert_grep '"boot": null,' "$T/out"

# Usage errors: exit 3 with the usage on stderr.
run_tw 3 explain --bogus net.ipv4.tcp_tw_reuse
assert_grep "^error: unknown option '--bogus'$" "$T/err"
assert_grep '^usage: twtune explain KEY' "$T/err"
run_tw 3 explain net.ipv4.tcp_tw_reuse --format yaml
assert_grep "invalid --format 'yaml'" "$T/err"
run_tw 3 explain
assert_grep '^error: no key given$' "$T/err"
run_tw 3 explain net.ipv4.tcp_tw_reuse net.core.somaxconn
assert_grep 'too many arguments' "$T/err"
run_tw 3 explain net.ipv4.tcp_tw_reuse --root "$T/no-such-root"
assert_grep 'cannot open root directory' "$T/err"
run_tw 0 explain --help
assert_grep '^usage: twtune explain' "$T/out"

exit 0
