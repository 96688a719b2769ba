/* Parser of the expression language (precedence climbing) and the
 * load-time checks: names, functions, arity, static types. Syntax errors
 * stop at the first; the checks report every problem they find. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "expr_internal.h"
#include "kversion.h"

/* Diagnostic ids (stable: lint JSON and SARIF rule ids). */
#define ID_SYNTAX "expr-syntax"
#define ID_TYPE "expr-type"
#define ID_NAME "expr-unknown-name"
#define ID_FUNCTION "expr-unknown-function"
#define ID_ARITY "expr-arity"
#define ID_ARGUMENT "expr-argument"

/* Hostile input could otherwise make thousands of entries, each with a
 * copy of a 4 KiB line. */
#define EXPR_MAX_ERRORS 20

struct expr_parser {
	const char *src;		/* the whole text: expression or template */
	size_t src_len;
	struct expr_origin origin;
	const struct expr_names *names;
	struct arena *a;
	struct diag *diag;
	struct expr_lexer lx;
	struct expr_token tok;
	unsigned nesting;
	unsigned errors;
	bool oom;
};

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

static void parser_init(struct expr_parser *p, const char *src,
			const struct expr_origin *origin,
			const struct expr_names *names, struct arena *a,
			struct diag *diag)
{
	memset(p, 0, sizeof(*p));
	p->src = src;
	p->src_len = strlen(src);
	if (origin)
		p->origin = *origin;
	if (!p->origin.line)
		p->origin.line = 1;
	if (!p->origin.column)
		p->origin.column = 1;
	p->names = names;
	p->a = a;
	p->diag = diag;
}

/* Reports an error at src[start, start + len): file:line:col from the
 * origin plus the newlines before start, and the line as caret excerpt. */
static void report(struct expr_parser *p, const char *id, size_t start,
		   size_t len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void report(struct expr_parser *p, const char *id, size_t start,
		   size_t len, const char *fmt, ...)
{
	struct diag_entry *e;
	unsigned line = p->origin.line, column;
	size_t ls = 0, le, i;
	va_list ap;

	p->errors++;
	if (!p->diag || p->errors > EXPR_MAX_ERRORS + 1)
		return;
	if (p->errors == EXPR_MAX_ERRORS + 1) {
		id = ID_SYNTAX;
		fmt = "too many errors in this expression, not reporting more";
	}
	if (start > p->src_len)
		start = p->src_len;
	for (i = 0; i < start; i++) {
		if (p->src[i] == '\n') {
			line++;
			ls = i + 1;
		}
	}
	if (line == p->origin.line)
		column = p->origin.column + (unsigned)start;
	else
		column = (p->origin.continuation_column ?
			  p->origin.continuation_column : 1) + (unsigned)(start - ls);
	for (le = ls; le < p->src_len && p->src[le] != '\n'; le++)
		;
	/* Drop a CR before the newline, unless the error points past it
	 * (at the end of the text). */
	if (le > ls && p->src[le - 1] == '\r' && start < le)
		le--;
	va_start(ap, fmt);
	e = diag_vadd(p->diag, DIAG_ERROR, p->origin.file, line, column, id,
		      NULL, fmt, ap);
	va_end(ap);
	if (!e) {
		p->oom = true;
		return;
	}
	e->source = arena_strndup(p->diag->arena, p->src + ls, le - ls);
	if (!e->source) {
		p->oom = true;
		return;
	}
	e->caret_start = (unsigned)(start - ls);
	if (len > le - start)
		len = le - start;
	e->caret_len = len ? (unsigned)len : 1;
}

/* Token text for messages, shortened. */
static const char *tok_desc(struct expr_parser *p, const struct expr_token *t)
{
	const char *s;

	if (t->kind == EXPR_TOK_EOF)
		return "end of expression";
	if (t->len > 40)
		s = arena_printf(p->a, "'%.37s...'", p->src + t->start);
	else
		s = arena_printf(p->a, "'%.*s'", (int)t->len, p->src + t->start);
	if (!s)
		p->oom = true;
	return s ? s : "?";
}

static int advance(struct expr_parser *p)
{
	int r = expr_lex(&p->lx, &p->tok);

	if (r == -EINVAL)
		report(p, ID_SYNTAX, p->lx.error_start, p->lx.error_len, "%s",
		       p->lx.error);
	return r;
}

static int unexpected(struct expr_parser *p)
{
	if (p->tok.kind == EXPR_TOK_EOF)
		report(p, ID_SYNTAX, p->tok.start, 1, "unexpected end of expression");
	else
		report(p, ID_SYNTAX, p->tok.start, p->tok.len, "unexpected %s",
		       tok_desc(p, &p->tok));
	return p->oom ? -ENOMEM : -EINVAL;
}

static struct expr *new_node(struct expr_parser *p, enum expr_kind kind,
			     size_t start, size_t len)
{
	struct expr *e = arena_alloc(p->a, sizeof(*e));

	if (!e) {
		p->oom = true;
		return NULL;
	}
	e->kind = kind;
	e->start = start;
	e->len = len;
	e->depth = 1;
	return e;
}

static int check_depth(struct expr_parser *p, struct expr *e, size_t at,
		       size_t len)
{
	if (e->depth > EXPR_MAX_DEPTH) {
		report(p, ID_SYNTAX, at, len,
		       "expression is nested too deeply (more than %d levels)",
		       EXPR_MAX_DEPTH);
		return -EINVAL;
	}
	return 0;
}

static int enter(struct expr_parser *p)
{
	if (++p->nesting > EXPR_MAX_DEPTH) {
		report(p, ID_SYNTAX, p->tok.start, p->tok.len,
		       "expression is nested too deeply (more than %d levels)",
		       EXPR_MAX_DEPTH);
		return -EINVAL;
	}
	return 0;
}

static int parse_expr(struct expr_parser *p, int min_prec, struct expr **ret);

static int binary_prec(enum expr_tok t)
{
	switch (t) {
	case EXPR_TOK_OR: return 1;
	case EXPR_TOK_AND: return 2;
	case EXPR_TOK_EQ: case EXPR_TOK_NE: return 3;
	case EXPR_TOK_LT: case EXPR_TOK_LE:
	case EXPR_TOK_GT: case EXPR_TOK_GE: return 4;
	case EXPR_TOK_PLUS: case EXPR_TOK_MINUS: return 5;
	case EXPR_TOK_STAR: case EXPR_TOK_SLASH: case EXPR_TOK_PERCENT: return 6;
	default: return 0;
	}
}

static int parse_call(struct expr_parser *p, struct expr_token name,
		      struct expr **ret)
{
	struct expr *e, *arg, **args = NULL;
	size_t n = 0, cap = 0, lparen = p->tok.start;
	int r;

	r = advance(p);
	if (r < 0)
		return r;
	if (p->tok.kind != EXPR_TOK_RPAREN) {
		for (;;) {
			r = parse_expr(p, 1, &arg);
			if (r < 0)
				return r;
			if (n == cap) {
				struct expr **na;

				cap = cap ? cap * 2 : 4;
				na = arena_calloc(p->a, cap, sizeof(*na));
				if (!na)
					return -ENOMEM;
				if (n)
					memcpy(na, args, n * sizeof(*na));
				args = na;
			}
			args[n++] = arg;
			if (p->tok.kind == EXPR_TOK_COMMA) {
				r = advance(p);
				if (r < 0)
					return r;
				continue;
			}
			if (p->tok.kind == EXPR_TOK_RPAREN)
				break;
			if (p->tok.kind == EXPR_TOK_EOF)
				report(p, ID_SYNTAX, lparen, 1,
				       "missing ')' to match '('");
			else
				report(p, ID_SYNTAX, p->tok.start, p->tok.len,
				       "expected ',' or ')', found %s",
				       tok_desc(p, &p->tok));
			return p->oom ? -ENOMEM : -EINVAL;
		}
	}
	e = new_node(p, EXPR_CALL, name.start, p->tok.start + 1 - name.start);
	if (!e)
		return -ENOMEM;
	e->name = name.text;
	e->op_start = name.start;
	e->op_len = name.len;
	e->args = args;
	e->n_args = n;
	for (size_t i = 0; i < n; i++)
		if (args[i]->depth + 1 > e->depth)
			e->depth = args[i]->depth + 1;
	r = check_depth(p, e, name.start, name.len);
	if (r < 0)
		return r;
	*ret = e;
	return advance(p);
}

static int parse_primary(struct expr_parser *p, struct expr **ret)
{
	struct expr_token t = p->tok;
	struct expr *e;
	size_t lparen;
	int r;

	switch (t.kind) {
	case EXPR_TOK_NUMBER:
	case EXPR_TOK_STRING:
	case EXPR_TOK_TRUE:
	case EXPR_TOK_FALSE:
	case EXPR_TOK_NULL:
		e = new_node(p, EXPR_LITERAL, t.start, t.len);
		if (!e)
			return -ENOMEM;
		if (t.kind == EXPR_TOK_NUMBER)
			e->literal = value_number(t.number);
		else if (t.kind == EXPR_TOK_STRING)
			e->literal = value_string(t.text);
		else if (t.kind == EXPR_TOK_NULL)
			e->literal = value_null("null");
		else
			e->literal = value_bool(t.kind == EXPR_TOK_TRUE);
		*ret = e;
		return advance(p);
	case EXPR_TOK_NAME:
		r = advance(p);
		if (r < 0)
			return r;
		if (p->tok.kind == EXPR_TOK_LPAREN)
			return parse_call(p, t, ret);
		e = new_node(p, EXPR_NAME, t.start, t.len);
		if (!e)
			return -ENOMEM;
		e->name = t.text;
		*ret = e;
		return 0;
	case EXPR_TOK_LPAREN:
		lparen = t.start;
		r = advance(p);
		if (r < 0)
			return r;
		r = parse_expr(p, 1, &e);
		if (r < 0)
			return r;
		if (p->tok.kind != EXPR_TOK_RPAREN) {
			if (p->tok.kind == EXPR_TOK_EOF)
				report(p, ID_SYNTAX, lparen, 1,
				       "missing ')' to match '('");
			else
				report(p, ID_SYNTAX, p->tok.start, p->tok.len,
				       "expected ')', found %s", tok_desc(p, &p->tok));
			return p->oom ? -ENOMEM : -EINVAL;
		}
		/* The node covers its parentheses, so that the text quoted
		 * in reasons ("division by zero in '(a + b) / c'") reads
		 * right. */
		e->start = lparen;
		e->len = p->tok.start + 1 - lparen;
		*ret = e;
		return advance(p);
	default:
		return unexpected(p);
	}
}

static int parse_unary(struct expr_parser *p, struct expr **ret)
{
	struct expr_token op = p->tok;
	struct expr *e, *operand;
	int r;

	if (op.kind != EXPR_TOK_NOT && op.kind != EXPR_TOK_MINUS)
		return parse_primary(p, ret);
	r = enter(p);
	if (r < 0)
		return r;
	r = advance(p);
	if (r < 0)
		return r;
	r = parse_unary(p, &operand);
	if (r < 0)
		return r;
	p->nesting--;
	e = new_node(p, EXPR_UNARY, op.start, operand->start + operand->len - op.start);
	if (!e)
		return -ENOMEM;
	e->op = op.kind;
	e->op_start = op.start;
	e->op_len = op.len;
	e->lhs = operand;
	e->depth = operand->depth + 1;
	r = check_depth(p, e, op.start, op.len);
	if (r < 0)
		return r;
	*ret = e;
	return 0;
}

/* Precedence climbing: operands bind tighter than operators of lower
 * precedence; min_prec + 1 on the right makes every level left-assoc. */
static int parse_expr(struct expr_parser *p, int min_prec, struct expr **ret)
{
	struct expr *lhs, *rhs, *e;
	int prec, r;

	r = enter(p);
	if (r < 0)
		return r;
	r = parse_unary(p, &lhs);
	if (r < 0)
		return r;
	while ((prec = binary_prec(p->tok.kind)) && prec >= min_prec) {
		struct expr_token op = p->tok;

		r = advance(p);
		if (r < 0)
			return r;
		r = parse_expr(p, prec + 1, &rhs);
		if (r < 0)
			return r;
		e = new_node(p, EXPR_BINARY, lhs->start,
			     rhs->start + rhs->len - lhs->start);
		if (!e)
			return -ENOMEM;
		e->op = op.kind;
		e->op_start = op.start;
		e->op_len = op.len;
		e->lhs = lhs;
		e->rhs = rhs;
		e->depth = (lhs->depth > rhs->depth ? lhs->depth : rhs->depth) + 1;
		r = check_depth(p, e, op.start, op.len);
		if (r < 0)
			return r;
		lhs = e;
	}
	p->nesting--;
	*ret = lhs;
	return 0;
}

/* Load-time checks. */

static const char *a_type(enum value_type t)
{
	switch (t) {
	case VALUE_NULL: return "null";
	case VALUE_BOOL: return "a bool";
	case VALUE_NUMBER: return "a number";
	case VALUE_STRING: return "a string";
	case VALUE_VERSION: return "a version";
	}
	return "?";
}

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
	report(p, ID_TYPE, operand->start, operand->len, "%s needs %s, not %s", what,
	       want == VALUE_BOOL ? "a bool" : "a number", a_type(operand->stype));
}

static bool is_string_literal(const struct expr *e)
{
	return e->kind == EXPR_LITERAL && e->literal.type == VALUE_STRING;
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

static void check(struct expr_parser *p, struct expr *e);

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
		report(p, ID_TYPE, e->op_start, e->op_len,
		       "cannot compare %s with %s (write versions as strings: \"%.*s\")",
		       a_type(e->lhs->stype), a_type(e->rhs->stype),
		       (int)num->len, p->src + num->start);
	else
		report(p, ID_TYPE, e->op_start, e->op_len, "cannot compare %s with %s",
		       a_type(e->lhs->stype), a_type(e->rhs->stype));
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
			report(p, ID_TYPE, e->op_start, e->op_len,
			       "comparisons cannot be chained (write 'a < b && b < c')");
			bad = true;
		} else if (side[i]->stype_known && (side[i]->stype == VALUE_BOOL ||
						    side[i]->stype == VALUE_NULL)) {
			report(p, ID_TYPE, side[i]->start, side[i]->len,
			       "operator '%s' needs numbers or versions, not %s",
			       op, a_type(side[i]->stype));
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
		if (is_string_literal(side[i]) &&
		    kversion_parse(side[i]->literal.string, &v) < 0)
			report(p, ID_TYPE, side[i]->start, side[i]->len,
			       "invalid version '%s' in comparison '%s'",
			       side[i]->literal.string, op);
}

static void check_binary(struct expr_parser *p, struct expr *e)
{
	const char *op = expr_tok_spelling(e->op);
	char what[32];

	check(p, e->lhs);
	check(p, e->rhs);
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
				if (is_string_literal(side[i]) &&
				    is_type(side[1 - i], VALUE_VERSION) &&
				    kversion_parse(side[i]->literal.string, &v) < 0)
					report(p, ID_TYPE, side[i]->start, side[i]->len,
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
		report(p, ID_ARGUMENT, arg->start, arg->len, "%s", msg);
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
			report(p, ID_FUNCTION, e->op_start, e->op_len,
			       "unknown function '%s' (did you mean '%s'?)", e->name,
			       expr_closest_result(&c));
		else
			report(p, ID_FUNCTION, e->op_start, e->op_len,
			       "unknown function '%s'", e->name);
		for (i = 0; i < e->n_args; i++)
			check(p, e->args[i]);
		return;
	}
	if (e->n_args < min_args || (max_args && e->n_args > max_args)) {
		if (!max_args)
			report(p, ID_ARITY, e->op_start, e->op_len,
			       "function '%s' takes at least %u arguments",
			       e->name, min_args);
		else
			report(p, ID_ARITY, e->op_start, e->op_len,
			       "function '%s' takes %u argument%s", e->name,
			       min_args, min_args == 1 ? "" : "s");
	}
	if (expr_func_is_fact(e->func)) {
		for (i = 0; i < e->n_args; i++) {
			if (!is_string_literal(e->args[i]))
				report(p, ID_ARGUMENT, e->args[i]->start, e->args[i]->len,
				       "argument of '%s' must be a string literal",
				       e->name);
			else if (!e->args[i]->literal.string[0])
				report(p, ID_ARGUMENT, e->args[i]->start, e->args[i]->len,
				       "argument of '%s' is empty", e->name);
			else
				check_fact_arg(p, e, e->args[i]);
			/* Not the inside of a non-literal: one error is
			 * enough there. */
			if (is_string_literal(e->args[i]))
				check(p, e->args[i]);
		}
		if (e->func == EXPR_FN_BOOT_SOURCE)
			set_type(e, VALUE_STRING);
		else if (e->func == EXPR_FN_COUNTER || e->func == EXPR_FN_RATE)
			set_type(e, VALUE_NUMBER);
		return;
	}
	for (i = 0; i < e->n_args; i++) {
		check(p, e->args[i]);
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
			report(p, ID_NAME, e->start, e->len,
			       "unknown name '%s' (did you mean '%s'?)", e->name, hint);
		else
			report(p, ID_NAME, e->start, e->len, "unknown name '%s'",
			       e->name);
		return;
	}
	if (n->name_type && n->name_type(n->userdata, e->name, &t) &&
	    t != VALUE_NULL)
		set_type(e, t);
}

static void check(struct expr_parser *p, struct expr *e)
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
		check(p, e->lhs);
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

/* Parses src[start, end) of p->src as one expression. */
static int parse_range(struct expr_parser *p, size_t start, size_t end,
		       struct expr **ret)
{
	struct expr *e;
	unsigned errors = p->errors;
	int r;

	p->nesting = 0;
	expr_lexer_init(&p->lx, p->src, start, end, p->a);
	r = advance(p);
	if (r < 0)
		return r;
	if (p->tok.kind == EXPR_TOK_EOF) {
		report(p, ID_SYNTAX, start, end - start, "empty expression");
		return -EINVAL;
	}
	r = parse_expr(p, 1, &e);
	if (r < 0)
		return p->oom ? -ENOMEM : r;
	if (p->tok.kind != EXPR_TOK_EOF)
		return unexpected(p);
	check(p, e);
	if (p->oom)
		return -ENOMEM;
	if (p->errors != errors)
		return -EINVAL;
	*ret = e;
	return 0;
}

static int check_length(struct expr_parser *p, const char *what)
{
	if (p->src_len > EXPR_MAX_LENGTH) {
		report(p, ID_SYNTAX, 0, 1, "%s is too long (%zu bytes, at most %d)",
		       what, p->src_len, EXPR_MAX_LENGTH);
		return -EINVAL;
	}
	return 0;
}

static int parse_common(const char *src, const struct expr_origin *origin,
			const struct expr_names *names, struct arena *a,
			struct diag *diag, bool condition, struct expr **ret)
{
	struct expr_parser p;
	struct expr *e;
	int r;

	parser_init(&p, src, origin, names, a, diag);
	r = check_length(&p, "expression");
	if (r < 0)
		return r;
	r = parse_range(&p, 0, p.src_len, &e);
	if (r < 0)
		return r;
	if (condition && e->stype_known && e->stype != VALUE_BOOL) {
		report(&p, ID_TYPE, e->start, e->len, "condition is %s, not a bool",
		       a_type(e->stype));
		return p.oom ? -ENOMEM : -EINVAL;
	}
	*ret = e;
	return 0;
}

int expr_parse(const char *src, const struct expr_origin *origin,
	       const struct expr_names *names, struct arena *a,
	       struct diag *diag, struct expr **ret)
{
	return parse_common(src, origin, names, a, diag, false, ret);
}

int expr_parse_condition(const char *src, const struct expr_origin *origin,
			 const struct expr_names *names, struct arena *a,
			 struct diag *diag, struct expr **ret)
{
	return parse_common(src, origin, names, a, diag, true, ret);
}

const char *expr_text(const struct expr *e)
{
	return e->text;
}

/* Templates. */

/* End of the placeholder opened at src[open]: the first '}' outside a
 * string literal, or 0 if there is none. */
static size_t placeholder_end(const char *src, size_t open, size_t len)
{
	char quote = 0;

	for (size_t i = open + 1; i < len; i++) {
		if (quote) {
			if (src[i] == '\\' && i + 1 < len)
				i++;
			else if (src[i] == quote)
				quote = 0;
		} else if (src[i] == '"' || src[i] == '\'') {
			quote = src[i];
		} else if (src[i] == '}') {
			return i;
		}
	}
	return 0;
}

int expr_template_parse(const char *src, const struct expr_origin *origin,
			const struct expr_names *names, struct arena *a,
			struct diag *diag, struct expr_template **ret)
{
	struct expr_parser p;
	struct expr_template *t;
	char *text;
	size_t i, n = 0, cap = 0, close;
	int r;

	parser_init(&p, src, origin, names, a, diag);
	r = check_length(&p, "template");
	if (r < 0)
		return r;
	t = arena_alloc(a, sizeof(*t));
	text = arena_alloc(a, p.src_len + 1);
	if (!t || !text)
		return -ENOMEM;

	for (i = 0; i <= p.src_len; i++) {
		struct expr *e = NULL;
		char c = src[i];

		if (c == '{' && src[i + 1] == '{') {
			text[n++] = '{';
			i++;
			continue;
		}
		if (c == '}' && src[i + 1] == '}') {
			text[n++] = '}';
			i++;
			continue;
		}
		if (c == '}') {
			report(&p, ID_SYNTAX, i, 1,
			       "unmatched '}' in template (write '}}' for a literal brace)");
			continue;
		}
		if (c != '{' && c != '\0') {
			text[n++] = c;
			continue;
		}
		if (c == '{') {
			close = placeholder_end(src, i, p.src_len);
			if (!close) {
				report(&p, ID_SYNTAX, i, 1,
				       "unterminated '{' in template (write '{{' for a literal brace)");
				break;
			}
			r = parse_range(&p, i + 1, close, &e);
			if (r == -ENOMEM)
				return r;
			i = close;
			/* Keep going: later placeholders may have errors too. */
		}
		if (t->n_parts == cap) {
			struct expr_template_part *np;

			cap = cap ? cap * 2 : 4;
			np = arena_calloc(a, cap, sizeof(*np));
			if (!np)
				return -ENOMEM;
			if (t->n_parts)
				memcpy(np, t->parts, t->n_parts * sizeof(*np));
			t->parts = np;
		}
		text[n] = '\0';
		t->parts[t->n_parts].text = arena_strdup(a, text);
		t->parts[t->n_parts].e = e;
		if (!t->parts[t->n_parts].text)
			return -ENOMEM;
		t->n_parts++;
		n = 0;
		if (c == '\0')
			break;
	}
	if (p.oom)
		return -ENOMEM;
	if (p.errors)
		return -EINVAL;
	*ret = t;
	return 0;
}

/* Names used, for evidence. */

struct names_acc {
	const char **v;
	size_t n, cap;
	struct arena *a;
	bool oom;
};

static void names_add(struct names_acc *acc, const char *s)
{
	if (!s) {
		acc->oom = true;
		return;
	}
	for (size_t i = 0; i < acc->n; i++)
		if (!strcmp(acc->v[i], s))
			return;
	if (acc->n + 1 >= acc->cap) {
		const char **nv;
		size_t cap = acc->cap ? acc->cap * 2 : 8;

		nv = arena_calloc(acc->a, cap, sizeof(*nv));
		if (!nv) {
			acc->oom = true;
			return;
		}
		if (acc->n)
			memcpy(nv, acc->v, acc->n * sizeof(*nv));
		acc->v = nv;
		acc->cap = cap;
	}
	acc->v[acc->n++] = s;
	acc->v[acc->n] = NULL;
}

static const char *call_name(struct arena *a, const struct expr *e)
{
	const char *arg = e->args[0]->literal.string;
	size_t len = strlen(arg), n = 0;
	char *q = arena_alloc(a, 2 * len + 1);

	if (!q)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (arg[i] == '"' || arg[i] == '\\')
			q[n++] = '\\';
		q[n++] = arg[i];
	}
	return arena_printf(a, "%s(\"%s\")", e->name, q);
}

static void names_walk(struct names_acc *acc, const struct expr *e)
{
	switch (e->kind) {
	case EXPR_LITERAL:
		break;
	case EXPR_NAME:
		names_add(acc, e->name);
		break;
	case EXPR_UNARY:
		names_walk(acc, e->lhs);
		break;
	case EXPR_BINARY:
		names_walk(acc, e->lhs);
		names_walk(acc, e->rhs);
		break;
	case EXPR_CALL:
		if (expr_func_is_fact(e->func) && e->n_args == 1 &&
		    is_string_literal(e->args[0])) {
			names_add(acc, call_name(acc->a, e));
			break;
		}
		for (size_t i = 0; i < e->n_args; i++)
			names_walk(acc, e->args[i]);
		break;
	}
}

const char **expr_names_used(const struct expr *e, struct arena *a)
{
	struct names_acc acc = { .a = a };

	names_walk(&acc, e);
	if (acc.oom)
		return NULL;
	if (!acc.v) {
		acc.v = arena_calloc(a, 1, sizeof(*acc.v));
		if (!acc.v)
			return NULL;
	}
	return acc.v;
}
