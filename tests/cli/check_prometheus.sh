# twtune check --format prometheus: valid for the node_exporter textfile
# collector (promtool when installed, else a strict reader), with the
# findings, socket states and top destinations of the fixture.
. "$TWTUNE_SRCDIR/tests/lib.sh"
. "$TWTUNE_SRCDIR/tests/cli/check_lib.sh"
with_owners "$T/busy"

run_tw 2 check -p "$FIXTURES/profiles/fx-check.yaml" --root "$T/busy" \
	--owners --top 1 --format prometheus
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics <"$T/out" || fail "promtool rejects the metrics"
fi
if command -v python3 >/dev/null 2>&1; then
	python3 "$TWTUNE_SRCDIR/tests/cli/prom_check.py" "$T/out" ||
		fail "the metrics are not valid exposition format"
fi
assert_grep '^twtune_status 2$' "$T/out"
assert_grep '^twtune_findings{severity="critical"} 1$' "$T/out"
assert_grep '^twtune_findings{severity="warning"} 3$' "$T/out"
assert_grep '^twtune_finding{id="tw-port-exhaustion",severity="critical"} 1$' "$T/out"
assert_grep '^twtune_sockets{state="time_wait"} 90$' "$T/out"
assert_grep '^twtune_time_wait_destination{address="10.1.2.3",port="443"} 80$' "$T/out"
assert_no_grep 'address="10.9.9.9"' "$T/out"
assert_grep '^twtune_close_wait_process{pid="4242",comm="api",side="server",port="8080"} 3$' "$T/out"
assert_grep '^twtune_ports_ephemeral 100$' "$T/out"
assert_grep '^twtune_ports_listening_in_range 0$' "$T/out"
assert_grep '^twtune_netstat_total{name="Tcp.ActiveOpens"} 90000$' "$T/out"

# The strict reader itself must reject what promtool rejects.
if command -v python3 >/dev/null 2>&1; then
	printf 'x_total 1\n' >"$T/bad1"
	printf '# HELP x y\n# TYPE x counter\nx 1\n' >"$T/bad2"
	printf '# HELP x y\n# TYPE x gauge\nx{a="b} 1\n' >"$T/bad3"
	for b in bad1 bad2 bad3; do
		python3 "$TWTUNE_SRCDIR/tests/cli/prom_check.py" "$T/$b" 2>/dev/null &&
			fail "prom_check.py accepted $b"
	done
fi
exit 0
