/* Load-time checks of parsed expressions: names, functions and their
 * arity and arguments, and the types that are known before any fact is:
 * literals, operators' results, typed names. Every problem is reported. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "expr_internal.h"
#include "kversion.h"

static const struct {
	const char *name;
	enum expr_func func;
	unsigned min_args, max_args;	/* max 0: unbounded */
} expr_functions[] = {
	{ "sysctl", EXPR_FN_SYSCTL, 1, 1 },
	{ "boot", EXPR_FN_BOOT, 1, 1 },
	{ "boot_source", EXPR_FN_BOOT_SOURCE, 1, 1 },
	{ "counter", EXPR_FN_COUNTER, 1, 1 },
	{ "rate", EXPR_FN_RATE, 1, 1 },
	{ "defined", EXPR_FN_DEFINED, 1, 1 },
	{ "min", EXPR_FN_MIN, 2, 0 },
	{ "max", EXPR_FN_MAX, 2, 0 },
	{ "pct", EXPR_FN_PCT, 2, 2 },
};

static void set_type(struct expr *e, enum value_type t)
{
	e->stype_known = true;
	e->stype = t;
}

static bool is_type(const struct expr *e, enum value_type t)
{
	return e->stype_known && e->stype == t;
}

/* Operand of an operator that needs `want`: an error when its type is
 * known to be another one. */
static void want_type(struct expr_parser *p, const struct expr *operand,
		      const char *what, enum value_type want)
{
	if (!operand->stype_known || operand->stype == want)
		return;
	expr_report(p, EXPR_ID_TYPE, operand->start, operand->len,
		    "%s needs %s, not %s", what,
		    want == VALUE_BOOL ? "a bool" : "a number",
		    expr_a_type(operand->stype));
}

static bool types_comparable(enum value_type a, enum value_type b)
{
	if (a == b)
		return true;
	if ((a == VALUE_STRING && b == VALUE_VERSION) ||
	    (a == VALUE_VERSION && b == VALUE_STRING))
		return true;
	return (a == VALUE_BOOL && b == VALUE_NUMBER) ||
	       (a == VALUE_NUMBER && b == VALUE_BOOL);
}


/* Both types known and not comparable: point at the operator, with a hint
 * for the classic `kernel.version >= 4.12`. */
static void report_mismatch(struct expr_parser *p, const struct expr *e)
{
	const struct expr *num = NULL;

	if (is_type(e->lhs, VALUE_VERSION) && e->rhs->kind == EXPR_LITERAL &&
	    is_type(e->rhs, VALUE_NUMBER))
		num = e->rhs;
	else if (is_type(e->rhs, VALUE_VERSION) && e->lhs->kind == EXPR_LITERAL &&
		 is_type(e->lhs, VALUE_NUMBER))
		num = e->lhs;
	if (num)
		expr_report(p, EXPR_ID_TYPE, e->op_start, e->op_len,
			    "cannot compare %s with %s (write versions as strings: \"%.*s\")",
			    expr_a_type(e->lhs->stype), expr_a_type(e->rhs->stype),
			    (int)num->len, p->src + num->start);
	else
		expr_report(p, EXPR_ID_TYPE, e->op_start, e->op_len,
			    "cannot compare %s with %s", expr_a_type(e->lhs->stype),
			    expr_a_type(e->rhs->stype));
}

static bool is_ordering(const struct expr *e)
{
	return e->kind == EXPR_BINARY &&
	       (e->op == EXPR_TOK_LT || e->op == EXPR_TOK_LE ||
		e->op == EXPR_TOK_GT || e->op == EXPR_TOK_GE);
}

static void check_ordering(struct expr_parser *p, struct expr *e)
{
	const char *op = expr_tok_spelling(e->op);
	struct expr *side[2] = { e->lhs, e->rhs };
	bool bad = false;
	struct kversion v;

	for (int i = 0; i < 2; i++) {
		if (is_ordering(side[i]) && p->src[side[i]->start] != '(') {
			expr_report(p, EXPR_ID_TYPE, e->op_start, e->op_len,
				    "comparisons cannot be chained (write 'a < b && b < c')");
			bad = true;
		} else if (side[i]->stype_known && (side[i]->stype == VALUE_BOOL ||
						    side[i]->stype == VALUE_NULL)) {
			expr_report(p, EXPR_ID_TYPE, side[i]->start, side[i]->len,
				    "operator '%s' needs numbers or versions, not %s",
				    op, expr_a_type(side[i]->stype));
			bad = true;
		}
	}
	if (bad)
		return;
	if (e->lhs->stype_known && e->rhs->stype_known &&
	    (e->lhs->stype == VALUE_NUMBER) != (e->rhs->stype == VALUE_NUMBER)) {
		report_mismatch(p, e);
		return;
	}
	/* Strings are ordered as versions only, so a literal must be one. */
	for (int i = 0; i < 2; i++)
		if (expr_is_string_literal(side[i]) &&
		    kversion_parse(side[i]->literal.string, &v) < 0)
			expr_report(p, EXPR_ID_TYPE, side[i]->start, side[i]->len,
				    "invalid version '%s' in comparison '%s'",
				    side[i]->literal.string, op);
}

static void check_binary(struct expr_parser *p, struct expr *e)
{
	const char *op = expr_tok_spelling(e->op);
	char what[32];

	expr_check(p, e->lhs);
	expr_check(p, e->rhs);
	snprintf(what, sizeof(what), "operator '%s'", op);
	switch (e->op) {
	case EXPR_TOK_PLUS: case EXPR_TOK_MINUS: case EXPR_TOK_STAR:
	case EXPR_TOK_SLASH: case EXPR_TOK_PERCENT:
		want_type(p, e->lhs, what, VALUE_NUMBER);
		want_type(p, e->rhs, what, VALUE_NUMBER);
		set_type(e, VALUE_NUMBER);
		break;
	case EXPR_TOK_AND: case EXPR_TOK_OR:
		want_type(p, e->lhs, what, VALUE_BOOL);
		want_type(p, e->rhs, what, VALUE_BOOL);
		set_type(e, VALUE_BOOL);
		break;
	case EXPR_TOK_LT: case EXPR_TOK_LE: case EXPR_TOK_GT: case EXPR_TOK_GE:
		check_ordering(p, e);
		set_type(e, VALUE_BOOL);
		break;
	case EXPR_TOK_EQ: case EXPR_TOK_NE:
		/* "x == null" tests for null and is always allowed. */
		if (e->lhs->stype_known && e->rhs->stype_known &&
		    !is_type(e->lhs, VALUE_NULL) && !is_type(e->rhs, VALUE_NULL) &&
		    !types_comparable(e->lhs->stype, e->rhs->stype)) {
			report_mismatch(p, e);
		} else {
			struct expr *side[2] = { e->lhs, e->rhs };
			struct kversion v;

			for (int i = 0; i < 2; i++)
				if (expr_is_string_literal(side[i]) &&
				    is_type(side[1 - i], VALUE_VERSION) &&
				    kversion_parse(side[i]->literal.string, &v) < 0)
					expr_report(p, EXPR_ID_TYPE, side[i]->start,
						    side[i]->len,
						    "invalid version '%s' in comparison '%s'",
						    side[i]->literal.string,
						    expr_tok_spelling(e->op));
		}
		set_type(e, VALUE_BOOL);
		break;
	default:
		break;
	}
}

static void check_fact_arg(struct expr_parser *p, const struct expr *call,
			   const struct expr *arg)
{
	const struct expr_names *n = p->names;
	const char *msg;

	if (!n || !n->check_arg)
		return;
	msg = n->check_arg(n->userdata, call->name, arg->literal.string, p->a);
	if (msg)
		expr_report(p, EXPR_ID_ARGUMENT, arg->start, arg->len, "%s", msg);
}

static void check_call(struct expr_parser *p, struct expr *e)
{
	unsigned min_args = 0, max_args = 0;
	bool known = false;
	size_t i;

	for (i = 0; i < sizeof(expr_functions) / sizeof(expr_functions[0]); i++) {
		if (!strcmp(expr_functions[i].name, e->name)) {
			e->func = expr_functions[i].func;
			min_args = expr_functions[i].min_args;
			max_args = expr_functions[i].max_args;
			known = true;
			break;
		}
	}
	if (!known) {
		struct expr_closest c;

		expr_closest_init(&c, e->name);
		for (i = 0; i < sizeof(expr_functions) / sizeof(expr_functions[0]); i++)
			expr_closest_add(&c, expr_functions[i].name);
		if (expr_closest_result(&c))
			expr_report(p, EXPR_ID_FUNCTION, e->op_start, e->op_len,
				    "unknown function '%s' (did you mean '%s'?)", e->name,
				    expr_closest_result(&c));
		else
			expr_report(p, EXPR_ID_FUNCTION, e->op_start, e->op_len,
				    "unknown function '%s'", e->name);
		for (i = 0; i < e->n_args; i++)
			expr_check(p, e->args[i]);
		return;
	}
	if (e->n_args < min_args || (max_args && e->n_args > max_args)) {
		if (!max_args)
			expr_report(p, EXPR_ID_ARITY, e->op_start, e->op_len,
				    "function '%s' takes at least %u arguments",
				    e->name, min_args);
		else
			expr_report(p, EXPR_ID_ARITY, e->op_start, e->op_len,
				    "function '%s' takes %u argument%s", e->name,
				    min_args, min_args == 1 ? "" : "s");
	}
	if (expr_func_is_fact(e->func)) {
		for (i = 0; i < e->n_args; i++) {
			if (!expr_is_string_literal(e->args[i]))
				expr_report(p, EXPR_ID_ARGUMENT, e->args[i]->start,
					    e->args[i]->len,
					    "argument of '%s' must be a string literal",
					    e->name);
			else if (!e->args[i]->literal.string[0])
				expr_report(p, EXPR_ID_ARGUMENT, e->args[i]->start,
					    e->args[i]->len,
					    "argument of '%s' is empty", e->name);
			else
				check_fact_arg(p, e, e->args[i]);
			/* Not the inside of a non-literal: one error is
			 * enough there. */
			if (expr_is_string_literal(e->args[i]))
				expr_check(p, e->args[i]);
		}
		if (e->func == EXPR_FN_BOOT_SOURCE)
			set_type(e, VALUE_STRING);
		else if (e->func == EXPR_FN_COUNTER || e->func == EXPR_FN_RATE)
			set_type(e, VALUE_NUMBER);
		return;
	}
	for (i = 0; i < e->n_args; i++) {
		expr_check(p, e->args[i]);
		if (e->func != EXPR_FN_DEFINED) {
			char what[32];

			snprintf(what, sizeof(what), "function '%s'", e->name);
			want_type(p, e->args[i], what, VALUE_NUMBER);
		}
	}
	set_type(e, e->func == EXPR_FN_DEFINED ? VALUE_BOOL : VALUE_NUMBER);
}

static void check_name(struct expr_parser *p, struct expr *e)
{
	const struct expr_names *n = p->names;
	const char *hint = NULL;
	enum value_type t;

	if (!n)
		return;
	if (n->name_valid && !n->name_valid(n->userdata, e->name)) {
		if (n->suggest)
			hint = n->suggest(n->userdata, e->name, p->a);
		if (hint)
			expr_report(p, EXPR_ID_NAME, e->start, e->len,
				    "unknown name '%s' (did you mean '%s'?)", e->name,
				    hint);
		else
			expr_report(p, EXPR_ID_NAME, e->start, e->len, "unknown name '%s'",
				    e->name);
		return;
	}
	if (n->name_type && n->name_type(n->userdata, e->name, &t) &&
	    t != VALUE_NULL)
		set_type(e, t);
}

void expr_check(struct expr_parser *p, struct expr *e)
{
	e->text = arena_strndup(p->a, p->src + e->start, e->len);
	if (!e->text)
		p->oom = true;
	switch (e->kind) {
	case EXPR_LITERAL:
		set_type(e, e->literal.type);
		break;
	case EXPR_NAME:
		check_name(p, e);
		break;
	case EXPR_UNARY:
		expr_check(p, e->lhs);
		if (e->op == EXPR_TOK_NOT) {
			want_type(p, e->lhs, "operator '!'", VALUE_BOOL);
			set_type(e, VALUE_BOOL);
		} else {
			want_type(p, e->lhs, "operator '-'", VALUE_NUMBER);
			set_type(e, VALUE_NUMBER);
		}
		break;
	case EXPR_BINARY:
		check_binary(p, e);
		break;
	case EXPR_CALL:
		check_call(p, e);
		break;
	}
}
