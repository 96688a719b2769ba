/* Unit tests for environment facts (src/facts_env.c): forwarding, NAT with
 * its reasons, container and netns, on trees built in a temporary directory
 * the way a docker host, a Kubernetes node, a plain host and an empty
 * (unknown) snapshot look. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmptree.h"

#include "arena.h"
#include "diag.h"
#include "facts_parse.h"
#include "rootfs.h"

/* Writes root/path (creating directories); content NULL makes a directory. */
static void put(const char *root, const char *path, const char *content)
{
	char full[4096], *slash;
	FILE *f;

	snprintf(full, sizeof(full), "%s/%s", root, path);
	for (slash = strchr(full + strlen(root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(full, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", full, strerror(errno));
		*slash = '/';
	}
	if (!content) {
		if (mkdir(full, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", full, strerror(errno));
		return;
	}
	f = fopen(full, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void rmtree(const char *dir)
{
	assert_int_equal(tmptree_remove(dir), 0);
}

struct env_case {
	const char *name;
	const char *files[16][2];	/* path, content (NULL: directory) */
	bool conntrack;
	int64_t conntrack_count;
	/* expected */
	int nat, forwarding;
	const char *container;		/* NULL: unknown */
	const char *nat_text;		/* NULL: no reasons */
};

static const struct env_case cases[] = {
	{
		.name = "docker host",
		.files = {
			{ "proc/sys/net/ipv4/ip_forward", "1\n" },
			{ "proc/sys/net/ipv6/conf/all/forwarding", "0\n" },
			{ "proc/net/ip_tables_names", "filter\nnat\n" },
			{ "proc/net/netstat", "TcpExt: TW\nTcpExt: 0\n" },
			{ "sys/class/net/lo/ifindex", "1\n" },
			{ "sys/class/net/eth0/ifindex", "2\n" },
			{ "sys/class/net/veth1a2b3c/ifindex", "5\n" },
			{ "sys/class/net/docker0/ifindex", "3\n" },
			{ "sys/class/net/br-0123456789ab/ifindex", "4\n" },
			{ "proc/1/cgroup", "0::/init.scope\n" },
		},
		.conntrack = true, .conntrack_count = 42,
		.nat = 1, .forwarding = 1, .container = "none",
		.nat_text = "ip_forward=1; ipv6 forwarding=0; iptables nat table "
			    "loaded (proc/net/ip_tables_names); container bridge "
			    "interface br-0123456789ab present; conntrack loaded "
			    "with 42 entries",
	},
	{
		/* nftables kube-proxy: no ip_tables_names, but a CNI bridge
		 * and forwarding. */
		.name = "kubernetes node",
		.files = {
			{ "proc/sys/net/ipv4/ip_forward", "1\n" },
			{ "proc/net/snmp", "Tcp: A\nTcp: 1\n" },
			{ "sys/class/net/eth0/ifindex", "2\n" },
			{ "sys/class/net/flannel.1/ifindex", "3\n" },
			{ "sys/class/net/cni0/ifindex", "4\n" },
			{ "proc/1/cgroup", "0::/init.scope\n" },
		},
		.nat = 1, .forwarding = 1, .container = "none",
		.nat_text = "ip_forward=1; iptables not loaded (no "
			    "proc/net/ip_tables_names); container bridge "
			    "interface cni0 present",
	},
	{
		/* After --netns: /proc/net/dev is the entered namespace's,
		 * sysfs still the host's; the former wins. */
		.name = "netns with a bridge only in proc/net/dev",
		.files = {
			{ "proc/sys/net/ipv4/ip_forward", "1\n" },
			{ "proc/net/ip_tables_names", "filter\n" },
			{ "proc/net/dev",
			  "Inter-|   Receive                            |  Transmit\n"
			  " face |bytes    packets errs drop fifo frame compressed multicast|bytes\n"
			  "    lo:       0       0    0    0    0     0          0         0        0\n"
			  "  eth0:  123456     100    0    0    0     0          0         0     2000\n"
			  "cali12ab: 0       0    0    0    0     0          0         0        0\n"
			  "  cni0:       0       0    0    0    0     0          0         0        0\n" },
			{ "sys/class/net/eth0/ifindex", "2\n" },
		},
		.nat = 1, .forwarding = 1, .container = NULL,
		.nat_text = "ip_forward=1; no iptables nat table "
			    "(proc/net/ip_tables_names); container bridge "
			    "interface cali12ab present",
	},
	{
		/* ... and with no bridge in proc/net/dev, sysfs's docker0
		 * (the host's) is not taken for this namespace's. */
		.name = "netns without a bridge, host sysfs has one",
		.files = {
			{ "proc/sys/net/ipv4/ip_forward", "0\n" },
			{ "proc/sys/net/ipv6/conf/all/forwarding", "0\n" },
			{ "proc/net/ip_tables_names", "" },
			{ "proc/net/dev",
			  "Inter-|   Receive\n face |bytes\n    lo: 0 0\n  veth0: 0 0\n" },
			{ "sys/class/net/docker0/ifindex", "3\n" },
			{ "proc/1/cgroup", "0::/\n" },
		},
		.nat = 0, .forwarding = 0, .container = "none",
		.nat_text = "ip_forward=0; ipv6 forwarding=0; no iptables nat "
			    "table (proc/net/ip_tables_names); no container "
			    "bridge interface",
	},
	{
		.name = "kubernetes pod",
		.files = {
			{ "proc/sys/net/ipv4/ip_forward", "0\n" },
			{ ".dockerenv", "" },
			{ "proc/1/cgroup", "12:memory:/kubepods/besteffort/pod1234/abcd\n" },
		},
		.nat = -1, .forwarding = 0, .container = "kubernetes",
		.nat_text = "ip_forward=0; inside a container (kubernetes) "
			    "whose host may translate its traffic",
	},
	{
		.name = "plain host",
		.files = {
			{ "proc/sys/net/ipv4/ip_forward", "0\n" },
			{ "proc/sys/net/ipv6/conf/all/forwarding", "0\n" },
			{ "proc/net/ip_tables_names", "filter\n" },
			{ "sys/class/net/lo/ifindex", "1\n" },
			{ "sys/class/net/eth0/ifindex", "2\n" },
			{ "proc/1/cgroup", "0::/\n" },
		},
		.nat = 0, .forwarding = 0, .container = "none",
		.nat_text = "ip_forward=0; ipv6 forwarding=0; no iptables nat "
			    "table (proc/net/ip_tables_names); no container "
			    "bridge interface",
	},
	{
		/* A router: forwarding, but nothing says it translates. */
		.name = "router",
		.files = {
			{ "proc/sys/net/ipv4/ip_forward", "1\n" },
			{ "proc/net/ip_tables_names", "" },
			{ "sys/class/net/eth0/ifindex", "2\n" },
		},
		.nat = -1, .forwarding = 1, .container = NULL,
		.nat_text = "ip_forward=1; no iptables nat table "
			    "(proc/net/ip_tables_names); no container bridge "
			    "interface",
	},
	{
		/* Bridges without forwarding: containers cannot be NATed. */
		.name = "bridge, forwarding off",
		.files = {
			{ "proc/sys/net/ipv4/ip_forward", "0\n" },
			{ "proc/net/ip_tables_names", "filter\n" },
			{ "sys/class/net/virbr0/ifindex", "2\n" },
			{ "run/.containerenv", "" },
		},
		.nat = -1, .forwarding = 0, .container = "podman",
		.nat_text = "ip_forward=0; no iptables nat table "
			    "(proc/net/ip_tables_names); container bridge "
			    "interface virbr0 present; inside a container "
			    "(podman) whose host may translate its traffic",
	},
	{
		/* This very host, seen from inside a docker container: the
		 * container's netns has no NAT, the host in front of it may. */
		.name = "inside a docker container",
		.files = {
			{ "proc/sys/net/ipv4/ip_forward", "0\n" },
			{ "proc/sys/net/ipv6/conf/all/forwarding", "0\n" },
			{ "proc/net/ip_tables_names", "" },
			{ "sys/class/net/lo/ifindex", "1\n" },
			{ "sys/class/net/eth0/ifindex", "2\n" },
			{ ".dockerenv", "" },
			{ "proc/1/cgroup", "0::/\n" },
		},
		.nat = -1, .forwarding = 0, .container = "docker",
		.nat_text = "ip_forward=0; ipv6 forwarding=0; no iptables nat "
			    "table (proc/net/ip_tables_names); no container "
			    "bridge interface; inside a container (docker) "
			    "whose host may translate its traffic",
	},
	{
		.name = "lxc container",
		.files = {
			{ "proc/1/cgroup", "0::/lxc.payload.web/init.scope\n" },
		},
		.nat = -1, .forwarding = -1, .container = "lxc",
		.nat_text = "inside a container (lxc) whose host may "
			    "translate its traffic",
	},
	{
		.name = "docker container by cgroup",
		.files = {
			{ "proc/1/cgroup", "4:pids:/docker/0123abcd\n" },
		},
		.nat = -1, .forwarding = -1, .container = "docker",
		.nat_text = "inside a container (docker) whose host may "
			    "translate its traffic",
	},
	{
		.name = "unknown (empty snapshot)",
		.files = { { "etc", NULL } },
		.nat = -1, .forwarding = -1, .container = NULL,
	},
};

static void run_case(const struct env_case *c)
{
	char dir[] = "/tmp/twtune-facts-env.XXXXXX";
	struct facts f = { 0 };
	struct diag d;
	size_t i;
	int root_fd, r;

	assert_non_null(mkdtemp(dir));
	for (i = 0; i < 16 && c->files[i][0]; i++)
		put(dir, c->files[i][0], c->files[i][1]);
	arena_init(&f.arena);
	diag_init(&d, &f.arena);
	f.conntrack_count.present = c->conntrack;
	f.conntrack_count.value = c->conntrack_count;
	assert_int_equal(root_dir_open(dir, &root_fd), 0);
	r = facts_env_collect(root_fd, false, &f, &d);
	close(root_fd);
	if (r != 0)
		fail_msg("%s: r=%d", c->name, r);
	if (f.env_nat != c->nat || f.env_forwarding != c->forwarding)
		fail_msg("%s: nat=%d forwarding=%d (%s)", c->name, f.env_nat,
			 f.env_forwarding, f.env_nat_text);
	if (c->container)
		assert_string_equal(f.env_container, c->container);
	else {
		assert_null(f.env_container);
		assert_non_null(strstr(f.env_container_reason, "container unknown"));
	}
	if (c->nat_text) {
		if (!f.env_nat_text || strcmp(f.env_nat_text, c->nat_text) != 0)
			fail_msg("%s: reasons '%s'", c->name, f.env_nat_text);
	} else {
		assert_null(f.env_nat_text);
		assert_int_equal(f.n_env_nat_reasons, 0);
	}
	assert_null(f.env_nat_reasons[f.n_env_nat_reasons]);
	if (c->nat < 0)
		assert_non_null(strstr(f.env_nat_reason, "NAT could not be determined"));
	else
		assert_null(f.env_nat_reason);
	/* Under --root the netns is not the snapshot's. */
	assert_null(f.env_netns);
	assert_non_null(f.env_netns_reason);
	assert_int_equal(diag_errors(&d), 0);
	arena_release(&f.arena);
	rmtree(dir);
}

static void test_env_trees(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

static void test_env_malformed_forwarding(void **state)
{
	char dir[] = "/tmp/twtune-facts-env.XXXXXX";
	struct facts f = { 0 };
	struct diag d;
	int root_fd;

	assert_non_null(mkdtemp(dir));
	put(dir, "proc/sys/net/ipv4/ip_forward", "yes\n");
	arena_init(&f.arena);
	diag_init(&d, &f.arena);
	assert_int_equal(root_dir_open(dir, &root_fd), 0);
	assert_int_equal(facts_env_collect(root_fd, false, &f, &d), -EBADMSG);
	close(root_fd);
	assert_int_equal(diag_errors(&d), 1);
	assert_string_equal(d.head->file, "/proc/sys/net/ipv4/ip_forward");
	assert_non_null(strstr(d.head->message, "'yes' is not a number"));
	arena_release(&f.arena);
	rmtree(dir);
}

/* On the real root the netns link is read (this test runs in some netns). */
static void test_env_host_netns(void **state)
{
	struct facts f = { 0 };
	struct diag d;
	char want[128];
	ssize_t n;
	int root_fd;

	n = readlink("/proc/self/ns/net", want, sizeof(want) - 1);
	if (n <= 0)
		skip();
	want[n] = '\0';
	arena_init(&f.arena);
	diag_init(&d, &f.arena);
	assert_int_equal(root_dir_open("/", &root_fd), 0);
	assert_int_equal(facts_env_collect(root_fd, true, &f, &d), 0);
	close(root_fd);
	assert_string_equal(f.env_netns, want);
	assert_null(f.env_netns_reason);
	arena_release(&f.arena);
}

static void link_(const char *root, const char *path, const char *target)
{
	char full[4096];

	put(root, path, "");
	snprintf(full, sizeof(full), "%s/%s", root, path);
	assert_int_equal(unlink(full), 0);
	assert_int_equal(symlink(target, full), 0);
}

/* --netns into a namespace that is not PID 1's: its own view shows no NAT,
 * but whoever routes it may translate, so NAT is not ruled out. The tree
 * stands in for /proc with ns links (host_root reads them). */
static void test_env_child_netns(void **state)
{
	static const struct {
		const char *pid1;
		int nat;
	} cases_[] = {
		{ "net:[4026531840]", -1 },	/* child netns */
		{ "net:[4026532999]", 0 },	/* PID 1's own */
	};
	size_t i;

	for (i = 0; i < sizeof(cases_) / sizeof(cases_[0]); i++) {
		char dir[] = "/tmp/twtune-facts-env.XXXXXX";
		struct facts f = { 0 };
		struct diag d;
		int root_fd;

		assert_non_null(mkdtemp(dir));
		put(dir, "proc/sys/net/ipv4/ip_forward", "0\n");
		put(dir, "proc/net/ip_tables_names", "");
		put(dir, "proc/net/dev", "  lo: 0\n  eth0: 0\n");
		put(dir, "proc/1/cgroup", "0::/\n");
		link_(dir, "proc/self/ns/net", "net:[4026532999]");
		link_(dir, "proc/1/ns/net", cases_[i].pid1);
		arena_init(&f.arena);
		diag_init(&d, &f.arena);
		assert_int_equal(root_dir_open(dir, &root_fd), 0);
		assert_int_equal(facts_env_collect(root_fd, true, &f, &d), 0);
		close(root_fd);
		assert_string_equal(f.env_netns, "net:[4026532999]");
		assert_int_equal(f.env_nat, cases_[i].nat);
		assert_int_equal(strstr(f.env_nat_text, "not PID 1's") != NULL,
				 cases_[i].nat < 0);
		arena_release(&f.arena);
		rmtree(dir);
	}
}

static void test_bridge_names(void **state)
{
	static const struct {
		const char *name;
		bool bridge;
	} cases_[] = {
		{ "docker0", true }, { "docker1", false },
		{ "br-0123456789ab", true }, { "br-", false }, { "br0", false },
		{ "cni0", true }, { "cbr0", true }, { "flannel.1", true },
		{ "flannel.", false }, { "cali1234abcd", true }, { "cali", false },
		{ "kube-ipvs0", true }, { "kube-bridge", true }, { "virbr0", true },
		{ "podman0", true }, { "lxcbr0", true }, { "lxdbr0", true },
		{ "cilium_host", true }, { "weave", true },
		{ "eth0", false }, { "lo", false }, { "veth12ab", false },
		{ "ens3", false }, { "", false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases_) / sizeof(cases_[0]); i++)
		if (facts_iface_is_bridge(cases_[i].name) != cases_[i].bridge)
			fail_msg("'%s'", cases_[i].name);
}

static void test_net_dev(void **state)
{
	static const char dev[] =
		"Inter-|   Receive\n face |bytes\n"
		"  br-12: 0\n  br-1: 0\nvirbr0: 0\n  eth0: 0\n";
	char name[16];

	assert_string_equal(facts_net_dev_bridge(dev, sizeof(dev) - 1, name,
						 sizeof(name)), "br-1");
	assert_null(facts_net_dev_bridge("  eth0: 0\n  lo: 0\n", 19, name,
					 sizeof(name)));
	/* A name that does not fit is skipped, not cut. */
	assert_null(facts_net_dev_bridge("br-0123456789ab: 0\n", 19, name, 8));
	assert_null(facts_net_dev_bridge("", 0, name, sizeof(name)));
}

static void test_ip_tables_names(void **state)
{
	assert_int_equal(facts_ip_tables_has_nat("nat\n", 4), 1);
	assert_int_equal(facts_ip_tables_has_nat("filter\nnat", 10), 1);
	assert_int_equal(facts_ip_tables_has_nat("filter\nmangle\n", 14), 0);
	assert_int_equal(facts_ip_tables_has_nat("natx\nxnat\n", 10), 0);
	assert_int_equal(facts_ip_tables_has_nat("", 0), 0);
}

static void test_container_detect(void **state)
{
	assert_string_equal(facts_container_detect(true, false, "0::/kubepods.slice/x"),
			    "kubernetes");
	assert_string_equal(facts_container_detect(true, true, "0::/"), "docker");
	assert_string_equal(facts_container_detect(false, true, NULL), "podman");
	assert_string_equal(facts_container_detect(false, false,
			    "0::/system.slice/docker-0123.scope\n"), "docker");
	assert_string_equal(facts_container_detect(false, false,
			    "0::/machine.slice/libpod-0123.scope\n"), "podman");
	assert_string_equal(facts_container_detect(false, false, "0::/lxc/c1\n"),
			    "lxc");
	assert_string_equal(facts_container_detect(false, false,
			    "0::/system.slice/dockerd.service\n"), "none");
	assert_null(facts_container_detect(false, false, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env_trees),
		cmocka_unit_test(test_env_malformed_forwarding),
		cmocka_unit_test(test_env_host_netns),
		cmocka_unit_test(test_env_child_netns),
		cmocka_unit_test(test_bridge_names),
		cmocka_unit_test(test_net_dev),
		cmocka_unit_test(test_ip_tables_names),
		cmocka_unit_test(test_container_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
