/*
 * ytree: a YAML document read with libyaml into a small tree of nodes that
 * remember where they came from (1-based line and column), so validators
 * can report "file:line:col" for any value. It refuses what a hostile file
 * could use against us: aliases (billion laughs), more than one document,
 * nesting deeper than a limit, duplicate mapping keys. Everything lives in
 * the arena given.
 */
#ifndef TWTUNE_YTREE_H
#define TWTUNE_YTREE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct diag;

enum ytree_type {
	YTREE_SCALAR,
	YTREE_SEQUENCE,
	YTREE_MAPPING,
};

enum ytree_style {
	YTREE_PLAIN,		/* unquoted: may be a number, bool, null */
	YTREE_QUOTED,		/* '...' or "...": always a string */
	YTREE_BLOCK,		/* | or >: always a string */
};

struct ytree_node {
	enum ytree_type type;
	unsigned line, column;		/* 1-based, of the node's first byte */
	/* Scalar */
	const char *text;		/* NUL-terminated; may contain NUL (len) */
	size_t len;
	enum ytree_style style;
	unsigned text_line, text_column;	/* where the text itself starts */
	/* Sequence: items. Mapping: keys[i] -> items[i]. */
	struct ytree_node **items;
	struct ytree_node **keys;
	size_t n;
};

struct ytree_limits {
	unsigned max_depth;		/* collections nested in collections */
	size_t max_nodes;
};

/* Parses buf (len bytes) as one YAML document. Errors go to diag with file
 * and position. Syntax errors, aliases, tags, depth and size limits stop
 * the parse: -EINVAL. Duplicate or non-scalar mapping keys are reported
 * and the tree is still returned (0), so a validator can report the rest
 * of the file in the same run. *ret is NULL for an empty document. */
int ytree_parse(const char *buf, size_t len, const char *file,
		const struct ytree_limits *limits, struct arena *a,
		struct diag *diag, struct ytree_node **ret);

const char *ytree_type_name(enum ytree_type t);
/* A plain scalar that YAML 1.1/1.2 core would read as null ("", "~", "null"). */
bool ytree_is_null(const struct ytree_node *n);
/* Value of key in a mapping, NULL when absent. */
struct ytree_node *ytree_get(const struct ytree_node *map, const char *key);

#endif
