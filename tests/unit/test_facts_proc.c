/* Unit tests for the /proc parsers behind facts (src/facts_proc.c): real
 * files from a 6.18 host (tests/fixtures/roots/facts-host618) and every
 * malformed shape, each with the diagnostic it must produce. */
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

#include <cmocka.h>

#include "arena.h"
#include "diag.h"
#include "facts_parse.h"
#include "rootfs.h"

static char *read_fixture(struct arena *a, const char *rel, size_t *len)
{
	int root_fd, r;
	char *buf;

	assert_int_equal(root_dir_open(FACTS_FIXTURES "/roots/facts-host618",
				       &root_fd), 0);
	r = root_read_file(root_fd, rel, 1 << 20, a, &buf, len);
	assert_int_equal(r, 0);
	close(root_fd);
	return buf;
}

static const struct fact_counter *find(const struct facts_counter_set *s,
				       const char *name)
{
	return facts_counter_find(s->items, s->n, name);
}

static void test_counters_real_host(void **state)
{
	static const struct {
		const char *name;
		uint64_t value;
		bool negative;
	} want[] = {
		{ "TcpExt.TW", 12 },
		{ "TcpExt.TWRecycled", 0 },
		{ "TcpExt.TCPTimeWaitOverflow", 0 },
		{ "TcpExt.TCPPureAcks", 17 },
		{ "TcpExt.TCPAODroppedIcmps", 0 },	/* last of its line */
		{ "IpExt.InOctets", 20078822 },
		{ "MPTcpExt.WinProbe", 0 },
		{ "IcmpMsg.InType3", 1 },
		{ "Tcp.ActiveOpens", 13 },
		{ "Tcp.MaxConn", 1, true },		/* printed as -1 */
		{ "Udp.InDatagrams", 26 },
		{ "UdpLite.InDatagrams", 0 },
	};
	struct facts_counter_set set = { 0 };
	struct arena a;
	struct diag d;
	size_t len, i;
	char *buf;

	arena_init(&a);
	diag_init(&d, &a);
	buf = read_fixture(&a, "proc/net/netstat", &len);
	assert_int_equal(facts_parse_counters(buf, len, "/proc/net/netstat",
					      &a, &d, &set), 0);
	assert_int_equal(set.n, 229);
	buf = read_fixture(&a, "proc/net/snmp", &len);
	assert_int_equal(facts_parse_counters(buf, len, "/proc/net/snmp",
					      &a, &d, &set), 0);
	assert_int_equal(set.n, 229 + 83);
	assert_int_equal(diag_errors(&d), 0);
	facts_counters_sort(&set);
	for (i = 1; i < set.n; i++)
		assert_true(strcmp(set.items[i - 1].name, set.items[i].name) < 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct fact_counter *c = find(&set, want[i].name);

		assert_non_null(c);
		assert_int_equal(c->value, want[i].value);
		assert_int_equal(c->negative, want[i].negative);
		assert_true(isnan(c->rate));
	}
	/* Removed in 4.12 with tcp_tw_recycle. */
	assert_null(find(&set, "TcpExt.PAWSPassive"));
	assert_null(find(&set, "TcpExt"));
	arena_release(&a);
}

static void test_sockstat_filenr_real_host(void **state)
{
	struct facts_sockstat s;
	uint64_t open, max;
	struct arena a;
	struct diag d;
	size_t len;
	char *buf;

	arena_init(&a);
	diag_init(&d, &a);
	buf = read_fixture(&a, "proc/net/sockstat", &len);
	assert_int_equal(facts_parse_sockstat(buf, len, "/proc/net/sockstat",
					      &d, &s), 0);
	assert_true(s.inuse.present && s.orphan.present && s.tw.present &&
		    s.alloc.present && s.mem.present);
	assert_int_equal(s.inuse.value, 1);
	assert_int_equal(s.orphan.value, 0);
	assert_int_equal(s.tw.value, 0);
	assert_int_equal(s.alloc.value, 1);
	assert_int_equal(s.mem.value, 268);

	buf = read_fixture(&a, "proc/sys/fs/file-nr", &len);
	buf[len - 1] = '\0';	/* as procsys_read returns it */
	assert_int_equal(facts_parse_file_nr(buf, "/proc/sys/fs/file-nr", &d,
					     &open, &max), 0);
	assert_int_equal(open, 391);
	assert_int_equal(max, 2466181);
	assert_int_equal(diag_errors(&d), 0);
	arena_release(&a);
}

enum parser {
	P_COUNTERS,
	P_SOCKSTAT,
	P_FILE_NR,
	P_U64,
	P_RANGE,
	P_RESERVED,
};

struct good_case {
	enum parser p;
	const char *in;
	uint64_t v1, v2;	/* parser-specific results */
};

static int run(enum parser p, const char *in, size_t len, struct arena *a,
	       struct diag *d, uint64_t *v1, uint64_t *v2)
{
	static const char *const files[] = {
		[P_COUNTERS] = "/proc/net/netstat",
		[P_SOCKSTAT] = "/proc/net/sockstat",
		[P_FILE_NR] = "/proc/sys/fs/file-nr",
		[P_U64] = "/proc/sys/net/netfilter/nf_conntrack_max",
		[P_RANGE] = "/proc/sys/net/ipv4/ip_local_port_range",
		[P_RESERVED] = "/proc/sys/net/ipv4/ip_local_reserved_ports",
	};
	struct facts_counter_set set = { 0 };
	struct facts_sockstat s;
	unsigned lo, hi, n;
	int r;

	*v1 = *v2 = 0;
	switch (p) {
	case P_COUNTERS:
		r = facts_parse_counters(in, len, files[p], a, d, &set);
		*v1 = set.n;
		*v2 = set.n ? set.items[set.n - 1].value : 0;
		return r;
	case P_SOCKSTAT:
		r = facts_parse_sockstat(in, len, files[p], d, &s);
		if (r == 0) {
			*v1 = (uint64_t)s.tw.value;
			*v2 = s.mem.present ? (uint64_t)s.mem.value : 999;
		}
		return r;
	case P_FILE_NR:
		return facts_parse_file_nr(in, files[p], d, v1, v2);
	case P_U64:
		return facts_parse_u64(in, files[p], d, v1);
	case P_RANGE:
		r = facts_parse_port_range(in, files[p], d, &lo, &hi);
		*v1 = lo;
		*v2 = hi;
		return r;
	case P_RESERVED:
		r = facts_parse_reserved_ports(in, files[p], d, 32768, 60999, &n);
		*v1 = n;
		return r;
	}
	return -EINVAL;
}

static void test_good_inputs(void **state)
{
	static const struct good_case cases[] = {
		{ P_COUNTERS, "A: x y\nA: 1 2\n", 2, 2 },
		{ P_COUNTERS, "A: x\nA: 18446744073709551615\n", 1, UINT64_MAX },
		{ P_COUNTERS, "A:\nA:\n", 0, 0 },
		{ P_COUNTERS, "A: x  y\nA: 3\t4\n", 2, 4 },
		{ P_COUNTERS, "Tcp: MaxConn\nTcp: -1\n", 1, 1 },
		{ P_SOCKSTAT, "TCP: inuse 5 orphan 0 tw 7 alloc 9 mem 3\n", 7, 3 },
		{ P_SOCKSTAT, "sockets: used 1\nTCP: tw 7 newfield 2\n", 7, 999 },
		{ P_FILE_NR, "435\t0\t2466181", 435, 2466181 },
		{ P_FILE_NR, "435 35 9223372036854775807", 400, INT64_MAX },
		{ P_U64, "262144", 262144, 0 },
		{ P_U64, "0 ", 0, 0 },
		{ P_RANGE, "32768\t60999", 32768, 60999 },
		{ P_RANGE, "1 65535", 1, 65535 },
		{ P_RESERVED, "", 0, 0 },
		{ P_RESERVED, "22,80-90,40000-40009", 10, 0 },
		{ P_RESERVED, "40000-40009,40005-40019", 20, 0 },
		{ P_RESERVED, "32760-32770,60990-65535", 3 + 10, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arena a;
		struct diag d;
		uint64_t v1, v2;
		int r;

		arena_init(&a);
		diag_init(&d, &a);
		r = run(cases[i].p, cases[i].in, strlen(cases[i].in), &a, &d,
			&v1, &v2);
		if (r != 0 || v1 != cases[i].v1 || v2 != cases[i].v2)
			fail_msg("case %zu '%s': r=%d v1=%llu v2=%llu", i,
				 cases[i].in, r, (unsigned long long)v1,
				 (unsigned long long)v2);
		assert_int_equal(diag_errors(&d), 0);
		arena_release(&a);
	}
}

struct bad_case {
	enum parser p;
	const char *in;
	size_t len;		/* 0: strlen */
	unsigned line;
	const char *message;	/* substring of the diagnostic */
};

static void test_malformed_inputs(void **state)
{
	static const struct bad_case cases[] = {
		{ P_COUNTERS, "", 0, 0, "file is empty" },
		{ P_COUNTERS, "TcpExt: TW TWKilled\nTcpExt: 1 2", 0, 2,
		  "truncated line" },
		{ P_COUNTERS, "TcpExt: TW TWKilled\nTcpExt: 1 2\nIpExt: a\nIpEx", 0, 4,
		  "truncated line" },
		{ P_COUNTERS, "TcpExt: TW TWKilled\nTcpExt: 1\n", 0, 2,
		  "'TcpExt' has 2 names but 1 values" },
		{ P_COUNTERS, "TcpExt: TW\nTcpExt: 1 2\n", 0, 2,
		  "'TcpExt' has 1 names but 2 values" },
		{ P_COUNTERS, "TcpExt: TW TWKilled\n", 0, 1,
		  "value line of 'TcpExt' is missing" },
		{ P_COUNTERS, "TcpExt: TW\nIpExt: InOctets\nIpExt: 1\n", 0, 2,
		  "value line of 'TcpExt' is missing" },
		{ P_COUNTERS, "TcpExt: TW\nTcpExt: 1x\n", 0, 2,
		  "'1x' is not a number (for 'TcpExt.TW')" },
		{ P_COUNTERS, "TcpExt: TW\nTcpExt: 0x10\n", 0, 2, "is not a number" },
		{ P_COUNTERS, "TcpExt: TW\nTcpExt: +1\n", 0, 2, "is not a number" },
		{ P_COUNTERS, "TcpExt: TW\nTcpExt: 18446744073709551616\n", 0, 2,
		  "value '18446744073709551616' of 'TcpExt.TW' is out of range" },
		{ P_COUNTERS, "TcpExt: TW\nTcpExt: 99999999999999999999999999\n", 0, 2,
		  "is out of range" },
		{ P_COUNTERS, "TcpExt: TW\nTcpExt: -1\n", 0, 2,
		  "negative value '-1' for 'TcpExt.TW'" },
		{ P_COUNTERS, "Tcp: MaxConn\nTcp: -\n", 0, 2, "is not a number" },
		{ P_COUNTERS, "Tcp: MaxConn\nTcp: -9223372036854775809\n", 0, 2,
		  "is out of range" },
		{ P_COUNTERS, "garbage\n", 0, 1, "expected a 'Section: names' line" },
		{ P_COUNTERS, "Tcp:Active\nTcp:1\n", 0, 1,
		  "expected a 'Section: names' line" },
		{ P_COUNTERS, "Tc p: A\nTc p: 1\n", 0, 1,
		  "expected a 'Section: names' line" },
		{ P_COUNTERS, "Tcp: A$ B\nTcp: 1 2\n", 0, 1,
		  "invalid counter name 'A$'" },
		{ P_COUNTERS, "Tcp: A\nTcp: 1\n\n", 0, 3, "unexpected empty line" },
		{ P_COUNTERS, "Tcp: A\nTcp: 1\nTcp: B\nTcp: 2\n", 0, 3,
		  "duplicate section 'Tcp'" },
		{ P_COUNTERS, "Tcp: A A\nTcp: 1 2\n", 0, 1,
		  "duplicate counter 'Tcp.A'" },
		{ P_COUNTERS, "Tcp: A\nTcp: 1\0\n", 15, 2, "NUL byte" },
		{ P_SOCKSTAT, "", 0, 0, "file is empty" },
		{ P_SOCKSTAT, "sockets: used 1\n", 0, 0, "no 'TCP:' line" },
		{ P_SOCKSTAT, "TCP: inuse 1 orphan 0 tw 0 alloc 1 mem 268", 0, 1,
		  "truncated line" },
		{ P_SOCKSTAT, "TCP: inuse 1 orphan -1 tw 0\n", 0, 1,
		  "negative value '-1' for 'orphan'" },
		{ P_SOCKSTAT, "TCP: inuse 1 orphan 0 tw\n", 0, 1, "'tw' has no value" },
		{ P_SOCKSTAT, "TCP: inuse 1\nTCP: inuse 2\n", 0, 2,
		  "duplicate 'TCP:' line" },
		{ P_SOCKSTAT, "TCP: tw 9223372036854775808\n", 0, 1,
		  "value '9223372036854775808' of 'tw' is out of range" },
		{ P_FILE_NR, "435\t0", 0, 1, "expected 3 numbers" },
		{ P_FILE_NR, "435\t0\t1\t2", 0, 1, "unexpected '2'" },
		{ P_FILE_NR, "435\tx\t1", 0, 1, "'x' is not a number" },
		{ P_FILE_NR, "-435\t0\t1", 0, 1, "negative value '-435'" },
		{ P_FILE_NR, "1\t2\t3", 0, 1, "unused handles 2 exceed allocated 1" },
		{ P_FILE_NR, "1\t0\t3\n4", 0, 1, "expected one line" },
		{ P_U64, "", 0, 1, "expected one number, found 0 numbers" },
		{ P_U64, "12abc", 0, 1, "'12abc' is not a number" },
		{ P_U64, "-1", 0, 1, "negative value '-1'" },
		{ P_U64, "18446744073709551616", 0, 1, "is out of range" },
		{ P_U64, "9223372036854775808", 0, 1, "is out of range" },
		{ P_RANGE, "32768", 0, 1, "expected 2 numbers" },
		{ P_RANGE, "60999 32768", 0, 1, "invalid port range 60999-32768" },
		{ P_RANGE, "0 100", 0, 1, "invalid port range 0-100" },
		{ P_RANGE, "1 65536", 0, 1, "invalid port range 1-65536" },
		{ P_RESERVED, "80,x", 0, 1, "invalid port list item 'x'" },
		{ P_RESERVED, "90-80", 0, 1, "invalid port list item '90-80'" },
		{ P_RESERVED, "70000", 0, 1, "invalid port list item '70000'" },
		{ P_RESERVED, "80,", 0, 1, "trailing ','" },
		{ P_RESERVED, "80,,81", 0, 1, "invalid port list item ''" },
		{ P_RESERVED, "80 - 81", 0, 1, "invalid port list item" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bad_case *c = &cases[i];
		const struct diag_entry *e;
		struct arena a;
		struct diag d;
		uint64_t v1, v2;
		int r;

		arena_init(&a);
		diag_init(&d, &a);
		r = run(c->p, c->in, c->len ? c->len : strlen(c->in), &a, &d,
			&v1, &v2);
		e = d.head;
		if (r != -EBADMSG || !e || diag_errors(&d) != 1)
			fail_msg("case %zu '%s': r=%d, %u errors", i, c->in, r,
				 diag_errors(&d));
		if (e->line != c->line || !strstr(e->message, c->message) ||
		    !e->file || e->file[0] != '/')
			fail_msg("case %zu: got %s:%u '%s', want line %u '%s'", i,
				 e->file, e->line, e->message, c->line, c->message);
		assert_string_equal(e->id, FACTS_DIAG_ID);
		/* Nothing from a bad counters file is kept. */
		if (c->p == P_COUNTERS)
			assert_int_equal(v1, 0);
		arena_release(&a);
	}
}

/* A bad second file leaves the first file's counters and is named itself. */
static void test_counters_second_file_bad(void **state)
{
	struct facts_counter_set set = { 0 };
	const char *snmp = "Tcp: ActiveOpens\nTcp: 1 2\n";
	struct arena a;
	struct diag d;
	size_t len;
	char *buf;

	arena_init(&a);
	diag_init(&d, &a);
	buf = read_fixture(&a, "proc/net/netstat", &len);
	assert_int_equal(facts_parse_counters(buf, len, "/proc/net/netstat",
					      &a, &d, &set), 0);
	assert_int_equal(facts_parse_counters(snmp, strlen(snmp), "/proc/net/snmp",
					      &a, &d, &set), -EBADMSG);
	assert_int_equal(set.n, 229);
	assert_int_equal(set.n_sections, 3);
	assert_string_equal(d.head->file, "/proc/net/snmp");
	assert_int_equal(d.head->line, 2);
	/* The same section again in another file is a duplicate. */
	assert_int_equal(facts_parse_counters(buf, len, "/proc/net/netstat",
					      &a, &d, &set), -EBADMSG);
	assert_non_null(strstr(d.head->next->message, "duplicate section 'TcpExt'"));
	arena_release(&a);
}

static void test_counter_limits(void **state)
{
	struct facts_counter_set set = { 0 };
	struct arena a;
	struct diag d;
	char *hdr, *val, *buf;
	size_t i, n = FACTS_COUNTERS_MAX + 1;

	arena_init(&a);
	diag_init(&d, &a);
	hdr = calloc(n * 8 + 16, 1);
	val = calloc(n * 2 + 16, 1);
	assert_non_null(hdr);
	assert_non_null(val);
	strcpy(hdr, "X:");
	strcpy(val, "X:");
	for (i = 0; i < n; i++) {
		sprintf(hdr + strlen(hdr), " c%zu", i);
		strcat(val, " 0");
	}
	buf = arena_printf(&a, "%s\n%s\n", hdr, val);
	assert_int_equal(facts_parse_counters(buf, strlen(buf), "/proc/net/netstat",
					      &a, &d, &set), -EBADMSG);
	assert_non_null(strstr(d.head->message, "too many counters"));
	free(hdr);
	free(val);
	arena_release(&a);
}

static void test_rates(void **state)
{
	struct fact_counter before[] = {
		{ .name = "A.gone", .value = 1 },
		{ .name = "A.grow", .value = 100 },
		{ .name = "A.wrap", .value = UINT64_MAX - 5 },
		{ .name = "Tcp.MaxConn", .value = 1, .negative = true },
	};
	struct fact_counter after[] = {
		{ .name = "A.grow", .value = 160 },
		{ .name = "A.new", .value = 5 },
		{ .name = "A.wrap", .value = 3 },
		{ .name = "Tcp.MaxConn", .value = 1, .negative = true },
	};

	facts_counters_rates(before, 4, after, 4, 2.0);
	assert_true(after[0].rate == 30.0);
	assert_true(isnan(after[1].rate));
	assert_true(isnan(after[2].rate));
	assert_true(isnan(after[3].rate));
	facts_counters_rates(before, 4, after, 4, 0);
	assert_true(isnan(after[0].rate));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters_real_host),
		cmocka_unit_test(test_sockstat_filenr_real_host),
		cmocka_unit_test(test_good_inputs),
		cmocka_unit_test(test_malformed_inputs),
		cmocka_unit_test(test_counters_second_file_bad),
		cmocka_unit_test(test_counter_limits),
		cmocka_unit_test(test_rates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
