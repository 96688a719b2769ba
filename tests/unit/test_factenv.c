/* Unit tests for factenv: expressions over a real facts snapshot collected
 * from the facts-docker fixture root (tests/fixtures/roots/facts-docker,
 * owned by the facts module), plus profile thresholds; and the load-time
 * names, types, suggestions and argument checks factenv gives the parser. */
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

#include "arena.h"
#include "diag.h"
#include "expr.h"
#include "factenv.h"
#include "facts.h"
#include "profile.h"
#include "rootfs.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct profile_threshold thresholds[] = {
	{ "tw_port_share_critical", 0.8 },
	{ "tw_min", 5 },
};

struct fixture {
	struct arena arena;
	struct diag diag;
	struct facts *f;
	struct factenv fe;
};

static int setup(void **state)
{
	static const struct facts_options opt = {
		.sockets = true,
		.owners = true,
		.force_proc = true,
		.boot = true,
		.boot_mode = SYSCTLD_SYSTEMD,
	};
	struct fixture *fx = calloc(1, sizeof(*fx));
	char path[512];
	int root_fd;

	assert_non_null(fx);
	snprintf(path, sizeof(path), "%s/roots/facts-docker", FACTENV_FIXTURES);
	arena_init(&fx->arena);
	diag_init(&fx->diag, &fx->arena);
	assert_int_equal(root_dir_open(path, &root_fd), 0);
	assert_int_equal(facts_collect(root_fd, path, &opt, &fx->diag, &fx->f), 0);
	close(root_fd);
	factenv_init(&fx->fe, fx->f, thresholds, N(thresholds));
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	facts_free(fx->f);
	arena_release(&fx->arena);
	free(fx);
	return 0;
}

/* Same shape as test_expr.c: "type:formatted" or "unknown:reason". */
static char *describe(struct fixture *fx, const char *src)
{
	struct expr_names names = factenv_names(&fx->fe);
	struct expr_env env = factenv_env(&fx->fe);
	struct arena *a = &fx->arena;
	struct diag d;
	struct expr *e;
	struct value v;
	const char *reason = NULL;
	int r;

	diag_init(&d, a);
	r = expr_parse(src, NULL, &names, a, &d, &e);
	if (r < 0)
		return arena_printf(a, "parse error: %s", d.head ? d.head->message : "?");
	r = expr_eval(e, &env, a, &v, &reason);
	if (r == -EDOM)
		return arena_printf(a, "unknown:%s", reason);
	if (r < 0)
		return arena_printf(a, "error:%d", r);
	return arena_printf(a, "%s:%s", value_type_name(v.type),
			    v.type == VALUE_NULL ? v.null_reason : expr_value_format(&v, a));
}

static void test_eval_over_facts(void **state)
{
	static const struct {
		const char *src, *want;
	} cases[] = {
		{ "sockets.time_wait", "number:9" },
		{ "tw.top.address", "string:203.0.113.5" },
		{ "kernel.version", "version:6.1" },
		{ "kernel.version >= '4.12' && kernel.version < \"6.2\"", "bool:true" },
		{ "thresholds.tw_port_share_critical * 10", "number:8" },
		{ "sockets.time_wait > thresholds.tw_min", "bool:true" },
		{ "tw.max_per_destination >= ports.ephemeral * thresholds.tw_port_share_critical",
		  "bool:false" },
		{ "pct(conntrack.count, conntrack.max)", "number:0.4707" },
		{ "sysctl('net.ipv4.tcp_tw_reuse') == 2", "bool:true" },
		{ "sysctl('net/ipv4/tcp_tw_reuse')", "number:2" },
		{ "sysctl('net.ipv4.ip_local_reserved_ports')", "string:22,40000-40009,50000" },
		{ "sysctl('net.ipv4.tcp_tw_recycle') == 1",
		  "unknown:'sysctl('net.ipv4.tcp_tw_recycle')' is null: 'net.ipv4.tcp_tw_recycle' "
		  "does not exist on kernel 6.1.0 (removed in 4.12)" },
		{ "defined(sysctl('net.ipv4.tcp_tw_recycle'))", "bool:false" },
		{ "boot('net.ipv4.tcp_tw_reuse')", "number:1" },
		{ "boot_source('net.ipv4.tcp_tw_reuse')", "string:/etc/sysctl.d/95-local.conf:1" },
		{ "boot('net.ipv4.tcp_fin_timeout') == null", "bool:true" },
		{ "counter('TcpExt.TCPTimeWaitOverflow') > 0", "bool:true" },
		{ "counter('Tcp.MaxConn')", "number:-1" },
		{ "rate('Tcp.ActiveOpens') > 0 || counter('Tcp.ActiveOpens') > 10", "bool:true" },
		{ "rate('Tcp.ActiveOpens')", "null:no --sample given" },
		/* not closewait.top.*: owners need the fixture's fd symlinks,
		 * which make dist drops */
		{ "sockets.close_wait == 5 && env.nat && env.container == 'none'", "bool:true" },
		{ "env.netns == 'x'",
		  "unknown:'env.netns' is null: network namespace is not read under --root" },
	};
	struct fixture *fx = *state;

	for (size_t i = 0; i < N(cases); i++) {
		char *got = describe(fx, cases[i].src);

		if (strcmp(got, cases[i].want)) {
			print_error("expression: %s\n  want: %s\n  got:  %s\n",
				    cases[i].src, cases[i].want, got);
			fail();
		}
	}
}

/* Load time: no facts needed, only the thresholds. */
static void test_names(void **state)
{
	static const struct {
		const char *src, *want;
	} cases[] = {
		{ "sockets.tim_wait > 1",
		  "unknown name 'sockets.tim_wait' (did you mean 'sockets.time_wait'?)" },
		{ "thresholds.tw_port_share_critcal > 1",
		  "unknown name 'thresholds.tw_port_share_critcal' "
		  "(did you mean 'thresholds.tw_port_share_critical'?)" },
		{ "thresholds.nope > 1", "unknown name 'thresholds.nope'" },
		{ "kernel.version >= 4.12",
		  "cannot compare a version with a number (write versions as strings: \"4.12\")" },
		{ "tw.top.address * 2", "operator '*' needs a number, not a string" },
		{ "env.nat > 1", "operator '>' needs numbers or versions, not a bool" },
		{ "sockets.time_wait", "condition is a number, not a bool" },
		{ "sysctl('net.ipv4.tcp_tw_resuse') == 1",
		  "unknown sysctl key 'net.ipv4.tcp_tw_resuse' (did you mean 'net.ipv4.tcp_tw_reuse'?)" },
		{ "boot('net/ipv4/tcp_tw_resuse') == 1",
		  "unknown sysctl key 'net.ipv4.tcp_tw_resuse' (did you mean 'net.ipv4.tcp_tw_reuse'?)" },
		{ "sysctl('net.ipv4.../x') == 1", "invalid sysctl key 'net.ipv4.../x'" },
		{ "counter('TcpExt') > 0",
		  "invalid counter name 'TcpExt' (write GROUP.NAME, as in 'TcpExt.TCPTimeWaitOverflow')" },
		{ "rate('Tcp.Active Opens') > 0",
		  "invalid counter name 'Tcp.Active Opens' (write GROUP.NAME, as in "
		  "'TcpExt.TCPTimeWaitOverflow')" },
	};
	static const char *const valid[] = {
		"tw.max_per_destination >= ports.ephemeral * thresholds.tw_port_share_critical",
		"kernel.version < \"4.12\" && sysctl(\"net.ipv4.tcp_tw_recycle\") == 1",
		"env.nat == true && sysctl('net.ipv4.tcp_timestamps') == 1",
		"boot('net.ipv4.ip_local_port_range') != sysctl('net.ipv4.ip_local_port_range')",
		"counter('TcpExt.PAWSPassive') > 0 || rate('TcpExt.TCPTimeWaitOverflow') > 0",
		"defined(conntrack.max) && pct(conntrack.count, conntrack.max) > 80",
		"closewait.top.comm == 'java' || env.container == 'docker'",
	};
	struct arena a;
	struct factenv fe;
	struct expr_names names;
	struct expr *e;

	arena_init(&a);
	factenv_init(&fe, NULL, thresholds, N(thresholds));
	names = factenv_names(&fe);
	for (size_t i = 0; i < N(cases); i++) {
		struct diag d;

		diag_init(&d, &a);
		assert_int_equal(expr_parse_condition(cases[i].src, NULL, &names, &a, &d, &e),
				 -EINVAL);
		if (diag_errors(&d) != 1 || strcmp(d.head->message, cases[i].want)) {
			print_error("expression: %s\n  want: %s\n  got:  %s\n",
				    cases[i].src, cases[i].want, d.head->message);
			fail();
		}
	}
	for (size_t i = 0; i < N(valid); i++) {
		struct diag d;

		diag_init(&d, &a);
		if (expr_parse_condition(valid[i], NULL, &names, &a, &d, &e) < 0) {
			print_error("expression: %s: %s\n", valid[i], d.head->message);
			fail();
		}
	}
	arena_release(&a);
}

/* The static types factenv declares must be the types facts produces. */
static void test_types_agree(void **state)
{
	struct fixture *fx = *state;
	struct expr_names names = factenv_names(&fx->fe);
	const char *const *all = facts_names();
	size_t typed = 0;

	for (size_t i = 0; all[i]; i++) {
		enum value_type t;
		struct value v;

		assert_true(names.name_valid(names.userdata, all[i]));
		if (!names.name_type(names.userdata, all[i], &t))
			continue;
		typed++;
		assert_int_equal(facts_get(fx->f, all[i], &v), 0);
		if (v.type != VALUE_NULL && v.type != t) {
			print_error("'%s': factenv says %s, facts gives %s\n", all[i],
				    value_type_name(t), value_type_name(v.type));
			fail();
		}
	}
	assert_true(typed > 30);
}

/* Thresholds: lookup with or without the prefix; unknown ones fail. */
static void test_thresholds(void **state)
{
	struct factenv fe;
	struct expr_env env;
	struct value v;

	factenv_init(&fe, NULL, thresholds, N(thresholds));
	env = factenv_env(&fe);
	assert_non_null(factenv_threshold(thresholds, N(thresholds), "tw_min"));
	assert_non_null(factenv_threshold(thresholds, N(thresholds), "thresholds.tw_min"));
	assert_null(factenv_threshold(thresholds, N(thresholds), "thresholds.x"));
	assert_int_equal(env.lookup(env.userdata, "thresholds.tw_min", &v), 0);
	assert_true(v.type == VALUE_NUMBER && v.number == 5);
	assert_int_equal(env.lookup(env.userdata, "thresholds.x", &v), -ENOENT);
	/* without facts, facts are not there rather than crashing */
	assert_int_equal(env.lookup(env.userdata, "sockets.time_wait", &v), -ENODATA);
	assert_int_equal(env.call(env.userdata, "sysctl", "net.ipv4.tcp_tw_reuse", &v),
			 -ENODATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_eval_over_facts, setup, teardown),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_types_agree, setup, teardown),
		cmocka_unit_test(test_thresholds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
