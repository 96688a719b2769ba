/* Unit tests for facts_collect and the named facts (src/facts.c,
 * src/facts_get.c) on fixture roots under tests/fixtures/roots/facts-*:
 * a docker host (every group present, sockets with owners, sysctl.d), a
 * legacy 4.9 host (tcp_tw_recycle exists, no netstat, no conntrack), a
 * snapshot with malformed files and an empty one. Also the live host, for
 * the parts that do not depend on what runs on it. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmptree.h"

#include "arena.h"
#include "diag.h"
#include "facts.h"
#include "kb.h"
#include "rootfs.h"

struct ctx_ {
	struct arena arena;
	struct diag diag;
	struct facts *f;
	char tmp[64];
};

/* The owners of facts-docker's CLOSE_WAIT sockets. They are symlinks in the
 * tree, but `make dist` (tar -h) drops dangling symlinks, so each run works
 * on a private copy and puts back any that are missing. */
static const struct {
	const char *path, *target;
} owner_links[] = {
	{ "facts-docker/proc/4242/fd/3", "socket:[3001]" },
	{ "facts-docker/proc/4242/fd/4", "socket:[3002]" },
	{ "facts-docker/proc/4242/fd/5", "socket:[3003]" },
	{ "facts-docker/proc/4242/fd/6", "socket:[3005]" },
	{ "facts-docker/proc/4243/fd/7", "socket:[3004]" },
};

static void copy_root(struct ctx_ *c, const char *name, char *path, size_t size)
{
	char cmd[1024], link[512];
	size_t i;

	snprintf(c->tmp, sizeof(c->tmp), "/tmp/twtune-facts.XXXXXX");
	assert_non_null(mkdtemp(c->tmp));
	snprintf(cmd, sizeof(cmd), "cp -R '%s/roots/%s' '%s/' && chmod -R u+w '%s'",
		 FACTS_FIXTURES, name, c->tmp, c->tmp);
	assert_int_equal(system(cmd), 0);
	for (i = 0; i < sizeof(owner_links) / sizeof(owner_links[0]); i++) {
		if (strncmp(owner_links[i].path, name, strlen(name)) != 0)
			continue;
		snprintf(link, sizeof(link), "%s/%s", c->tmp, owner_links[i].path);
		if (symlink(owner_links[i].target, link) < 0 && errno != EEXIST)
			fail_msg("symlink %s: %s", link, strerror(errno));
	}
	snprintf(path, size, "%s/%s", c->tmp, name);
}

static const struct facts_options root_opts = {
	.sockets = true,
	.owners = true,
	.force_proc = true,
	.boot = true,
	.boot_mode = SYSCTLD_SYSTEMD,
};

/* collect() on a copy of root name with text appended to its file rel
 * (when rel is not NULL). */
static int collect_edit(struct ctx_ *c, const char *name,
			const struct facts_options *opt, const char *rel,
			const char *text)
{
	char path[512], file[640];
	int root_fd, r;
	FILE *fp;

	copy_root(c, name, path, sizeof(path));
	if (rel) {
		snprintf(file, sizeof(file), "%s/%s", path, rel);
		fp = fopen(file, "a");
		assert_non_null(fp);
		assert_true(fputs(text, fp) >= 0);
		assert_int_equal(fclose(fp), 0);
	}
	arena_init(&c->arena);
	diag_init(&c->diag, &c->arena);
	c->f = NULL;
	assert_int_equal(root_dir_open(path, &root_fd), 0);
	r = facts_collect(root_fd, path, opt, &c->diag, &c->f);
	close(root_fd);
	return r;
}

static int collect(struct ctx_ *c, const char *name,
		   const struct facts_options *opt)
{
	return collect_edit(c, name, opt, NULL, NULL);
}

static void done(struct ctx_ *c)
{
	facts_free(c->f);
	arena_release(&c->arena);
	assert_int_equal(tmptree_remove(c->tmp), 0);
}

/* Expected value of a named fact: a number, a string, a bool or null with
 * a reason (substring). */
enum want_kind { W_NUM, W_STR, W_BOOL, W_NULL, W_VER };

struct want {
	const char *name;
	enum want_kind kind;
	double num;
	const char *str;	/* W_STR value, W_NULL reason, W_VER "x.y.z" */
};

static void check_value(const char *what, const struct value *v,
			const struct want *w)
{
	char buf[32];

	switch (w->kind) {
	case W_NUM:
		if (v->type != VALUE_NUMBER || v->number != w->num)
			fail_msg("%s: type %s %g, want %g", what,
				 value_type_name(v->type),
				 v->type == VALUE_NUMBER ? v->number : NAN, w->num);
		return;
	case W_BOOL:
		if (v->type != VALUE_BOOL || v->boolean != (w->num != 0))
			fail_msg("%s: type %s, want bool %g", what,
				 value_type_name(v->type), w->num);
		return;
	case W_STR:
		if (v->type != VALUE_STRING || strcmp(v->string, w->str) != 0)
			fail_msg("%s: type %s '%s', want '%s'", what,
				 value_type_name(v->type),
				 v->type == VALUE_STRING ? v->string : "", w->str);
		return;
	case W_VER:
		if (v->type != VALUE_VERSION)
			fail_msg("%s: type %s, want version", what,
				 value_type_name(v->type));
		kversion_format(v->version, false, buf, sizeof(buf));
		if (strcmp(buf, w->str) != 0)
			fail_msg("%s: version %s, want %s", what, buf, w->str);
		return;
	case W_NULL:
		if (v->type != VALUE_NULL || !v->null_reason ||
		    !strstr(v->null_reason, w->str))
			fail_msg("%s: type %s reason '%s', want null '%s'", what,
				 value_type_name(v->type),
				 v->null_reason ? v->null_reason : "(none)", w->str);
		return;
	}
}

static void check_facts(const struct facts *f, const struct want *w, size_t n)
{
	struct value v;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&v, 0xa5, sizeof(v));
		if (facts_get(f, w[i].name, &v) != 0)
			fail_msg("'%s' is not a fact", w[i].name);
		check_value(w[i].name, &v, &w[i]);
	}
}

enum fn { F_SYSCTL, F_BOOT, F_BOOT_SOURCE, F_COUNTER, F_RATE };

struct want_fn {
	enum fn fn;
	const char *arg;
	int ret;		/* 0 or the expected negative errno */
	struct want w;
};

static void check_fns(const struct facts *f, const struct want_fn *w, size_t n)
{
	static int (*const fns[])(const struct facts *, const char *,
				  struct value *) = {
		facts_sysctl, facts_boot, facts_boot_source, facts_counter,
		facts_rate,
	};
	static const char *const names[] = {
		"sysctl", "boot", "boot_source", "counter", "rate",
	};
	char what[160];
	struct value v;
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "%s(\"%s\")", names[w[i].fn], w[i].arg);
		r = fns[w[i].fn](f, w[i].arg, &v);
		if (r != w[i].ret)
			fail_msg("%s returned %d, want %d", what, r, w[i].ret);
		if (r == 0)
			check_value(what, &v, &w[i].w);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_docker_host(void **state)
{
	static const struct want want[] = {
		{ "kernel.release", W_STR, 0, "6.1.0-18-amd64" },
		{ "kernel.version", W_VER, 0, "6.1.0" },
		{ "sockets.established", W_NUM, 1 },
		{ "sockets.syn_sent", W_NUM, 1 },
		{ "sockets.syn_recv", W_NUM, 0 },
		{ "sockets.fin_wait1", W_NUM, 0 },
		{ "sockets.fin_wait2", W_NUM, 1 },
		{ "sockets.time_wait", W_NUM, 9 },
		{ "sockets.close", W_NUM, 0 },
		{ "sockets.close_wait", W_NUM, 5 },
		{ "sockets.last_ack", W_NUM, 0 },
		{ "sockets.listen", W_NUM, 10 },
		{ "sockets.closing", W_NUM, 0 },
		{ "sockets.total", W_NUM, 27 },
		{ "sockets.source", W_STR, 0, "proc" },
		{ "tw.active", W_NUM, 7 },
		{ "tw.passive", W_NUM, 2 },
		{ "tw.destinations", W_NUM, 3 },
		/* 3 IPv4 + 1 IPv4-mapped IPv6 from 192.0.2.10 */
		{ "tw.max_per_destination", W_NUM, 4 },
		{ "tw.top.address", W_STR, 0, "203.0.113.5" },
		{ "tw.top.port", W_NUM, 443 },
		{ "tw.top.count", W_NUM, 4 },
		/* java holds 3 on its listening port 8080 and 1 from port 9091
		 * (not listening: client side, to 198.51.100.9:50014);
		 * python3 1 from 9090 */
		{ "closewait.max_per_process", W_NUM, 4 },
		{ "closewait.top.pid", W_NUM, 4242 },
		{ "closewait.top.comm", W_STR, 0, "java" },
		{ "closewait.top.port", W_NUM, 8080 },
		{ "closewait.top.side", W_STR, 0, "server" },
		{ "closewait.top.peer", W_NULL, 0, "listening port" },
		{ "closewait.top.where", W_STR, 0, "3 on its listening port 8080" },
		{ "ports.low", W_NUM, 32768 },
		{ "ports.high", W_NUM, 60999 },
		{ "ports.reserved", W_NUM, 11 },	/* 40000-40009, 50000; not 22 */
		{ "ports.ephemeral", W_NUM, 28221 },
		/* Listening: 22, 80, 443 below the range, 61000 above it,
		 * 40005 and 50000 reserved; 45000 (IPv4 and IPv6) and 55555
		 * (IPv6 only) count once each. */
		{ "ports.listening_in_range", W_NUM, 2 },
		{ "ports.listening_in_range_list", W_STR, 0, "45000,55555" },
		{ "sockstat.tw", W_NUM, 7 },
		{ "sockstat.orphan", W_NUM, 1 },
		{ "sockstat.inuse", W_NUM, 12 },
		{ "sockstat.alloc", W_NUM, 14 },
		{ "sockstat.mem", W_NUM, 30 },
		{ "conntrack.count", W_NUM, 1234 },
		{ "conntrack.max", W_NUM, 262144 },
		{ "files.open", W_NUM, 2048 },
		{ "files.max", W_NUM, 9223372036854775807.0 },
		{ "env.nat", W_BOOL, 1 },
		{ "env.nat_reasons", W_STR, 0,
		  "ip_forward=1; ipv6 forwarding=0; iptables nat table loaded "
		  "(proc/net/ip_tables_names); container bridge interface "
		  "docker0 present; conntrack loaded with 1234 entries" },
		{ "env.forwarding", W_BOOL, 1 },
		{ "env.container", W_STR, 0, "none" },
		{ "env.netns", W_NULL, 0, "not read under --root" },
	};
	static const struct want_fn fns[] = {
		{ F_SYSCTL, "net.ipv4.tcp_tw_reuse", 0, { .kind = W_NUM, .num = 2 } },
		{ F_SYSCTL, "net/ipv4/tcp_tw_reuse", 0, { .kind = W_NUM, .num = 2 } },
		{ F_SYSCTL, "net.ipv4.tcp_max_tw_buckets", 0, { .kind = W_NUM, .num = 262144 } },
		{ F_SYSCTL, "net.ipv4.ip_local_port_range", 0, { .kind = W_STR, .str = "32768\t60999" } },
		{ F_SYSCTL, "net.ipv4.ip_local_reserved_ports", 0,
		  { .kind = W_STR, .str = "22,40000-40009,50000" } },
		{ F_SYSCTL, "net.ipv4.tcp_tw_recycle", 0, { .kind = W_NULL,
		  .str = "'net.ipv4.tcp_tw_recycle' does not exist on kernel 6.1.0 (removed in 4.12)" } },
		{ F_SYSCTL, "net.ipv4.tcp_keepalive_time", 0, { .kind = W_NULL,
		  .str = "'net.ipv4.tcp_keepalive_time' is not in " } },
		{ F_SYSCTL, "net.netfilter.nf_conntrack_tcp_timeout_time_wait", 0,
		  { .kind = W_NULL, .str = "/facts-docker/proc/sys" } },
		{ F_SYSCTL, "net.ipv4.tcp_tw_resuse", -ENOENT },
		{ F_SYSCTL, "kernel.hostname", -ENOENT },
		{ F_BOOT, "net.ipv4.tcp_tw_reuse", 0, { .kind = W_NUM, .num = 1 } },
		{ F_BOOT_SOURCE, "net.ipv4.tcp_tw_reuse", 0,
		  { .kind = W_STR, .str = "/etc/sysctl.d/95-local.conf:1" } },
		{ F_BOOT, "net.ipv4.ip_local_port_range", 0, { .kind = W_STR, .str = "10240 65535" } },
		{ F_BOOT_SOURCE, "net/ipv4/ip_local_port_range", 0,
		  { .kind = W_STR, .str = "/etc/sysctl.d/90-tw.conf:3" } },
		{ F_BOOT, "net.ipv4.tcp_fin_timeout", 0, { .kind = W_NULL,
		  .str = "no sysctl.d file sets 'net.ipv4.tcp_fin_timeout'" } },
		{ F_BOOT, "net.ipv4.../x", -EINVAL },
		{ F_COUNTER, "TcpExt.TCPTimeWaitOverflow", 0, { .kind = W_NUM, .num = 7 } },
		{ F_COUNTER, "TcpExt.TWRecycled", 0, { .kind = W_NUM, .num = 31 } },
		{ F_COUNTER, "Tcp.ActiveOpens", 0, { .kind = W_NUM, .num = 13 } },
		{ F_COUNTER, "Tcp.MaxConn", 0, { .kind = W_NUM, .num = -1 } },
		{ F_COUNTER, "IpExt.InOctets", 0, { .kind = W_NUM, .num = 20078822 } },
		{ F_COUNTER, "TcpExt.PAWSPassive", 0, { .kind = W_NULL,
		  .str = "counter 'TcpExt.PAWSPassive' does not exist on kernel 6.1.0" } },
		{ F_COUNTER, "TcpExt", -EINVAL },
		{ F_COUNTER, "Tcp.Active Opens", -EINVAL },
		{ F_RATE, "Tcp.ActiveOpens", 0, { .kind = W_NULL, .str = "no --sample given" } },
		{ F_RATE, "TcpExt.PAWSPassive", 0, { .kind = W_NULL, .str = "does not exist" } },
	};
	struct ctx_ c;

	assert_int_equal(collect(&c, "facts-docker", &root_opts), 0);
	assert_int_equal(diag_errors(&c.diag), 0);
	check_facts(c.f, want, N(want));
	check_fns(c.f, fns, N(fns));
	assert_string_equal(facts_sysctl_raw(c.f, "net.ipv4.tcp_tw_reuse"), "2");
	assert_null(facts_sysctl_raw(c.f, "net.ipv4.tcp_tw_recycle"));
	assert_null(facts_sysctl_raw(c.f, "net.ipv4.not_a_key"));
	assert_int_equal(c.f->n_sysctl, kb_count());
	assert_true(isnan(c.f->counters[0].rate));
	done(&c);
}

static void test_legacy_host(void **state)
{
	static const struct want want[] = {
		{ "kernel.version", W_VER, 0, "4.9.0" },
		{ "sockets.time_wait", W_NUM, 2 },
		{ "sockets.close_wait", W_NUM, 1 },
		{ "tw.active", W_NUM, 0 },
		{ "tw.passive", W_NUM, 2 },
		{ "tw.destinations", W_NUM, 0 },
		{ "tw.max_per_destination", W_NUM, 0 },
		{ "tw.top.address", W_NULL, 0, "no active TIME_WAIT sockets" },
		{ "tw.top.count", W_NULL, 0, "no active TIME_WAIT sockets" },
		{ "closewait.max_per_process", W_NULL, 0,
		  "CLOSE_WAIT owners were not looked up" },
		{ "closewait.top.comm", W_NULL, 0, "use --owners" },
		{ "closewait.top.peer", W_NULL, 0, "use --owners" },
		{ "ports.reserved", W_NUM, 0 },
		{ "ports.ephemeral", W_NUM, 28233 },
		{ "ports.listening_in_range", W_NUM, 0 },	/* only :80 */
		{ "ports.listening_in_range_list", W_STR, 0, "" },
		{ "conntrack.count", W_NULL, 0, "nf_conntrack is not loaded" },
		{ "conntrack.max", W_NULL, 0, "nf_conntrack is not loaded" },
		{ "files.open", W_NUM, 960 },
		{ "files.max", W_NUM, 98304 },	/* from file-nr: no file-max */
		{ "sockstat.tw", W_NUM, 2 },
		{ "env.nat", W_BOOL, 0 },
		{ "env.nat_reasons", W_STR, 0,
		  "ip_forward=0; ipv6 forwarding=0; iptables not loaded (no "
		  "proc/net/ip_tables_names); no container bridge interface" },
		{ "env.forwarding", W_BOOL, 0 },
		{ "env.container", W_STR, 0, "none" },
	};
	static const struct want_fn fns[] = {
		{ F_SYSCTL, "net.ipv4.tcp_tw_recycle", 0, { .kind = W_NUM, .num = 1 } },
		{ F_SYSCTL, "net.ipv4.tcp_tw_reuse_delay", 0, { .kind = W_NULL,
		  .str = "'net.ipv4.tcp_tw_reuse_delay' does not exist on kernel 4.9.0 (added in 6.14)" } },
		{ F_BOOT, "net.ipv4.tcp_tw_recycle", 0, { .kind = W_NULL,
		  .str = "no sysctl.d file sets 'net.ipv4.tcp_tw_recycle'" } },
		{ F_COUNTER, "Tcp.ActiveOpens", 0, { .kind = W_NUM, .num = 500 } },
		{ F_COUNTER, "TcpExt.TW", 0, { .kind = W_NULL,
		  .str = "counter 'TcpExt.TW' was not found (/proc/net/netstat is missing)" } },
	};
	struct facts_options opt = root_opts;
	struct ctx_ c;

	opt.owners = false;
	assert_int_equal(collect(&c, "facts-legacy", &opt), 0);
	assert_int_equal(diag_errors(&c.diag), 0);
	check_facts(c.f, want, N(want));
	check_fns(c.f, fns, N(fns));
	done(&c);
}

/* Every malformed file is reported, each naming itself, and nothing is
 * returned. */
static void test_malformed_root(void **state)
{
	const struct diag_entry *e;
	bool netstat = false, sockstat = false, tcp = false;
	struct ctx_ c;

	assert_int_equal(collect(&c, "facts-bad", &root_opts), -EBADMSG);
	assert_null(c.f);
	assert_int_equal(diag_errors(&c.diag), 3);
	for (e = c.diag.head; e; e = e->next) {
		if (e->severity != DIAG_ERROR)
			continue;
		if (strcmp(e->file, "/proc/net/netstat") == 0) {
			netstat = true;
			assert_int_equal(e->line, 2);
			assert_non_null(strstr(e->message, "'TcpExt' has 3 names but 2 values"));
		} else if (strcmp(e->file, "/proc/net/tcp") == 0) {
			tcp = true;
			assert_int_equal(e->line, 3);
		} else if (strcmp(e->file, "/proc/net/sockstat") == 0) {
			sockstat = true;
			assert_int_equal(e->line, 1);
			assert_non_null(strstr(e->message, "out of range"));
		}
	}
	assert_true(netstat && sockstat && tcp);
	done(&c);
}

/* Nothing in the snapshot: every fact resolves, to null with a reason
 * (numbers that are counts of what was seen stay numbers only when
 * something was seen). */
static void test_empty_root(void **state)
{
	static const struct want want[] = {
		{ "kernel.release", W_NULL, 0, "/proc/sys/kernel/osrelease is missing" },
		{ "kernel.version", W_NULL, 0, "kernel release unknown" },
		{ "sockets.time_wait", W_NULL, 0, "/proc/net/tcp is missing" },
		{ "sockets.source", W_NULL, 0, "/proc/net/tcp is missing" },
		{ "tw.top.address", W_NULL, 0, "/proc/net/tcp is missing" },
		{ "closewait.top.pid", W_NULL, 0, "/proc/net/tcp is missing" },
		{ "ports.low", W_NULL, 0, "'net.ipv4.ip_local_port_range' does not exist" },
		/* Both missing: the range is what is asked about. */
		{ "ports.listening_in_range", W_NULL, 0,
		  "'net.ipv4.ip_local_port_range' does not exist" },
		{ "ports.listening_in_range_list", W_NULL, 0,
		  "'net.ipv4.ip_local_port_range' does not exist" },
		{ "sockstat.tw", W_NULL, 0, "/proc/net/sockstat is missing" },
		{ "conntrack.count", W_NULL, 0, "nf_conntrack is not loaded" },
		{ "files.open", W_NULL, 0, "/proc/sys/fs/file-nr" },
		{ "files.max", W_NULL, 0, "/proc/sys/fs/file-max are missing" },
		{ "env.nat", W_NULL, 0, "NAT could not be determined" },
		{ "env.nat_reasons", W_NULL, 0, "no NAT evidence" },
		{ "env.forwarding", W_NULL, 0, "forwarding unknown" },
		{ "env.container", W_NULL, 0, "container unknown" },
	};
	static const struct want_fn fns[] = {
		{ F_SYSCTL, "net.ipv4.tcp_tw_reuse", 0, { .kind = W_NULL,
		  .str = "'net.ipv4.tcp_tw_reuse' is not in " } },
		{ F_COUNTER, "Tcp.ActiveOpens", 0, { .kind = W_NULL,
		  .str = "/proc/net/netstat and /proc/net/snmp are missing" } },
		{ F_RATE, "Tcp.ActiveOpens", 0, { .kind = W_NULL,
		  .str = "/proc/net/netstat and /proc/net/snmp are missing" } },
		{ F_BOOT, "net.ipv4.tcp_tw_reuse", 0, { .kind = W_NULL,
		  .str = "no sysctl.d file sets" } },
	};
	const char *const *names;
	struct value v;
	struct ctx_ c;

	assert_int_equal(collect(&c, "facts-empty", &root_opts), 0);
	assert_int_equal(diag_errors(&c.diag), 0);
	check_facts(c.f, want, N(want));
	check_fns(c.f, fns, N(fns));
	/* Every null carries a reason. */
	for (names = facts_names(); *names; names++) {
		assert_int_equal(facts_get(c.f, *names, &v), 0);
		if (v.type == VALUE_NULL && !v.null_reason)
			fail_msg("'%s' is null without a reason", *names);
	}
	done(&c);
}

static void test_no_sockets_no_boot(void **state)
{
	static const struct want want[] = {
		{ "sockets.total", W_NULL, 0, "sockets were not counted (--no-sockets)" },
		{ "tw.max_per_destination", W_NULL, 0, "--no-sockets" },
		{ "closewait.max_per_process", W_NULL, 0, "--no-sockets" },
		{ "ports.ephemeral", W_NUM, 28221 },
		{ "ports.listening_in_range", W_NULL, 0,
		  "sockets were not counted (--no-sockets)" },
		{ "ports.listening_in_range_list", W_NULL, 0, "--no-sockets" },
	};
	static const struct want_fn fns[] = {
		{ F_BOOT, "net.ipv4.tcp_tw_reuse", 0, { .kind = W_NULL,
		  .str = "the sysctl.d files were not read" } },
		{ F_BOOT_SOURCE, "net.ipv4.tcp_tw_reuse", 0, { .kind = W_NULL,
		  .str = "the sysctl.d files were not read" } },
	};
	struct facts_options opt = { .force_proc = true };
	struct ctx_ c;

	assert_int_equal(collect(&c, "facts-docker", &opt), 0);
	check_facts(c.f, want, N(want));
	check_fns(c.f, fns, N(fns));
	assert_null(c.f->boot);
	done(&c);
}

/* --sample: counters are read twice; a snapshot does not move, so every
 * rate is 0, over about the time asked for. */
static void test_sample(void **state)
{
	static const struct want_fn fns[] = {
		{ F_RATE, "Tcp.ActiveOpens", 0, { .kind = W_NUM, .num = 0 } },
		{ F_RATE, "TcpExt.TW", 0, { .kind = W_NUM, .num = 0 } },
		{ F_RATE, "Tcp.MaxConn", 0, { .kind = W_NULL, .str = "is a limit, not a counter" } },
		{ F_COUNTER, "TcpExt.TW", 0, { .kind = W_NUM, .num = 12 } },
	};
	struct facts_options opt = { .force_proc = true, .sample_seconds = 1 };
	struct ctx_ c;

	assert_int_equal(collect(&c, "facts-docker", &opt), 0);
	assert_true(c.f->sample_seconds >= 0.99 && c.f->sample_seconds < 3);
	check_fns(c.f, fns, N(fns));
	done(&c);

	opt.sample_seconds = FACTS_SAMPLE_MAX + 1;
	assert_int_equal(collect(&c, "facts-docker", &opt), -EINVAL);
	assert_null(c.f);
	done(&c);
}

/* ports.listening_in_range_list names the first 10 ports, ascending,
 * whatever order the table has them in; the count has them all. The
 * legacy host's range is 32768-61000 (both ends inside) and it reserves
 * nothing. */
static void test_listening_list_bounded(void **state)
{
	static const struct want want[] = {
		{ "sockets.listen", W_NUM, 15 },
		{ "ports.listening_in_range", W_NUM, 12 },
		{ "ports.listening_in_range_list", W_STR, 0,
		  "32768,40000,40001,40002,40003,40004,40005,40006,40007,40008" },
	};
	char rows[16 * 200] = "";
	static const unsigned ports[] = {
		61001, 61000, 40009, 40008, 40007, 40006, 40005, 40004, 40003,
		40002, 40001, 40000, 32768, 32767,
	};
	size_t i, len = 0;
	struct facts_options opt = root_opts;
	struct ctx_ c;

	opt.owners = false;
	for (i = 0; i < N(ports); i++)
		len += (size_t)snprintf(rows + len, sizeof(rows) - len,
			"  %2zu: 00000000:%04X 00000000:0000 0A 00000000:00000000 "
			"00:00000000 00000000     0        0 %zu 1 "
			"0000000000000000 100 0 0 10 0\n", i + 4, ports[i],
			i + 5000);
	assert_true(len < sizeof(rows) - 1);
	assert_int_equal(collect_edit(&c, "facts-legacy", &opt, "proc/net/tcp",
				      rows), 0);
	assert_int_equal(diag_errors(&c.diag), 0);
	check_facts(c.f, want, N(want));
	done(&c);
}

static void test_names(void **state)
{
	static const char *const spec[] = {
		"kernel.release", "kernel.version", "sockets.established",
		"sockets.syn_sent", "sockets.syn_recv", "sockets.fin_wait1",
		"sockets.fin_wait2", "sockets.time_wait", "sockets.close",
		"sockets.close_wait", "sockets.last_ack", "sockets.listen",
		"sockets.closing", "sockets.total", "sockets.source", "tw.active",
		"tw.passive", "tw.destinations", "tw.max_per_destination",
		"tw.top.address", "tw.top.port", "tw.top.count",
		"closewait.max_per_process", "closewait.top.pid",
		"closewait.top.comm", "closewait.top.port", "closewait.top.side",
		"closewait.top.peer", "closewait.top.where", "ports.low",
		"ports.high", "ports.reserved", "ports.ephemeral",
		"ports.listening_in_range", "ports.listening_in_range_list",
		"sockstat.tw",
		"sockstat.orphan", "sockstat.inuse", "sockstat.alloc",
		"sockstat.mem", "conntrack.count", "conntrack.max", "files.open",
		"files.max", "env.nat", "env.nat_reasons", "env.forwarding",
		"env.container", "env.netns",
	};
	const char *const *names = facts_names();
	const char *meaning;
	enum value_type t;
	struct value v;
	size_t n = 0, i, j;

	for (; names[n]; n++) {
		assert_true(facts_name_valid(names[n]));
		assert_int_equal(facts_describe(names[n], &t, &meaning), 0);
		assert_true(t != VALUE_NULL && meaning && *meaning);
		for (j = 0; j < n; j++)
			assert_string_not_equal(names[j], names[n]);
	}
	assert_int_equal(n, N(spec));
	for (i = 0; i < N(spec); i++)
		if (!facts_name_valid(spec[i]))
			fail_msg("'%s' from PRODUCT.md is not a fact", spec[i]);
	assert_false(facts_name_valid("sockets"));
	assert_false(facts_name_valid("tw.top"));
	assert_false(facts_name_valid("sockets.time-wait"));
	assert_false(facts_name_valid(""));
	assert_false(facts_name_valid(NULL));
	assert_int_equal(facts_get(NULL, "nonsense.fact", &v), -ENOENT);
	assert_int_equal(facts_describe("nonsense.fact", &t, &meaning), -ENOENT);
	assert_true(facts_counter_name_valid("TcpExt.TWRecycled"));
	assert_true(facts_counter_name_valid("MPTcpExt.MPCapableSYNRX"));
	assert_false(facts_counter_name_valid("TWRecycled"));
	assert_false(facts_counter_name_valid(".TW"));
	assert_false(facts_counter_name_valid("TcpExt."));
	assert_false(facts_counter_name_valid("TcpExt.T W"));
}

/* Each fact has the type its table entry documents, on a full root. */
static void test_types(void **state)
{
	const char *const *names;
	enum value_type t;
	struct value v;
	struct ctx_ c;

	assert_int_equal(collect(&c, "facts-docker", &root_opts), 0);
	for (names = facts_names(); *names; names++) {
		assert_int_equal(facts_get(c.f, *names, &v), 0);
		assert_int_equal(facts_describe(*names, &t, NULL), 0);
		if (v.type != t && v.type != VALUE_NULL)
			fail_msg("'%s' is %s, documented %s", *names,
				 value_type_name(v.type), value_type_name(t));
	}
	done(&c);
}

/* The live host: whatever runs here, the release is uname's, every fact
 * resolves and the network namespace is named. */
static void test_live_host(void **state)
{
	struct facts_options opt = { .sockets = true, .boot = true };
	const char *const *names;
	struct utsname u;
	struct value v;
	struct arena a;
	struct diag d;
	struct facts *f = NULL;
	int root_fd;

	assert_int_equal(uname(&u), 0);
	arena_init(&a);
	diag_init(&d, &a);
	assert_int_equal(root_dir_open("/", &root_fd), 0);
	assert_int_equal(facts_collect(root_fd, "/", &opt, &d, &f), 0);
	close(root_fd);
	assert_int_equal(facts_get(f, "kernel.release", &v), 0);
	assert_int_equal(v.type, VALUE_STRING);
	assert_string_equal(v.string, u.release);
	for (names = facts_names(); *names; names++)
		assert_int_equal(facts_get(f, *names, &v), 0);
	assert_int_equal(facts_get(f, "env.netns", &v), 0);
	assert_int_equal(v.type, VALUE_STRING);
	assert_non_null(strstr(v.string, "net:["));
	assert_int_equal(facts_get(f, "sockets.total", &v), 0);
	assert_int_equal(v.type, VALUE_NUMBER);
	/* The spec's own example, on any kernel since 4.12. */
	if (kversion_cmp(f->kernel_version, KVERSION(4, 12, 0)) >= 0) {
		char want[128], kv[32];

		kversion_format(f->kernel_version, false, kv, sizeof(kv));
		snprintf(want, sizeof(want),
			 "'net.ipv4.tcp_tw_recycle' does not exist on kernel %s", kv);
		assert_int_equal(facts_sysctl(f, "net.ipv4.tcp_tw_recycle", &v), 0);
		assert_int_equal(v.type, VALUE_NULL);
		assert_non_null(strstr(v.null_reason, want));
	}
	facts_free(f);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_host),
		cmocka_unit_test(test_legacy_host),
		cmocka_unit_test(test_malformed_root),
		cmocka_unit_test(test_empty_root),
		cmocka_unit_test(test_no_sockets_no_boot),
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_listening_list_bounded),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_live_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
