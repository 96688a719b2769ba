/*
 * Environment facts: forwarding, NAT, container, network namespace. NAT is
 * inferred from evidence and stays unknown (-1) unless the evidence points
 * one way: claiming "no NAT" on a Kubernetes node would clear the way for
 * tcp_tw_recycle advice that breaks it, so false needs positive evidence
 * (forwarding off, no nat table, no container bridge) and every conclusion
 * carries its reasons.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "facts_parse.h"
#include "procsys.h"
#include "rootfs.h"

#define ENV_FILE_MAX (64 * 1024)
#define ENV_IFACES_MAX 65536
#define ENV_REASONS_MAX 10

bool facts_iface_is_bridge(const char *name)
{
	/* Bridges and overlays that container runtimes, CNI plugins and
	 * libvirt create; a trailing '*' matches any rest. */
	static const char *const patterns[] = {
		"docker0", "br-*", "cni0", "cbr0", "flannel.*", "cali*",
		"kube-*", "virbr*", "podman*", "lxcbr0", "lxdbr0", "cilium_*",
		"weave",
	};
	size_t i;

	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		const char *p = patterns[i];
		size_t n = strlen(p);

		if (p[n - 1] == '*' ? strncmp(name, p, n - 1) == 0 && name[n - 1]
				    : strcmp(name, p) == 0)
			return true;
	}
	return false;
}

int facts_ip_tables_has_nat(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n == 3 && memcmp(p, "nat", 3) == 0)
			return 1;
		p += n + 1;
	}
	return 0;
}

const char *facts_container_detect(bool dockerenv, bool containerenv,
				   const char *cgroup)
{
	/* A Kubernetes pod may also carry a runtime's marker: the pod is the
	 * more telling fact. */
	if (cgroup && strstr(cgroup, "kubepods"))
		return "kubernetes";
	if (dockerenv)
		return "docker";
	if (containerenv)
		return "podman";
	if (!cgroup)
		return NULL;
	if (strstr(cgroup, "/docker/") || strstr(cgroup, "/docker-"))
		return "docker";
	if (strstr(cgroup, "libpod"))
		return "podman";
	if (strstr(cgroup, "/lxc/") || strstr(cgroup, "lxc.payload"))
		return "lxc";
	return "none";
}

static bool in_container(const struct facts_env_input *in)
{
	return in->container && strcmp(in->container, "none") != 0;
}

/* NAT behind us cannot be seen from inside a container or a child netns. */
static bool behind_host(const struct facts_env_input *in)
{
	return in_container(in) || in->child_netns;
}

int facts_env_decide(const struct facts_env_input *in, struct arena *a,
		     struct facts_env_result *ret)
{
	const char **reasons;
	size_t n = 0;
	int fwd;

	reasons = arena_calloc(a, ENV_REASONS_MAX, sizeof(*reasons));
	if (!reasons)
		return -ENOMEM;
#define ADD(...) do { \
		if (!(reasons[n++] = arena_printf(a, __VA_ARGS__))) \
			return -ENOMEM; \
	} while (0)

	if (in->ip_forward >= 0)
		ADD("ip_forward=%d", in->ip_forward);
	if (in->ipv6_forwarding >= 0)
		ADD("ipv6 forwarding=%d", in->ipv6_forwarding);
	if (in->nat_table == 1)
		ADD("iptables nat table loaded (proc/net/ip_tables_names)");
	else if (in->nat_table == 0 && in->nat_table_file)
		ADD("no iptables nat table (proc/net/ip_tables_names)");
	else if (in->nat_table == 0)
		ADD("iptables not loaded (no proc/net/ip_tables_names)");
	if (in->bridge)
		ADD("container bridge interface %s present", in->bridge);
	else if (in->ifaces_known)
		ADD("no container bridge interface");
	if (in->conntrack_loaded)
		ADD("conntrack loaded with %llu entries",
		    (unsigned long long)in->conntrack_count);
	if (in_container(in))
		ADD("inside a container (%s) whose host may translate its traffic",
		    in->container);
	if (in->child_netns)
		ADD("network namespace is not PID 1's (a container or VM network the host may translate)");
#undef ADD

	if (in->ip_forward > 0 || in->ipv6_forwarding > 0)
		fwd = 1;
	else if (in->ip_forward == 0 || in->ipv6_forwarding == 0)
		fwd = 0;
	else
		fwd = -1;

	ret->forwarding = fwd;
	if (in->nat_table == 1 || (in->bridge && fwd == 1))
		ret->nat = 1;
	else if (fwd == 0 && in->nat_table == 0 && in->ifaces_known &&
		 !in->bridge && !behind_host(in))
		ret->nat = 0;
	else
		ret->nat = -1;
	ret->reasons = reasons;
	ret->n_reasons = n;
	return 0;
}

/* A 0/1-ish sysctl: its value, -1 when absent, -EBADMSG when malformed. */
static int read_flag(int root_fd, const char *key, const char *file,
		     struct facts *f, struct diag *diag, int *ret)
{
	uint64_t v;
	char *s;
	int r;

	r = procsys_read(root_fd, key, &f->arena, &s);
	if (r == -ENOENT || r == -ENOTDIR || r == -EACCES || r == -EPERM) {
		*ret = -1;
		return 0;
	}
	if (r < 0)
		return r;
	r = facts_parse_u64(s, file, diag, &v);
	if (r < 0)
		return r;
	*ret = v > 0;
	return 0;
}

static bool exists(int root_fd, const char *path)
{
	int fd = root_open(root_fd, path, O_PATH, 0);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

const char *facts_net_dev_bridge(const char *buf, size_t len, char *name,
				 size_t name_size)
{
	const char *p = buf, *end = buf + len;
	char cur[64];
	bool found = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *colon, *s;
		size_t n;

		/* "  eth0: 1234 ..."; the two header lines have no ':'. */
		colon = memchr(p, ':', (size_t)(eol - p));
		for (s = p; s < eol && *s == ' '; s++)
			;
		n = colon && colon > s ? (size_t)(colon - s) : 0;
		if (n > 0 && n < sizeof(cur) && n < name_size) {
			memcpy(cur, s, n);
			cur[n] = '\0';
			if (facts_iface_is_bridge(cur) &&
			    (!found || strcmp(cur, name) < 0)) {
				memcpy(name, cur, n + 1);
				found = true;
			}
		}
		p = eol + 1;
	}
	return found ? name : NULL;
}

/* The smallest (for stable output) bridge name. /proc/net/dev lists the
 * interfaces of the reader's network namespace (right after --netns);
 * sysfs shows the namespace it was mounted in, so it is the fallback. */
static int find_bridge(int root_fd, struct arena *a, bool *ret_known,
		       const char **ret_bridge)
{
	const char *best = NULL;
	struct dirent *de;
	unsigned seen = 0;
	char name[64];
	size_t len;
	char *buf;
	DIR *d;
	int fd, r;

	*ret_known = false;
	*ret_bridge = NULL;
	r = root_read_file(root_fd, "proc/net/dev", ENV_FILE_MAX * 16, a, &buf,
			   &len);
	if (r == -ENOMEM)
		return r;
	if (r == 0) {
		best = facts_net_dev_bridge(buf, len, name, sizeof(name));
		if (best && !(best = arena_strdup(a, best)))
			return -ENOMEM;
		*ret_known = true;
		*ret_bridge = best;
		return 0;
	}
	fd = root_open(root_fd, "sys/class/net", O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd == -ENOMEM ? fd : 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) && seen++ < ENV_IFACES_MAX) {
		if (de->d_name[0] == '.' || !facts_iface_is_bridge(de->d_name))
			continue;
		if (!best || strcmp(de->d_name, best) < 0) {
			best = arena_strdup(a, de->d_name);
			if (!best) {
				closedir(d);
				return -ENOMEM;
			}
		}
	}
	closedir(d);
	*ret_known = true;
	*ret_bridge = best;
	return 0;
}

static int read_optional(int root_fd, const char *path, struct arena *a,
			 char **ret, size_t *ret_len)
{
	int r = root_read_file(root_fd, path, ENV_FILE_MAX, a, ret, ret_len);

	if (r == -ENOMEM)
		return r;
	if (r < 0)
		*ret = NULL;
	return 0;
}

/* "net:[4026531840]" from a ns symlink; *ret NULL with a reason if not. */
static int read_netns(int root_fd, const char *path, struct arena *a,
		      const char **ret, const char **ret_reason)
{
	char link[128];
	ssize_t n = readlinkat(root_fd, path, link, sizeof(link) - 1);

	*ret = NULL;
	*ret_reason = NULL;
	if (n > 0) {
		link[n] = '\0';
		*ret = arena_strdup(a, link);
		return *ret ? 0 : -ENOMEM;
	}
	*ret_reason = arena_printf(a, "cannot read /%s: %s", path,
				   strerror(n < 0 ? errno : EINVAL));
	return *ret_reason ? 0 : -ENOMEM;
}

static const char *join(struct arena *a, const char **v, size_t n,
			const char *sep)
{
	size_t len = 1, i;
	char *s, *p;

	for (i = 0; i < n; i++)
		len += strlen(v[i]) + (i ? strlen(sep) : 0);
	s = arena_alloc(a, len);
	if (!s)
		return NULL;
	p = s;
	for (i = 0; i < n; i++)
		p = stpcpy(i ? stpcpy(p, sep) : p, v[i]);
	*p = '\0';
	return s;
}

int facts_env_collect(int root_fd, bool host_root, struct facts *f,
		      struct diag *diag)
{
	struct facts_env_input in = {
		.nat_table = -1,
		.conntrack_loaded = f->conntrack_count.present,
		.conntrack_count = f->conntrack_count.present ?
				   (uint64_t)f->conntrack_count.value : 0,
	};
	struct facts_env_result res;
	struct arena *a = &f->arena;
	const char *pid1_netns, *ignore;
	char *buf, *cgroup;
	size_t len;
	int r;

	r = read_flag(root_fd, "net.ipv4.ip_forward",
		      "/proc/sys/net/ipv4/ip_forward", f, diag, &in.ip_forward);
	if (r < 0)
		return r;
	r = read_flag(root_fd, "net.ipv6.conf.all.forwarding",
		      "/proc/sys/net/ipv6/conf/all/forwarding", f, diag,
		      &in.ipv6_forwarding);
	if (r < 0)
		return r;

	r = read_optional(root_fd, "proc/net/ip_tables_names", a, &buf, &len);
	if (r < 0)
		return r;
	if (buf) {
		in.nat_table = facts_ip_tables_has_nat(buf, len);
		in.nat_table_file = true;
	} else if (exists(root_fd, "proc/net/netstat") ||
		   exists(root_fd, "proc/net/snmp")) {
		/* A real proc/net without the file: ip_tables is not loaded. */
		in.nat_table = 0;
	}

	r = find_bridge(root_fd, a, &in.ifaces_known, &in.bridge);
	if (r < 0)
		return r;

	r = read_optional(root_fd, "proc/1/cgroup", a, &cgroup, &len);
	if (r < 0)
		return r;
	f->env_container = facts_container_detect(exists(root_fd, ".dockerenv"),
						  exists(root_fd, "run/.containerenv"),
						  cgroup);
	if (!f->env_container)
		f->env_container_reason =
			"container unknown (no /proc/1/cgroup and no /.dockerenv or /run/.containerenv)";
	in.container = f->env_container;
	if (host_root) {
		r = read_netns(root_fd, "proc/self/ns/net", a, &f->env_netns,
			       &f->env_netns_reason);
		if (r < 0)
			return r;
		if (f->env_netns &&
		    read_netns(root_fd, "proc/1/ns/net", a, &pid1_netns, &ignore) == 0 &&
		    pid1_netns && strcmp(pid1_netns, f->env_netns) != 0)
			in.child_netns = true;
	} else {
		f->env_netns_reason = "network namespace is not read under --root";
	}

	r = facts_env_decide(&in, a, &res);
	if (r < 0)
		return r;
	f->env_nat = res.nat;
	f->env_nat_reasons = res.reasons;
	f->env_nat_reasons[res.n_reasons] = NULL;
	f->n_env_nat_reasons = res.n_reasons;
	f->env_forwarding = res.forwarding;
	if (res.n_reasons) {
		f->env_nat_text = join(a, res.reasons, res.n_reasons, "; ");
		if (!f->env_nat_text)
			return -ENOMEM;
	}
	if (res.nat < 0) {
		f->env_nat_reason = res.n_reasons ?
			arena_printf(a, "NAT could not be determined (%s)",
				     f->env_nat_text) :
			"NAT could not be determined (no evidence readable)";
		if (!f->env_nat_reason)
			return -ENOMEM;
	}
	return 0;
}
