# Sourced by tests/root/apply_*.sh after require_root and in_private_ns -mn.
# Puts a tmpfs over every sysctl.d directory and the state directory inside
# the private mount namespace, so twtune apply runs with --root / against
# the real kernel's per-netns /proc/sys while the host's configuration
# stays out of reach. Also: profile writing and state snapshot helpers.

# /run, /usr/local/lib and /var/lib get a tmpfs first so that creating
# directories below them cannot reach the host's file systems.
mount -t tmpfs -o mode=0755 tmpfs /run || exit 99
mkdir -p /usr/local/lib || exit 99
mount -t tmpfs -o mode=0755 tmpfs /usr/local/lib || exit 99
mount -t tmpfs -o mode=0755 tmpfs /var/lib || exit 99
mkdir -p /run/sysctl.d /usr/local/lib/sysctl.d /var/lib/twtune || exit 99
for d in /etc/sysctl.d /usr/lib/sysctl.d; do
	mount -t tmpfs -o mode=0755 tmpfs "$d" || exit 99
done
FRAG=/etc/sysctl.d/90-twtune.conf
STATE=/var/lib/twtune

# The keys the test profiles touch, in /proc/sys path form.
KEYS="net/core/somaxconn net/ipv4/ip_local_port_range
net/ipv4/ip_unprivileged_port_start net/ipv4/tcp_fin_timeout
net/ipv4/tcp_max_tw_buckets net/ipv4/tcp_tw_reuse"

# profile NAME SETTINGS-LINES...: $T/NAME.yaml, root-owned, mode 0644.
profile() {
	_name=$1
	shift
	{
		printf 'twtune: 1\nname: %s\ndescription: test profile %s\nsettings:\n' "$_name" "$_name"
		for _l in "$@"; do
			printf '  %s\n' "$_l"
		done
	} >"$T/$_name.yaml" || exit 99
	chmod 0644 "$T/$_name.yaml" || exit 99
}

# snapshot FILE: live values of KEYS and every file in /etc/sysctl.d with
# its checksum (symlinks by target), to compare states byte for byte.
snapshot() {
	{
		for _k in $KEYS; do
			printf '%s=%s\n' "$_k" "$(cat "/proc/sys/$_k")"
		done
		for _f in /etc/sysctl.d/* /etc/sysctl.d/.[!.]*; do
			if [ -L "$_f" ]; then
				echo "link $_f -> $(readlink "$_f")"
			elif [ -f "$_f" ]; then
				echo "file $(stat -c %a "$_f") $(sha256sum "$_f")"
			fi
		done
	} >"$1"
}

# json_get FILE EXPR: prints a member of a JSON document (python3).
json_get() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$1" "$2"
}
