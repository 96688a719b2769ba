/* Unit tests for the expression language: lexer, parser, load-time
 * checks, evaluation, templates. The facts come from a table-backed env
 * defined here, so these tests need no facts module. */
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
#include "expr.h"
#include "expr_internal.h"

/* The test env: a fixed table of facts and function results. */

struct fact {
	const char *name;
	struct value v;
	int error;		/* returned instead of v when set */
};

static const struct fact test_facts[] = {
	{ "n.ten", { .type = VALUE_NUMBER, .number = 10 } },
	{ "n.two", { .type = VALUE_NUMBER, .number = 2 } },
	{ "n.zero", { .type = VALUE_NUMBER, .number = 0 } },
	{ "n.half", { .type = VALUE_NUMBER, .number = 0.5 } },
	{ "n.huge", { .type = VALUE_NUMBER, .number = 1e308 } },
	{ "n.nan", { .type = VALUE_NUMBER, .number = NAN } },
	{ "s.abc", { .type = VALUE_STRING, .string = "abc" } },
	{ "s.ver", { .type = VALUE_STRING, .string = "6.8.12" } },
	{ "b.t", { .type = VALUE_BOOL, .boolean = true } },
	{ "b.f", { .type = VALUE_BOOL, .boolean = false } },
	{ "kernel.version", { .type = VALUE_VERSION, .version = { 6, 8, 12 } } },
	{ "old.version", { .type = VALUE_VERSION, .version = { 3, 10, 0 } } },
	{ "tw.top.count", { .type = VALUE_NULL, .null_reason = "no TIME_WAIT sockets" } },
	{ "tw.top.address", { .type = VALUE_STRING, .string = "10.0.0.5" } },
	{ "tw.top.port", { .type = VALUE_NUMBER, .number = 8080 } },
	{ "x.null", { .type = VALUE_NULL } },
	{ "x.fail", { .type = VALUE_NULL }, -EIO },
	{ "c.count", { .type = VALUE_BOOL, .boolean = true } },
	{ "thresholds.share", { .type = VALUE_NUMBER, .number = 0.8 } },
	{ "sockets.time_wait", { .type = VALUE_NUMBER, .number = 30000 } },
	{ "ports.ephemeral", { .type = VALUE_NUMBER, .number = 28232 } },
};

static const struct {
	const char *function, *arg;
	struct value v;
} test_calls[] = {
	{ "sysctl", "net.ipv4.tcp_tw_reuse", { .type = VALUE_NUMBER, .number = 2 } },
	{ "sysctl", "net.ipv4.tcp_tw_recycle", { .type = VALUE_NULL,
	  .null_reason = "'net.ipv4.tcp_tw_recycle' does not exist on this kernel" } },
	{ "counter", "Tcp.ActiveOpens", { .type = VALUE_NUMBER, .number = 1000 } },
	{ "rate", "Tcp.ActiveOpens", { .type = VALUE_NULL, .null_reason = "no --sample given" } },
	{ "boot", "net.ipv4.tcp_tw_reuse", { .type = VALUE_STRING, .string = "1" } },
	{ "boot_source", "net.ipv4.tcp_tw_reuse", { .type = VALUE_STRING,
	  .string = "/etc/sysctl.d/10.conf:3" } },
};

struct test_env {
	unsigned lookups;	/* calls of lookup("c.count") */
	unsigned calls;		/* calls of call() */
};

static int env_lookup(void *userdata, const char *name, struct value *ret)
{
	struct test_env *te = userdata;

	if (!strcmp(name, "c.count"))
		te->lookups++;
	for (size_t i = 0; i < sizeof(test_facts) / sizeof(test_facts[0]); i++) {
		if (strcmp(test_facts[i].name, name))
			continue;
		if (test_facts[i].error)
			return test_facts[i].error;
		*ret = test_facts[i].v;
		return 0;
	}
	return -ENOENT;
}

static int env_call(void *userdata, const char *function, const char *arg,
		    struct value *ret)
{
	struct test_env *te = userdata;

	te->calls++;
	for (size_t i = 0; i < sizeof(test_calls) / sizeof(test_calls[0]); i++) {
		if (!strcmp(test_calls[i].function, function) &&
		    !strcmp(test_calls[i].arg, arg)) {
			*ret = test_calls[i].v;
			return 0;
		}
	}
	*ret = value_null("no such test value");
	return 0;
}

static bool names_valid(void *userdata, const char *name)
{
	for (size_t i = 0; i < sizeof(test_facts) / sizeof(test_facts[0]); i++)
		if (!strcmp(test_facts[i].name, name))
			return true;
	return false;
}

static const struct expr_names test_names = { .name_valid = names_valid };

/* "type:formatted" for a value, "unknown:reason" for -EDOM, "error:N"
 * otherwise: one string to compare per case. */
static char *describe_eval(struct arena *a, const char *src, struct test_env *te)
{
	struct expr_env env = { env_lookup, env_call, te };
	struct diag d;
	struct expr *e;
	struct value v;
	const char *reason = NULL;
	int r;

	diag_init(&d, a);
	r = expr_parse(src, NULL, &test_names, a, &d, &e);
	if (r < 0)
		return arena_printf(a, "parse error %d: %s", r,
				    d.head ? d.head->message : "?");
	r = expr_eval(e, &env, a, &v, &reason);
	if (r == -EDOM)
		return arena_printf(a, "unknown:%s", reason);
	if (r < 0)
		return arena_printf(a, "error:%d", r);
	return arena_printf(a, "%s:%s", value_type_name(v.type),
			    v.type == VALUE_NULL ? (v.null_reason ? v.null_reason : "")
						 : expr_value_format(&v, a));
}

struct eval_case {
	const char *src;
	const char *want;
};

static void run_eval_cases(const struct eval_case *cases, size_t n)
{
	struct arena a;

	arena_init(&a);
	for (size_t i = 0; i < n; i++) {
		struct test_env te = { 0 };
		char *got = describe_eval(&a, cases[i].src, &te);

		if (strcmp(got, cases[i].want)) {
			print_error("expression: %s\n  want: %s\n  got:  %s\n",
				    cases[i].src, cases[i].want, got);
			fail();
		}
	}
	arena_release(&a);
}

#define RUN(cases) run_eval_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* Lexer. */

static char *describe_tokens(struct arena *a, const char *src)
{
	struct expr_lexer lx;
	struct expr_token t;
	char *out = arena_strdup(a, "");
	int r;

	expr_lexer_init(&lx, src, 0, strlen(src), a);
	do {
		r = expr_lex(&lx, &t);
		if (r < 0)
			return arena_printf(a, "%s error@%zu+%zu: %s", out,
					    lx.error_start, lx.error_len, lx.error);
		if (t.kind == EXPR_TOK_NUMBER)
			out = arena_printf(a, "%s%s%g@%zu+%zu", out, *out ? " " : "",
					   t.number, t.start, t.len);
		else if (t.kind == EXPR_TOK_STRING)
			out = arena_printf(a, "%s%s\"%s\"@%zu+%zu", out, *out ? " " : "",
					   t.text, t.start, t.len);
		else if (t.kind == EXPR_TOK_NAME)
			out = arena_printf(a, "%s%sname:%s@%zu+%zu", out, *out ? " " : "",
					   t.text, t.start, t.len);
		else
			out = arena_printf(a, "%s%s%s@%zu+%zu", out, *out ? " " : "",
					   expr_tok_spelling(t.kind), t.start, t.len);
	} while (t.kind != EXPR_TOK_EOF);
	return out;
}

static void test_lexer(void **state)
{
	static const struct eval_case cases[] = {
		{ "sockets.time_wait >= 4.5",
		  "name:sockets.time_wait@0+17 >=@18+2 4.5@21+3 end of expression@24+0" },
		{ "thresholds.tw_port_share_critical",
		  "name:thresholds.tw_port_share_critical@0+33 end of expression@33+0" },
		{ "tw.top.count!=0", "name:tw.top.count@0+12 !=@12+2 0@14+1 end of expression@15+0" },
		{ "!a-b*c/d%e+f", "!@0+1 name:a@1+1 -@2+1 name:b@3+1 *@4+1 name:c@5+1 /@6+1 "
		  "name:d@7+1 %@8+1 name:e@9+1 +@10+1 name:f@11+1 end of expression@12+0" },
		{ "a<b<=c>d>=e==f!=g&&h||i",
		  "name:a@0+1 <@1+1 name:b@2+1 <=@3+2 name:c@5+1 >@6+1 name:d@7+1 >=@8+2 "
		  "name:e@10+1 ==@11+2 name:f@13+1 !=@14+2 name:g@16+1 &&@17+2 name:h@19+1 "
		  "||@20+2 name:i@22+1 end of expression@23+0" },
		{ "min(1, 2)", "name:min@0+3 (@3+1 1@4+1 ,@5+1 2@7+1 )@8+1 end of expression@9+0" },
		{ "true false null", "true@0+4 false@5+5 null@11+4 end of expression@15+0" },
		{ "truex null_ok", "name:truex@0+5 name:null_ok@6+7 end of expression@13+0" },
		{ "\"a\\\"b\" 'c\\'d' 'e\\\\f' 'g\\nh' \"'\"",
		  "\"a\"b\"@0+6 \"c'd\"@7+6 \"e\\f\"@14+6 \"g\nh\"@21+6 \"'\"@28+3 end of expression@31+0" },
		{ " \t\n 12 \n", "12@4+2 end of expression@8+0" },
		{ "007", "7@0+3 end of expression@3+0" },
		{ "", "end of expression@0+0" },
		/* Errors: position and length of the offending text. */
		{ "1 + #", "1@0+1 +@2+1 error@4+1: unexpected character '#'" },
		{ "'abc", " error@0+4: unterminated string" },
		{ "\"ab\ncd\"", " error@0+3: unterminated string" },
		{ "'a\\x'", " error@2+2: invalid escape '\\x' in string" },
		{ "'a\\", " error@0+3: unterminated string" },
		{ "4.12.1", " error@0+6: invalid number '4.12.1' (quote versions: \"4.12.1\")" },
		{ "4.", " error@0+2: invalid number '4.'" },
		{ "12abc", " error@0+5: invalid number '12abc'" },
		{ "a = 1", "name:a@0+1 error@2+1: unexpected '=' (use '==' to compare)" },
		{ "a & b", "name:a@0+1 error@2+1: unexpected '&' (use '&&')" },
		{ "a | b", "name:a@0+1 error@2+1: unexpected '|' (use '||')" },
		{ "a.", " error@0+2: invalid name 'a.'" },
		{ "a..b", " error@0+4: invalid name 'a..b'" },
		{ "a.1b", " error@0+4: invalid name 'a.1b'" },
		{ "\x01", " error@0+1: unexpected character 0x01" },
		{ "'\x01'", " error@1+1: control character 0x01 in string" },
		{ "{x}", " error@0+1: unexpected character '{'" },
	};
	struct arena a;

	arena_init(&a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = describe_tokens(&a, cases[i].src);

		if (strcmp(got, cases[i].want)) {
			print_error("source: %s\n  want: %s\n  got:  %s\n",
				    cases[i].src, cases[i].want, got);
			fail();
		}
	}
	arena_release(&a);
}

static void test_lexer_huge_number(void **state)
{
	struct arena a;
	char src[400];

	arena_init(&a);
	memset(src, '9', sizeof(src) - 1);
	src[sizeof(src) - 1] = '\0';
	assert_non_null(strstr(describe_tokens(&a, src), "is too large"));
	arena_release(&a);
}

/* Evaluation. */

static void test_precedence(void **state)
{
	static const struct eval_case cases[] = {
		{ "1 + 2 * 3", "number:7" },
		{ "(1 + 2) * 3", "number:9" },
		{ "10 - 4 - 3", "number:3" },
		{ "100 / 10 / 5", "number:2" },
		{ "2 * 3 % 4", "number:2" },
		{ "7 % 4 * 2", "number:6" },
		{ "10 - 2 * 3 + 1", "number:5" },
		{ "-2 * 3", "number:-6" },
		{ "2 * -3", "number:-6" },
		{ "- -2", "number:2" },
		{ "-(2 - 5)", "number:3" },
		{ "0.5 + 0.25", "number:0.75" },
		{ "!true == false", "bool:true" },
		{ "!!true", "bool:true" },
		{ "1 < 2 == true", "bool:true" },
		{ "1 == 1 != false", "bool:true" },
		{ "true || false && false", "bool:true" },
		{ "(true || false) && false", "bool:false" },
		{ "false && true || true", "bool:true" },
		{ "false && (true || true)", "bool:false" },
		{ "1 + 2 < 4 && 3 * 2 >= 6", "bool:true" },
		{ "!(1 < 2)", "bool:false" },
		{ "2 + 3 * 4 == 14 && 20 / 4 - 1 == 4", "bool:true" },
		{ "(((((1)))))", "number:1" },
		{ "pct(1, 4) + 1", "number:26" },
		{ "sockets.time_wait >= ports.ephemeral * thresholds.share", "bool:true" },
	};
	RUN(cases);
}

static void test_arithmetic(void **state)
{
	static const struct eval_case cases[] = {
		{ "n.ten + n.two", "number:12" },
		{ "n.ten - n.two", "number:8" },
		{ "n.ten * n.two", "number:20" },
		{ "n.ten / n.two", "number:5" },
		{ "n.ten % 3", "number:1" },
		{ "n.ten / 4", "number:2.5" },
		{ "n.half * 3", "number:1.5" },
		{ "-n.ten", "number:-10" },
		{ "n.ten + s.abc", "unknown:'s.abc' is a string, not a number" },
		{ "s.abc - 1", "unknown:'s.abc' is a string, not a number" },
		{ "b.t * 1", "unknown:'b.t' is a bool, not a number" },
		{ "kernel.version + 1", "unknown:'kernel.version' is a version, not a number" },
		{ "1 / b.f", "unknown:'b.f' is a bool, not a number" },
		{ "-s.abc", "unknown:'s.abc' is a string, not a number" },
		{ "tw.top.count + 1", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "1 % tw.top.count", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "-tw.top.count", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "x.null * 2", "unknown:'x.null' is null" },
		{ "n.nan * 2", "unknown:'n.nan' is null: not a number" },
		{ "n.ten / n.zero", "unknown:division by zero in 'n.ten / n.zero'" },
		{ "n.ten % n.zero", "unknown:modulo by zero in 'n.ten % n.zero'" },
		{ "(n.ten + 1) / (n.two - 2)",
		  "unknown:division by zero in '(n.ten + 1) / (n.two - 2)'" },
		{ "n.huge * 10", "unknown:result of 'n.huge * 10' is not a finite number" },
		{ "x.fail + 1", "unknown:cannot read 'x.fail': Input/output error" },
		{ "n.ten / n.zero + tw.top.count",
		  "unknown:division by zero in 'n.ten / n.zero'" },
	};
	RUN(cases);
}

static void test_comparisons(void **state)
{
	static const struct eval_case cases[] = {
		{ "n.ten > n.two", "bool:true" },
		{ "n.ten < n.two", "bool:false" },
		{ "n.ten <= 10", "bool:true" },
		{ "n.ten >= 10.5", "bool:false" },
		{ "n.ten == 10", "bool:true" },
		{ "n.ten != 10", "bool:false" },
		/* strings: == and != compare text, ordering reads versions */
		{ "s.abc == \"abc\"", "bool:true" },
		{ "s.abc != 'abd'", "bool:true" },
		{ "s.abc == 'ABC'", "bool:false" },
		{ "s.abc < s.ver", "unknown:invalid version 'abc'" },
		{ "s.ver >= \"4.12\"", "bool:true" },
		{ "\"6.8.12\" >= \"4.12\"", "bool:true" },
		{ "\"4.9\" < \"4.12\"", "bool:true" },
		{ "\"4.12\" == \"4.12.0\"", "bool:false" },
		/* versions */
		{ "kernel.version >= \"4.12\"", "bool:true" },
		{ "kernel.version < \"4.12\"", "bool:false" },
		{ "old.version < \"4.12\"", "bool:true" },
		{ "\"4.12\" > old.version", "bool:true" },
		{ "kernel.version == \"6.8.12\"", "bool:true" },
		{ "kernel.version == '6.8.12-1-amd64'", "bool:true" },
		{ "kernel.version != \"6.8\"", "bool:true" },
		{ "kernel.version == s.ver", "bool:true" },
		{ "kernel.version > old.version", "bool:true" },
		{ "kernel.version <= kernel.version", "bool:true" },
		{ "kernel.version == s.abc", "unknown:invalid version 'abc'" },
		{ "kernel.version == 6.8",
		  "unknown:cannot compare a version with a number in 'kernel.version == 6.8'" },
		{ "kernel.version >= 4",
		  "unknown:cannot compare a version with a number in 'kernel.version >= 4'" },
		/* bools, and bools against 0/1 */
		{ "b.t == true", "bool:true" },
		{ "b.t != b.f", "bool:true" },
		{ "b.t == 1", "bool:true" },
		{ "b.f == 0", "bool:true" },
		{ "b.f != 1", "bool:true" },
		{ "b.t < b.f", "unknown:cannot compare a bool with a bool in 'b.t < b.f'" },
		{ "b.t > 0", "unknown:cannot compare a bool with a number in 'b.t > 0'" },
		/* mismatches */
		{ "n.ten == s.abc", "unknown:cannot compare a number with a string in 'n.ten == s.abc'" },
		{ "n.ten < s.ver", "unknown:cannot compare a number with a string in 'n.ten < s.ver'" },
		{ "s.abc == b.t", "unknown:cannot compare a string with a bool in 's.abc == b.t'" },
		{ "kernel.version == b.t",
		  "unknown:cannot compare a version with a bool in 'kernel.version == b.t'" },
		/* null */
		{ "tw.top.count > 0", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "0 == tw.top.count", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "tw.top.count == x.null", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "tw.top.count == null", "bool:true" },
		{ "null == tw.top.count", "bool:true" },
		{ "tw.top.count != null", "bool:false" },
		{ "n.ten == null", "bool:false" },
		{ "n.ten != null", "bool:true" },
		{ "null == null", "bool:true" },
		{ "null != null", "bool:false" },
		{ "(n.ten / n.zero) == null", "bool:true" },
		{ "x.fail == null", "bool:true" },
		{ "rate('Tcp.ActiveOpens') == null", "bool:true" },
	};
	RUN(cases);
}

static void test_logic(void **state)
{
	static const struct eval_case cases[] = {
		{ "b.t && b.f", "bool:false" },
		{ "b.t && b.t", "bool:true" },
		{ "b.t || b.f", "bool:true" },
		{ "b.f || b.f", "bool:false" },
		{ "!b.t", "bool:false" },
		{ "!b.f", "bool:true" },
		{ "!tw.top.count", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "!s.abc", "unknown:'s.abc' is a string, not a bool" },
		/* unknown on one side: decided by the other when possible */
		{ "b.f && tw.top.count > 0", "bool:false" },
		{ "tw.top.count > 0 && b.f", "bool:false" },
		{ "tw.top.count > 0 && b.t", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "b.t && tw.top.count > 0", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "b.t || tw.top.count > 0", "bool:true" },
		{ "tw.top.count > 0 || b.t", "bool:true" },
		{ "tw.top.count > 0 || b.f", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "b.t && tw.top.count", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "b.f && tw.top.count", "bool:false" },
		{ "n.ten / n.zero > 1 || x.null",
		  "unknown:division by zero in 'n.ten / n.zero'" },
		{ "n.ten && b.t", "unknown:'n.ten' is a number, not a bool" },
		{ "n.ten && b.f", "bool:false" },
		{ "b.t || s.abc", "bool:true" },
		{ "b.f || s.abc", "unknown:'s.abc' is a string, not a bool" },
	};
	RUN(cases);
}

static void test_functions(void **state)
{
	static const struct eval_case cases[] = {
		{ "defined(tw.top.count)", "bool:false" },
		{ "defined(n.ten)", "bool:true" },
		{ "defined(n.ten / n.zero)", "bool:false" },
		{ "defined(x.fail)", "bool:false" },
		{ "defined(sysctl('net.ipv4.tcp_tw_recycle'))", "bool:false" },
		{ "defined(sysctl('net.ipv4.tcp_tw_reuse'))", "bool:true" },
		{ "defined(null)", "bool:false" },
		{ "!defined(tw.top.count) || tw.top.count > 5", "bool:true" },
		{ "min(3, 1, 2)", "number:1" },
		{ "max(3, 1, 2)", "number:3" },
		{ "min(n.ten, -n.two)", "number:-2" },
		{ "max(n.ten, n.two) * 2", "number:20" },
		{ "min(n.ten, tw.top.count)", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "max(tw.top.count, n.ten)", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "max(n.ten, s.abc)", "unknown:'s.abc' is a string, not a number" },
		{ "pct(1, 4)", "number:25" },
		{ "pct(1, 3)", "number:33.33" },
		{ "pct(n.ten, n.zero)", "unknown:division by zero in 'pct(n.ten, n.zero)'" },
		{ "pct(tw.top.count, 2)", "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "sysctl('net.ipv4.tcp_tw_reuse') == 2", "bool:true" },
		{ "sysctl(\"net.ipv4.tcp_tw_recycle\") == 1",
		  "unknown:'sysctl(\"net.ipv4.tcp_tw_recycle\")' is null: "
		  "'net.ipv4.tcp_tw_recycle' does not exist on this kernel" },
		{ "counter('Tcp.ActiveOpens') / 10", "number:100" },
		{ "rate('Tcp.ActiveOpens') > 5",
		  "unknown:'rate('Tcp.ActiveOpens')' is null: no --sample given" },
		{ "boot('net.ipv4.tcp_tw_reuse') == '1'", "bool:true" },
		{ "boot_source('net.ipv4.tcp_tw_reuse')", "string:/etc/sysctl.d/10.conf:3" },
		/* a bare null result is a value, not an error */
		{ "tw.top.count", "null:no TIME_WAIT sockets" },
		{ "sysctl('nope')", "null:no such test value" },
		{ "null", "null:null" },
		{ "\"a\\\"b\"", "string:a\"b" },
		{ "kernel.version", "version:6.8.12" },
	};
	RUN(cases);
}

static void test_short_circuit(void **state)
{
	static const struct {
		const char *src;
		unsigned lookups;
		const char *want;
	} cases[] = {
		{ "b.f && c.count", 0, "bool:false" },
		{ "b.t || c.count", 0, "bool:true" },
		{ "b.t && c.count", 1, "bool:true" },
		{ "b.f || c.count", 1, "bool:true" },
		{ "(b.f && c.count) || (b.t || c.count)", 0, "bool:true" },
		{ "tw.top.count > 0 && c.count", 1,
		  "unknown:'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "defined(c.count)", 1, "bool:true" },
		{ "c.count == null", 1, "bool:false" },
	};
	struct arena a;

	arena_init(&a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct test_env te = { 0 };
		char *got = describe_eval(&a, cases[i].src, &te);

		if (strcmp(got, cases[i].want) || te.lookups != cases[i].lookups) {
			print_error("expression: %s\n  want: %s (%u lookups)\n"
				    "  got:  %s (%u lookups)\n", cases[i].src,
				    cases[i].want, cases[i].lookups, got, te.lookups);
			fail();
		}
	}
	arena_release(&a);
}

static void test_eval_bool(void **state)
{
	static const struct {
		const char *src;
		int r;
		bool value;
		const char *reason;
	} cases[] = {
		{ "n.ten > 5", 0, true, NULL },
		{ "b.f", 0, false, NULL },
		{ "n.ten", -EDOM, false, "condition is a number, not a bool" },
		{ "s.abc", -EDOM, false, "condition is a string, not a bool" },
		{ "kernel.version", -EDOM, false, "condition is a version, not a bool" },
		{ "tw.top.count", -EDOM, false, "'tw.top.count' is null: no TIME_WAIT sockets" },
		{ "x.null", -EDOM, false, "'x.null' is null" },
		{ "n.ten / 0 > 1", -EDOM, false, "division by zero in 'n.ten / 0'" },
	};
	struct expr_env env = { env_lookup, env_call, NULL };
	struct test_env te = { 0 };
	struct arena a;

	env.userdata = &te;
	arena_init(&a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct expr *e;
		const char *reason = NULL;
		bool b = !cases[i].value;
		int r;

		assert_int_equal(expr_parse(cases[i].src, NULL, &test_names, &a,
					    NULL, &e), 0);
		r = expr_eval_bool(e, &env, &a, &b, &reason);
		if (r != cases[i].r || (r == 0 && b != cases[i].value) ||
		    (cases[i].reason && (!reason || strcmp(reason, cases[i].reason)))) {
			print_error("expression: %s: r=%d b=%d reason=%s\n",
				    cases[i].src, r, b, reason ? reason : "(none)");
			fail();
		}
	}
	arena_release(&a);
}

/* A missing env is unknown, not a crash. */
static void test_no_env(void **state)
{
	struct arena a;
	struct expr *e;
	struct value v;
	const char *reason = NULL;

	arena_init(&a);
	assert_int_equal(expr_parse("n.ten + sysctl('k')", NULL, NULL, &a, NULL, &e), 0);
	assert_int_equal(expr_eval(e, NULL, &a, &v, &reason), -EDOM);
	assert_string_equal(reason, "no value for 'n.ten'");
	assert_int_equal(expr_parse("1 + 2", NULL, NULL, &a, NULL, &e), 0);
	assert_int_equal(expr_eval(e, NULL, &a, &v, &reason), 0);
	assert_true(v.type == VALUE_NUMBER && v.number == 3);
	arena_release(&a);
}

/* Load-time errors. */

/* Every diag as "line:col: message [caret_start,caret_len]", one per line. */
static char *describe_diags(struct arena *a, const struct diag *d)
{
	char *out = arena_strdup(a, "");

	for (const struct diag_entry *e = d->head; e; e = e->next) {
		assert_int_equal(e->severity, DIAG_ERROR);
		assert_non_null(e->id);
		assert_memory_equal(e->id, "expr-", 5);
		out = arena_printf(a, "%s%s%u:%u: %s [%u,%u]", out, *out ? "\n" : "",
				   e->line, e->column, e->message, e->caret_start,
				   e->caret_len);
	}
	return out;
}

struct error_case {
	const char *src;
	unsigned line, column, continuation;
	const char *want;
};

static void run_error_cases_names(const struct error_case *cases, size_t n,
				  bool template, const struct expr_names *names)
{
	struct arena a;

	arena_init(&a);
	for (size_t i = 0; i < n; i++) {
		struct expr_origin o = { "p.yaml", cases[i].line, cases[i].column,
					 cases[i].continuation };
		struct expr_template *t = NULL;
		struct expr *e = NULL;
		struct diag d;
		char *got;
		int r;

		diag_init(&d, &a);
		if (template)
			r = expr_template_parse(cases[i].src, &o, names, &a, &d, &t);
		else
			r = expr_parse(cases[i].src, &o, names, &a, &d, &e);
		got = describe_diags(&a, &d);
		if (r != -EINVAL || e || t || strcmp(got, cases[i].want)) {
			print_error("source: %s\n  r: %d\n  want: %s\n  got:  %s\n",
				    cases[i].src, r, cases[i].want, got);
			fail();
		}
		for (const struct diag_entry *de = d.head; de; de = de->next)
			assert_string_equal(de->file, "p.yaml");
	}
	arena_release(&a);
}

static void run_error_cases(const struct error_case *cases, size_t n, bool template)
{
	run_error_cases_names(cases, n, template, &test_names);
}

static void test_load_errors(void **state)
{
	static const struct error_case cases[] = {
		/* names and functions; an expression at line 7 column 11 */
		{ "sockets.tim_wait > 1", 7, 11, 0,
		  "7:11: unknown name 'sockets.tim_wait' [0,16]" },
		{ "n.ten > 1 && tw.top.cont == 2", 7, 11, 0,
		  "7:24: unknown name 'tw.top.cont' [13,11]" },
		{ "foo(1)", 1, 1, 0, "1:1: unknown function 'foo' [0,3]" },
		{ "foo(bogus)", 1, 1, 0,
		  "1:1: unknown function 'foo' [0,3]\n1:5: unknown name 'bogus' [4,5]" },
		{ "min(1)", 1, 1, 0, "1:1: function 'min' takes at least 2 arguments [0,3]" },
		{ "max()", 1, 1, 0, "1:1: function 'max' takes at least 2 arguments [0,3]" },
		{ "pct(1, 2, 3)", 1, 1, 0, "1:1: function 'pct' takes 2 arguments [0,3]" },
		{ "pct(1)", 1, 1, 0, "1:1: function 'pct' takes 2 arguments [0,3]" },
		{ "sysctl()", 1, 1, 0, "1:1: function 'sysctl' takes 1 argument [0,6]" },
		{ "boot('a', 'b')", 1, 1, 0, "1:1: function 'boot' takes 1 argument [0,4]" },
		{ "boot_source('a', 'b')", 1, 1, 0,
		  "1:1: function 'boot_source' takes 1 argument [0,11]" },
		{ "counter()", 1, 1, 0, "1:1: function 'counter' takes 1 argument [0,7]" },
		{ "rate()", 1, 1, 0, "1:1: function 'rate' takes 1 argument [0,4]" },
		{ "defined()", 1, 1, 0, "1:1: function 'defined' takes 1 argument [0,7]" },
		{ "defined(n.ten, n.two)", 1, 1, 0,
		  "1:1: function 'defined' takes 1 argument [0,7]" },
		{ "sysctl(n.ten) == 1", 1, 1, 0,
		  "1:8: argument of 'sysctl' must be a string literal [7,5]" },
		{ "counter(1)", 1, 1, 0, "1:9: argument of 'counter' must be a string literal [8,1]" },
		{ "rate('a' + 'b')", 1, 1, 0,
		  "1:6: argument of 'rate' must be a string literal [5,9]" },
		{ "boot('')", 1, 1, 0, "1:6: argument of 'boot' is empty [5,2]" },
		{ "defined(bogus)", 1, 1, 0, "1:9: unknown name 'bogus' [8,5]" },
		/* static types */
		{ "\"abc\" * 2", 1, 1, 0, "1:1: operator '*' needs a number, not a string [0,5]" },
		{ "2 - true", 1, 1, 0, "1:5: operator '-' needs a number, not a bool [4,4]" },
		{ "null + 1", 1, 1, 0, "1:1: operator '+' needs a number, not null [0,4]" },
		{ "-'x'", 1, 1, 0, "1:2: operator '-' needs a number, not a string [1,3]" },
		{ "! \"x\"", 1, 1, 0, "1:3: operator '!' needs a bool, not a string [2,3]" },
		{ "!1", 1, 1, 0, "1:2: operator '!' needs a bool, not a number [1,1]" },
		{ "1 && true", 1, 1, 0, "1:1: operator '&&' needs a bool, not a number [0,1]" },
		{ "b.t || (1 + 2)", 1, 1, 0,
		  "1:8: operator '||' needs a bool, not a number [7,7]" },
		{ "true < 1", 1, 1, 0,
		  "1:1: operator '<' needs numbers or versions, not a bool [0,4]" },
		{ "n.ten >= null", 1, 1, 0,
		  "1:10: operator '>=' needs numbers or versions, not null [9,4]" },
		{ "1 < 'abc'", 1, 1, 0, "1:3: cannot compare a number with a string [2,1]" },
		{ "n.ten < 'abc'", 1, 1, 0, "1:9: invalid version 'abc' in comparison '<' [8,5]" },
		{ "1 == 'a'", 1, 1, 0, "1:3: cannot compare a number with a string [2,2]" },
		{ "true != 'a'", 1, 1, 0, "1:6: cannot compare a bool with a string [5,2]" },
		{ "1 < 2 < 3", 1, 1, 0,
		  "1:7: comparisons cannot be chained (write 'a < b && b < c') [6,1]" },
		{ "n.ten > n.two >= 3", 1, 1, 0,
		  "1:15: comparisons cannot be chained (write 'a < b && b < c') [14,2]" },
		{ "(1 < 2) < 3", 1, 1, 0,
		  "1:1: operator '<' needs numbers or versions, not a bool [0,7]" },
		{ "min(1, 'a')", 1, 1, 0, "1:8: function 'min' needs a number, not a string [7,3]" },
		{ "pct(true, 1)", 1, 1, 0, "1:5: function 'pct' needs a number, not a bool [4,4]" },
		{ "defined(n.ten) + 1", 1, 1, 0,
		  "1:1: operator '+' needs a number, not a bool [0,14]" },
		{ "boot_source('k') * 2", 1, 1, 0,
		  "1:1: operator '*' needs a number, not a string [0,16]" },
		/* several errors in one expression, all reported */
		{ "unknown.a + unknown.b > min(1) && foo()", 3, 5, 0,
		  "3:5: unknown name 'unknown.a' [0,9]\n"
		  "3:17: unknown name 'unknown.b' [12,9]\n"
		  "3:29: function 'min' takes at least 2 arguments [24,3]\n"
		  "3:39: unknown function 'foo' [34,3]" },
		/* lexer errors stop */
		{ "bogus + #", 7, 11, 0, "7:19: unexpected character '#' [8,1]" },
		{ "'abc", 1, 1, 0, "1:1: unterminated string [0,4]" },
		{ "kernel.version < 4.12.1", 1, 1, 0,
		  "1:18: invalid number '4.12.1' (quote versions: \"4.12.1\") [17,6]" },
		{ "a = 1", 1, 1, 0, "1:3: unexpected '=' (use '==' to compare) [2,1]" },
		/* syntax errors stop */
		{ "1 +", 1, 1, 0, "1:4: unexpected end of expression [3,1]" },
		{ "(1 + 2", 1, 1, 0, "1:1: missing ')' to match '(' [0,1]" },
		{ "(1 + 2 3", 1, 1, 0, "1:8: expected ')', found '3' [7,1]" },
		{ "1 2", 1, 1, 0, "1:3: unexpected '2' [2,1]" },
		{ "min(1 2)", 1, 1, 0, "1:7: expected ',' or ')', found '2' [6,1]" },
		{ "min(1, 2", 1, 1, 0, "1:4: missing ')' to match '(' [3,1]" },
		{ "min(1,)", 1, 1, 0, "1:7: unexpected ')' [6,1]" },
		{ ")", 1, 1, 0, "1:1: unexpected ')' [0,1]" },
		{ "n.ten > > 1", 1, 1, 0, "1:9: unexpected '>' [8,1]" },
		{ "true(1)", 1, 1, 0, "1:5: unexpected '(' [4,1]" },
		{ "1 + * 2", 1, 1, 0, "1:5: unexpected '*' [4,1]" },
		{ "", 4, 9, 0, "4:9: empty expression [0,1]" },
		{ "   ", 4, 9, 0, "4:9: empty expression [0,3]" },
		/* multi-line: later lines start at column 1, or at the
		 * continuation column the caller gives */
		{ "n.ten > 1 &&\n  bogus.name", 7, 11, 0,
		  "8:3: unknown name 'bogus.name' [2,10]" },
		{ "n.ten > 1 &&\n  bogus.name", 7, 11, 9,
		  "8:11: unknown name 'bogus.name' [2,10]" },
		{ "n.ten > 1 &&\nn.two > 1 &&\n\tx.y", 2, 3, 0,
		  "4:2: unknown name 'x.y' [1,3]" },
		{ "bogus.a ||\n(1 +\n", 2, 3, 0, "4:1: unexpected end of expression [0,1]" },
		{ "n.ten > 1 && 'ab\ncd'", 2, 3, 0, "2:16: unterminated string [13,3]" },
	};
	run_error_cases(cases, sizeof(cases) / sizeof(cases[0]), false);
}

/* Each kind of error has its stable diagnostic id. */
static void test_diag_ids(void **state)
{
	static const struct {
		const char *src, *id;
	} cases[] = {
		{ "1 +", "expr-syntax" },
		{ "'x", "expr-syntax" },
		{ "bogus", "expr-unknown-name" },
		{ "frob(1)", "expr-unknown-function" },
		{ "min(1)", "expr-arity" },
		{ "sysctl(1)", "expr-argument" },
		{ "'a' * 2", "expr-type" },
	};
	struct arena a;

	arena_init(&a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag d;
		struct expr *e;

		diag_init(&d, &a);
		assert_int_equal(expr_parse(cases[i].src, NULL, &test_names, &a, &d, &e),
				 -EINVAL);
		assert_int_equal(diag_errors(&d), 1);
		assert_string_equal(d.head->id, cases[i].id);
		assert_null(d.head->file);
		assert_int_equal(d.head->line, 1);
	}
	arena_release(&a);
}

/* The caret excerpt is the offending line of the expression. */
static void test_caret_source(void **state)
{
	struct expr_origin o = { "web.yaml", 7, 11, 0 };
	struct arena a;
	struct diag d;
	struct expr *e;

	arena_init(&a);
	diag_init(&d, &a);
	assert_int_equal(expr_parse("tw.top.count > 0 &&\n  min(n.ten) > 1 && x.y", &o,
				    &test_names, &a, &d, &e), -EINVAL);
	assert_int_equal(diag_errors(&d), 2);
	assert_string_equal(d.head->message, "function 'min' takes at least 2 arguments");
	assert_string_equal(d.head->source, "  min(n.ten) > 1 && x.y");
	assert_int_equal(d.head->line, 8);
	assert_int_equal(d.head->column, 3);
	assert_int_equal(d.head->caret_start, 2);
	assert_int_equal(d.head->caret_len, 3);
	assert_string_equal(d.head->next->message, "unknown name 'x.y'");
	assert_string_equal(d.head->next->source, "  min(n.ten) > 1 && x.y");
	assert_int_equal(d.head->next->column, 21);

	/* A span crossing a line end is cut at the line end. */
	diag_init(&d, &a);
	assert_int_equal(expr_parse("1 + (2 *\n 3) + 'x'", &o, &test_names, &a, &d, &e),
			 -EINVAL);
	assert_string_equal(d.head->message, "operator '+' needs a number, not a string");
	assert_string_equal(d.head->source, " 3) + 'x'");
	assert_int_equal(d.head->caret_start, 6);

	/* No carriage return in the excerpt. */
	diag_init(&d, &a);
	assert_int_equal(expr_parse("n.ten > 1 &&\r\n bogus", &o, &test_names, &a, &d, &e),
			 -EINVAL);
	assert_string_equal(d.head->source, " bogus");
	assert_int_equal(d.head->column, 2);
	diag_init(&d, &a);
	assert_int_equal(expr_parse("(1 +\r", &o, &test_names, &a, &d, &e), -EINVAL);
	assert_string_equal(d.head->message, "unexpected end of expression");
	assert_int_equal(d.head->caret_start, strlen(d.head->source));
	diag_init(&d, &a);
	assert_int_equal(expr_parse("bogus &&\r\n 1 > 0", &o, &test_names, &a, &d, &e),
			 -EINVAL);
	assert_string_equal(d.head->source, "bogus &&");

	diag_init(&d, &a);
	assert_int_equal(expr_parse("(1 + 2) * 'x'", &o, &test_names, &a, &d, &e), -EINVAL);
	assert_string_equal(d.head->source, "(1 + 2) * 'x'");
	assert_int_equal(d.head->column, 21);
	arena_release(&a);
}

/* Names with fixed types and "did you mean" suggestions. */

static bool typed_name_type(void *userdata, const char *name, enum value_type *ret)
{
	if (!strncmp(name, "n.", 2))
		*ret = VALUE_NUMBER;
	else if (!strncmp(name, "s.", 2))
		*ret = VALUE_STRING;
	else if (!strncmp(name, "b.", 2))
		*ret = VALUE_BOOL;
	else if (strstr(name, ".version"))
		*ret = VALUE_VERSION;
	else
		return false;
	return true;
}

static const char *typed_suggest(void *userdata, const char *name, struct arena *a)
{
	struct expr_closest c;

	expr_closest_init(&c, name);
	for (size_t i = 0; i < sizeof(test_facts) / sizeof(test_facts[0]); i++)
		expr_closest_add(&c, test_facts[i].name);
	return expr_closest_result(&c);
}

static const char *typed_check_arg(void *userdata, const char *function,
				   const char *arg, struct arena *a)
{
	if (strncmp(arg, "bad", 3))
		return NULL;
	return arena_printf(a, "no such thing '%s' for %s()", arg, function);
}

static const struct expr_names typed_names = {
	.name_valid = names_valid,
	.name_type = typed_name_type,
	.suggest = typed_suggest,
	.check_arg = typed_check_arg,
};

static void test_typed_names(void **state)
{
	static const struct error_case cases[] = {
		{ "kernel.version >= 4.12", 1, 1, 0,
		  "1:16: cannot compare a version with a number "
		  "(write versions as strings: \"4.12\") [15,2]" },
		{ "4 < old.version", 1, 1, 0,
		  "1:3: cannot compare a number with a version "
		  "(write versions as strings: \"4\") [2,1]" },
		{ "kernel.version == n.ten", 1, 1, 0,
		  "1:16: cannot compare a version with a number [15,2]" },
		{ "kernel.version == 'abc'", 1, 1, 0,
		  "1:19: invalid version 'abc' in comparison '==' [18,5]" },
		{ "kernel.version < 'x'", 1, 1, 0,
		  "1:18: invalid version 'x' in comparison '<' [17,3]" },
		{ "n.ten + s.abc", 1, 1, 0,
		  "1:9: operator '+' needs a number, not a string [8,5]" },
		{ "b.t < 1", 1, 1, 0,
		  "1:1: operator '<' needs numbers or versions, not a bool [0,3]" },
		{ "!n.ten", 1, 1, 0, "1:2: operator '!' needs a bool, not a number [1,5]" },
		{ "s.abc == n.ten", 1, 1, 0, "1:7: cannot compare a string with a number [6,2]" },
		{ "n.tenn > 1", 1, 1, 0,
		  "1:1: unknown name 'n.tenn' (did you mean 'n.ten'?) [0,6]" },
		{ "sockets.tim_wait > 1", 1, 1, 0,
		  "1:1: unknown name 'sockets.tim_wait' (did you mean 'sockets.time_wait'?) [0,16]" },
		{ "mni(1, 2) > 1", 1, 1, 0,
		  "1:1: unknown function 'mni' (did you mean 'min'?) [0,3]" },
		{ "sysclt('k') == 1", 1, 1, 0,
		  "1:1: unknown function 'sysclt' (did you mean 'sysctl'?) [0,6]" },
		{ "frobnicate(1)", 1, 1, 0, "1:1: unknown function 'frobnicate' [0,10]" },
		{ "qq > 1", 1, 1, 0, "1:1: unknown name 'qq' [0,2]" },
		/* fact function arguments checked by the caller */
		{ "sysctl('bad.key') == 1 && counter('ok') > 0 || rate(\"bad\") > 1", 2, 5, 0,
		  "2:12: no such thing 'bad.key' for sysctl() [7,9]\n"
		  "2:57: no such thing 'bad' for rate() [52,5]" },
		{ "sysctl('')", 1, 1, 0, "1:8: argument of 'sysctl' is empty [7,2]" },
	};
	static const char *const valid[] = {
		"kernel.version >= '4.12'", "b.t == 1", "s.ver < kernel.version",
		"n.ten == null", "kernel.version == '6.8.12-1-amd64'", "x.null == 1",
		"x.null + n.ten > 3", "-n.ten < 0 && !b.f",
	};
	struct arena a;
	struct diag d;
	struct expr *e;

	run_error_cases_names(cases, sizeof(cases) / sizeof(cases[0]), false,
			      &typed_names);
	arena_init(&a);
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		diag_init(&d, &a);
		if (expr_parse_condition(valid[i], NULL, &typed_names, &a, &d, &e)) {
			print_error("%s: %s\n", valid[i], d.head ? d.head->message : "?");
			fail();
		}
	}
	diag_init(&d, &a);
	assert_int_equal(expr_parse_condition("n.ten", NULL, &typed_names, &a, &d, &e),
			 -EINVAL);
	assert_string_equal(d.head->message, "condition is a number, not a bool");
	arena_release(&a);
}

static void test_closest(void **state)
{
	static const char *const words[] = {
		"sockets.time_wait", "sockets.close_wait", "tw.top.count", "min", "max",
	};
	static const struct {
		const char *word, *want;
	} cases[] = {
		{ "sockets.tim_wait", "sockets.time_wait" },
		{ "sockets.time_wiat", "sockets.time_wait" },
		{ "sockets.close_wai", "sockets.close_wait" },
		{ "tw.top.cnt", "tw.top.count" },
		{ "mn", NULL },		/* 1 edit of 2 letters: not plausible */
		{ "mim", "min" },	/* tie with max? no: max is 2 edits */
		{ "mix", "min" },	/* tie: first candidate wins */
		{ "sockets.time_wait", NULL },	/* identical: no suggestion */
		{ "completely.different", NULL },
		{ "", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct expr_closest c;
		const char *got;

		expr_closest_init(&c, cases[i].word);
		for (size_t j = 0; j < sizeof(words) / sizeof(words[0]); j++)
			expr_closest_add(&c, words[j]);
		got = expr_closest_result(&c);
		if (cases[i].want ? !got || strcmp(got, cases[i].want) : got != NULL) {
			print_error("%s: want %s got %s\n", cases[i].word,
				    cases[i].want ? cases[i].want : "(none)",
				    got ? got : "(none)");
			fail();
		}
	}
}

static void test_condition(void **state)
{
	static const struct error_case cases[] = {
		{ "1 + 2", 5, 10, 0, "5:10: condition is a number, not a bool [0,5]" },
		{ "'yes'", 5, 10, 0, "5:10: condition is a string, not a bool [0,5]" },
		{ "null", 5, 10, 0, "5:10: condition is null, not a bool [0,4]" },
		{ "max(n.ten, 1)", 5, 10, 0, "5:10: condition is a number, not a bool [0,13]" },
	};
	static const char *const valid[] = {
		"n.ten > 1", "b.t", "n.ten", "sysctl('k')", "defined(x.null)",
		"!b.t || n.ten == null",
	};
	struct arena a;
	struct expr *e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct arena a2;
		struct expr_origin o = { "p.yaml", cases[i].line, cases[i].column, 0 };
		struct diag d;

		arena_init(&a2);
		diag_init(&d, &a2);
		e = NULL;
		assert_int_equal(expr_parse_condition(cases[i].src, &o, &test_names,
						      &a2, &d, &e), -EINVAL);
		assert_null(e);
		assert_string_equal(describe_diags(&a2, &d), cases[i].want);
		/* the same text is fine as a plain expression */
		assert_int_equal(expr_parse(cases[i].src, &o, &test_names, &a2, NULL, &e), 0);
		arena_release(&a2);
	}
	arena_init(&a);
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		assert_int_equal(expr_parse_condition(valid[i], NULL, &test_names, &a,
						      NULL, &e), 0);
	arena_release(&a);
}

static char *repeat(struct arena *a, const char *pre, unsigned n, const char *mid,
		    const char *post, unsigned m)
{
	size_t lp = strlen(pre), lq = strlen(post), lm = strlen(mid);
	char *s = arena_alloc(a, lp * n + lm + lq * m + 1), *p = s;

	for (unsigned i = 0; i < n; i++, p += lp)
		memcpy(p, pre, lp);
	memcpy(p, mid, lm);
	p += lm;
	for (unsigned i = 0; i < m; i++, p += lq)
		memcpy(p, post, lq);
	*p = '\0';
	return s;
}

static void test_limits(void **state)
{
	struct arena a;
	struct diag d;
	struct expr *e;
	char *s;
	const char *too_deep = "expression is nested too deeply (more than 64 levels)";
	const struct diag_entry *last;
	struct expr_template *t;

	arena_init(&a);
	/* parentheses */
	s = repeat(&a, "(", EXPR_MAX_DEPTH - 1, "1", ")", EXPR_MAX_DEPTH - 1);
	assert_int_equal(expr_parse(s, NULL, NULL, &a, NULL, &e), 0);
	s = repeat(&a, "(", EXPR_MAX_DEPTH, "1", ")", EXPR_MAX_DEPTH);
	diag_init(&d, &a);
	assert_int_equal(expr_parse(s, NULL, NULL, &a, &d, &e), -EINVAL);
	assert_int_equal(diag_errors(&d), 1);
	assert_string_equal(d.head->message, too_deep);
	assert_int_equal(d.head->column, EXPR_MAX_DEPTH + 1);
	/* unary operators */
	s = repeat(&a, "!", EXPR_MAX_DEPTH - 1, "true", "", 0);
	assert_int_equal(expr_parse(s, NULL, NULL, &a, NULL, &e), 0);
	s = repeat(&a, "!", EXPR_MAX_DEPTH, "true", "", 0);
	diag_init(&d, &a);
	assert_int_equal(expr_parse(s, NULL, NULL, &a, &d, &e), -EINVAL);
	assert_string_equal(d.head->message, too_deep);
	/* a long left-associative chain is deep too */
	s = repeat(&a, "1 + ", EXPR_MAX_DEPTH - 1, "1", "", 0);
	assert_int_equal(expr_parse(s, NULL, NULL, &a, NULL, &e), 0);
	s = repeat(&a, "1 + ", EXPR_MAX_DEPTH, "1", "", 0);
	diag_init(&d, &a);
	assert_int_equal(expr_parse(s, NULL, NULL, &a, &d, &e), -EINVAL);
	assert_string_equal(d.head->message, too_deep);
	assert_int_equal(d.head->column, 4 * EXPR_MAX_DEPTH - 1);
	/* nested calls */
	s = repeat(&a, "min(1, ", EXPR_MAX_DEPTH, "1", ")", EXPR_MAX_DEPTH);
	diag_init(&d, &a);
	assert_int_equal(expr_parse(s, NULL, NULL, &a, &d, &e), -EINVAL);
	assert_string_equal(d.head->message, too_deep);
	/* error flood: 20 entries and a note, however many problems */
	s = repeat(&a, "} ", 100, "", "", 0);
	diag_init(&d, &a);
	assert_int_equal(expr_template_parse(s, NULL, NULL, &a, &d, &t), -EINVAL);
	assert_int_equal(diag_errors(&d), 21);
	for (last = d.head; last->next; last = last->next)
		;
	assert_string_equal(last->message,
			    "too many errors in this expression, not reporting more");
	s = repeat(&a, "bogus + ", 30, "bogus", "", 0);
	diag_init(&d, &a);
	assert_int_equal(expr_parse(s, NULL, &test_names, &a, &d, &e), -EINVAL);
	assert_int_equal(diag_errors(&d), 21);
	/* length */
	s = repeat(&a, " ", EXPR_MAX_LENGTH - 1, "1", "", 0);
	assert_int_equal(expr_parse(s, NULL, NULL, &a, NULL, &e), 0);
	s = repeat(&a, " ", EXPR_MAX_LENGTH, "1", "", 0);
	diag_init(&d, &a);
	assert_int_equal(expr_parse(s, NULL, NULL, &a, &d, &e), -EINVAL);
	assert_string_equal(d.head->message, "expression is too long (4097 bytes, at most 4096)");
	arena_release(&a);
}

/* Templates. */

static void test_templates(void **state)
{
	static const struct eval_case cases[] = {
		{ "{tw.top.address}:{tw.top.port} holds {sockets.time_wait} TIME_WAIT sockets",
		  "10.0.0.5:8080 holds 30000 TIME_WAIT sockets" },
		{ "no placeholders", "no placeholders" },
		{ "", "" },
		{ "{{literal}} {n.ten}", "{literal} 10" },
		{ "a }} b {{", "a } b {" },
		{ "{{{n.two}}}", "{2}" },
		{ "{n.half * 100}%", "50%" },
		{ "{pct(1, 3)}% of {n.ten}", "33.33% of 10" },
		{ "count {tw.top.count}", "count ?" },
		{ "{n.ten / n.zero}!", "?!" },
		{ "{'}'}{\"{\"}", "}{" },
		{ "{kernel.version} {old.version}", "6.8.12 3.10" },
		{ "{b.t}/{b.f}", "true/false" },
		{ "{n.ten > 5}", "true" },
		{ "{tw.top.count == null}", "true" },
		{ "{x.fail}", "?" },
		{ "{boot_source('net.ipv4.tcp_tw_reuse')}", "/etc/sysctl.d/10.conf:3" },
		{ "line1\n{n.two}", "line1\n2" },
	};
	struct expr_env env = { env_lookup, env_call, NULL };
	struct test_env te = { 0 };
	struct arena a;

	env.userdata = &te;
	arena_init(&a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct expr_template *t;
		struct diag d;
		char *got;

		diag_init(&d, &a);
		assert_int_equal(expr_template_parse(cases[i].src, NULL, &test_names,
						     &a, &d, &t), 0);
		got = expr_template_render(t, &env, &a);
		if (!got || strcmp(got, cases[i].want)) {
			print_error("template: %s\n  want: %s\n  got:  %s\n",
				    cases[i].src, cases[i].want, got ? got : "(null)");
			fail();
		}
	}
	arena_release(&a);
}

static void test_template_errors(void **state)
{
	static const struct error_case cases[] = {
		{ "x {n.ten", 1, 1, 0,
		  "1:3: unterminated '{' in template (write '{{' for a literal brace) [2,1]" },
		{ "a } b", 1, 1, 0,
		  "1:3: unmatched '}' in template (write '}}' for a literal brace) [2,1]" },
		{ "{bogus} and {min(1)}", 1, 1, 0,
		  "1:2: unknown name 'bogus' [1,5]\n"
		  "1:14: function 'min' takes at least 2 arguments [13,3]" },
		{ "{}", 1, 1, 0, "1:2: empty expression [1,1]" },
		{ "{ }", 1, 1, 0, "1:2: empty expression [1,1]" },
		{ "ab {bogus}", 7, 11, 0, "7:15: unknown name 'bogus' [4,5]" },
		{ "{n.ten +} {1 2} {'x' * 2}", 1, 1, 0,
		  "1:9: unexpected end of expression [8,1]\n"
		  "1:14: unexpected '2' [13,1]\n"
		  "1:18: operator '*' needs a number, not a string [17,3]" },
		{ "line1\n  {bogus}", 3, 10, 0, "4:4: unknown name 'bogus' [3,5]" },
		{ "{'}", 1, 1, 0,
		  "1:1: unterminated '{' in template (write '{{' for a literal brace) [0,1]" },
		{ "{#}", 1, 1, 0, "1:2: unexpected character '#' [1,1]" },
	};
	run_error_cases(cases, sizeof(cases) / sizeof(cases[0]), true);
}

static void test_value_format(void **state)
{
	static const struct {
		struct value v;
		const char *want;
	} cases[] = {
		{ { .type = VALUE_NUMBER, .number = 10 }, "10" },
		{ { .type = VALUE_NUMBER, .number = -7 }, "-7" },
		{ { .type = VALUE_NUMBER, .number = 2.5 }, "2.5" },
		{ { .type = VALUE_NUMBER, .number = 100.0 }, "100" },
		{ { .type = VALUE_NUMBER, .number = 0.8 }, "0.8" },
		{ { .type = VALUE_NUMBER, .number = 1.0 / 3 }, "0.3333" },
		{ { .type = VALUE_NUMBER, .number = 85.3333 }, "85.33" },
		{ { .type = VALUE_NUMBER, .number = 1234.5 }, "1234.5" },
		{ { .type = VALUE_NUMBER, .number = 99.999 }, "100" },
		{ { .type = VALUE_NUMBER, .number = -0.0 }, "0" },
		{ { .type = VALUE_NUMBER, .number = 0.00012346 }, "0.0001235" },
		{ { .type = VALUE_NUMBER, .number = 1e20 }, "1e+20" },
		{ { .type = VALUE_NUMBER, .number = 4294967296.0 }, "4294967296" },
		{ { .type = VALUE_NUMBER, .number = INFINITY }, "?" },
		{ { .type = VALUE_BOOL, .boolean = true }, "true" },
		{ { .type = VALUE_STRING, .string = "10240 65535" }, "10240 65535" },
		{ { .type = VALUE_VERSION, .version = { 6, 18, 0 } }, "6.18" },
		{ { .type = VALUE_VERSION, .version = { 4, 9, 337 } }, "4.9.337" },
		{ { .type = VALUE_NULL }, "null" },
	};
	struct arena a;

	arena_init(&a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(expr_value_format(&cases[i].v, &a), cases[i].want);
	arena_release(&a);
}

static void test_names_used(void **state)
{
	static const struct {
		const char *src;
		const char *want;
	} cases[] = {
		{ "sockets.time_wait > thresholds.share * ports.ephemeral && "
		  "sysctl('net.ipv4.tcp_tw_reuse') == 1 && sockets.time_wait > 0",
		  "sockets.time_wait|thresholds.share|ports.ephemeral|"
		  "sysctl(\"net.ipv4.tcp_tw_reuse\")" },
		{ "1 + 2 == 3", "" },
		{ "defined(counter('A\"b\\\\c')) || rate('x') > min(n.ten, -n.two)",
		  "counter(\"A\\\"b\\\\c\")|rate(\"x\")|n.ten|n.two" },
		{ "!(tw.top.count == null) && boot('k') != boot_source('k')",
		  "tw.top.count|boot(\"k\")|boot_source(\"k\")" },
	};
	struct arena a;

	arena_init(&a);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct expr *e;
		const char **names;
		char *got = arena_strdup(&a, "");

		assert_int_equal(expr_parse(cases[i].src, NULL, NULL, &a, NULL, &e), 0);
		names = expr_names_used(e, &a);
		assert_non_null(names);
		for (size_t j = 0; names[j]; j++)
			got = arena_printf(&a, "%s%s%s", got, j ? "|" : "", names[j]);
		if (strcmp(got, cases[i].want)) {
			print_error("expression: %s\n  want: %s\n  got:  %s\n",
				    cases[i].src, cases[i].want, got);
			fail();
		}
	}
	arena_release(&a);
}

static void test_expr_text(void **state)
{
	struct arena a;
	struct expr *e;

	arena_init(&a);
	assert_int_equal(expr_parse("  n.ten >\n 1 ", NULL, NULL, &a, NULL, &e), 0);
	assert_string_equal(expr_text(e), "n.ten >\n 1");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexer),
		cmocka_unit_test(test_lexer_huge_number),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_comparisons),
		cmocka_unit_test(test_logic),
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_short_circuit),
		cmocka_unit_test(test_eval_bool),
		cmocka_unit_test(test_no_env),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_diag_ids),
		cmocka_unit_test(test_caret_source),
		cmocka_unit_test(test_typed_names),
		cmocka_unit_test(test_closest),
		cmocka_unit_test(test_condition),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_value_format),
		cmocka_unit_test(test_names_used),
		cmocka_unit_test(test_expr_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
