# twtune resolve against the real tools: ~30 random sysctl.d trees
# (deterministic seed) are applied by /lib/systemd/systemd-sysctl and by
# procps 'sysctl --system', each in a fresh network namespace, and every
# value they leave must be what 'twtune resolve --format json' predicted
# (keys it predicts unset keep the fresh-netns default). The trees use
# duplicates, '-' lines (with and without a value, with a blank), masks,
# empty files, hidden files, dot/slash spellings, CRLF, '#' and ';'
# comments and a glob; only per-netns keys without default propagation.
# The host is never touched: a private mount namespace with tmpfs over
# every sysctl.d directory and an empty file over /etc/sysctl.conf.
. "$TWTUNE_SRCDIR/tests/lib.sh"

require_root
SD=/lib/systemd/systemd-sysctl
[ -x "$SD" ] || skip "no $SD"
command -v sysctl >/dev/null 2>&1 || skip "no procps sysctl"
command -v python3 >/dev/null 2>&1 || skip "needs python3"
in_private_ns -mn

# /run and /usr/local/lib get a tmpfs first so that creating sysctl.d
# below them cannot reach the host's file systems.
mount -t tmpfs tmpfs /run || exit 99
mkdir -p /usr/local/lib || exit 99
mount -t tmpfs tmpfs /usr/local/lib || exit 99
mkdir -p /run/sysctl.d /usr/local/lib/sysctl.d || exit 99
for d in /etc/sysctl.d /usr/lib/sysctl.d; do
	mount -t tmpfs tmpfs "$d" || exit 99
done
: >"$T/empty"
if [ -e /etc/sysctl.conf ]; then
	mount --bind "$T/empty" /etc/sysctl.conf || exit 99
else
	skip "no /etc/sysctl.conf to cover"
fi
# /lib/sysctl.d must be the tmpfs too (merged /usr), or procps reads more
[ "$(stat -L -c %d:%i /lib/sysctl.d 2>/dev/null)" = "$(stat -c %d:%i /usr/lib/sysctl.d)" ] ||
	[ ! -e /lib/sysctl.d ] || skip "/lib/sysctl.d is not /usr/lib/sysctl.d"

# the keys, in /proc/sys path form so that the dump needs no processes
KEYS="net/ipv4/tcp_fin_timeout net/ipv4/tcp_keepalive_time net/ipv4/tcp_keepalive_intvl
net/ipv4/tcp_keepalive_probes net/ipv4/tcp_syn_retries net/ipv4/tcp_synack_retries
net/ipv4/tcp_rfc1337 net/ipv4/tcp_retries2 net/core/somaxconn
net/ipv4/conf/lo/rp_filter net/ipv4/conf/lo/accept_local net/ipv4/conf/lo/log_martians"
export KEYS
# shell code that prints every key's value, one a line, in KEYS order (one
# cat: sysctl files cannot be read a byte at a time as the shell's read does)
DUMP='cd /proc/sys && cat $KEYS'
unshare -n sh -c "$DUMP" >"$T/defaults" || exit 99

cat >"$T/gen.py" <<'PY'
import os, random, sys
seed, root = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(seed)
keys = {
    "net.ipv4.tcp_fin_timeout": (1, 120), "net.ipv4.tcp_keepalive_time": (1, 9000),
    "net.ipv4.tcp_keepalive_intvl": (1, 100), "net.ipv4.tcp_keepalive_probes": (1, 50),
    "net.ipv4.tcp_syn_retries": (1, 10), "net.ipv4.tcp_synack_retries": (1, 10),
    "net.ipv4.tcp_rfc1337": (0, 1), "net.ipv4.tcp_retries2": (1, 15),
    "net.core.somaxconn": (128, 8192), "net.ipv4.conf.lo.rp_filter": (0, 2),
    "net.ipv4.conf.lo.accept_local": (0, 1), "net.ipv4.conf.lo.log_martians": (0, 1),
}
names = ["10-a.conf", "20-b.conf", "50-x.conf", "9-q.conf", "99-z.conf", "A.conf",
         ".hidden.conf"]
dirs = ["etc/sysctl.d", "run/sysctl.d", "usr/local/lib/sysctl.d", "usr/lib/sysctl.d"]
def spell(k):
    return k.replace(".", "/") if rnd.random() < 0.2 else k
def line():
    k = rnd.choice(list(keys))
    lo, hi = keys[k]
    v = str(rnd.randint(lo, hi))
    r = rnd.random()
    if r < 0.05:
        return "net.ipv4.tcp_keepalive_* = %d" % rnd.randint(1, 50)
    if r < 0.12:
        return "-" + spell(k)
    if r < 0.20:
        return "-%s = %s" % (spell(k), v)
    if r < 0.25:
        return "- %s = %s" % (k, v)
    if r < 0.30:
        return "; %s = %s" % (k, v)
    if r < 0.35:
        return "# %s = %s" % (k, v)
    if r < 0.38:
        return ""
    sp = rnd.choice(["%s = %s", "%s=%s", "  %s\t=  %s  "])
    return sp % (spell(k), v)
for _ in range(rnd.randint(2, 7)):
    d, n = rnd.choice(dirs), rnd.choice(names)
    path = os.path.join(root, d, n)
    if os.path.lexists(path):
        continue
    r = rnd.random()
    if r < 0.08:
        os.symlink("/dev/null", path)
        continue
    if r < 0.12:
        open(path, "w").close()
        continue
    eol = "\r\n" if rnd.random() < 0.2 else "\n"
    body = eol.join(line() for _ in range(rnd.randint(1, 12))) + eol
    open(path, "w", newline="").write(body)
PY

cat >"$T/check.py" <<'PY'
import json, os, sys
order = os.environ["KEYS"].split()
def values(name):
  lines = open(name).read().splitlines()
  assert len(lines) == len(order), name
  return dict(zip(order, lines))
def check(pred, actual, defaults, label):
  keys = {k["key"]: k for k in json.load(open(pred))["keys"]}
  act = values(actual)
  dfl = values(defaults)
  bad = 0
  for path, v in act.items():
    k = path.replace("/", ".")
    p = keys.get(k)
    if p is None or p["value"] is None:
        want, why = dfl[path].strip(), "default"
    else:
        want, why = str(int(p["value"].split()[0])), "%s:%d" % (p["file"], p["line"])
    if v.strip() != want:
        print("%s: %s is %s, twtune predicted %s (%s)" % (label, k, v.strip(), want, why))
        bad += 1
  return bad
t, seed = sys.argv[1], sys.argv[2]
bad = check(t + "/sd.json", t + "/sd.actual", t + "/defaults", "systemd seed " + seed)
bad += check(t + "/ps.json", t + "/ps.actual", t + "/defaults", "procps seed " + seed)
sys.exit(1 if bad else 0)
PY

clear_dirs() {
	for d in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d; do
		find "$d" -mindepth 1 -delete || exit 99
	done
}

failed=0
seed=1
while [ "$seed" -le 30 ]; do
	clear_dirs
	python3 "$T/gen.py" "$seed" / || exit 99
	"$TWTUNE" resolve --root / --format json >"$T/sd.json" 2>"$T/err" || fail "resolve (seed $seed)"
	"$TWTUNE" resolve --root / --procps --format json >"$T/ps.json" 2>"$T/err" || fail "resolve --procps (seed $seed)"
	unshare -n sh -c "'$SD' >/dev/null 2>&1; $DUMP" >"$T/sd.actual" || exit 99
	unshare -n sh -c "sysctl --system >/dev/null 2>&1; $DUMP" >"$T/ps.actual" || exit 99
	if ! python3 "$T/check.py" "$T" "$seed"; then
		failed=$((failed + 1))
		for f in $(find /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d -mindepth 1); do
			echo "--- $f"; cat -A "$f" 2>/dev/null || ls -l "$f"
		done
	fi
	seed=$((seed + 1))
done
[ "$failed" -eq 0 ] || fail "$failed of 30 trees predicted wrongly"
