# Ten applies of different profiles at once: they wait for the lock in
# turn (no failures), every one becomes a committed generation, each
# generation's "before" is the previous one's "after" (nothing slipped in
# between plan and commit), and the host ends in the state of the last.
. "$TWTUNE_SRCDIR/tests/lib.sh"

require_root
command -v python3 >/dev/null 2>&1 || skip "needs python3"
in_private_ns -mn
. "$TWTUNE_SRCDIR/tests/root/apply_env.sh"

i=1
while [ $i -le 10 ]; do
	profile "p$i" "net.ipv4.tcp_fin_timeout: $((30 + i))" "net.core.somaxconn: $((5000 + i))"
	i=$((i + 1))
done
pids=
i=1
while [ $i -le 10 ]; do
	"$TWTUNE" apply -p "$T/p$i.yaml" --lock-timeout 60 >"$T/out$i" 2>"$T/err$i" &
	pids="$pids $!"
	i=$((i + 1))
done
i=1
for p in $pids; do
	wait "$p" || { cat "$T/err$i"; fail "apply p$i exited $?"; }
	i=$((i + 1))
done

run_tw 0 history --format json
assert_json "$T/out"
python3 - "$T/out" <<'PY' || fail "journal inconsistent"
import json, sys
g = json.load(open(sys.argv[1]))["generations"]
assert [x["generation"] for x in g] == list(range(1, 11)), [x["generation"] for x in g]
assert all(x["outcome"] == "committed" for x in g), [x["outcome"] for x in g]
assert sorted(x["profile"] for x in g) == sorted("p%d" % i for i in range(1, 11))
for prev, cur in zip(g, g[1:]):
    after = {k["key"]: k["after"] for k in prev["keys"]}
    for k in cur["keys"]:
        assert k["before"].split() == after[k["key"]].split(), (prev["generation"], k)
print(g[-1]["profile"])
PY
last=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["generations"][-1]["profile"])' "$T/out")
n=${last#p}
[ "$(cat /proc/sys/net/ipv4/tcp_fin_timeout)" = $((30 + n)) ] || fail "live is not $last's"
[ "$(cat /proc/sys/net/core/somaxconn)" = $((5000 + n)) ] || fail "live is not $last's"
assert_grep "^# profile: $last\$" $FRAG
assert_grep '^# generation: 10$' $FRAG
exit 0
