# Every rule of the shipped profiles fires on its evidence and stays quiet
# without it. For each tests/fixtures/rules/<rule-id>[.<variant>]/, mkroot
# builds a host from the healthy base plus the fires/ overlay and another
# plus the quiet/ overlay, and `twtune check --root` runs on both with the
# profile named in the dir's expect file:
#   profile NAME          profile to check with (default: default)
#   ID SEVERITY           a finding that must be on the fires root
#   !ID                   a finding that must not be on the fires root
#   quiet ID SEVERITY     a finding that must be on the quiet root
#   quiet-status STATUS   overall status expected on the quiet root
#   summary ID TEXT       the fires root's finding ID has TEXT in its summary
# The rule <rule-id> itself must be absent on the quiet root, no finding
# may be unknown, and the exit status must match the reported status.
# Then the healthy base must be ok with no findings under every profile
# meant for a default host, and every rule id a shipped profile defines
# must have a fixture directory.
. "$TWTUNE_SRCDIR/tests/lib.sh"

# The roots are many small files: build them on tmpfs when there is one
# (unless TMPDIR says where temporary files go); a disk can be 10x slower.
W=$T
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	W=$(mktemp -d /dev/shm/twtune-rules.XXXXXX) || W=$T
	trap 'rm -rf "$T" "$W"' EXIT
fi

command -v python3 >/dev/null 2>&1 || skip "needs python3 for the JSON checks"
MKROOT="$FIXTURES/mkroot"
RULES="$FIXTURES/rules"
PROFILES="$TWTUNE_SRCDIR/profiles"

# check_root ROOT PROFILE OUT: JSON in OUT, stderr in OUT.err, exit in OUT.rc
check_root() {
	"$TWTUNE" --color never check --root "$1" -p "$2" --format json \
		>"$3" 2>"$3.err"
	echo $? >"$3.rc"
}

# Asserts what one rule directory expects; prints one line per problem.
cat >"$T/verify.py" <<'EOF'
import json, sys

EXIT = {"ok": 0, "info": 0, "warning": 1, "critical": 2, "unknown": 3}
problems = []

def load(path, what):
    rc = int(open(path + ".rc").read())
    err = open(path + ".err").read().strip()
    try:
        doc = json.load(open(path))
    except ValueError as e:
        problems.append("%s: not JSON (exit %d): %s %s" % (what, rc, e, err[:400]))
        return None
    if doc.get("schema") != 1:
        problems.append("%s: schema is %r" % (what, doc.get("schema")))
    status = doc.get("status")
    if EXIT.get(status) != rc:
        problems.append("%s: status %r but exit %d" % (what, status, rc))
    for f in doc.get("findings", []):
        if f.get("severity") == "unknown":
            problems.append("%s: finding %s is unknown: %s" %
                            (what, f.get("id"), f.get("reason") or f.get("summary")))
    return doc

def findings(doc):
    return {f["id"]: f["severity"] for f in doc.get("findings", [])}

def describe(doc):
    return ", ".join("%s=%s" % kv for kv in sorted(findings(doc).items())) or "none"

name, rule, expect, fires_path, quiet_path = sys.argv[1:6]
fires = load(fires_path, name + "/fires")
quiet = load(quiet_path, name + "/quiet")
for line in open(expect):
    w = line.split("#", 1)[0].split()
    if not w or w[0] == "profile":
        continue
    if w[0] == "quiet-status":
        if quiet and quiet.get("status") != w[1]:
            problems.append("%s/quiet: status %r, expected %s (findings: %s)" %
                            (name, quiet.get("status"), w[1], describe(quiet)))
    elif w[0] == "summary" and len(w) >= 3:
        text = line.split("#", 1)[0].split(None, 2)[2].strip()
        got = [f.get("summary") or "" for f in (fires or {}).get("findings", [])
               if f.get("id") == w[1]]
        if fires and not any(text in g for g in got):
            problems.append("%s/fires: %s summary %r lacks %r" %
                            (name, w[1], got, text))
    elif w[0] == "quiet":
        if quiet and findings(quiet).get(w[1]) != w[2]:
            problems.append("%s/quiet: expected %s %s, got %s" %
                            (name, w[1], w[2], describe(quiet)))
    elif w[0].startswith("!"):
        if fires and w[0][1:] in findings(fires):
            problems.append("%s/fires: %s must not fire (findings: %s)" %
                            (name, w[0][1:], describe(fires)))
    elif len(w) == 2:
        if fires and findings(fires).get(w[0]) != w[1]:
            problems.append("%s/fires: expected %s %s, got %s" %
                            (name, w[0], w[1], describe(fires)))
    else:
        problems.append("%s: bad expect line %r" % (name, line))
if quiet and rule in findings(quiet):
    f = [f for f in quiet["findings"] if f["id"] == rule][0]
    problems.append("%s/quiet: %s fired: %s" % (name, rule, f.get("summary")))
for p in problems:
    print(p)
EOF

# mkroot refuses overlays it cannot apply, so a typo in a fixture cannot
# silently leave the healthy value in place.
mkdir -p "$T/bad1" "$T/bad2"
echo "TcpExt.NoSuchCounter = 1" >"$T/bad1/counters"
echo "TIME_WIAT 10 10.0.2.15 32768+ 10.0.1.7 80" >"$T/bad2/sockets"
for b in bad1 bad2; do
	"$MKROOT" "$W/$b" "$T/$b" 2>"$T/err" && fail "mkroot accepted $b"
	[ -s "$T/err" ] || fail "mkroot rejected $b without a message"
done

# Every shipped profile loads: schema, keys in the knowledge base, every
# fact, threshold and function a condition or summary names.
for f in "$PROFILES"/*.yaml; do
	run_tw 0 profiles validate "$f"
	assert_grep ': valid$' "$T/out"
done

failed=0
n=0
for dir in "$RULES"/*/; do
	dir=${dir%/}
	name=${dir##*/}
	rule=${name%%.*}
	[ -f "$dir/expect" ] || fail "$name: no expect file"
	profile=$(sed -n 's/^profile[[:space:]]\{1,\}\([^[:space:]#]*\).*/\1/p' "$dir/expect")
	: "${profile:=default}"
	for kind in fires quiet; do
		"$MKROOT" "$W/$name.$kind" "$dir/$kind" || fail "$name: mkroot $kind failed"
		check_root "$W/$name.$kind" "$profile" "$T/$name.$kind.json"
	done
	python3 "$T/verify.py" "$name" "$rule" "$dir/expect" \
		"$T/$name.fires.json" "$T/$name.quiet.json" >"$T/problems" ||
		fail "$name: verify.py crashed"
	if [ -s "$T/problems" ]; then
		sed 's/^/FAIL: /' "$T/problems" >&2
		failed=$((failed + 1))
	fi
	rm -rf "$W/$name.fires" "$W/$name.quiet"
	n=$((n + 1))
done
[ $n -gt 0 ] || fail "no rule fixtures under $RULES"

# The healthy base: no findings at all under the profiles meant for any
# host; the two client profiles only report their own settings as drift.
"$MKROOT" "$W/healthy" || fail "mkroot healthy failed"
for p in default backend-server container-host legacy-kernel web-proxy high-churn-client; do
	check_root "$W/healthy" "$p" "$T/healthy.$p.json"
	python3 - "$p" "$T/healthy.$p.json" >"$T/problems" <<'EOF' || fail "healthy check crashed"
import json, sys
p, path = sys.argv[1:3]
rc = int(open(path + ".rc").read())
try:
    doc = json.load(open(path))
except ValueError as e:
    print("healthy/%s: not JSON (exit %d): %s %s" % (p, rc, e, open(path + ".err").read()[:400]))
    sys.exit(0)
got = sorted("%s=%s" % (f["id"], f["severity"]) for f in doc.get("findings", []))
if p in ("web-proxy", "high-churn-client"):
    if doc.get("status") != "warning" or got != ["drift-setting=warning"] or rc != 1:
        print("healthy/%s: expected only drift-setting (exit 1), got %s %s (exit %d)" %
              (p, doc.get("status"), got, rc))
elif doc.get("status") != "ok" or got or rc != 0:
    print("healthy/%s: expected ok with no findings, got %s %s (exit %d)" %
          (p, doc.get("status"), got, rc))
EOF
	if [ -s "$T/problems" ]; then
		sed 's/^/FAIL: /' "$T/problems" >&2
		failed=$((failed + 1))
	fi
done

# Guards must not hide real unknowns: with TIME_WAIT toward one upstream
# but no readable port range, the port rules cannot be decided and say so;
# without any TIME_WAIT the missing range decides nothing and the host is ok.
mkdir -p "$T/noports/root/proc/net" "$T/noports-tw"
echo "-net.ipv4.ip_local_port_range" >"$T/noports/sysctl"
cp "$T/noports/sysctl" "$T/noports-tw/sysctl"
grep -v ' 06 ' "$FIXTURES/roots/healthy/proc/net/tcp" >"$T/noports/root/proc/net/tcp"
echo "TIME_WAIT 9000 10.0.2.15 32768+ 10.0.1.7 8080" >"$T/noports-tw/sockets"
for o in noports noports-tw; do
	"$MKROOT" "$W/$o" "$T/$o" || fail "mkroot $o failed"
	check_root "$W/$o" default "$T/$o.json"
done
python3 - "$T/noports.json" "$T/noports-tw.json" >"$T/problems" <<'EOF' || fail "unknown check crashed"
import json, sys
quiet, tw = (json.load(open(p)) for p in sys.argv[1:3])
if quiet["status"] != "ok" or quiet["findings"]:
    print("noports: expected ok, got %s %s" % (quiet["status"],
          [f["id"] for f in quiet["findings"]]))
unk = {f["id"]: f.get("reason") or "" for f in tw["findings"] if f["severity"] == "unknown"}
for rid in ("tw-port-exhaustion", "tw-port-exhaustion-critical", "tw-reuse-off-under-pressure"):
    if "ports.ephemeral" not in unk.get(rid, ""):
        print("noports-tw: %s should be unknown because of ports.ephemeral, got %r" % (rid, unk.get(rid)))
if tw["status"] != "unknown" or open(sys.argv[2] + ".rc").read().strip() != "3":
    print("noports-tw: expected status unknown and exit 3")
EOF
if [ -s "$T/problems" ]; then
	sed 's/^/FAIL: /' "$T/problems" >&2
	failed=$((failed + 1))
fi

# Every rule a shipped profile defines has its fixture.
for id in $(sed -n 's/^  - id: \([a-z0-9-]*\).*/\1/p' "$PROFILES"/*.yaml | sort -u); do
	[ -d "$RULES/$id" ] || {
		echo "FAIL: rule '$id' has no fixture directory $RULES/$id" >&2
		failed=$((failed + 1))
	}
done

[ $failed = 0 ] || fail "$failed rule fixture(s) failed"
echo "$n rule fixtures passed"
exit 0
