/* Unit tests for the lint rules: one sysctl snippet per case, the target
 * kernel, and the findings (rule id and severity) that must and must not
 * come out. No root: live values are unknown, kb defaults apply. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "diag.h"
#include "lint.h"

struct lcase {
	const char *text;
	const char *kernel;		/* NULL: version checks skipped */
	const char *want;		/* "id:severity,..." all required */
	const char *never;		/* "id,..." none may appear */
};

static const struct lcase cases[] = {
	{ "net.ipv4.tcp_tw_recycle = 1\n", "4.9", "tw-recycle:error", "key-removed" },
	{ "net.ipv4.tcp_tw_recycle = 1\n", "5.4", "tw-recycle:error,key-removed:warning", NULL },
	{ "net.ipv4.tcp_tw_recycle = 0\n", "6.1", "key-removed:warning", "tw-recycle" },
	{ "net.ipv4.tcp_tw_recycle = 1\n", NULL, "tw-recycle:error", "key-removed" },
	{ "net.ipv4.tcp_tw_reuse_delay = 100\n", "6.1", "key-not-yet:warning", NULL },
	{ "net.ipv4.tcp_tw_reuse_delay = 100\n", "6.14", NULL, "key-not-yet" },
	{ "-net.ipv4.tcp_tw_reuse_delay = 100\n", "6.1", "key-not-yet:info", NULL },
	{ "net.ipv4.tcp_max_tw_buckets = 5000\n", NULL, "tw-buckets-low:warning", NULL },
	{ "net.ipv4.tcp_max_tw_buckets = 2000000\n", NULL, NULL, "tw-buckets-low" },
	{ "net.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_timestamps = 0\n", NULL,
	  "tw-reuse-no-timestamps:warning", NULL },
	{ "net.ipv4.tcp_timestamps = 0\n", NULL, "tw-reuse-no-timestamps:warning", NULL },
	{ "net.ipv4.tcp_tw_reuse = 0\nnet.ipv4.tcp_timestamps = 0\n", NULL, NULL,
	  "tw-reuse-no-timestamps" },
	{ "net.ipv4.tcp_tw_reuse = 1\nnet.ipv4.tcp_timestamps = 1\n", NULL, NULL,
	  "tw-reuse-no-timestamps" },
	{ "net.ipv4.tcp_fin_timeout = 10\n", NULL, "fin-timeout:info", NULL },
	{ "net.ipv4.tcp_fin_timeout = 60\n", NULL, NULL, "fin-timeout" },
	{ "net.ipv4.ip_local_port_range = 60000 30000\n", NULL,
	  "port-range-reversed:error", "invalid-value,port-range-narrow" },
	{ "net.ipv4.ip_local_port_range = 30000 35001\n", NULL, "port-range-narrow:warning",
	  "port-range-parity" },
	{ "net.ipv4.ip_local_port_range = 32768 60999\n", NULL, NULL,
	  "port-range-narrow,port-range-parity,port-range-privileged" },
	{ "net.ipv4.ip_local_port_range = 32768 60998\n", NULL, "port-range-parity:info", NULL },
	{ "net.ipv4.ip_local_port_range = 800 60999\n", NULL, "port-range-privileged:error", NULL },
	{ "net.ipv4.ip_unprivileged_port_start = 500\nnet.ipv4.ip_local_port_range = 800 60999\n",
	  NULL, NULL, "port-range-privileged" },
	{ "net.ipv4.tcp_keepalive_probes = 08\n", NULL, "invalid-value:error", NULL },
	{ "-net.ipv4.tcp_keepalive_probes = 08\n", NULL, "invalid-value:warning", NULL },
	{ "net.ipv4.tcp_fin_timeout = \"30\"\n", NULL, "invalid-value:error", NULL },
	{ "net.ipv4.tcp_fin_timeout = 30 # comment\n", NULL, NULL, "invalid-value" },
	{ "net.ipv4.tcp_tw_resuse = 1\n", NULL, "unknown-key:warning", NULL },
	{ "-net.ipv4.tcp_tw_resuse = 1\n", NULL, "unknown-key:info", NULL },
	{ "net.ipv4.conf.eth7.rp_filter = 1\nnet.ipv4.conf.all.rp_filter = 1\n", NULL, NULL,
	  "unknown-key" },
	{ "net.ipv4.conf.*.rp_filter = 1\n", NULL, NULL, "unknown-key" },
	{ "net.ipv4.tcp_ehash_entries = 5\n", NULL, "read-only-key:warning", "invalid-value" },
	{ "just words\n", NULL, "not-assignment:error", NULL },
	{ "= 5\n", NULL, "empty-key:error", NULL },
	{ "; net.ipv4.tcp_fin_timeout = 5\n", NULL, "semicolon-comment:info", NULL },
	{ "- net.ipv4.tcp_fin_timeout = 70\n", NULL, "dash-blank:info", NULL },
	{ "net.ipv4.tcp_syn_retries = 3\nnet.ipv4.tcp_syn_retries = 4\n", NULL,
	  "duplicate-key:warning", NULL },
	{ "net.ipv4.tcp_syn_retries = 3\nnet/ipv4/tcp_syn_retries = 3\n", NULL,
	  "duplicate-key:info", NULL },
	{ "net.ipv4.tcp_syn_retries = 3\n-net.ipv4.tcp_syn_retries\n", NULL, NULL,
	  "duplicate-key" },
	{ "# only a comment\n\n", "6.1", NULL,
	  "not-assignment,unknown-key,duplicate-key" },
};

static bool has(const struct diag *d, const char *id, const char *sev)
{
	const struct diag_entry *e;

	for (e = d->head; e; e = e->next)
		if (e->id && strcmp(e->id, id) == 0 &&
		    (!sev || strcmp(diag_severity_name(e->severity), sev) == 0))
			return true;
	return false;
}

static void dump(const struct diag *d)
{
	const struct diag_entry *e;

	for (e = d->head; e; e = e->next)
		print_message("  %u:%u %s %s: %s\n", e->line, e->column,
			      diag_severity_name(e->severity), e->id, e->message);
}

static void test_rules(void **state)
{
	char buf[256], *tok, *save, *sev;
	struct lint_options o;
	struct lint_env env;
	struct arena a;
	struct diag d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct lcase *c = &cases[i];

		memset(&o, 0, sizeof(o));
		o.root_fd = -1;
		if (c->kernel) {
			assert_int_equal(kversion_parse(c->kernel, &o.kernel), 0);
			o.kernel_known = true;
		}
		arena_init(&a);
		diag_init(&d, &a);
		lint_env_init(&env, &o, &a, &d);
		assert_int_equal(lint_sysctl_buffer(&env, c->text, strlen(c->text), "t.conf"), 0);
		snprintf(buf, sizeof(buf), "%s", c->want ? c->want : "");
		save = NULL;
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			sev = strchr(tok, ':');
			*sev++ = '\0';
			if (!has(&d, tok, sev)) {
				dump(&d);
				fail_msg("case %zu '%s': no %s %s", i, c->text, sev, tok);
			}
		}
		snprintf(buf, sizeof(buf), "%s", c->never ? c->never : "");
		save = NULL;
		for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (has(&d, tok, NULL)) {
				dump(&d);
				fail_msg("case %zu '%s': unexpected %s", i, c->text, tok);
			}
		arena_release(&a);
	}
}

/* Every finding points at a real position of its line. */
static void test_positions(void **state)
{
	static const char text[] =
		"  net.ipv4.tcp_tw_recycle\t=   1\n"
		"net.ipv4.ip_local_port_range=60000 30000\r\n";
	struct lint_options o = { .root_fd = -1 };
	const struct diag_entry *e;
	struct lint_env env;
	struct arena a;
	struct diag d;

	arena_init(&a);
	diag_init(&d, &a);
	lint_env_init(&env, &o, &a, &d);
	assert_int_equal(lint_sysctl_buffer(&env, text, sizeof(text) - 1, "p.conf"), 0);
	for (e = d.head; e; e = e->next) {
		if (strcmp(e->id, "tw-recycle") == 0) {
			assert_int_equal(e->line, 1);
			assert_int_equal(e->column, 31);
		} else if (strcmp(e->id, "port-range-reversed") == 0) {
			assert_int_equal(e->line, 2);
			assert_int_equal(e->column, 30);
			assert_string_equal(e->key, "net.ipv4.ip_local_port_range");
		}
	}
	assert_int_equal(d.count[DIAG_ERROR], 2);
	arena_release(&a);
}

static void test_rule_table(void **state)
{
	size_t i, j;

	for (i = 0; i < lint_n_rules; i++) {
		assert_non_null(lint_rule_find(lint_rules[i].id));
		assert_true(strlen(lint_rules[i].summary) > 10);
		for (j = i + 1; j < lint_n_rules; j++)
			assert_string_not_equal(lint_rules[i].id, lint_rules[j].id);
	}
	assert_null(lint_rule_find("no-such-rule"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_rule_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
