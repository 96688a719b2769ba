/* Parser of the expression language (precedence climbing). Syntax errors
 * stop at the first; the load-time checks (expr_check.c) then report
 * every problem they find. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "expr_internal.h"

void expr_parser_init(struct expr_parser *p, const char *src,
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

void expr_report(struct expr_parser *p, const char *id, size_t start,
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
		id = EXPR_ID_SYNTAX;
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
		expr_report(p, EXPR_ID_SYNTAX, p->lx.error_start, p->lx.error_len, "%s",
			    p->lx.error);
	return r;
}

static int unexpected(struct expr_parser *p)
{
	if (p->tok.kind == EXPR_TOK_EOF)
		expr_report(p, EXPR_ID_SYNTAX, p->tok.start, 1,
			    "unexpected end of expression");
	else
		expr_report(p, EXPR_ID_SYNTAX, p->tok.start, p->tok.len, "unexpected %s",
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
		expr_report(p, EXPR_ID_SYNTAX, at, len,
			    "expression is nested too deeply (more than %d levels)",
			    EXPR_MAX_DEPTH);
		return -EINVAL;
	}
	return 0;
}

static int enter(struct expr_parser *p)
{
	if (++p->nesting > EXPR_MAX_DEPTH) {
		expr_report(p, EXPR_ID_SYNTAX, p->tok.start, p->tok.len,
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
				expr_report(p, EXPR_ID_SYNTAX, lparen, 1,
					    "missing ')' to match '('");
			else
				expr_report(p, EXPR_ID_SYNTAX, p->tok.start, p->tok.len,
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
				expr_report(p, EXPR_ID_SYNTAX, lparen, 1,
					    "missing ')' to match '('");
			else
				expr_report(p, EXPR_ID_SYNTAX, p->tok.start, p->tok.len,
					    "expected ')', found %s",
					    tok_desc(p, &p->tok));
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

/* Parses src[start, end) of p->src as one expression. */
int expr_parse_range(struct expr_parser *p, size_t start, size_t end,
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
		expr_report(p, EXPR_ID_SYNTAX, start, end - start, "empty expression");
		return -EINVAL;
	}
	r = parse_expr(p, 1, &e);
	if (r < 0)
		return p->oom ? -ENOMEM : r;
	if (p->tok.kind != EXPR_TOK_EOF)
		return unexpected(p);
	expr_check(p, e);
	if (p->oom)
		return -ENOMEM;
	if (p->errors != errors)
		return -EINVAL;
	*ret = e;
	return 0;
}

int expr_check_length(struct expr_parser *p, const char *what)
{
	if (p->src_len > EXPR_MAX_LENGTH) {
		expr_report(p, EXPR_ID_SYNTAX, 0, 1,
			    "%s is too long (%zu bytes, at most %d)", what,
			    p->src_len, EXPR_MAX_LENGTH);
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

	expr_parser_init(&p, src, origin, names, a, diag);
	r = expr_check_length(&p, "expression");
	if (r < 0)
		return r;
	r = expr_parse_range(&p, 0, p.src_len, &e);
	if (r < 0)
		return r;
	if (condition && e->stype_known && e->stype != VALUE_BOOL) {
		expr_report(&p, EXPR_ID_TYPE, e->start, e->len,
			    "condition is %s, not a bool", expr_a_type(e->stype));
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
