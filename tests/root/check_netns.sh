# twtune check --netns NAME reads the sysctls and sockets of that network
# namespace, not its own. Private mount + network namespaces with a tmpfs
# over /run, so the host's /run/netns is untouched.
. "$TWTUNE_SRCDIR/tests/lib.sh"
require_root
in_private_ns -mn

command -v ip >/dev/null 2>&1 || skip "needs ip (iproute2)"
mount -t tmpfs twtune-test /run || exit 99
mkdir /run/netns || exit 99
ip netns add twt-check || exit 99
ip netns exec twt-check ip link set lo up || exit 99
ip netns exec twt-check sh -c 'echo "40000 40009" >/proc/sys/net/ipv4/ip_local_port_range' || exit 99
echo "30000 50000" >/proc/sys/net/ipv4/ip_local_port_range || exit 99

cat >"$T/fx-ports.yaml" <<'YAML'
twtune: 1
name: fx-ports
rules:
  - id: narrow-range
    severity: warning
    when: ports.ephemeral < 1000
    summary: "only {ports.ephemeral} ephemeral ports ({ports.low}-{ports.high})"
YAML
run_tw 1 check -p "$T/fx-ports.yaml" --netns twt-check
assert_grep '^    only 10 ephemeral ports (40000-40009)$' "$T/out"
run_tw 0 check -p "$T/fx-ports.yaml"
assert_grep '^twtune: OK - no findings ' "$T/out"
run_tw 3 check -p "$T/fx-ports.yaml" --netns twt-missing
assert_grep "cannot enter network namespace" "$T/err"
exit 0
