/* Unit tests for the rules engine and profile_desired(): real profiles
 * (tests/fixtures/profiles and inline ones) over facts collected from the
 * fixture roots (tests/fixtures/roots/check-*) by the real collector. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmptree.h"

#include "arena.h"
#include "conf.h"
#include "diag.h"
#include "facts.h"
#include "findings.h"
#include "profile.h"
#include "rootfs.h"

struct fixture {
	struct arena a;
	struct conf cfg;
	struct diag diag;
	struct facts *facts;
	char dir[64];
};

static struct facts *collect(struct fixture *fx, const char *root)
{
	struct facts_options opt = {
		.sockets = true, .owners = true, .force_proc = true, .boot = true,
		.boot_mode = SYSCTLD_SYSTEMD,
	};
	char *path = arena_printf(&fx->a, "%s/roots/%s", FIXTURES, root);
	struct facts *f = NULL;
	int fd = -1;

	assert_int_equal(root_dir_open(path, &fd), 0);
	assert_int_equal(facts_collect(fd, path, &opt, &fx->diag, &f), 0);
	close(fd);
	fx->facts = f;
	return f;
}

static struct profile *load(struct fixture *fx, const char *name_or_path)
{
	struct profile *p = NULL;
	const struct diag_entry *e;

	if (profile_load(name_or_path, &fx->cfg, false, &fx->a, &fx->diag, &p) < 0) {
		for (e = fx->diag.head; e; e = e->next)
			fprintf(stderr, "%s:%u:%u: %s\n", e->file, e->line, e->column, e->message);
		fail();
	}
	return p;
}

static char *write_profile(struct fixture *fx, const char *name, const char *text)
{
	char *path = arena_printf(&fx->a, "%s/%s.yaml", fx->dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	arena_init(&fx->a);
	diag_init(&fx->diag, &fx->a);
	fx->cfg.default_profile = "default";
	fx->cfg.profile_path[fx->cfg.n_profile_path++] =
		arena_printf(&fx->a, "%s/profiles", FIXTURES);
	strcpy(fx->dir, "/tmp/twtune-rules-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(tmptree_remove(fx->dir), 0);
	facts_free(fx->facts);
	arena_release(&fx->a);
	free(fx);
	return 0;
}

static const struct finding *find(const struct findings *fs, const char *id)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->items[i].id, id) == 0)
			return &fs->items[i];
	return NULL;
}

static const char *kv(const struct finding_kv *k, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(k[i].key, key) == 0)
			return k[i].value ? k[i].value : "(null)";
	return NULL;
}

static const struct value *evidence(const struct finding *fd, const char *name)
{
	size_t i;

	for (i = 0; i < fd->n_evidence; i++)
		if (strcmp(fd->evidence[i].name, name) == 0)
			return &fd->evidence[i].value;
	return NULL;
}

/* The expected findings of fx-check on the busy root, worst first. */
static void test_busy(void **state)
{
	static const struct {
		const char *id;
		enum severity severity;
	} want[] = {
		{ "tw-port-exhaustion", SEVERITY_CRITICAL },
		{ "close-wait-pileup", SEVERITY_WARNING },
		{ "drift-setting", SEVERITY_WARNING },
		{ "drift-boot", SEVERITY_WARNING },
		{ "time-wait-present", SEVERITY_INFO },
	};
	struct fixture *fx = *state;
	struct profile *p = load(fx, "fx-check");
	struct facts *f = collect(fx, "check-busy");
	const struct finding *fd;
	const struct value *v;
	struct findings fs;
	size_t i;

	assert_int_equal(rules_evaluate(p, f, &fx->a, &fs), 0);
	for (i = 0; i < fs.n && i < sizeof(want) / sizeof(want[0]); i++) {
		assert_string_equal(fs.items[i].id, want[i].id);
		assert_int_equal(fs.items[i].severity, want[i].severity);
	}
	assert_int_equal(fs.n, sizeof(want) / sizeof(want[0]));
	assert_int_equal(fs.status, SEVERITY_CRITICAL);
	assert_int_equal(fs.count[SEVERITY_WARNING], 3);
	assert_int_equal(fs.count[SEVERITY_INFO], 1);

	fd = find(&fs, "tw-port-exhaustion");
	assert_string_equal(fd->summary,
			    "10.1.2.3:443 holds 80 TIME_WAIT sockets of 100 usable ports");
	assert_null(fd->reason);
	assert_int_equal(fd->n_keys, 2);
	assert_string_equal(kv(fd->current, fd->n_current, "net.ipv4.tcp_tw_reuse"), "2");
	assert_string_equal(kv(fd->recommended, fd->n_recommended, "net.ipv4.tcp_tw_reuse"), "1");
	assert_string_equal(kv(fd->recommended, fd->n_recommended,
			       "net.ipv4.ip_local_port_range"), "10240 65535");
	v = evidence(fd, "tw.max_per_destination");
	assert_non_null(v);
	assert_int_equal(v->type, VALUE_NUMBER);
	assert_true(v->number == 80);
	v = evidence(fd, "thresholds.tw_port_share_critical");
	assert_true(v && v->type == VALUE_NUMBER && v->number == 0.8);
	assert_int_equal(fd->n_refs, 1);
	assert_string_equal(fd->refs[0], "RFC 6191");
	assert_non_null(strstr(fd->rule->file, "fx-base.yaml"));

	/* The pressure rule sits exactly at the critical share: not both. */
	assert_null(find(&fs, "tw-port-pressure"));

	fd = find(&fs, "drift-setting");
	assert_int_equal(fd->n_keys, 1);
	assert_string_equal(fd->keys[0], "net.ipv4.tcp_tw_reuse");
	assert_string_equal(kv(fd->current, fd->n_current, "net.ipv4.tcp_tw_reuse"), "2");
	assert_string_equal(kv(fd->recommended, fd->n_recommended, "net.ipv4.tcp_tw_reuse"), "1");

	fd = find(&fs, "drift-boot");
	assert_int_equal(fd->n_keys, 1);
	v = evidence(fd, "boot_source(\"net.ipv4.tcp_tw_reuse\")");
	assert_true(v && v->type == VALUE_STRING);
	assert_string_equal(v->string, "/etc/sysctl.d/50-tuning.conf:2");
}

static void test_healthy(void **state)
{
	struct fixture *fx = *state;
	struct profile *p = load(fx, "fx-base");
	struct facts *f = collect(fx, "check-healthy");
	struct findings fs;

	assert_int_equal(rules_evaluate(p, f, &fx->a, &fs), 0);
	assert_int_equal(fs.n, 0);
	assert_int_equal(fs.status, SEVERITY_OK);
}

/* null and division by zero: unknown with the reason, never false. */
static void test_unknown(void **state)
{
	struct fixture *fx = *state;
	struct profile *p = load(fx, "fx-unknown");
	struct facts *f = collect(fx, "check-healthy");
	const struct finding *fd;
	struct findings fs;

	assert_int_equal(rules_evaluate(p, f, &fx->a, &fs), 0);
	assert_int_equal(fs.n, 2);
	assert_int_equal(fs.status, SEVERITY_UNKNOWN);
	fd = find(&fs, "conntrack-full");
	assert_int_equal(fd->severity, SEVERITY_UNKNOWN);
	assert_non_null(strstr(fd->reason, "'conntrack.count' is null"));
	assert_string_equal(fd->summary, "conntrack table ? of ?");
	assert_int_equal(evidence(fd, "conntrack.count")->type, VALUE_NULL);
	fd = find(&fs, "divide");
	assert_int_equal(fd->severity, SEVERITY_UNKNOWN);
	assert_non_null(strstr(fd->reason, "division by zero"));
}

/* A critical finding outranks an unknown one for the overall status. */
static void test_status_order(void **state)
{
	struct fixture *fx = *state;
	struct facts *f = collect(fx, "check-healthy");
	struct profile *p;
	struct findings fs;

	write_profile(fx, "mixed",
		      "twtune: 1\nname: mixed\nrules:\n"
		      "  - {id: u, severity: warning, when: 'conntrack.count > 1', summary: u}\n"
		      "  - {id: i, severity: info, when: 'true', summary: i}\n"
		      "  - {id: c, severity: critical, when: 'sockets.listen == 2', summary: c}\n"
		      "  - {id: w, severity: warning, when: 'true', summary: w}\n");
	p = load(fx, arena_printf(&fx->a, "%s/mixed.yaml", fx->dir));
	assert_int_equal(rules_evaluate(p, f, &fx->a, &fs), 0);
	assert_int_equal(fs.n, 4);
	assert_string_equal(fs.items[0].id, "c");
	assert_string_equal(fs.items[1].id, "u");
	assert_string_equal(fs.items[2].id, "w");
	assert_string_equal(fs.items[3].id, "i");
	assert_int_equal(fs.status, SEVERITY_CRITICAL);
}

static const char drift_profile[] =
	"twtune: 1\nname: drift\n"
	"settings:\n"
	"  net.ipv4.tcp_max_tw_buckets: { at_least: 999999 }\n"	/* live 131072 */
	"  net.ipv4.tcp_max_orphans: { at_least: 1000 }\n"		/* live 131072: ok */
	"  net.ipv4.tcp_fin_timeout: { at_most: 30 }\n"		/* live 60 */
	"  net.ipv4.tcp_keepalive_time: { at_most: 9000 }\n"		/* live 7200: ok */
	"  net.ipv4.ip_local_port_range: { at_least: '30000 61000' }\n" /* live 40000 40099 */
	"  net.ipv4.tcp_syncookies: '0x1'\n"				/* live 1: same */
	"  net.ipv4.tcp_tw_reuse: { value: 0, when: 'kernel.version < \"4.0\"' }\n"
	"  net.netfilter.nf_conntrack_max: 262144\n";			/* absent */

static void test_drift_and_desired(void **state)
{
	struct fixture *fx = *state;
	struct facts *f = collect(fx, "check-busy");
	struct desired_setting *d = NULL;
	const struct finding *fd;
	struct profile *p;
	struct findings fs;
	struct diag diag;
	size_t n = 0, i;

	p = load(fx, write_profile(fx, "drift", drift_profile));
	assert_int_equal(rules_evaluate(p, f, &fx->a, &fs), 0);
	fd = find(&fs, "drift-setting");
	assert_non_null(fd);
	assert_int_equal(fd->severity, SEVERITY_WARNING);
	assert_int_equal(fd->n_keys, 3);
	assert_string_equal(kv(fd->recommended, fd->n_recommended,
			       "net.ipv4.tcp_max_tw_buckets"), "999999");
	assert_string_equal(kv(fd->recommended, fd->n_recommended,
			       "net.ipv4.tcp_fin_timeout"), "30");
	/* element-wise max of "40000 40099" and "30000 61000" */
	assert_string_equal(kv(fd->recommended, fd->n_recommended,
			       "net.ipv4.ip_local_port_range"), "40000\t61000");
	assert_null(kv(fd->current, fd->n_current, "net.ipv4.tcp_syncookies"));
	assert_null(kv(fd->current, fd->n_current, "net.ipv4.tcp_tw_reuse"));
	/* the boot tree does not set any of these keys */
	assert_null(find(&fs, "drift-boot"));

	diag_init(&diag, &fx->a);
	assert_int_equal(profile_desired(p, f, &fx->a, &diag, &d, &n), 0);
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++) {
		if (strcmp(d[i].key, "net.ipv4.tcp_max_orphans") == 0)
			assert_string_equal(d[i].value, "131072");	/* max(live, 1000) */
		if (strcmp(d[i].key, "net.ipv4.tcp_keepalive_time") == 0)
			assert_string_equal(d[i].value, "7200");	/* min(live, 9000) */
		if (strcmp(d[i].key, "net.ipv4.tcp_syncookies") == 0) {
			assert_string_equal(d[i].value, "1");	/* canonical form */
			assert_string_equal(d[i].live, "1");
		}
		assert_non_null(d[i].kb);
		assert_non_null(d[i].setting);
		assert_string_not_equal(d[i].key, "net.ipv4.tcp_tw_reuse");
		if (i)
			assert_true(strcmp(d[i - 1].key, d[i].key) < 0);
	}
	/* the absent key is skipped with a note, not an error */
	assert_int_equal(diag_errors(&diag), 0);
	assert_non_null(diag.head);
	assert_non_null(strstr(diag.head->message, "net.netfilter.nf_conntrack_max"));
}

/* apply must not guess: a `when` it cannot decide is an error. */
static void test_desired_unknown(void **state)
{
	struct fixture *fx = *state;
	struct facts *f = collect(fx, "check-healthy");
	struct desired_setting *d = NULL;
	struct findings fs;
	struct profile *p;
	struct diag diag;
	size_t n = 0;

	p = load(fx, write_profile(fx, "undecided",
				   "twtune: 1\nname: undecided\nsettings:\n"
				   "  net.ipv4.tcp_tw_reuse: { value: 1, when: 'conntrack.count > 0' }\n"));
	diag_init(&diag, &fx->a);
	assert_int_equal(profile_desired(p, f, &fx->a, &diag, &d, &n), -EDOM);
	assert_int_equal(diag_errors(&diag), 1);
	assert_non_null(strstr(diag.head->message, "cannot decide whether to set"));

	/* check says so too: the drift check is unknown, not silently ok */
	assert_int_equal(rules_evaluate(p, f, &fx->a, &fs), 0);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.items[0].id, "drift-setting");
	assert_int_equal(fs.items[0].severity, SEVERITY_UNKNOWN);
	assert_non_null(strstr(fs.items[0].reason, "conntrack.count"));
	assert_null(fs.items[0].advice);
	assert_int_equal(fs.status, SEVERITY_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_healthy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drift_and_desired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_desired_unknown, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
