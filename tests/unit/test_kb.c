/* Unit tests for the knowledge base: lookup, presence, the kernel value
 * parser (SYSCTL.md 4.2, cases probed on 6.18 in a private netns),
 * canonical values, name list, suggestions, and the table's own sanity. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kb.h"
#include "kb_internal.h"

static void test_lookup(void **state)
{
	static const struct {
		const char *key;
		const char *want;	/* NULL: not in the knowledge base */
	} cases[] = {
		{ "net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_tw_reuse" },
		{ "net/ipv4/tcp_tw_reuse", "net.ipv4.tcp_tw_reuse" },
		{ "/net/ipv4//tcp_fin_timeout/", "net.ipv4.tcp_fin_timeout" },
		{ "net.ipv6.conf.all.forwarding", "net.ipv6.conf.all.forwarding" },
		{ "net/ipv6/conf/all/forwarding", "net.ipv6.conf.all.forwarding" },
		{ "net.core.somaxconn", "net.core.somaxconn" },
		{ "fs.file-max", "fs.file-max" },
		{ "net.ipv4.tcp_tw_resuse", NULL },
		{ "net.ipv4", NULL },
		{ "", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct kb_entry *e = kb_lookup(cases[i].key);

		if (!cases[i].want) {
			assert_null(e);
			continue;
		}
		assert_non_null(e);
		assert_string_equal(e->key, cases[i].want);
	}
	assert_null(kb_lookup(NULL));
	assert_non_null(kb_at(0));
	assert_null(kb_at(kb_count()));
}

static void test_presence(void **state)
{
	static const struct {
		const char *key;
		struct kversion v;
		enum kb_presence want;
	} cases[] = {
		{ "net.ipv4.tcp_tw_recycle", { 3, 10, 0 }, KB_PRESENT },
		{ "net.ipv4.tcp_tw_recycle", { 4, 11, 12 }, KB_PRESENT },
		{ "net.ipv4.tcp_tw_recycle", { 4, 12, 0 }, KB_REMOVED },
		{ "net.ipv4.tcp_tw_recycle", { 6, 18, 44 }, KB_REMOVED },
		{ "net.ipv4.tcp_tw_reuse_delay", { 6, 13, 9 }, KB_NOT_YET },
		{ "net.ipv4.tcp_tw_reuse_delay", { 6, 14, 0 }, KB_PRESENT },
		{ "net.ipv4.ip_autobind_reuse", { 5, 6, 19 }, KB_NOT_YET },
		{ "net.ipv4.ip_autobind_reuse", { 5, 7, 0 }, KB_PRESENT },
		{ "net.ipv4.tcp_ehash_entries", { 5, 15, 0 }, KB_NOT_YET },
		{ "net.ipv4.ip_unprivileged_port_start", { 4, 10, 0 }, KB_NOT_YET },
		{ "net.ipv4.ip_local_reserved_ports", { 2, 6, 34 }, KB_NOT_YET },
		{ "net.ipv4.ip_local_reserved_ports", { 2, 6, 35 }, KB_PRESENT },
		{ "net.ipv4.tcp_fin_timeout", { 2, 6, 0 }, KB_PRESENT },
		{ "net.ipv4.tcp_tw_reuse", { 3, 10, 0 }, KB_PRESENT },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct kb_entry *e = kb_lookup(cases[i].key);

		assert_non_null(e);
		if (kb_presence_in(e, cases[i].v) != cases[i].want)
			fail_msg("%s in %u.%u.%u", cases[i].key, cases[i].v.major,
				 cases[i].v.minor, cases[i].v.patch);
	}
}

/* Expected canonical value, or the error and (optionally) the message. */
struct value_case {
	const char *key;
	const char *value;
	int err;
	const char *canonical;	/* when err == 0 */
	const char *msg;	/* when err != 0; NULL = any */
};

static const struct value_case value_cases[] = {
	/* SYSCTL.md 4.2, int keys */
	{ "net.ipv4.tcp_fin_timeout", "  33  ", 0, "33", NULL },
	{ "net.ipv4.tcp_fin_timeout", "2\t", 0, "2", NULL },
	{ "net.ipv4.tcp_fin_timeout", "010", 0, "8", NULL },
	{ "net.ipv4.tcp_max_syn_backlog", "010", 0, "8", NULL },
	{ "net.ipv4.tcp_fin_timeout", "0x20", 0, "32", NULL },
	{ "net.ipv4.tcp_fin_timeout", "  0X1f  ", 0, "31", NULL },
	{ "net.ipv4.tcp_keepalive_probes", "08", -EINVAL, NULL,
	  "'08' is not a valid number (leading 0 means octal)" },
	{ "net.ipv4.tcp_fin_timeout", "+7", -EINVAL, NULL,
	  "'+7' is not a valid number (no '+' sign allowed)" },
	{ "net.ipv4.tcp_fin_timeout", "36abc", -EINVAL, NULL,
	  "'36abc' is not a valid number" },
	{ "net.ipv4.tcp_fin_timeout", "31#c", -EINVAL, NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout", "\"32\"", -EINVAL, NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout", "true", -EINVAL, NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout", "1\r", -EINVAL, NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout", "1\n", -EINVAL, NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout", "30 # comment", 0, "30", NULL },
	{ "net.ipv4.tcp_fin_timeout", "30 # c", 0, "30", NULL },
	{ "net.ipv4.tcp_fin_timeout", "34 35", 0, "34", NULL },
	{ "net.ipv4.tcp_fin_timeout", "", -EINVAL, NULL,
	  "empty value is not a valid number" },
	{ "net.ipv4.tcp_fin_timeout", " ", -EINVAL, NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout", "-5", 0, "-5", NULL },
	{ "net.ipv4.tcp_fin_timeout", "-0", 0, "0", NULL },
	{ "net.ipv4.tcp_fin_timeout", "-", -EINVAL, NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout", "0x", -EINVAL, NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout", "30,", -EINVAL, NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout", "00000000000000000000030", -EINVAL, NULL,
	  "'00000000000000000000030' is not a valid number (too many digits)" },
	{ "net.ipv4.tcp_fin_timeout", "99999999999999999999", -ERANGE, NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout", "2147483", 0, "2147483", NULL },
	{ "net.ipv4.tcp_fin_timeout", "2147484", -ERANGE, NULL, NULL },
	/* u8 keys: 0-255 unless bounded; no sign at all */
	{ "net.ipv4.tcp_tw_reuse", "2", 0, "2", NULL },
	{ "net.ipv4.tcp_tw_reuse", "3", -ERANGE, NULL,
	  "'3' is out of range for 'net.ipv4.tcp_tw_reuse' (valid: 0 to 2)" },
	{ "net.ipv4.tcp_tw_reuse", "-1", -ERANGE, NULL, NULL },
	{ "net.ipv4.tcp_rfc1337", "-0", -ERANGE, NULL,
	  "'-0' is out of range for 'net.ipv4.tcp_rfc1337' (negative numbers are refused)" },
	{ "net.ipv4.tcp_timestamps", "255", 0, "255", NULL },
	{ "net.ipv4.tcp_timestamps", "256", -ERANGE, NULL, NULL },
	{ "net.ipv4.tcp_syn_retries", "0", -ERANGE, NULL, NULL },
	{ "net.ipv4.tcp_syn_retries", "127", 0, "127", NULL },
	{ "net.ipv4.tcp_syn_retries", "128", -ERANGE, NULL, NULL },
	{ "net.ipv4.ip_autobind_reuse", "2", -ERANGE, NULL, NULL },
	{ "net.ipv4.tcp_tw_reuse_delay", "0", -ERANGE, NULL, NULL },
	{ "net.ipv4.tcp_tw_reuse_delay", "60000", 0, "60000", NULL },
	{ "net.ipv4.tcp_tw_reuse_delay", "60001", -ERANGE, NULL, NULL },
	/* signed ints with and without a lower bound */
	{ "net.core.somaxconn", "-1", -ERANGE, NULL, NULL },
	{ "net.core.somaxconn", "-0", 0, "0", NULL },
	{ "net.ipv4.tcp_max_tw_buckets", "-1", 0, "-1", NULL },
	{ "net.ipv4.ip_unprivileged_port_start", "65536", -ERANGE, NULL, NULL },
	{ "fs.file-max", "9223372036854775807", 0, "9223372036854775807", NULL },
	{ "fs.file-max", "-1", -ERANGE, NULL, NULL },
	/* pairs */
	{ "net.ipv4.ip_local_port_range", "1024 65535", 0, "1024\t65535", NULL },
	{ "net.ipv4.ip_local_port_range", "1024\t65535", 0, "1024\t65535", NULL },
	{ "net.ipv4.ip_local_port_range", "1024   65535", 0, "1024\t65535", NULL },
	{ "net.ipv4.ip_local_port_range", " 1024 \t 65535 7", 0, "1024\t65535", NULL },
	{ "net.ipv4.ip_local_port_range", "32768 60999", 0, "32768\t60999", NULL },
	{ "net.ipv4.ip_local_port_range", "5000 5000", 0, "5000\t5000", NULL },
	{ "net.ipv4.ip_local_port_range", "10004,65004", -EINVAL, NULL,
	  "'10004,65004' is not a valid value for 'net.ipv4.ip_local_port_range' (separate the two numbers with blanks, not ',')" },
	{ "net.ipv4.ip_local_port_range", "3000 2000", -EINVAL, NULL,
	  "'3000 2000' is not a valid range for 'net.ipv4.ip_local_port_range' (high end 2000 is below low end 3000)" },
	{ "net.ipv4.ip_local_port_range", "0 65535", -ERANGE, NULL, NULL },
	{ "net.ipv4.ip_local_port_range", "1024 65536", -ERANGE, NULL, NULL },
	{ "net.ipv4.ip_local_port_range", "2000", -EINVAL, NULL,
	  "'2000' has one number but 'net.ipv4.ip_local_port_range' needs two (low high)" },
	{ "net.ipv4.ip_local_port_range", "1024\r65535", -EINVAL, NULL, NULL },
	{ "net.ipv4.ip_local_port_range", "", -EINVAL, NULL, NULL },
	/* port lists */
	{ "net.ipv4.ip_local_reserved_ports", "8080,9000-9001", 0, "8080,9000-9001", NULL },
	{ "net.ipv4.ip_local_reserved_ports", "1,2,3", 0, "1-3", NULL },
	{ "net.ipv4.ip_local_reserved_ports", "9001,9000,8080", 0, "8080,9000-9001", NULL },
	{ "net.ipv4.ip_local_reserved_ports", "0x1F90,010,0-3", 0, "0-3,8,8080", NULL },
	{ "net.ipv4.ip_local_reserved_ports", "5-5", 0, "5", NULL },
	{ "net.ipv4.ip_local_reserved_ports", "8080,", 0, "8080", NULL },
	{ "net.ipv4.ip_local_reserved_ports", "65535", 0, "65535", NULL },
	{ "net.ipv4.ip_local_reserved_ports", "", 0, "", NULL },
	{ "net.ipv4.ip_local_reserved_ports", "9150-9148", -EINVAL, NULL,
	  "'9150-9148' is not a valid port range (start after end)" },
	{ "net.ipv4.ip_local_reserved_ports", "65536", -ERANGE, NULL,
	  "'65536' is out of range for 'net.ipv4.ip_local_reserved_ports' (ports are 0 to 65535)" },
	{ "net.ipv4.ip_local_reserved_ports", "8080, 9000", -EINVAL, NULL, NULL },
	{ "net.ipv4.ip_local_reserved_ports", " 8080", -EINVAL, NULL, NULL },
	{ "net.ipv4.ip_local_reserved_ports", "8080,,9000", -EINVAL, NULL, NULL },
	{ "net.ipv4.ip_local_reserved_ports", ",8080", -EINVAL, NULL, NULL },
	{ "net.ipv4.ip_local_reserved_ports", "1-2-3", -EINVAL, NULL, NULL },
	{ "net.ipv4.ip_local_reserved_ports", "5 ", -EINVAL, NULL, NULL },
	{ "net.ipv4.ip_local_reserved_ports", "-5", -ERANGE, NULL, NULL },
	{ "net.ipv4.ip_local_reserved_ports", "08", -EINVAL, NULL,
	  "'08' is not a valid number (leading 0 means octal)" },
	/* strings */
	{ "kernel.osrelease", "6.18.44", 0, "6.18.44", NULL },
	{ "kernel.osrelease", "a\nb", -EINVAL, NULL, NULL },
};

static void test_check_value(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
		const struct value_case *c = &value_cases[i];
		const struct kb_entry *e = kb_lookup(c->key);
		char msg[256], canon[256];
		int r;

		assert_non_null(e);
		r = kb_check_value(e, c->value, msg, sizeof(msg));
		if (r != c->err)
			fail_msg("%s = '%s': got %d (%s), want %d", c->key, c->value,
				 r, msg, c->err);
		if (c->err) {
			assert_true(msg[0] != '\0');
			if (c->msg && strcmp(msg, c->msg) != 0)
				fail_msg("%s = '%s': message '%s', want '%s'", c->key,
					 c->value, msg, c->msg);
			assert_int_equal(kb_canonical_value(e, c->value, canon, sizeof(canon)),
					 c->err);
			continue;
		}
		assert_int_equal(msg[0], '\0');
		assert_int_equal(kb_canonical_value(e, c->value, canon, sizeof(canon)), 0);
		if (strcmp(canon, c->canonical) != 0)
			fail_msg("%s = '%s': canonical '%s', want '%s'", c->key, c->value,
				 canon, c->canonical);
	}
}

static void test_canonical_small_buffer(void **state)
{
	const struct kb_entry *e = kb_lookup("net.ipv4.ip_local_reserved_ports");
	char buf[6];

	assert_int_equal(kb_canonical_value(e, "8080,9000-9001", buf, sizeof(buf)), -ENOSPC);
	assert_int_equal(kb_canonical_value(e, "8080", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "8080");
}

static void test_parse_int(void **state)
{
	static const struct {
		const char *s;
		int err;
		long long want;
	} cases[] = {
		{ "  -12 x", 0, -12 },
		{ "0x7fffffffffffffff", 0, INT64_MAX },
		{ "-9223372036854775808", 0, INT64_MIN },
		{ "9223372036854775808", -ERANGE, 0 },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "017", 0, 15 },
		{ "019", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "x1", -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long long v = 12345;

		assert_int_equal(kb_parse_int(cases[i].s, &v), cases[i].err);
		if (!cases[i].err && v != cases[i].want)
			fail_msg("'%s': %lld", cases[i].s, v);
	}
}

static void test_names(void **state)
{
	static const struct {
		const char *key;
		bool known;
	} cases[] = {
		{ "net.ipv4.tcp_tw_reuse", true },
		{ "net.ipv4.tcp_tw_recycle", true },
		{ "net.ipv4.conf.eth0.rp_filter", true },
		{ "net.ipv4.conf.eth0/100.rp_filter", true },
		{ "net/ipv4/conf/eth0.100/rp_filter", true },
		{ "net.ipv4.conf.docker0.forwarding", true },
		{ "net.ipv6.conf.all.disable_ipv6", true },
		{ "net.ipv4.neigh.default.gc_thresh3", true },
		{ "net.netfilter.nf_conntrack_max", true },
		{ "net.netfilter.nf_conntrack_tcp_timeout_time_wait", true },
		{ "net.bridge.bridge-nf-call-iptables", true },
		{ "kernel.pid_max", true },
		{ "vm.swappiness", true },
		{ "net.ipv4.tcp_tw_resuse", false },
		{ "net.ipv4.conf.eth0.no_such_key", false },
		{ "net.ipv4.conf.eth0", false },
		{ "foo.bar", false },
		{ "", false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (kb_name_known(cases[i].key) != cases[i].known)
			fail_msg("kb_name_known('%s') != %d", cases[i].key, cases[i].known);
	for (i = 1; i < kb_names_count; i++)
		if (strcmp(kb_names[i - 1], kb_names[i]) >= 0)
			fail_msg("kb_names not sorted at '%s'", kb_names[i]);
}

static void test_suggest(void **state)
{
	static const struct {
		const char *key;
		const char *want;	/* NULL: nothing close */
	} cases[] = {
		{ "net.ipv4.tcp_tw_resuse", "net.ipv4.tcp_tw_reuse" },
		{ "net/ipv4/tcp_fin_timout", "net.ipv4.tcp_fin_timeout" },
		{ "net.ipv4.tcp_tw_recylce", "net.ipv4.tcp_tw_recycle" },
		{ "net.ipv4.tcp_tw_reuse_dealy", "net.ipv4.tcp_tw_reuse_delay" },
		{ "net.core.tcp_tw_reuse", "net.ipv4.tcp_tw_reuse" },
		{ "net.ipv4.somaxconn", "net.core.somaxconn" },
		{ "net.ipv4.ip_local_port_rang", "net.ipv4.ip_local_port_range" },
		{ "net.ipv4.conf.eth0.rp_filtre", "net.ipv4.conf.eth0.rp_filter" },
		{ "net.ipv4.conf.all.fowarding", "net.ipv4.conf.all.forwarding" },
		{ "net.netfilter.nf_conntrack_mx", "net.netfilter.nf_conntrack_max" },
		{ "NET.IPV4.TCP_TW_REUSE", "net.ipv4.tcp_tw_reuse" },
		{ "Net.Core.Somaxcon", "net.core.somaxconn" },
		{ "foo.bar.baz", NULL },
		{ "zzzzzzzzzzzzzzzzzzzz", NULL },
		{ "net.ipv4.completely_made_up_key", NULL },
		{ "", NULL },
	};
	char buf[8];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = kb_suggest(cases[i].key);

		if (!cases[i].want) {
			if (s)
				fail_msg("kb_suggest('%s') = '%s', want none", cases[i].key, s);
			continue;
		}
		if (!s || strcmp(s, cases[i].want) != 0)
			fail_msg("kb_suggest('%s') = '%s', want '%s'", cases[i].key,
				 s ? s : "(null)", cases[i].want);
	}
	assert_int_equal(kb_suggest_r("net.ipv4.tcp_tw_resuse", buf, sizeof(buf)),
			 -ENAMETOOLONG);
}

/* In kb_names[] itself (not through kb_lookup), with "conf.all." written
 * "conf.*." as the generator does. */
static bool names_have(const char *key)
{
	char buf[256];
	const char *all = strstr(key, ".conf.all.");
	size_t i;

	if (all) {
		snprintf(buf, sizeof(buf), "%.*s.conf.*.%s", (int)(all - key), key,
			 all + strlen(".conf.all."));
		key = buf;
	}
	for (i = 0; i < kb_names_count; i++)
		if (strcmp(kb_names[i], key) == 0)
			return true;
	return false;
}

static void test_table_sanity(void **state)
{
	size_t i, n = kb_count();

	assert_true(n >= 30);
	for (i = 0; i < n; i++) {
		const struct kb_entry *e = kb_at(i);
		const struct kb_enum_value *ev;
		char msg[256];
		size_t len;

		if (i > 0 && strcmp(kb_at(i - 1)->key, e->key) >= 0)
			fail_msg("table not sorted/unique at '%s'", e->key);
		assert_ptr_equal(kb_lookup(e->key), e);
		if (e->min > e->max)
			fail_msg("'%s': min > max", e->key);
		assert_non_null(e->meaning);
		len = strlen(e->meaning);
		if (len == 0 || e->meaning[len - 1] == '.')
			fail_msg("'%s': meaning empty or ends in a period", e->key);
		assert_non_null(e->default_text);
		if (!e->default_derived && kb_check_value(e, e->default_text, msg, sizeof(msg)) < 0)
			fail_msg("'%s': default '%s' invalid: %s", e->key, e->default_text, msg);
		if ((e->type == KB_ENUM) != false && !e->enum_values)
			fail_msg("'%s': enum without values", e->key);
		for (ev = e->enum_values; ev && ev->meaning; ev++)
			if (ev->value < e->min || ev->value > e->max)
				fail_msg("'%s': enum value %lld out of range", e->key, ev->value);
		if (kversion_is_set(e->added) && kversion_is_set(e->removed) &&
		    kversion_cmp(e->added, e->removed) >= 0)
			fail_msg("'%s': added after removed", e->key);
		/* The name list must know every key the knowledge base has. */
		if (!names_have(e->key))
			fail_msg("'%s' missing from kb_names (re-run tools/gen-kb-names)", e->key);
	}
	assert_string_equal(kb_enum_meaning(kb_lookup("net.ipv4.tcp_tw_reuse"), 2),
			    "on only for loopback traffic");
	assert_null(kb_enum_meaning(kb_lookup("net.ipv4.tcp_timestamps"), 3));
	assert_null(kb_enum_meaning(kb_lookup("net.ipv4.tcp_fin_timeout"), 3));
	assert_string_equal(kb_type_name(KB_INT_PAIR), "int pair");
	assert_string_equal(kb_scope_name(KB_SCOPE_GLOBAL), "global");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_presence),
		cmocka_unit_test(test_check_value),
		cmocka_unit_test(test_canonical_small_buffer),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_table_sanity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
