# twtune lint on a fixture tree and on single files: gcc-style text
# (golden), JSON, SARIF 2.1.0 structure, GitHub annotations, exit status
# and --fail-on, version checks with --kernel, bad usage.
. "$TWTUNE_SRCDIR/tests/lib.sh"

cp -R "$FIXTURES/sysctld/tree" "$T/tree"
ln -s /dev/null "$T/tree/etc/sysctl.d/60-masked.conf"
cd "$T" || exit 99

# the tree as a boot sees it; errors -> exit 2
run_tw 2 lint --root tree
assert_same "$FIXTURES/sysctld/expected/lint-tree.txt" "$T/out"

# SARIF: the members code scanning needs, every result pointing at a line
run_tw 2 lint --root tree --format sarif
assert_json "$T/out"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/out" <<'PY' || fail "SARIF structure"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0" and "sarif-2.1.0" in d["$schema"]
run = d["runs"][0]
drv = run["tool"]["driver"]
assert drv["name"] == "twtune" and drv["version"] and drv["informationUri"].startswith("https://")
ids = [r["id"] for r in drv["rules"]]
assert len(ids) == len(set(ids)) and "tw-recycle" in ids
for r in drv["rules"]:
    assert r["shortDescription"]["text"]
    assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
assert len(run["results"]) == 12
for res in run["results"]:
    assert res["ruleId"] in ids and ids[res["ruleIndex"]] == res["ruleId"]
    assert res["level"] in ("error", "warning", "note") and res["message"]["text"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].startswith("tree/")
    assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
PY
fi

# JSON: schema 1, counts match the findings
run_tw 2 lint --root tree --format json
assert_json "$T/out"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/out" <<'PY' || fail "lint JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == 1 and d["kernel"] == "6.1.0"
f = d["findings"]
for s in ("error", "warning", "info"):
    assert d["counts"][s] == sum(1 for x in f if x["severity"] == s)
u = [x for x in f if x["id"] == "unknown-key"][0]
assert (u["file"], u["line"], u["column"], u["key"]) == ("tree/etc/sysctl.d/10-net.conf", 5, 1, "net.ipv4.tcp_tw_resuse")
assert "did you mean 'net.ipv4.tcp_tw_reuse'" in u["message"]
PY
fi

# GitHub annotations: one workflow command per finding, escaped
run_tw 2 lint --root tree --format github
[ "$(wc -l <"$T/out")" -eq 12 ] || fail "expected 12 annotations"
assert_grep '^::error file=tree/etc/sysctl.d/10-net.conf,line=4,col=32,title=port-range-privileged::low end 800' "$T/out"
assert_grep '^::notice file=tree/usr/lib/sysctl.d/60-masked.conf,title=shadowed-file::' "$T/out"
grep -v '^::\(error\|warning\|notice\) file=[^,:]*\(,line=[0-9]*\)\?\(,col=[0-9]*\)\?,title=[a-z0-9-]*::' "$T/out" &&
	fail "malformed annotation"
printf 'a%%b,c:d\r\n' >"$T/weird,na:me.conf"
run_tw 2 lint --root tree --format github "$T/weird,na:me.conf"
assert_grep 'file=.*weird%2Cna%3Ame.conf,line=1,col=1,title=not-assignment::line is not an assignment: .a%25b,c:d.$' "$T/out"

# single files: no cross-file findings, version checks follow --kernel
printf 'net.ipv4.tcp_tw_recycle = 0\nnet.ipv4.tcp_tw_reuse_delay = 500\n' >"$T/v.conf"
run_tw 1 lint --root tree --kernel 4.9 v.conf
assert_grep "^v.conf:2:1: warning: 'net.ipv4.tcp_tw_reuse_delay' exists only from Linux 6.14, not on 4.9 \[key-not-yet\]" "$T/out"
assert_no_grep 'tw_recycle' "$T/out"
run_tw 1 lint --root tree --kernel 6.14 v.conf
assert_grep "^v.conf:1:1: warning: 'net.ipv4.tcp_tw_recycle' was removed in Linux 4.12 and does not exist on 6.14 \[key-removed\]" "$T/out"
assert_no_grep 'tw_reuse_delay' "$T/out"
# without --kernel the root's osrelease (6.1) is the target
run_tw 1 lint --root tree v.conf
assert_grep 'not on 6.1 \[key-not-yet\]' "$T/out"

# --fail-on error: warnings alone exit 0; info never counts
run_tw 0 lint --root tree --fail-on error v.conf
printf 'net.ipv4.tcp_fin_timeout = 30\n' >"$T/info.conf"
run_tw 0 lint --root tree info.conf
assert_grep 'info: .*\[fin-timeout\]' "$T/out"
printf '# nothing\n' >"$T/clean.conf"
run_tw 0 lint --root tree clean.conf
[ -s "$T/out" ] && fail "clean file printed findings"

# a directory PATH: every *.conf below it, in order
mkdir -p "$T/repo/sysctl.d"
cp "$T/v.conf" "$T/repo/sysctl.d/b.conf"
cp "$T/info.conf" "$T/repo/sysctl.d/a.conf"
cp "$T/info.conf" "$T/repo/sysctl.d/ignored.txt"
run_tw 1 lint --root tree --kernel 6.1 repo
assert_grep '^repo/sysctl.d/a.conf:1:1: info:' "$T/out"
assert_grep '^repo/sysctl.d/b.conf:2:1: warning:' "$T/out"
assert_no_grep 'ignored.txt' "$T/out"

# unreadable input and bad usage: 3
run_tw 3 lint --root tree missing.conf
assert_grep "cannot open 'missing.conf'" "$T/err"
run_tw 3 lint --format xml
assert_grep "invalid --format 'xml'" "$T/err"
run_tw 3 lint --fail-on never
run_tw 3 lint --kernel banana
assert_grep "invalid --kernel 'banana'" "$T/err"
