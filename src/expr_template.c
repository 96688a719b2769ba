/* "{expr}" templates of rule summaries, and the names an expression
 * reads. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "arena.h"
#include "expr_internal.h"

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

	expr_parser_init(&p, src, origin, names, a, diag);
	r = expr_check_length(&p, "template");
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
			expr_report(&p, EXPR_ID_SYNTAX, i, 1,
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
				expr_report(&p, EXPR_ID_SYNTAX, i, 1,
					    "unterminated '{' in template (write '{{' for a literal brace)");
				break;
			}
			r = expr_parse_range(&p, i + 1, close, &e);
			if (r == -ENOMEM)
				return r;
			i = close;
			/* Keep going: later placeholders may have errors too. */
		}
		if (ARENA_GROW(a, t->parts, t->n_parts, cap, 4) < 0)
			return -ENOMEM;
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

/* Names an expression reads, for a finding's evidence. */

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
		    expr_is_string_literal(e->args[0])) {
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
