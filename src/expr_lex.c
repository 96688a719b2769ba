/* Lexer of the expression language: tokens with byte offsets so that every
 * diagnostic can point at the exact spot. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "expr_internal.h"

void expr_lexer_init(struct expr_lexer *lx, const char *src, size_t start,
		     size_t end, struct arena *a)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->pos = start;
	lx->end = end;
	lx->arena = a;
}

const char *expr_tok_spelling(enum expr_tok t)
{
	static const char *const names[] = {
		[EXPR_TOK_EOF] = "end of expression",
		[EXPR_TOK_NUMBER] = "number",
		[EXPR_TOK_STRING] = "string",
		[EXPR_TOK_NAME] = "name",
		[EXPR_TOK_TRUE] = "true",
		[EXPR_TOK_FALSE] = "false",
		[EXPR_TOK_NULL] = "null",
		[EXPR_TOK_NOT] = "!",
		[EXPR_TOK_MINUS] = "-",
		[EXPR_TOK_STAR] = "*",
		[EXPR_TOK_SLASH] = "/",
		[EXPR_TOK_PERCENT] = "%",
		[EXPR_TOK_PLUS] = "+",
		[EXPR_TOK_LT] = "<",
		[EXPR_TOK_LE] = "<=",
		[EXPR_TOK_GT] = ">",
		[EXPR_TOK_GE] = ">=",
		[EXPR_TOK_EQ] = "==",
		[EXPR_TOK_NE] = "!=",
		[EXPR_TOK_AND] = "&&",
		[EXPR_TOK_OR] = "||",
		[EXPR_TOK_LPAREN] = "(",
		[EXPR_TOK_RPAREN] = ")",
		[EXPR_TOK_COMMA] = ",",
	};
	return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static int lex_fail(struct expr_lexer *lx, size_t start, size_t len,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int lex_fail(struct expr_lexer *lx, size_t start, size_t len,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lx->error = arena_vprintf(lx->arena, fmt, ap);
	va_end(ap);
	if (!lx->error)
		return -ENOMEM;
	lx->error_start = start;
	lx->error_len = len ? len : 1;
	return -EINVAL;
}

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Integers and decimals only: "4.12" is a number, "4.12.1" is an error that
 * suggests quoting, since versions are strings in this language. */
static int lex_number(struct expr_lexer *lx, struct expr_token *t)
{
	const char *s = lx->src;
	size_t p = lx->pos, start = lx->pos;
	char *text;
	double v;

	while (p < lx->end && is_digit(s[p]))
		p++;
	if (p < lx->end && s[p] == '.') {
		p++;
		if (p >= lx->end || !is_digit(s[p]))
			return lex_fail(lx, start, p - start,
					"invalid number '%.*s'", (int)(p - start),
					s + start);
		while (p < lx->end && is_digit(s[p]))
			p++;
	}
	if (p < lx->end && (s[p] == '.' || is_name_char(s[p]))) {
		bool dotted = s[p] == '.';

		while (p < lx->end && (s[p] == '.' || is_name_char(s[p])))
			p++;
		if (dotted)
			return lex_fail(lx, start, p - start,
					"invalid number '%.*s' (quote versions: \"%.*s\")",
					(int)(p - start), s + start,
					(int)(p - start), s + start);
		return lex_fail(lx, start, p - start, "invalid number '%.*s'",
				(int)(p - start), s + start);
	}
	text = arena_strndup(lx->arena, s + start, p - start);
	if (!text)
		return -ENOMEM;
	v = strtod(text, NULL);
	if (!isfinite(v))
		return lex_fail(lx, start, p - start, "number '%s' is too large",
				text);
	t->kind = EXPR_TOK_NUMBER;
	t->number = v;
	t->start = start;
	t->len = p - start;
	lx->pos = p;
	return 0;
}

static int lex_string(struct expr_lexer *lx, struct expr_token *t)
{
	const char *s = lx->src;
	size_t start = lx->pos, p = lx->pos + 1, n = 0;
	char quote = s[start];
	char *buf;

	/* Decoded text is never longer than the source. */
	buf = arena_alloc(lx->arena, lx->end - start);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (p >= lx->end || s[p] == '\n')
			return lex_fail(lx, start, p - start, "unterminated string");
		if (s[p] == quote)
			break;
		if (s[p] == '\\') {
			char c = p + 1 < lx->end ? s[p + 1] : '\0';

			switch (c) {
			case '"': case '\'': case '\\':
				buf[n++] = c;
				break;
			case 'n':
				buf[n++] = '\n';
				break;
			default:
				if (c == '\0' || c == '\n')
					return lex_fail(lx, start, p + 1 - start,
							"unterminated string");
				return lex_fail(lx, p, 2,
						"invalid escape '\\%c' in string", c);
			}
			p += 2;
			continue;
		}
		if ((unsigned char)s[p] < 0x20 && s[p] != '\t')
			return lex_fail(lx, p, 1,
					"control character 0x%02x in string",
					(unsigned char)s[p]);
		buf[n++] = s[p++];
	}
	buf[n] = '\0';
	t->kind = EXPR_TOK_STRING;
	t->text = buf;
	t->start = start;
	t->len = p + 1 - start;
	lx->pos = p + 1;
	return 0;
}

/* name = segment { "." segment }, segment = [A-Za-z_][A-Za-z0-9_]* */
static int lex_name(struct expr_lexer *lx, struct expr_token *t)
{
	const char *s = lx->src;
	size_t start = lx->pos, p = lx->pos;
	char *text;

	for (;;) {
		while (p < lx->end && is_name_char(s[p]))
			p++;
		if (p < lx->end && s[p] == '.') {
			if (p + 1 < lx->end && is_name_start(s[p + 1])) {
				p++;
				continue;
			}
			while (p < lx->end && (s[p] == '.' || is_name_char(s[p])))
				p++;
			return lex_fail(lx, start, p - start, "invalid name '%.*s'",
					(int)(p - start), s + start);
		}
		break;
	}
	text = arena_strndup(lx->arena, s + start, p - start);
	if (!text)
		return -ENOMEM;
	if (!strcmp(text, "true"))
		t->kind = EXPR_TOK_TRUE;
	else if (!strcmp(text, "false"))
		t->kind = EXPR_TOK_FALSE;
	else if (!strcmp(text, "null"))
		t->kind = EXPR_TOK_NULL;
	else
		t->kind = EXPR_TOK_NAME;
	t->text = text;
	t->start = start;
	t->len = p - start;
	lx->pos = p;
	return 0;
}

int expr_lex(struct expr_lexer *lx, struct expr_token *ret)
{
	const char *s = lx->src;
	struct expr_token t = { 0 };
	size_t p;
	char c, n;

	while (lx->pos < lx->end && (s[lx->pos] == ' ' || s[lx->pos] == '\t' ||
				     s[lx->pos] == '\n' || s[lx->pos] == '\r'))
		lx->pos++;
	p = lx->pos;
	if (p >= lx->end) {
		ret->kind = EXPR_TOK_EOF;
		ret->start = lx->end;
		ret->len = 0;
		ret->text = NULL;
		return 0;
	}
	c = s[p];
	if (is_digit(c))
		return lex_number(lx, ret);
	if (c == '"' || c == '\'')
		return lex_string(lx, ret);
	if (is_name_start(c))
		return lex_name(lx, ret);

	n = p + 1 < lx->end ? s[p + 1] : '\0';
	t.start = p;
	t.len = 1;
	switch (c) {
	case '!': t.kind = n == '=' ? EXPR_TOK_NE : EXPR_TOK_NOT; break;
	case '-': t.kind = EXPR_TOK_MINUS; break;
	case '*': t.kind = EXPR_TOK_STAR; break;
	case '/': t.kind = EXPR_TOK_SLASH; break;
	case '%': t.kind = EXPR_TOK_PERCENT; break;
	case '+': t.kind = EXPR_TOK_PLUS; break;
	case '<': t.kind = n == '=' ? EXPR_TOK_LE : EXPR_TOK_LT; break;
	case '>': t.kind = n == '=' ? EXPR_TOK_GE : EXPR_TOK_GT; break;
	case '(': t.kind = EXPR_TOK_LPAREN; break;
	case ')': t.kind = EXPR_TOK_RPAREN; break;
	case ',': t.kind = EXPR_TOK_COMMA; break;
	case '=':
		if (n != '=')
			return lex_fail(lx, p, 1, "unexpected '=' (use '==' to compare)");
		t.kind = EXPR_TOK_EQ;
		break;
	case '&':
		if (n != '&')
			return lex_fail(lx, p, 1, "unexpected '&' (use '&&')");
		t.kind = EXPR_TOK_AND;
		break;
	case '|':
		if (n != '|')
			return lex_fail(lx, p, 1, "unexpected '|' (use '||')");
		t.kind = EXPR_TOK_OR;
		break;
	default:
		if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
			return lex_fail(lx, p, 1, "unexpected character 0x%02x",
					(unsigned char)c);
		return lex_fail(lx, p, 1, "unexpected character '%c'", c);
	}
	if (t.kind == EXPR_TOK_NE || t.kind == EXPR_TOK_LE ||
	    t.kind == EXPR_TOK_GE || t.kind == EXPR_TOK_EQ ||
	    t.kind == EXPR_TOK_AND || t.kind == EXPR_TOK_OR)
		t.len = 2;
	lx->pos = p + t.len;
	*ret = t;
	return 0;
}
