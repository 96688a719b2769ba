/*
 * expr_internal: what the expression lexer, parser and evaluator share and
 * nobody else needs: tokens, the AST and its static types. Everything is
 * allocated in the arena given to the parser; nodes are immutable once
 * expr_parse() returns.
 */
#ifndef TWTUNE_EXPR_INTERNAL_H
#define TWTUNE_EXPR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "expr.h"
#include "value.h"

struct arena;

enum expr_tok {
	EXPR_TOK_EOF,
	EXPR_TOK_NUMBER,
	EXPR_TOK_STRING,
	EXPR_TOK_NAME,
	EXPR_TOK_TRUE,
	EXPR_TOK_FALSE,
	EXPR_TOK_NULL,
	EXPR_TOK_NOT,		/* ! */
	EXPR_TOK_MINUS,		/* - */
	EXPR_TOK_STAR,		/* * */
	EXPR_TOK_SLASH,		/* / */
	EXPR_TOK_PERCENT,	/* % */
	EXPR_TOK_PLUS,		/* + */
	EXPR_TOK_LT,		/* < */
	EXPR_TOK_LE,		/* <= */
	EXPR_TOK_GT,		/* > */
	EXPR_TOK_GE,		/* >= */
	EXPR_TOK_EQ,		/* == */
	EXPR_TOK_NE,		/* != */
	EXPR_TOK_AND,		/* && */
	EXPR_TOK_OR,		/* || */
	EXPR_TOK_LPAREN,
	EXPR_TOK_RPAREN,
	EXPR_TOK_COMMA,
};

struct expr_token {
	enum expr_tok kind;
	size_t start, len;	/* byte span in the lexer's source */
	double number;		/* EXPR_TOK_NUMBER */
	const char *text;	/* decoded string, or the name; in the arena */
};

/* Lexes src[pos, end). A lexer error leaves a message and span behind and
 * is final: the caller reports it and stops. */
struct expr_lexer {
	const char *src;
	size_t pos, end;
	struct arena *arena;
	const char *error;
	size_t error_start, error_len;
};

void expr_lexer_init(struct expr_lexer *lx, const char *src, size_t start,
		     size_t end, struct arena *a);
/* 0, -EINVAL (lx->error set) or -ENOMEM. */
int expr_lex(struct expr_lexer *lx, struct expr_token *ret);
/* The operator's spelling ("<=") or a description ("end of expression"). */
const char *expr_tok_spelling(enum expr_tok t);

enum expr_kind {
	EXPR_LITERAL,
	EXPR_NAME,
	EXPR_UNARY,
	EXPR_BINARY,
	EXPR_CALL,
};

enum expr_func {
	EXPR_FN_UNKNOWN,
	EXPR_FN_SYSCTL,
	EXPR_FN_BOOT,
	EXPR_FN_BOOT_SOURCE,
	EXPR_FN_COUNTER,
	EXPR_FN_RATE,
	EXPR_FN_DEFINED,
	EXPR_FN_MIN,
	EXPR_FN_MAX,
	EXPR_FN_PCT,
};

struct expr {
	enum expr_kind kind;
	enum expr_tok op;		/* EXPR_UNARY, EXPR_BINARY */
	size_t start, len;		/* whole node in the source */
	size_t op_start, op_len;	/* operator or function name */
	const char *text;		/* source of the node, for run-time reasons */
	unsigned depth;			/* 1 for a leaf */
	/* Static type: known when stype_known; otherwise decided by facts. */
	bool stype_known;
	enum value_type stype;
	struct value literal;		/* EXPR_LITERAL */
	const char *name;		/* EXPR_NAME, EXPR_CALL */
	enum expr_func func;		/* EXPR_CALL */
	struct expr *lhs, *rhs;		/* EXPR_UNARY uses lhs */
	struct expr **args;		/* EXPR_CALL */
	size_t n_args;
};

struct expr_template_part {
	const char *text;		/* literal text before the placeholder */
	const struct expr *e;		/* NULL for trailing text */
};

struct expr_template {
	struct expr_template_part *parts;
	size_t n_parts;
};

/* True for the functions that read facts with one string argument. */
static inline bool expr_func_is_fact(enum expr_func f)
{
	return f >= EXPR_FN_SYSCTL && f <= EXPR_FN_RATE;
}

/* Diagnostic ids (stable: lint JSON and SARIF rule ids). */
#define EXPR_ID_SYNTAX "expr-syntax"
#define EXPR_ID_TYPE "expr-type"
#define EXPR_ID_NAME "expr-unknown-name"
#define EXPR_ID_FUNCTION "expr-unknown-function"
#define EXPR_ID_ARITY "expr-arity"
#define EXPR_ID_ARGUMENT "expr-argument"

/* Hostile input could otherwise make thousands of entries, each with a
 * copy of a 4 KiB line. */
#define EXPR_MAX_ERRORS 20

struct diag;

/* One parse of one text (an expression, or a template and all its
 * placeholders): positions are offsets into src. */
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


void expr_parser_init(struct expr_parser *p, const char *src,
		      const struct expr_origin *origin,
		      const struct expr_names *names, struct arena *a,
		      struct diag *diag);
/* Reports an error at src[start, start + len): file:line:col from the
 * origin plus the newlines before start, and the line as caret excerpt. */
void expr_report(struct expr_parser *p, const char *id, size_t start,
		 size_t len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Parses and checks src[start, end) as one expression. */
int expr_parse_range(struct expr_parser *p, size_t start, size_t end,
		     struct expr **ret);
int expr_check_length(struct expr_parser *p, const char *what);
/* Load-time checks of a parsed tree (expr_check.c): sets node texts and
 * static types, reports every problem. */
void expr_check(struct expr_parser *p, struct expr *e);

static inline const char *expr_a_type(enum value_type t)
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

static inline bool expr_is_string_literal(const struct expr *e)
{
	return e->kind == EXPR_LITERAL && e->literal.type == VALUE_STRING;
}

#endif
