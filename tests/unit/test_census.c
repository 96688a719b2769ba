/* Unit tests for the census: /proc/net/tcp{,6} parsing from byte fixtures
 * in a temporary root, aggregation and sort order, CLOSE_WAIT owners from
 * a fake proc/PID/fd tree, state names, address formatting, port ranges. */
#include "config.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "census.h"
#include "rootfs.h"

#define TCP_HEADER "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
#define TCP6_HEADER "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"

/* ---- fixture helpers ---- */

struct tmproot {
	char dir[64];
	int fd;
};

static void mkdirs(const char *path)
{
	char buf[512], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

static void root_setup(struct tmproot *r)
{
	char path[128];

	snprintf(r->dir, sizeof(r->dir), "/tmp/twtune-census.XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	snprintf(path, sizeof(path), "%s/proc/net", r->dir);
	mkdirs(path);
	assert_int_equal(root_dir_open(r->dir, &r->fd), 0);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static void root_teardown(struct tmproot *r)
{
	close(r->fd);
	assert_int_equal(nftw(r->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static void put_file(struct tmproot *r, const char *rel, const char *data, size_t len)
{
	char path[512], dir[512], *slash;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", r->dir, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdirs(dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fd_write_all(fd, data, len), 0);
	close(fd);
}

static void put_str(struct tmproot *r, const char *rel, const char *data)
{
	put_file(r, rel, data, strlen(data));
}

/* A growing text buffer for generated files. */
struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (t->s && (size_t)n < t->cap - t->len)
			break;
		t->cap = (t->cap + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	t->len += (size_t)n;
}

static uint32_t v4(const char *ip)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, ip, &a), 1);
	return a.s_addr;	/* printed as the kernel does: the raw word */
}

/* One row exactly as tcp4_seq_show prints it (padded to 149). */
static void row4(struct text *t, int sl, const char *src, unsigned sport,
		 const char *dst, unsigned dport, unsigned st, unsigned long inode)
{
	char line[200];

	snprintf(line, sizeof(line),
		 "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu 1 0000000000000000 100 0 0 10 0",
		 sl, v4(src), sport, v4(dst), dport, st, 0u, 0u, 0u, 0ul, 0u, 0u, 0, inode);
	text_add(t, "%-149s\n", line);
}

static void row6(struct text *t, int sl, const char *src, unsigned sport,
		 const char *dst, unsigned dport, unsigned st, unsigned long inode)
{
	uint32_t s[4], d[4];

	assert_int_equal(inet_pton(AF_INET6, src, s), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, d), 1);
	text_add(t, "%4d: %08X%08X%08X%08X:%04X %08X%08X%08X%08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu 1 0000000000000000 100 0 0 10 0\n",
		 sl, s[0], s[1], s[2], s[3], sport, d[0], d[1], d[2], d[3], dport,
		 st, 0u, 0u, 3u, 0x1770ul, 0u, 0u, 0, inode);
}

static int collect(struct tmproot *r, bool owners, uint32_t mask, struct census *c)
{
	struct census_options o = { .force_proc = true, .owners = owners,
				    .owners_threshold = UINT64_MAX, .states_mask = mask };

	return census_collect(r->fd, &o, c);
}

/* ---- parsing: good rows ---- */

static void test_proc_every_state(void **state)
{
	struct text t4 = { 0 }, t6 = { 0 };
	struct tmproot r;
	struct census c;
	unsigned st;
	char buf[64];

	root_setup(&r);
	text_add(&t4, TCP_HEADER);
	text_add(&t6, TCP6_HEADER);
	/* Every state 01..0B once in each file (0C is printed as 03). */
	for (st = 1; st <= 11; st++) {
		row4(&t4, (int)st, "10.0.0.1", 40000 + st, "10.0.0.9", 80, st, 1000 + st);
		row6(&t6, (int)st, "2001:db8::1", 40000 + st, "2001:db8::9", 443, st, 2000 + st);
	}
	/* IPv4-mapped IPv6 TIME_WAIT, inode 0 like every TIME_WAIT row. */
	row6(&t6, 20, "::ffff:10.0.0.1", 50001, "::ffff:10.0.0.9", 80, 6, 0);
	row6(&t6, 21, "::ffff:10.0.0.1", 50002, "::ffff:10.0.0.9", 80, 6, 0);
	put_file(&r, "proc/net/tcp", t4.s, t4.len);
	put_file(&r, "proc/net/tcp6", t6.s, t6.len);

	assert_int_equal(collect(&r, false, 0, &c), 0);
	assert_int_equal(c.source, CENSUS_SOURCE_PROC);
	assert_non_null(c.fallback_reason);
	for (st = 1; st <= 11; st++)
		assert_int_equal(c.states[st], st == 6 ? 4 : 2);
	assert_int_equal(c.total, 24);
	assert_int_equal(c.tw_active, 4);
	assert_int_equal(c.tw_passive, 0);
	/* 10.0.0.9:80 = 1 (tcp) + 2 (mapped in tcp6): counted as IPv4 */
	assert_int_equal(c.n_tw_by_dest, 2);
	assert_int_equal(c.tw_by_dest[0].count, 3);
	assert_int_equal(c.tw_by_dest[0].addr.family, AF_INET);
	census_addr_format(&c.tw_by_dest[0].addr, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.9");
	assert_int_equal(c.tw_by_dest[0].port, 80);
	census_addr_format(&c.tw_by_dest[1].addr, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::9");
	assert_int_equal(c.tw_by_pair[0].count, 3);
	census_addr_format(&c.tw_by_pair[0].local, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1");
	assert_int_equal(c.n_listen_ports, 1);
	assert_int_equal(c.listen_ports[0], 40010);
	assert_false(c.owners_resolved);
	census_release(&c);
	free(t4.s);
	free(t6.s);
	root_teardown(&r);
}

/* A listener printed after the TIME_WAIT rows on its port still makes
 * them passive (two passes), and --state filters. */
static void test_proc_listen_after(void **state)
{
	struct text t4 = { 0 }, t6 = { 0 };
	struct tmproot r;
	struct census c;

	root_setup(&r);
	text_add(&t4, TCP_HEADER);
	row4(&t4, 0, "10.0.0.1", 8080, "10.0.0.7", 51000, 6, 0);
	row4(&t4, 1, "10.0.0.1", 8080, "10.0.0.8", 51000, 6, 0);
	row4(&t4, 2, "10.0.0.1", 33000, "10.0.0.7", 3306, 6, 0);
	row4(&t4, 3, "10.0.0.1", 33001, "10.0.0.7", 3306, 5, 0);	/* FIN_WAIT2 substate */
	text_add(&t6, TCP6_HEADER);
	row6(&t6, 0, "::", 8080, "::", 0, 10, 77);
	put_file(&r, "proc/net/tcp", t4.s, t4.len);
	put_file(&r, "proc/net/tcp6", t6.s, t6.len);

	assert_int_equal(collect(&r, false, 0, &c), 0);
	assert_int_equal(c.states[CENSUS_TIME_WAIT], 3);
	assert_int_equal(c.states[CENSUS_FIN_WAIT2], 1);
	assert_int_equal(c.tw_passive, 2);
	assert_int_equal(c.tw_active, 1);
	assert_int_equal(c.n_tw_by_lport, 2);
	assert_int_equal(c.tw_by_lport[0].port, 8080);
	assert_int_equal(c.tw_by_lport[0].count, 2);
	assert_int_equal(c.tw_by_lport[1].port, 33000);
	census_release(&c);

	assert_int_equal(collect(&r, false, CENSUS_STATE_BIT(CENSUS_FIN_WAIT2), &c), 0);
	assert_int_equal(c.total, 1);
	assert_int_equal(c.states[CENSUS_TIME_WAIT], 0);
	assert_int_equal(c.states[CENSUS_LISTEN], 0);
	census_release(&c);

	/* TIME_WAIT alone still learns the listener (not counted). */
	assert_int_equal(collect(&r, false, CENSUS_STATE_BIT(CENSUS_TIME_WAIT), &c), 0);
	assert_int_equal(c.total, 3);
	assert_int_equal(c.tw_passive, 2);
	assert_int_equal(c.states[CENSUS_LISTEN], 0);
	census_release(&c);
	free(t4.s);
	free(t6.s);
	root_teardown(&r);
}

/* Ties in count are ordered by address, then port, whatever the order
 * the rows came in. */
static void test_sort_ties(void **state)
{
	static const struct {
		const char *dst;
		unsigned port, n;
	} rows[] = {
		{ "10.0.0.3", 80, 2 }, { "10.0.0.1", 443, 2 }, { "10.0.0.1", 80, 2 },
		{ "10.0.0.2", 80, 5 }, { "10.0.0.0", 9, 1 },
	};
	static const char *const want[] = {
		"10.0.0.2:80:5", "10.0.0.1:80:2", "10.0.0.1:443:2", "10.0.0.3:80:2",
		"10.0.0.0:9:1",
	};
	struct text t4 = { 0 };
	struct tmproot r;
	struct census c;
	char got[64], addr[32];
	unsigned sport = 40000, i, k;

	root_setup(&r);
	text_add(&t4, TCP_HEADER);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (k = 0; k < rows[i].n; k++)
			row4(&t4, 0, "10.1.1.1", sport++, rows[i].dst, rows[i].port, 6, 0);
	put_file(&r, "proc/net/tcp", t4.s, t4.len);
	assert_int_equal(collect(&r, false, 0, &c), 0);
	assert_int_equal(c.n_tw_by_dest, 5);
	for (i = 0; i < 5; i++) {
		census_addr_format(&c.tw_by_dest[i].addr, addr, sizeof(addr));
		snprintf(got, sizeof(got), "%s:%u:%llu", addr, c.tw_by_dest[i].port,
			 (unsigned long long)c.tw_by_dest[i].count);
		assert_string_equal(got, want[i]);
	}
	/* local ports: all count 1, ascending */
	for (i = 1; i < c.n_tw_by_lport; i++)
		assert_true(c.tw_by_lport[i - 1].port < c.tw_by_lport[i].port);
	census_release(&c);
	free(t4.s);
	root_teardown(&r);
}

/* lport_top keeps exactly the first N of the full order (ties by port). */
static void test_lport_top(void **state)
{
	static const struct {
		unsigned port, n;
	} rows[] = {
		{ 50000, 3 }, { 40000, 1 }, { 45000, 3 }, { 41000, 5 }, { 60000, 1 },
		{ 39000, 2 }, { 47000, 3 }, { 38000, 1 },
	};
	static const size_t tops[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 100 };
	struct census_options o = { .force_proc = true };
	struct census full, c;
	struct text t4 = { 0 };
	struct tmproot r;
	unsigned dport = 1;
	size_t i, k;

	root_setup(&r);
	text_add(&t4, TCP_HEADER);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (k = 0; k < rows[i].n; k++)
			row4(&t4, 0, "10.1.1.1", rows[i].port, "10.0.0.1", dport++, 6, 0);
	put_file(&r, "proc/net/tcp", t4.s, t4.len);
	assert_int_equal(census_collect(r.fd, &o, &full), 0);
	assert_int_equal(full.n_tw_by_lport, 8);
	assert_int_equal(full.n_tw_lports, 8);
	assert_int_equal(full.tw_by_lport[0].port, 41000);
	assert_int_equal(full.tw_by_lport[1].port, 45000);
	assert_int_equal(full.tw_by_lport[2].port, 47000);
	assert_int_equal(full.tw_by_lport[3].port, 50000);
	assert_int_equal(full.tw_by_lport[7].port, 60000);
	for (i = 0; i < sizeof(tops) / sizeof(tops[0]); i++) {
		o.lport_top = tops[i];
		assert_int_equal(census_collect(r.fd, &o, &c), 0);
		assert_int_equal(c.n_tw_lports, 8);
		assert_int_equal(c.n_tw_by_lport, tops[i] && tops[i] < 8 ? tops[i] : 8);
		for (k = 0; k < c.n_tw_by_lport; k++) {
			assert_int_equal(c.tw_by_lport[k].port, full.tw_by_lport[k].port);
			assert_int_equal(c.tw_by_lport[k].count, full.tw_by_lport[k].count);
		}
		census_release(&c);
	}
	census_release(&full);
	free(t4.s);
	root_teardown(&r);
}

/* Thousands of rows: lines cross the 64 KiB read buffer everywhere. */
static void test_proc_stream(void **state)
{
	struct text t4 = { 0 };
	struct tmproot r;
	struct census c;
	char dst[32];
	int i;

	root_setup(&r);
	text_add(&t4, TCP_HEADER);
	for (i = 0; i < 5000; i++) {
		snprintf(dst, sizeof(dst), "127.0.0.%d", 2 + i % 7);
		row4(&t4, i, "127.0.0.1", 32768 + (unsigned)i, dst, 9000, i % 10 ? 6 : 1, 0);
	}
	assert_true(t4.len > 4 * 65536);
	put_file(&r, "proc/net/tcp", t4.s, t4.len);
	assert_int_equal(collect(&r, false, 0, &c), 0);
	assert_int_equal(c.states[CENSUS_TIME_WAIT], 4500);
	assert_int_equal(c.states[CENSUS_ESTABLISHED], 500);
	assert_int_equal(c.n_tw_by_dest, 7);
	assert_int_equal(c.n_tw_by_lport, 4500);
	census_release(&c);
	free(t4.s);
	root_teardown(&r);
}

static void test_proc_missing(void **state)
{
	struct tmproot r;
	struct census c;

	root_setup(&r);
	assert_int_equal(collect(&r, false, 0, &c), 0);
	assert_int_equal(c.source, CENSUS_SOURCE_PROC);
	assert_int_equal(c.total, 0);
	assert_int_equal(c.n_tw_by_dest, 0);
	census_release(&c);
	/* header only, and an empty file */
	put_str(&r, "proc/net/tcp", TCP_HEADER);
	put_str(&r, "proc/net/tcp6", "");
	assert_int_equal(collect(&r, false, 0, &c), 0);
	assert_int_equal(c.total, 0);
	census_release(&c);
	root_teardown(&r);
}

/* ---- parsing: malformed rows ---- */

#define GOOD4 "   0: 0100007F:1F90 0200007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 123 1 0000000000000000 20 4 30 10 -1\n"

static const struct bad_case {
	const char *name;
	const char *file;	/* "tcp" or "tcp6" */
	const char *body;	/* after the header */
	unsigned line;
	const char *msg;	/* substring of the error */
} bad_cases[] = {
	{ "truncated", "tcp", GOOD4 "   1: 0100007F:1F90 0200007F:D431 01\n", 3,
	  "truncated line (4 of 10 fields, no queues)" },
	{ "truncated no newline", "tcp", GOOD4 GOOD4 "   2: 0100007F:1F90", 4,
	  "truncated line" },
	{ "garbage", "tcp", "hello world this is not a socket table at all ok\n", 2,
	  "invalid slot 'hello'" },
	{ "bad hex address", "tcp", "   0: 0100G07F:1F90 0200007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 1\n", 2,
	  "invalid local address '0100G07F:1F90'" },
	{ "overlong address", "tcp", "   0: 0100007F0:1F90 0200007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 1\n", 2,
	  "invalid local address" },
	{ "overlong port", "tcp", "   0: 0100007F:1F900 0200007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 1\n", 2,
	  "invalid local address" },
	{ "v4 address in tcp6", "tcp6", "   0: 0100007F:1F90 0200007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 1\n", 2,
	  "invalid local address" },
	{ "bad remote", "tcp", "   0: 0100007F:1F90 0200007F-D431 01 00000000:00000000 00:00000000 00000000     0        0 1\n", 2,
	  "invalid remote address" },
	{ "state ZZ", "tcp", "   0: 0100007F:1F90 0200007F:D431 ZZ 00000000:00000000 00:00000000 00000000     0        0 1\n", 2,
	  "invalid state 'ZZ' (expected 01 to 0C)" },
	{ "state 00", "tcp", "   0: 0100007F:1F90 0200007F:D431 00 00000000:00000000 00:00000000 00000000     0        0 1\n", 2,
	  "invalid state '00'" },
	{ "state 0D", "tcp", "   0: 0100007F:1F90 0200007F:D431 0D 00000000:00000000 00:00000000 00000000     0        0 1\n", 2,
	  "invalid state '0D'" },
	{ "state 3 digits", "tcp", "   0: 0100007F:1F90 0200007F:D431 006 00000000:00000000 00:00000000 00000000     0        0 1\n", 2,
	  "invalid state '006'" },
	{ "overlong inode", "tcp", "   0: 0100007F:1F90 0200007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 123456789012345678901\n", 2,
	  "invalid inode '123456789012345678901'" },
	{ "inode overflow", "tcp", "   0: 0100007F:1F90 0200007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 99999999999999999999\n", 2,
	  "invalid inode" },
	{ "bad uid", "tcp", "   0: 0100007F:1F90 0200007F:D431 01 00000000:00000000 00:00000000 00000000     x        0 1\n", 2,
	  "invalid uid 'x'" },
	{ "overlong queue", "tcp", "   0: 0100007F:1F90 0200007F:D431 01 000000000:00000000 00:00000000 00000000     0        0 1\n", 2,
	  "invalid queues" },
	{ "bad timer", "tcp", "   0: 0100007F:1F90 0200007F:D431 01 00000000:00000000 00-00000000 00000000     0        0 1\n", 2,
	  "invalid timer" },
	{ "error in tcp6 after good tcp", "tcp6", GOOD4, 2, "invalid local address '0100007F:1F90'" },
};

static void test_proc_bad(void **state)
{
	char big[2048], path[32];
	struct tmproot r;
	struct census c;
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct text t = { 0 };

		root_setup(&r);
		text_add(&t, "%s%s", strcmp(b->file, "tcp") ? TCP6_HEADER : TCP_HEADER, b->body);
		if (strcmp(b->file, "tcp6") == 0)
			put_str(&r, "proc/net/tcp", TCP_HEADER GOOD4);
		snprintf(path, sizeof(path), "proc/net/%s", b->file);
		put_file(&r, path, t.s, t.len);
		print_message("case: %s\n", b->name);
		assert_int_equal(collect(&r, false, 0, &c), -EBADMSG);
		snprintf(path, sizeof(path), "/proc/net/%s", b->file);
		assert_string_equal(c.error_file, path);
		assert_int_equal(c.error_line, b->line);
		if (!strstr(c.error, b->msg))
			fail_msg("case '%s': error '%s' lacks '%s'", b->name, c.error, b->msg);
		assert_int_equal(c.total, 0);
		assert_null(c.tw_by_dest);
		census_release(&c);
		free(t.s);
		root_teardown(&r);
	}

	/* A line longer than any the kernel prints. */
	root_setup(&r);
	memset(big, 'A', sizeof(big));
	memcpy(big, TCP_HEADER, strlen(TCP_HEADER));
	big[sizeof(big) - 1] = '\n';
	put_file(&r, "proc/net/tcp", big, sizeof(big));
	assert_int_equal(collect(&r, false, 0, &c), -EBADMSG);
	assert_int_equal(c.error_line, 2);
	assert_non_null(strstr(c.error, "line too long"));
	census_release(&c);
	root_teardown(&r);
}

/* ---- owners ---- */

static void put_link(struct tmproot *r, const char *rel, const char *target)
{
	char path[512], dir[512], *slash;

	snprintf(path, sizeof(path), "%s/%s", r->dir, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdirs(dir);
	assert_int_equal(symlink(target, path), 0);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One expected owner group of test_owners. */
struct want_owner {
	pid_t pid;
	const char *comm;
	bool client;
	unsigned port;
	const char *peer;	/* census_owner_peer(); NULL: none */
	bool peer_many;
	uint64_t count;
	const char *where;
};

static void check_owners(const struct census *c, const struct want_owner *want,
			 size_t n)
{
	char buf[80];
	size_t i;

	assert_true(c->owners_resolved);
	assert_int_equal(c->n_cw_by_owner, n);
	assert_int_equal(c->cw_unresolved, 1);
	for (i = 0; i < n; i++) {
		const struct census_owner *w = &c->cw_by_owner[i];

		print_message("case: owner %zu\n", i);
		assert_int_equal(w->pid, want[i].pid);
		assert_string_equal(w->comm, want[i].comm);
		assert_int_equal(w->client, want[i].client);
		assert_int_equal(w->port, want[i].port);
		assert_int_equal(w->peer_many, want[i].peer_many);
		assert_int_equal(w->count, want[i].count);
		assert_int_equal(census_owner_peer(w, buf, sizeof(buf)),
				 want[i].peer != NULL);
		assert_string_equal(buf, want[i].peer ? want[i].peer : "");
		census_owner_where(w, buf, sizeof(buf));
		assert_string_equal(buf, want[i].where);
	}
}

/* Server side: CLOSE_WAIT on a listening port, grouped by that port.
 * Client side: local port not listening, grouped by the remote port,
 * with the remote address kept while all sockets share it. */
static void test_owners(void **state)
{
	static const struct want_owner want[] = {
		/* count desc, then pid, side (server first), port */
		{ 42, "java", true, 5432, "10.0.0.9:5432", false, 4, "to 10.0.0.9:5432" },
		{ 9, "python3", true, 443, NULL, true, 2, "to (several):443" },
		{ 42, "java", false, 8080, NULL, false, 2, "listen 8080" },
		{ 0, "?", false, 8080, NULL, false, 1, "listen 8080" },
		{ 7, "nginx", false, 9090, NULL, false, 1, "listen 9090" },
		{ 9, "python3", true, 8080, "[2001:db8::7]:8080", false, 1,
		  "to [2001:db8::7]:8080" },
	};
	struct text t4 = { 0 }, t6 = { 0 };
	struct tmproot r;
	struct census c;
	struct census_options o = { .force_proc = true, .owners_threshold = 3 };

	root_setup(&r);
	text_add(&t4, TCP_HEADER);
	row4(&t4, 0, "0.0.0.0", 8080, "0.0.0.0", 0, 10, 901);
	row4(&t4, 1, "10.0.0.1", 8080, "10.0.0.5", 40000, 8, 501);
	row4(&t4, 2, "10.0.0.1", 8080, "10.0.0.5", 40001, 8, 502);
	row4(&t4, 3, "10.0.0.1", 9090, "10.0.0.5", 40002, 8, 503);
	row4(&t4, 4, "10.0.0.1", 8080, "10.0.0.6", 40003, 8, 504);	/* owner gone */
	row4(&t4, 5, "10.0.0.1", 8080, "10.0.0.6", 40004, 1, 505);	/* not CLOSE_WAIT */
	/* java's client leak: every local port differs, one peer */
	row4(&t4, 6, "10.0.0.1", 41000, "10.0.0.9", 5432, 8, 601);
	row4(&t4, 7, "10.0.0.1", 41001, "10.0.0.9", 5432, 8, 602);
	row4(&t4, 8, "10.0.0.1", 41002, "10.0.0.9", 5432, 8, 603);
	/* python3 to two hosts on port 443: one group, several peers */
	row4(&t4, 9, "10.0.0.1", 42000, "10.0.0.7", 443, 8, 701);
	row4(&t4, 10, "10.0.0.1", 42001, "10.0.0.8", 443, 8, 702);
	put_file(&r, "proc/net/tcp", t4.s, t4.len);
	text_add(&t6, TCP6_HEADER);
	/* 9090 listens on IPv6 only: the IPv4 socket on it is still server side */
	row6(&t6, 0, "::", 9090, "::", 0, 10, 902);
	/* IPv4-mapped: the same peer as java's other three */
	row6(&t6, 1, "::ffff:10.0.0.1", 41003, "::ffff:10.0.0.9", 5432, 8, 604);
	row6(&t6, 2, "2001:db8::1", 43000, "2001:db8::7", 8080, 8, 703);
	put_file(&r, "proc/net/tcp6", t6.s, t6.len);
	put_str(&r, "proc/42/comm", "java\n");
	put_link(&r, "proc/42/fd/3", "socket:[501]");
	put_link(&r, "proc/42/fd/4", "socket:[502]");
	put_link(&r, "proc/42/fd/5", "/dev/null");
	put_link(&r, "proc/42/fd/6", "socket:[505]");
	put_link(&r, "proc/42/fd/7", "socket:[601]");
	put_link(&r, "proc/42/fd/8", "socket:[602]");
	put_link(&r, "proc/42/fd/9", "socket:[603]");
	put_link(&r, "proc/42/fd/10", "socket:[604]");
	put_str(&r, "proc/7/comm", "nginx\n");
	put_link(&r, "proc/7/fd/0", "socket:[503]");
	put_link(&r, "proc/7/fd/1", "socket:[505]");	/* ESTABLISHED: ignored */
	put_link(&r, "proc/7/fd/2", "socket:[50x]");
	put_str(&r, "proc/9/comm", "python3\n");
	put_link(&r, "proc/9/fd/3", "socket:[701]");
	put_link(&r, "proc/9/fd/4", "socket:[702]");
	put_link(&r, "proc/9/fd/5", "socket:[703]");
	put_str(&r, "proc/self/comm", "nope\n");

	/* 11 CLOSE_WAIT >= threshold 3: looked up without --owners. */
	assert_int_equal(census_collect(r.fd, &o, &c), 0);
	assert_true(c.owners_resolved);
	assert_int_equal(c.states[CENSUS_CLOSE_WAIT], 11);
	check_owners(&c, want, N(want));
	census_release(&c);

	/* Only CLOSE_WAIT asked for: the listeners are still read to tell
	 * the sides apart (9090 listens in tcp6, after its socket in tcp). */
	o.states_mask = CENSUS_STATE_BIT(CENSUS_CLOSE_WAIT);
	assert_int_equal(census_collect(r.fd, &o, &c), 0);
	assert_int_equal(c.states[CENSUS_LISTEN], 0);
	assert_int_equal(c.states[CENSUS_CLOSE_WAIT], 11);
	check_owners(&c, want, N(want));
	census_release(&c);
	o.states_mask = 0;

	/* Below the threshold and no --owners: no scan. */
	o.owners_threshold = 12;
	assert_int_equal(census_collect(r.fd, &o, &c), 0);
	assert_false(c.owners_resolved);
	assert_int_equal(c.n_cw_by_owner, 0);
	census_release(&c);
	o.owners = true;
	assert_int_equal(census_collect(r.fd, &o, &c), 0);
	assert_true(c.owners_resolved);
	census_release(&c);
	free(t4.s);
	free(t6.s);
	root_teardown(&r);
}

/* ---- vocabulary ---- */

static void test_state_parse(void **state)
{
	static const struct {
		const char *in;
		int r;
		enum census_state s;
	} cases[] = {
		{ "time-wait", 0, CENSUS_TIME_WAIT },
		{ "TIME_WAIT", 0, CENSUS_TIME_WAIT },
		{ "timewait", 0, CENSUS_TIME_WAIT },
		{ "Close-Wait", 0, CENSUS_CLOSE_WAIT },
		{ "fin-wait-1", 0, CENSUS_FIN_WAIT1 },
		{ "FIN_WAIT2", 0, CENSUS_FIN_WAIT2 },
		{ "established", 0, CENSUS_ESTABLISHED },
		{ "syn-recv", 0, CENSUS_SYN_RECV },
		{ "listen", 0, CENSUS_LISTEN },
		{ "last-ack", 0, CENSUS_LAST_ACK },
		{ "closing", 0, CENSUS_CLOSING },
		{ "close", 0, CENSUS_CLOSE },
		{ "time wait", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "estab", -EINVAL, 0 },
		{ "time-wait-time-wait-time-wait", -EINVAL, 0 },
		{ "timé-wait", -EINVAL, 0 },
	};
	enum census_state s;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = 0;
		assert_int_equal(census_state_parse(cases[i].in, &s), cases[i].r);
		if (cases[i].r == 0)
			assert_int_equal(s, cases[i].s);
	}
	assert_int_equal(census_state_parse(NULL, &s), -EINVAL);
	/* names round-trip */
	for (s = CENSUS_ESTABLISHED; s < _CENSUS_STATE_MAX; s++) {
		enum census_state back;

		assert_int_equal(census_state_parse(census_state_name(s), &back), 0);
		assert_int_equal(back, s);
	}
	assert_string_equal(census_state_name(CENSUS_TIME_WAIT), "TIME_WAIT");
	assert_string_equal(census_state_name(0), "UNKNOWN");
	assert_string_equal(census_state_name(99), "UNKNOWN");
}

static void test_addr_format(void **state)
{
	static const struct {
		int family;
		const char *ip;
	} cases[] = {
		{ AF_INET, "10.0.0.1" }, { AF_INET, "0.0.0.0" },
		{ AF_INET, "255.255.255.255" }, { AF_INET6, "2001:db8::1" },
		{ AF_INET6, "::1" }, { AF_INET6, "::" },
		{ AF_INET6, "fe80::1:2:3:4" },
	};
	struct census_addr a;
	char buf[64], small[5];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&a, 0, sizeof(a));
		a.family = (uint8_t)cases[i].family;
		assert_int_equal(inet_pton(cases[i].family, cases[i].ip, a.bytes), 1);
		census_addr_format(&a, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].ip);
	}
	census_addr_format(&a, small, sizeof(small));
	assert_string_equal(small, "fe80");
}

static void test_ports(void **state)
{
	static const struct {
		const char *range, *reserved;
		int r;
		unsigned low, high, reserved_n, usable;
	} cases[] = {
		{ "32768\t60999", "", 0, 32768, 60999, 0, 28232 },
		{ "32768\t60999", NULL, 0, 32768, 60999, 0, 28232 },
		{ "1024 65535", "8080,9000-9099", 0, 1024, 65535, 101, 64411 },
		{ "40000\t40009", "1-39999,40005-50000", 0, 40000, 40009, 5, 5 },
		{ "40000\t40009", "0-65535", 0, 40000, 40009, 10, 0 },
		{ "5 5", "", 0, 5, 5, 0, 1 },
		{ "60999 32768", "", -EINVAL },
		{ "32768", "", -EINVAL },
		{ "32768 70000", "", -EINVAL },
		{ "a b", "", -EINVAL },
		{ "1 2 3", "", -EINVAL },
		{ "1000 2000", "9-3", -EINVAL },
		{ "1000 2000", "1,,2", -EINVAL },
		{ "1000 2000", "x", -EINVAL },
	};
	struct census_ports p;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("ports: '%s' '%s'\n", cases[i].range,
			      cases[i].reserved ? cases[i].reserved : "(null)");
		assert_int_equal(census_ports_parse(cases[i].range, cases[i].reserved, &p),
				 cases[i].r);
		if (cases[i].r)
			continue;
		assert_int_equal(p.low, cases[i].low);
		assert_int_equal(p.high, cases[i].high);
		assert_int_equal(p.reserved, cases[i].reserved_n);
		assert_int_equal(p.ephemeral, cases[i].usable);
	}
}

static void test_ports_read(void **state)
{
	struct tmproot r;
	struct census_ports p;

	root_setup(&r);
	assert_int_equal(census_ports_read(r.fd, &p), -ENOENT);
	put_str(&r, "proc/sys/net/ipv4/ip_local_port_range", "10000\t10999\n");
	assert_int_equal(census_ports_read(r.fd, &p), 0);
	assert_int_equal(p.ephemeral, 1000);
	put_str(&r, "proc/sys/net/ipv4/ip_local_reserved_ports", "10000-10099\n");
	assert_int_equal(census_ports_read(r.fd, &p), 0);
	assert_int_equal(p.reserved, 100);
	assert_int_equal(p.ephemeral, 900);
	root_teardown(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_every_state),
		cmocka_unit_test(test_proc_listen_after),
		cmocka_unit_test(test_sort_ties),
		cmocka_unit_test(test_lport_top),
		cmocka_unit_test(test_proc_stream),
		cmocka_unit_test(test_proc_missing),
		cmocka_unit_test(test_proc_bad),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_state_parse),
		cmocka_unit_test(test_addr_format),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_ports_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
