# twtune resolve on fixture trees: text (golden), JSON shape, --procps,
# bad usage. The /dev/null mask and a CRLF file are made here because a
# distribution tarball cannot carry them.
. "$TWTUNE_SRCDIR/tests/lib.sh"

cp -R "$FIXTURES/sysctld/tree" "$T/tree"
ln -s /dev/null "$T/tree/etc/sysctl.d/60-masked.conf"
printf 'net.ipv4.tcp_syncookies = 1\r\n-net.ipv4.tcp_rfc1337 = 1\r\n' >"$T/tree/run/sysctl.d/20-crlf.conf"

run_tw 0 resolve --root "$T/tree"
assert_same "$FIXTURES/sysctld/expected/resolve.txt" "$T/out"

run_tw 0 -v resolve --root "$T/tree" --procps
assert_same "$FIXTURES/sysctld/expected/resolve-procps.txt" "$T/out"

run_tw 0 resolve --root "$T/tree" --format json
assert_json "$T/out"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/out" <<'PY' || fail "resolve JSON content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == 1 and d["mode"] == "systemd"
keys = {k["key"]: k for k in d["keys"]}
fin = keys["net.ipv4.tcp_fin_timeout"]
assert fin["value"] == "20" and fin["file"] == "/etc/sysctl.d/99-override.conf" and fin["line"] == 1
assert fin["overridden"] == [{"file": "/usr/lib/sysctl.d/50-vendor.conf", "line": 1, "value": "30"}]
assert keys["net.ipv4.tcp_rfc1337"]["ignore_failure"] is True
assert keys["net.ipv4.tcp_syncookies"]["value"] == "1"
assert keys["net.ipv4.conf.eth0.rp_filter"]["excluded"] is True
assert keys["net.ipv4.conf.lo.rp_filter"]["glob"] == "net.ipv4.conf.*.rp_filter"
assert "net.ipv4.tcp_tw_recycle" not in keys            # masked and hidden
masked = [f for f in d["files"] if f["path"] == "/etc/sysctl.d/60-masked.conf"][0]
assert masked["masked"] and masked["shadows"] == ["/usr/lib/sysctl.d/60-masked.conf"]
assert d["globs"][0]["matches"] == 2
PY
fi

# procps reads the hidden file; the JSON says which mode it is
run_tw 0 resolve --root "$T/tree" --procps --format json
assert_grep '"mode": "procps"' "$T/out"
assert_grep '"key": "net.ipv4.tcp_tw_recycle"' "$T/out"

# a syntax error is shown on stderr, the result is still printed
printf 'not an assignment\n' >"$T/tree/etc/sysctl.d/30-bad.conf"
run_tw 0 resolve --root "$T/tree"
assert_grep '^/etc/sysctl.d/30-bad.conf:1:1: error: line is not an assignment' "$T/err"
assert_grep '^net.ipv4.tcp_fin_timeout = 20' "$T/out"

run_tw 3 resolve --root "$T/nonexistent"
assert_grep "cannot open root directory" "$T/err"
run_tw 3 resolve --format yaml
assert_grep "invalid --format 'yaml'" "$T/err"
run_tw 3 resolve extra
assert_grep "unexpected argument 'extra'" "$T/err"
