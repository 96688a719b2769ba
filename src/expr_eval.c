/* Evaluation of parsed expressions over values supplied by callbacks, and
 * rendering of templates. A result that cannot be known (null operand,
 * division by zero, run-time type mismatch) is -EDOM with a reason, never
 * a silent false. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "expr_internal.h"
#include "kversion.h"

struct eval_ctx {
	const struct expr_env *env;
	struct arena *a;
	const char *reason;
};

static int eval(struct eval_ctx *c, const struct expr *e, struct value *ret);

static int unknown(struct eval_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int unknown(struct eval_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	c->reason = arena_vprintf(c->a, fmt, ap);
	va_end(ap);
	return c->reason ? -EDOM : -ENOMEM;
}

static int null_operand(struct eval_ctx *c, const struct expr *e,
			const struct value *v)
{
	if (v->null_reason && strcmp(v->null_reason, "null"))
		return unknown(c, "'%s' is null: %s", e->text, v->null_reason);
	return unknown(c, "'%s' is null", e->text);
}

/* Evaluates an operand that must have a value. */
static int operand(struct eval_ctx *c, const struct expr *e, struct value *ret)
{
	int r = eval(c, e, ret);

	if (r < 0)
		return r;
	if (ret->type == VALUE_NULL)
		return null_operand(c, e, ret);
	return 0;
}

static int number_operand(struct eval_ctx *c, const struct expr *e, double *ret)
{
	struct value v;
	int r = operand(c, e, &v);

	if (r < 0)
		return r;
	if (v.type != VALUE_NUMBER)
		return unknown(c, "'%s' is %s, not a number", e->text,
			       expr_a_type(v.type));
	*ret = v.number;
	return 0;
}

static int finite_result(struct eval_ctx *c, const struct expr *e, double v,
			 struct value *ret)
{
	if (!isfinite(v))
		return unknown(c, "result of '%s' is not a finite number", e->text);
	*ret = value_number(v);
	return 0;
}

/* A callback's failure makes the result unknown, not the run fail. */
static int callback_result(struct eval_ctx *c, const char *what, int r,
			   struct value *v)
{
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return unknown(c, "cannot read '%s': %s", what, strerror(-r));
	if (v->type == VALUE_NUMBER && isnan(v->number))
		*v = value_null("not a number");
	if (v->type == VALUE_STRING && !v->string)
		*v = value_null(NULL);
	return 0;
}

static int eval_name(struct eval_ctx *c, const struct expr *e, struct value *ret)
{
	struct value v = value_null(NULL);
	int r;

	if (!c->env || !c->env->lookup)
		return unknown(c, "no value for '%s'", e->name);
	r = c->env->lookup(c->env->userdata, e->name, &v);
	r = callback_result(c, e->name, r, &v);
	if (r < 0)
		return r;
	*ret = v;
	return 0;
}

static int eval_fact_call(struct eval_ctx *c, const struct expr *e,
			  struct value *ret)
{
	struct value v = value_null(NULL);
	int r;

	if (!c->env || !c->env->call)
		return unknown(c, "no value for '%s'", e->text);
	r = c->env->call(c->env->userdata, e->name, e->args[0]->literal.string, &v);
	r = callback_result(c, e->text, r, &v);
	if (r < 0)
		return r;
	*ret = v;
	return 0;
}

static int eval_call(struct eval_ctx *c, const struct expr *e, struct value *ret)
{
	struct value v;
	double acc = 0, x, y;
	int r;

	switch (e->func) {
	case EXPR_FN_SYSCTL: case EXPR_FN_BOOT: case EXPR_FN_BOOT_SOURCE:
	case EXPR_FN_COUNTER: case EXPR_FN_RATE:
		return eval_fact_call(c, e, ret);
	case EXPR_FN_DEFINED:
		r = eval(c, e->args[0], &v);
		if (r < 0 && r != -EDOM)
			return r;
		*ret = value_bool(r == 0 && v.type != VALUE_NULL);
		return 0;
	case EXPR_FN_MIN: case EXPR_FN_MAX:
		for (size_t i = 0; i < e->n_args; i++) {
			r = number_operand(c, e->args[i], &x);
			if (r < 0)
				return r;
			if (i == 0 || (e->func == EXPR_FN_MIN ? x < acc : x > acc))
				acc = x;
		}
		*ret = value_number(acc);
		return 0;
	case EXPR_FN_PCT:
		r = number_operand(c, e->args[0], &x);
		if (r < 0)
			return r;
		r = number_operand(c, e->args[1], &y);
		if (r < 0)
			return r;
		if (y == 0)
			return unknown(c, "division by zero in '%s'", e->text);
		return finite_result(c, e, x / y * 100, ret);
	case EXPR_FN_UNKNOWN:
		break;
	}
	return unknown(c, "unknown function '%s'", e->name);
}

/* A string meets a version: read it as one. */
static int as_version(struct eval_ctx *c, const struct value *v,
		      struct kversion *ret)
{
	if (v->type == VALUE_VERSION) {
		*ret = v->version;
		return 0;
	}
	if (kversion_parse(v->string, ret) < 0)
		return unknown(c, "invalid version '%s'", v->string);
	return 0;
}

/* Three-way comparison of two non-null values; -EDOM when they cannot be
 * compared. Strings order only as versions; strings equal as strings
 * unless the other side is a version. */
static int compare(struct eval_ctx *c, const struct expr *e,
		   const struct value *l, const struct value *r, bool ordering,
		   int *ret)
{
	struct kversion lv, rv;
	double ln, rn;
	int k;

	if ((l->type == VALUE_NUMBER || l->type == VALUE_BOOL) &&
	    (r->type == VALUE_NUMBER || r->type == VALUE_BOOL) &&
	    !(ordering && (l->type == VALUE_BOOL || r->type == VALUE_BOOL))) {
		ln = l->type == VALUE_BOOL ? l->boolean : l->number;
		rn = r->type == VALUE_BOOL ? r->boolean : r->number;
		*ret = ln < rn ? -1 : ln > rn ? 1 : 0;
		return 0;
	}
	if (l->type == VALUE_STRING && r->type == VALUE_STRING && !ordering) {
		*ret = strcmp(l->string, r->string) ? 1 : 0;
		return 0;
	}
	if ((l->type == VALUE_STRING || l->type == VALUE_VERSION) &&
	    (r->type == VALUE_STRING || r->type == VALUE_VERSION)) {
		k = as_version(c, l, &lv);
		if (k < 0)
			return k;
		k = as_version(c, r, &rv);
		if (k < 0)
			return k;
		*ret = kversion_cmp(lv, rv);
		return 0;
	}
	return unknown(c, "cannot compare %s with %s in '%s'", expr_a_type(l->type),
		       expr_a_type(r->type), e->text);
}

static bool is_null_literal(const struct expr *e)
{
	return e->kind == EXPR_LITERAL && e->literal.type == VALUE_NULL;
}

/* "x == null": a test for nullness that is never unknown; an operand that
 * cannot be computed counts as null, as in defined(). */
static int eval_null_test(struct eval_ctx *c, const struct expr *e,
			  struct value *ret)
{
	const struct expr *other = is_null_literal(e->lhs) ? e->rhs : e->lhs;
	struct value v;
	bool is_null;
	int r;

	r = eval(c, other, &v);
	if (r < 0 && r != -EDOM)
		return r;
	is_null = r < 0 || v.type == VALUE_NULL;
	*ret = value_bool(e->op == EXPR_TOK_EQ ? is_null : !is_null);
	return 0;
}

/* Kleene logic: false && x is false, true || x is true, whatever x; an
 * unknown (or null) side is decided by the other side when it can be. */
static int eval_logic(struct eval_ctx *c, const struct expr *e, struct value *ret)
{
	bool is_and = e->op == EXPR_TOK_AND;
	const char *reason = NULL;
	struct value v;
	int r;

	for (int side = 0; side < 2; side++) {
		const struct expr *x = side ? e->rhs : e->lhs;

		r = eval(c, x, &v);
		if (r < 0 && r != -EDOM)
			return r;
		if (r == 0 && v.type == VALUE_NULL) {
			r = null_operand(c, x, &v);
			if (r == -ENOMEM)
				return r;
		} else if (r == 0 && v.type != VALUE_BOOL) {
			r = unknown(c, "'%s' is %s, not a bool", x->text,
				    expr_a_type(v.type));
			if (r == -ENOMEM)
				return r;
		}
		if (r == -EDOM) {
			if (!reason)
				reason = c->reason;
			continue;
		}
		if (v.boolean != is_and) {
			*ret = value_bool(!is_and);
			return 0;
		}
	}
	if (reason) {
		c->reason = reason;
		return -EDOM;
	}
	*ret = value_bool(is_and);
	return 0;
}

static int eval_binary(struct eval_ctx *c, const struct expr *e, struct value *ret)
{
	struct value l, r;
	double x, y;
	int k, cmp;

	switch (e->op) {
	case EXPR_TOK_AND: case EXPR_TOK_OR:
		return eval_logic(c, e, ret);
	case EXPR_TOK_PLUS: case EXPR_TOK_MINUS: case EXPR_TOK_STAR:
	case EXPR_TOK_SLASH: case EXPR_TOK_PERCENT:
		k = number_operand(c, e->lhs, &x);
		if (k < 0)
			return k;
		k = number_operand(c, e->rhs, &y);
		if (k < 0)
			return k;
		switch (e->op) {
		case EXPR_TOK_PLUS: return finite_result(c, e, x + y, ret);
		case EXPR_TOK_MINUS: return finite_result(c, e, x - y, ret);
		case EXPR_TOK_STAR: return finite_result(c, e, x * y, ret);
		case EXPR_TOK_SLASH:
			if (y == 0)
				return unknown(c, "division by zero in '%s'", e->text);
			return finite_result(c, e, x / y, ret);
		default:
			if (y == 0)
				return unknown(c, "modulo by zero in '%s'", e->text);
			return finite_result(c, e, fmod(x, y), ret);
		}
	case EXPR_TOK_EQ: case EXPR_TOK_NE:
		if (is_null_literal(e->lhs) || is_null_literal(e->rhs))
			return eval_null_test(c, e, ret);
		/* fall through */
	case EXPR_TOK_LT: case EXPR_TOK_LE: case EXPR_TOK_GT: case EXPR_TOK_GE:
		k = operand(c, e->lhs, &l);
		if (k < 0)
			return k;
		k = operand(c, e->rhs, &r);
		if (k < 0)
			return k;
		k = compare(c, e, &l, &r,
			    e->op != EXPR_TOK_EQ && e->op != EXPR_TOK_NE, &cmp);
		if (k < 0)
			return k;
		switch (e->op) {
		case EXPR_TOK_EQ: *ret = value_bool(cmp == 0); break;
		case EXPR_TOK_NE: *ret = value_bool(cmp != 0); break;
		case EXPR_TOK_LT: *ret = value_bool(cmp < 0); break;
		case EXPR_TOK_LE: *ret = value_bool(cmp <= 0); break;
		case EXPR_TOK_GT: *ret = value_bool(cmp > 0); break;
		default: *ret = value_bool(cmp >= 0); break;
		}
		return 0;
	default:
		return unknown(c, "unknown operator in '%s'", e->text);
	}
}

static int eval(struct eval_ctx *c, const struct expr *e, struct value *ret)
{
	struct value v;
	double x;
	int r;

	switch (e->kind) {
	case EXPR_LITERAL:
		*ret = e->literal;
		return 0;
	case EXPR_NAME:
		return eval_name(c, e, ret);
	case EXPR_CALL:
		return eval_call(c, e, ret);
	case EXPR_UNARY:
		if (e->op == EXPR_TOK_MINUS) {
			r = number_operand(c, e->lhs, &x);
			if (r < 0)
				return r;
			*ret = value_number(-x);
			return 0;
		}
		r = operand(c, e->lhs, &v);
		if (r < 0)
			return r;
		if (v.type != VALUE_BOOL)
			return unknown(c, "'%s' is %s, not a bool", e->lhs->text,
				       expr_a_type(v.type));
		*ret = value_bool(!v.boolean);
		return 0;
	case EXPR_BINARY:
		return eval_binary(c, e, ret);
	}
	return -EINVAL;
}

int expr_eval(const struct expr *e, const struct expr_env *env,
	      struct arena *a, struct value *ret, const char **ret_reason)
{
	struct eval_ctx c = { .env = env, .a = a };
	struct value v;
	int r;

	r = eval(&c, e, &v);
	if (r == -EDOM && ret_reason)
		*ret_reason = c.reason;
	if (r < 0)
		return r;
	*ret = v;
	return 0;
}

int expr_eval_bool(const struct expr *e, const struct expr_env *env,
		   struct arena *a, bool *ret, const char **ret_reason)
{
	struct eval_ctx c = { .env = env, .a = a };
	struct value v;
	int r;

	r = eval(&c, e, &v);
	if (r == 0 && v.type == VALUE_NULL)
		r = null_operand(&c, e, &v);
	else if (r == 0 && v.type != VALUE_BOOL)
		r = unknown(&c, "condition is %s, not a bool", expr_a_type(v.type));
	if (r == -EDOM && ret_reason)
		*ret_reason = c.reason;
	if (r < 0)
		return r;
	*ret = v.boolean;
	return 0;
}

static char *format_number(double n, struct arena *a)
{
	char buf[64];
	size_t len;

	if (!isfinite(n))
		return arena_strdup(a, "?");
	if (n == 0)
		return arena_strdup(a, "0");	/* also -0 */
	if (n == trunc(n) && fabs(n) < 1e15)
		return arena_printf(a, "%.0f", n);
	if (fabs(n) >= 1e15 || fabs(n) < 1)
		return arena_printf(a, "%.4g", n);
	snprintf(buf, sizeof(buf), "%.2f", n);
	len = strlen(buf);
	while (len && buf[len - 1] == '0')
		buf[--len] = '\0';
	if (len && buf[len - 1] == '.')
		buf[--len] = '\0';
	return arena_strdup(a, buf);
}

char *expr_value_format(const struct value *v, struct arena *a)
{
	char buf[48];

	switch (v->type) {
	case VALUE_NULL:
		return arena_strdup(a, "null");
	case VALUE_BOOL:
		return arena_strdup(a, v->boolean ? "true" : "false");
	case VALUE_NUMBER:
		return format_number(v->number, a);
	case VALUE_STRING:
		return arena_strdup(a, v->string ? v->string : "");
	case VALUE_VERSION:
		kversion_format(v->version, true, buf, sizeof(buf));
		return arena_strdup(a, buf);
	}
	return arena_strdup(a, "?");
}

char *expr_template_render(const struct expr_template *t,
			   const struct expr_env *env, struct arena *a)
{
	const char **pieces;
	size_t total = 1, n;
	char *out;

	pieces = arena_calloc(a, 2 * t->n_parts + 1, sizeof(*pieces));
	if (!pieces)
		return NULL;
	for (size_t i = 0; i < t->n_parts; i++) {
		const char *s = "";

		if (t->parts[i].e) {
			struct value v;
			const char *reason;
			int r = expr_eval(t->parts[i].e, env, a, &v, &reason);

			if (r == -ENOMEM)
				return NULL;
			if (r < 0 || v.type == VALUE_NULL)
				s = "?";
			else if (!(s = expr_value_format(&v, a)))
				return NULL;
		}
		pieces[2 * i] = t->parts[i].text;
		pieces[2 * i + 1] = s;
		total += strlen(t->parts[i].text) + strlen(s);
	}
	out = arena_alloc(a, total);
	if (!out)
		return NULL;
	n = 0;
	for (size_t i = 0; i < 2 * t->n_parts; i++) {
		size_t len = strlen(pieces[i]);

		memcpy(out + n, pieces[i], len);
		n += len;
	}
	out[n] = '\0';
	return out;
}
