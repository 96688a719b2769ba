# twtune sockets --root on fixture snapshots of /proc/net/tcp{,6}: golden
# text and JSON, the malformed-row error, and option errors (exit 3).
. "$TWTUNE_SRCDIR/tests/lib.sh"

E="$FIXTURES/sockets"
# The snapshots, with the proc/PID/fd links made here: symbolic links to
# "socket:[N]" do not survive make dist.
R="$T/roots"
mkdir "$R" || exit 99
for d in sockets-basic sockets-client sockets-v4only sockets-bad sockets-empty; do
	cp -R "$FIXTURES/roots/$d" "$R/" || exit 99
done
chmod -R u+w "$R" || exit 99	# read-only source tree in distcheck
while read -r link target; do
	mkdir -p "$R/sockets-basic/${link%/*}" &&
		ln -s "$target" "$R/sockets-basic/$link" || exit 99
done <"$E/basic-fds.txt"
while read -r link target; do
	mkdir -p "$R/sockets-client/${link%/*}" &&
		ln -s "$target" "$R/sockets-client/$link" || exit 99
done <"$E/client-fds.txt"

# golden NAME ROOT ARGS...: text output must match E/NAME.txt exactly.
golden() {
	_name=$1 _root=$2
	shift 2
	run_tw 0 sockets --root "$R/$_root" "$@"
	assert_same "$E/$_name.txt" "$T/out"
	[ ! -s "$T/err" ] || { cat "$T/err" >&2; fail "unexpected stderr for $_name"; }
}

golden basic sockets-basic
golden basic-process sockets-basic --by process
golden basic-local-port sockets-basic --by local-port --top 3
golden basic-tw sockets-basic --state time-wait,fin-wait-2 --top 0
golden v4only sockets-v4only
# A client-side leak: each socket has its own local port, so they are
# grouped by where they go; the one on listening port 7000 by that port.
golden client-process sockets-client --by process --owners
golden empty sockets-empty

# The same snapshot through a trailing slash and a relative path.
(cd "$R" && "$TWTUNE" sockets --root sockets-basic/) >"$T/rel" || fail "relative --root"
assert_same "$E/basic.txt" "$T/rel"

# JSON: valid, stable, with the members PRODUCT.md promises.
run_tw 0 sockets --root "$R/sockets-basic" --format json --by process --top 0
assert_json "$T/out"
assert_same "$E/basic-all.json" "$T/out"
for key in '"schema": 1' '"source": "proc"' '"fallback_reason": ' '"states": {' \
	'"time_wait_by_destination": \[' '"time_wait_by_local_port": \[' \
	'"close_wait_by_process": \[' '"total": 30' '"time_wait_active": 14' \
	'"time_wait_passive": 3'; do
	assert_grep "$key" "$T/out"
done

run_tw 0 sockets --root "$R/sockets-client" --format json --by process --owners
assert_json "$T/out"
assert_same "$E/client-process.json" "$T/out"

# --top limits JSON arrays too; --state limits the states object.
run_tw 0 sockets --root "$R/sockets-basic" --format json --top 1 --state TIME_WAIT
assert_json "$T/out"
[ "$(grep -c '"address"' "$T/out")" = 2 ] || { cat "$T/out" >&2; fail "--top 1: one destination and one pair expected"; }
assert_no_grep '"ESTABLISHED"' "$T/out"
assert_grep '"TIME_WAIT": 17' "$T/out"
assert_grep '"total": 17' "$T/out"

# Without --owners and below the threshold, owners are not looked up.
run_tw 0 sockets --root "$R/sockets-basic" --format json
assert_grep '"owners_resolved": false' "$T/out"
run_tw 0 sockets --root "$R/sockets-basic" --format json --owners
assert_grep '"owners_resolved": true' "$T/out"
assert_grep '"comm": "java"' "$T/out"
assert_grep '"close_wait_unresolved": 1' "$T/out"

# A malformed row: file and line, nothing on stdout, exit 3.
run_tw 3 sockets --root "$R/sockets-bad"
assert_grep "^error: .*/sockets-bad/proc/net/tcp:4: invalid state '0E' (expected 01 to 0C)\$" "$T/err"
[ ! -s "$T/out" ] || fail "output despite the error"

# Option errors.
run_tw 3 sockets --root "$R/sockets-basic" --state bogus
assert_grep "unknown state 'bogus'" "$T/err"
run_tw 3 sockets --root "$R/sockets-basic" --state time-wait,,nope
assert_grep "unknown state 'nope'" "$T/err"
run_tw 3 sockets --root "$R/sockets-basic" --by pid
assert_grep "invalid --by 'pid'" "$T/err"
run_tw 3 sockets --root "$R/sockets-basic" --top -1
assert_grep "invalid --top '-1'" "$T/err"
run_tw 3 sockets --root "$R/sockets-basic" --top 10x
assert_grep "invalid --top '10x'" "$T/err"
run_tw 3 sockets --root "$R/sockets-basic" --format yaml
assert_grep "invalid --format 'yaml'" "$T/err"
run_tw 3 sockets --root "$R/sockets-basic" extra
assert_grep "unexpected argument 'extra'" "$T/err"
run_tw 3 sockets --root "$R/no-such-root"
assert_grep "cannot open root directory" "$T/err"
run_tw 3 sockets --netns no-such-netns-$$
assert_grep "cannot enter network namespace 'no-such-netns-" "$T/err"
run_tw 3 sockets --netns ../etc
assert_grep "cannot enter network namespace" "$T/err"
run_tw 3 sockets --bogus
