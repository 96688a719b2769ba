# twtune check against fixture roots: golden text and JSON, exit codes
# (Nagios convention), formats, options and refusing an invalid profile.
. "$TWTUNE_SRCDIR/tests/lib.sh"
. "$TWTUNE_SRCDIR/tests/cli/check_lib.sh"

P="$FIXTURES/profiles"
R="$FIXTURES/roots"
G="$FIXTURES/check"
with_owners "$T/busy"
unset NO_COLOR
export TERM=dumb

# A client exhausting its ports: critical, exit 2; golden text.
run_tw 2 check -p "$P/fx-check.yaml" --root "$T/busy" --owners --top 3
assert_same "$G/busy.txt" "$T/out"
assert_no_grep "$(printf '\033')" "$T/out"

# The same as JSON: golden projection plus the schema-1 shape.
run_tw 2 check -p "$P/fx-check.yaml" --root "$T/busy" --owners --top 3 --format json
assert_json "$T/out"
if command -v python3 >/dev/null 2>&1; then
	python3 "$TWTUNE_SRCDIR/tests/cli/check_json_project.py" "$T/out" >"$T/proj" ||
		fail "check JSON does not have the schema-1 members"
	assert_same "$G/busy.json" "$T/proj"
fi

# --top limits the tables; --no-sockets drops them, and rules that need
# socket counts become unknown with the reason (exit 3), never false.
run_tw 2 check -p "$P/fx-check.yaml" --root "$R/check-busy" --top 1
assert_grep '^        80  10.1.2.3:443$' "$T/out"
assert_no_grep '10.9.9.9:80' "$T/out"
run_tw 3 check -p "$P/fx-check.yaml" --root "$R/check-busy" --no-sockets
assert_grep '^twtune: UNKNOWN - 4 unknown, 2 warnings ' "$T/out"
assert_grep "'tw.max_per_destination' is null: sockets were not counted" "$T/out"
assert_grep '^WARNING drift-setting$' "$T/out"
assert_no_grep 'TIME_WAIT by destination' "$T/out"

# -v prints the whole advice; without it a pointer to -v.
run_tw 2 -v check -p "$P/fx-check.yaml" --root "$R/check-busy"
assert_grep 'Reuse connections at the application (HTTP keep-alive) first.' "$T/out"
assert_grep '^    refs: RFC 6191$' "$T/out"
run_tw 2 check -p "$P/fx-check.yaml" --root "$R/check-busy"
assert_no_grep 'Reuse connections' "$T/out"
assert_grep "(more with 'twtune -v check')" "$T/out"

# A healthy host: OK, exit 0, and no line wider than 80 columns anywhere.
run_tw 0 check -p "$P/fx-base.yaml" --root "$R/check-healthy"
assert_grep '^twtune: OK - no findings (profile fx-base, kernel 6.18.44-fixture)$' "$T/out"
run_tw 2 check -p "$P/fx-check.yaml" --root "$T/busy" --owners
# The status line stays one line (Nagios shows the first line only).
awk 'NR > 1 && length($0) > 80 { print; bad = 1 } END { exit bad }' "$T/out" ||
	fail "check output wider than 80 columns"

# Warnings only: exit 1.
run_tw 1 check -p "$P/fx-check.yaml" --root "$R/check-healthy"
assert_grep '^twtune: WARNING - 1 warning (profile fx-check' "$T/out"
assert_grep '^WARNING drift-setting$' "$T/out"
assert_grep '^    fix: net.ipv4.tcp_tw_reuse 2 -> 1$' "$T/out"

# Rules meeting null or a division by zero are unknown, never false: exit 3.
run_tw 3 check -p "$P/fx-unknown.yaml" --root "$R/check-healthy"
assert_grep '^twtune: UNKNOWN - 2 unknown ' "$T/out"
assert_grep "cannot evaluate: 'conntrack.count' is null" "$T/out"
assert_grep 'cannot evaluate: division by zero' "$T/out"
run_tw 3 check -p "$P/fx-unknown.yaml" --root "$R/check-healthy" --format json
assert_grep '"severity": "unknown"' "$T/out"
assert_grep '"status": "unknown"' "$T/out"

# Colour only when asked (or on a terminal), never with NO_COLOR.
run_tw 2 --color always check -p "$P/fx-check.yaml" --root "$R/check-busy"
assert_grep "$(printf '\033')\\[1;31mCRITICAL" "$T/out"
NO_COLOR=1 run_tw 2 check -p "$P/fx-check.yaml" --root "$R/check-busy"
assert_no_grep "$(printf '\033')" "$T/out"

# rate() needs --sample: unknown without it, a number with it.
cat >"$T/fx-rate.yaml" <<'YAML'
twtune: 1
name: fx-rate
rules:
  - id: opens
    severity: info
    when: rate("Tcp.ActiveOpens") >= 0
    summary: "{rate(\"Tcp.ActiveOpens\")} connections opened per second"
YAML
run_tw 3 check -p "$T/fx-rate.yaml" --root "$R/check-healthy"
assert_grep '^UNKNOWN opens$' "$T/out"
run_tw 0 check -p "$T/fx-rate.yaml" --root "$R/check-healthy" --sample 1
assert_grep '^INFO opens$' "$T/out"
assert_grep '^    0 connections opened per second$' "$T/out"
assert_grep '^    evidence: rate("Tcp.ActiveOpens") = 0$' "$T/out"

# A process name is the host's to choose: it cannot drive the terminal.
with_owners "$T/root"
printf 'ev\033[31mil\n' >"$T/root/proc/4242/comm"
run_tw 2 check -p "$P/fx-check.yaml" --root "$T/root" --owners
assert_no_grep "$(printf '\033')" "$T/out"
assert_grep '^         3     4242  ev?\[31mil  *listen 8080$' "$T/out"
run_tw 2 check -p "$P/fx-check.yaml" --root "$T/root" --owners --format prometheus
assert_grep '^twtune_close_wait_process{pid="4242",comm="ev?\[31mil",side="server",port="8080"} 3$' "$T/out"
rm -rf "$T/root"

# An invalid profile: errors with file:line:col, nothing checked, exit 3.
cat >"$T/bad.yaml" <<'YAML'
twtune: 1
name: bad
rules:
  - id: x
    severity: fatal
    when: tw.active > nope
    summary: s
YAML
run_tw 3 check -p "$T/bad.yaml" --root "$R/check-busy"
assert_grep "^$T/bad.yaml:5:15: error: invalid severity 'fatal'" "$T/err"
assert_grep "^$T/bad.yaml:6:23: error: unknown name 'nope'" "$T/err"
assert_grep "nothing was checked" "$T/err"
[ -s "$T/out" ] && fail "check printed a report for an invalid profile"

# Bad arguments: exit 3.
run_tw 3 check --format xml
assert_grep "invalid --format 'xml'" "$T/err"
run_tw 3 check --top 0
run_tw 3 check --sample -1
run_tw 3 check -p "$P/fx-check.yaml" --root "$T/nonexistent"
assert_grep "cannot open root directory" "$T/err"
run_tw 3 check -p no-such-profile --root "$R/check-busy"
assert_grep "profile 'no-such-profile' not found" "$T/err"
exit 0
