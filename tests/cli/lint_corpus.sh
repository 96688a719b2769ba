# twtune lint over the corpus of real sysctl files (shared/corpus/sysctl,
# beside the project; skipped when absent, as in make distcheck): no
# crash, every finding on a real line and column, golden output for a few.
. "$TWTUNE_SRCDIR/tests/lib.sh"

[ -d "$CORPUS" ] || skip "corpus not found at $CORPUS"
command -v python3 >/dev/null 2>&1 || skip "needs python3"
mkdir "$T/root"	# an empty root: no live values, no listening ports

cd "$CORPUS" || exit 99
n=0
for f in [0-9]*.conf; do
	n=$((n + 1))
	"$TWTUNE" lint --root "$T/root" --kernel 6.1 --format json "$f" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" -le 2 ] || { cat "$T/err" >&2; fail "lint $f exited $rc"; }
	lines=$(awk 'END { print NR }' "$f")
	python3 - "$T/out" "$f" "$lines" <<'PY' || fail "bad finding positions for $f"
import json, sys
d = json.load(open(sys.argv[1]))
name, nlines = sys.argv[2], int(sys.argv[3])
raw = open(name, "rb").read().split(b"\n")
for x in d["findings"]:
    assert x["file"] == name, x
    assert 1 <= x["line"] <= nlines, x
    width = len(raw[x["line"] - 1])
    assert 1 <= x["column"] <= width + 1, (x, width)
    assert x["severity"] in ("error", "warning", "info") and x["id"] and x["message"]
PY
done
[ "$n" -ge 50 ] || fail "only $n corpus files"

for g in "$FIXTURES"/lint-golden/*.txt; do
	id=$(basename "$g" .txt)
	set -- "$id"-*.conf
	[ -f "$1" ] || fail "no corpus file for $g"
	"$TWTUNE" lint --root "$T/root" --kernel 6.1 "$1" >"$T/out" 2>&1
	assert_same "$g" "$T/out"
done
