/* libFuzzer target for the expression language: parse (as expression,
 * condition or template), then evaluate against an env whose values are
 * derived from the names, and check the diagnostics' invariants.
 *   ./configure CC=clang --enable-fuzzing && make tests/fuzz/fuzz_expr
 *   tests/fuzz/fuzz_expr -max_total_time=120 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned hash(const char *s)
{
	unsigned h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static struct value pick(const char *s)
{
	static const char *const strings[] = { "6.8.12", "abc", "", "4.12" };
	unsigned h = hash(s);

	switch (h % 8) {
	case 0: return value_number((double)(h % 100));
	case 1: return value_number(0);
	case 2: return value_string(strings[(h / 8) % 4]);
	case 3: return value_bool(h & 16);
	case 4: return value_version(KVERSION((h / 8) % 7, (h / 64) % 20, 0));
	case 5: return value_null((h & 16) ? "fuzz null" : NULL);
	case 6: return value_number(1e308);
	default: return value_number(-(double)(h % 7));
	}
}

static int lookup(void *userdata, const char *name, struct value *ret)
{
	if (hash(name) % 13 == 0)
		return -EIO;
	*ret = pick(name);
	return 0;
}

static int call(void *userdata, const char *function, const char *arg,
		struct value *ret)
{
	*ret = pick(arg);
	return 0;
}

static bool name_valid(void *userdata, const char *name)
{
	return name[0] != 'z';
}

static bool name_type(void *userdata, const char *name, enum value_type *ret)
{
	switch (name[0]) {
	case 'n': *ret = VALUE_NUMBER; return true;
	case 's': *ret = VALUE_STRING; return true;
	case 'b': *ret = VALUE_BOOL; return true;
	case 'v': *ret = VALUE_VERSION; return true;
	default: return false;
	}
}

static const char *suggest(void *userdata, const char *name, struct arena *a)
{
	static const char *const words[] = {
		"sockets.time_wait", "tw.top.count", "kernel.version", "zz.top",
	};
	struct expr_closest c;

	expr_closest_init(&c, name);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		expr_closest_add(&c, words[i]);
	return expr_closest_result(&c);
}

static const char *check_arg(void *userdata, const char *function,
			     const char *arg, struct arena *a)
{
	return arg[0] == 'z' ? arena_printf(a, "bad '%s' for %s", arg, function) : NULL;
}

static void check_diags(const struct diag *d, bool ok)
{
	if (ok != (diag_errors(d) == 0))
		abort();
	for (const struct diag_entry *e = d->head; e; e = e->next) {
		if (!e->line || !e->column || !e->message || !e->source)
			abort();
		if (e->caret_start > strlen(e->source) || !e->caret_len)
			abort();
		if (e->caret_start + e->caret_len > strlen(e->source) + 1)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expr_origin origin = { "fuzz.yaml", 3, 7, 5 };
	struct expr_names names = { name_valid, NULL, name_type, suggest, check_arg };
	struct expr_env env = { lookup, call, NULL };
	struct expr_template *t;
	struct expr *e;
	struct arena a;
	struct diag d;
	struct value v;
	const char *reason;
	char *src;
	bool b;
	int r;

	if (size < 1)
		return 0;
	src = malloc(size);
	if (!src)
		return 0;
	memcpy(src, data + 1, size - 1);
	src[size - 1] = '\0';

	arena_init(&a);
	diag_init(&d, &a);
	switch (data[0] % 3) {
	case 0:
		r = expr_parse(src, &origin, &names, &a, &d, &e);
		check_diags(&d, r == 0);
		if (r == 0) {
			reason = NULL;
			r = expr_eval(e, &env, &a, &v, &reason);
			if (r == -EDOM && !reason)
				abort();
			if (r == 0 && !expr_value_format(&v, &a))
				abort();
			if (!expr_names_used(e, &a))
				abort();
		}
		break;
	case 1:
		r = expr_parse_condition(src, &origin, &names, &a, &d, &e);
		check_diags(&d, r == 0);
		if (r == 0) {
			reason = NULL;
			r = expr_eval_bool(e, &env, &a, &b, &reason);
			if (r < 0 && r != -EDOM)
				abort();
			if (r == -EDOM && !reason)
				abort();
		}
		break;
	default:
		r = expr_template_parse(src, &origin, &names, &a, &d, &t);
		check_diags(&d, r == 0);
		if (r == 0 && !expr_template_render(t, &env, &a))
			abort();
		break;
	}
	arena_release(&a);
	free(src);
	return 0;
}
