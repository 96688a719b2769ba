#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "arena.h"
#include "diag.h"
#include "ytree.h"

/* An open collection while events stream by. */
struct ytree_frame {
	struct ytree_node *node;
	size_t cap;
	struct ytree_node *pending_key;	/* mapping: key waiting for its value */
};

struct ytree_parser {
	const char *buf;
	size_t len;
	const char *file;
	const struct ytree_limits *limits;
	struct arena *a;
	struct diag *diag;
	struct ytree_frame *stack;
	unsigned depth;
	size_t nodes;
	struct ytree_node *root;
	/* Byte offset of each line start, to place block scalar text. */
	size_t *line_start;
	size_t n_lines;
};

static void yparser_cleanup(yaml_parser_t *p)
{
	yaml_parser_delete(p);
}

static void yevent_cleanup(yaml_event_t *e)
{
	yaml_event_delete(e);
}

const char *ytree_type_name(enum ytree_type t)
{
	switch (t) {
	case YTREE_SCALAR: return "a scalar";
	case YTREE_SEQUENCE: return "a list";
	case YTREE_MAPPING: return "a mapping";
	}
	return "?";
}

bool ytree_is_null(const struct ytree_node *n)
{
	if (n->type != YTREE_SCALAR || n->style != YTREE_PLAIN)
		return false;
	return n->len == 0 || strcmp(n->text, "~") == 0 ||
	       strcmp(n->text, "null") == 0 || strcmp(n->text, "Null") == 0 ||
	       strcmp(n->text, "NULL") == 0;
}

struct ytree_node *ytree_get(const struct ytree_node *map, const char *key)
{
	size_t i;

	if (!map || map->type != YTREE_MAPPING)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (map->keys[i]->type == YTREE_SCALAR &&
		    strcmp(map->keys[i]->text, key) == 0)
			return map->items[i];
	return NULL;
}

static int ytree_index_lines(struct ytree_parser *yp)
{
	size_t i, n = 1;

	for (i = 0; i < yp->len; i++)
		if (yp->buf[i] == '\n')
			n++;
	yp->line_start = arena_calloc(yp->a, n, sizeof(*yp->line_start));
	if (!yp->line_start)
		return -ENOMEM;
	yp->n_lines = 0;
	yp->line_start[yp->n_lines++] = 0;
	for (i = 0; i < yp->len; i++)
		if (yp->buf[i] == '\n')
			yp->line_start[yp->n_lines++] = i + 1;
	return 0;
}

/* Block scalar text starts on the line after the indicator, at its first
 * non-blank: find it so expression errors point into the text. */
static void ytree_place_block(struct ytree_parser *yp, struct ytree_node *n)
{
	size_t line = n->line, off;	/* 0-based index of the next line */
	unsigned col = 1;

	n->text_line = n->line + 1;
	n->text_column = 1;
	if (line >= yp->n_lines)
		return;
	for (off = yp->line_start[line]; off < yp->len && yp->buf[off] == ' '; off++)
		col++;
	n->text_column = col;
}

static struct ytree_node *ytree_new(struct ytree_parser *yp, enum ytree_type type,
				    const yaml_mark_t *mark)
{
	struct ytree_node *n;

	if (++yp->nodes > yp->limits->max_nodes) {
		diag_add(yp->diag, DIAG_ERROR, yp->file, mark->line + 1, mark->column + 1,
			 "profile-too-large", NULL,
			 "too many YAML nodes (more than %zu)", yp->limits->max_nodes);
		return NULL;
	}
	n = arena_alloc(yp->a, sizeof(*n));
	if (!n)
		return NULL;
	n->type = type;
	n->line = (unsigned)mark->line + 1;
	n->column = (unsigned)mark->column + 1;
	return n;
}

static int ytree_push_item(struct ytree_parser *yp, struct ytree_frame *fr,
			   struct ytree_node *key, struct ytree_node *val)
{
	struct ytree_node *c = fr->node;

	if (c->n == fr->cap) {
		size_t cap = fr->cap ? fr->cap * 2 : 8;
		struct ytree_node **items = arena_calloc(yp->a, cap, sizeof(*items));
		struct ytree_node **keys = NULL;

		if (!items)
			return -ENOMEM;
		if (c->type == YTREE_MAPPING) {
			keys = arena_calloc(yp->a, cap, sizeof(*keys));
			if (!keys)
				return -ENOMEM;
			if (c->n)
				memcpy(keys, c->keys, c->n * sizeof(*keys));
		}
		if (c->n)
			memcpy(items, c->items, c->n * sizeof(*items));
		c->items = items;
		c->keys = keys;
		fr->cap = cap;
	}
	if (c->type == YTREE_MAPPING)
		c->keys[c->n] = key;
	c->items[c->n++] = val;
	return 0;
}

/* A finished node goes into the open collection (or becomes the root). */
static int ytree_attach(struct ytree_parser *yp, struct ytree_node *n)
{
	struct ytree_frame *fr;
	struct ytree_node *key;

	if (yp->depth == 0) {
		yp->root = n;
		return 0;
	}
	fr = &yp->stack[yp->depth - 1];
	if (fr->node->type == YTREE_SEQUENCE)
		return ytree_push_item(yp, fr, NULL, n);
	if (!fr->pending_key) {
		if (n->type != YTREE_SCALAR)
			diag_add(yp->diag, DIAG_ERROR, yp->file, n->line, n->column,
				 "profile-syntax", NULL,
				 "mapping key is %s, expected a scalar",
				 ytree_type_name(n->type));
		fr->pending_key = n;
		return 0;
	}
	key = fr->pending_key;
	fr->pending_key = NULL;
	return ytree_push_item(yp, fr, key, n);
}

static int ytree_key_cmp(const void *pa, const void *pb)
{
	const struct ytree_node *a = *(struct ytree_node *const *)pa;
	const struct ytree_node *b = *(struct ytree_node *const *)pb;
	int c;

	if (a->type != YTREE_SCALAR || b->type != YTREE_SCALAR)
		return (int)a->type - (int)b->type;
	c = strcmp(a->text, b->text);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->column < b->column ? -1 : a->column > b->column;
}

/* Duplicate keys: sorted copy, neighbours compared; O(n log n) so a
 * mapping with thousands of keys cannot stall the loader. */
static int ytree_check_duplicates(struct ytree_parser *yp, const struct ytree_node *map)
{
	struct ytree_node **sorted;
	size_t i;

	if (map->n < 2)
		return 0;
	sorted = arena_calloc(yp->a, map->n, sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, map->keys, map->n * sizeof(*sorted));
	qsort(sorted, map->n, sizeof(*sorted), ytree_key_cmp);
	for (i = 1; i < map->n; i++) {
		const struct ytree_node *prev = sorted[i - 1], *k = sorted[i];

		if (k->type != YTREE_SCALAR || prev->type != YTREE_SCALAR ||
		    strcmp(k->text, prev->text) != 0)
			continue;
		diag_add(yp->diag, DIAG_ERROR, yp->file, k->line, k->column,
			 "duplicate-key", NULL,
			 "duplicate key '%s' (first defined at line %u)",
			 k->text, prev->line);
	}
	return 0;
}

static int ytree_open(struct ytree_parser *yp, enum ytree_type type,
		      const yaml_mark_t *mark)
{
	struct ytree_node *n;

	if (yp->depth >= yp->limits->max_depth) {
		diag_add(yp->diag, DIAG_ERROR, yp->file, mark->line + 1, mark->column + 1,
			 "profile-too-deep", NULL,
			 "nesting too deep (more than %u levels)", yp->limits->max_depth);
		return -EINVAL;
	}
	n = ytree_new(yp, type, mark);
	if (!n)
		return yp->nodes > yp->limits->max_nodes ? -EINVAL : -ENOMEM;
	yp->stack[yp->depth].node = n;
	yp->stack[yp->depth].cap = 0;
	yp->stack[yp->depth].pending_key = NULL;
	yp->depth++;
	return 0;
}

static int ytree_close(struct ytree_parser *yp)
{
	struct ytree_node *n = yp->stack[yp->depth - 1].node;
	int r;

	yp->depth--;
	if (n->type == YTREE_MAPPING) {
		r = ytree_check_duplicates(yp, n);
		if (r < 0)
			return r;
	}
	return ytree_attach(yp, n);
}

static int ytree_scalar(struct ytree_parser *yp, const yaml_event_t *ev)
{
	struct ytree_node *n = ytree_new(yp, YTREE_SCALAR, &ev->start_mark);

	if (!n)
		return yp->nodes > yp->limits->max_nodes ? -EINVAL : -ENOMEM;
	n->len = ev->data.scalar.length;
	n->text = arena_strndup(yp->a, (const char *)ev->data.scalar.value, n->len);
	if (!n->text)
		return -ENOMEM;
	n->text_line = n->line;
	n->text_column = n->column;
	switch (ev->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		n->style = YTREE_QUOTED;
		n->text_column++;
		break;
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE:
		n->style = YTREE_BLOCK;
		ytree_place_block(yp, n);
		break;
	default:
		n->style = YTREE_PLAIN;
		break;
	}
	return ytree_attach(yp, n);
}

static bool ytree_has_tag(const yaml_event_t *ev)
{
	const yaml_char_t *tag = NULL;

	if (ev->type == YAML_SCALAR_EVENT) {
		tag = ev->data.scalar.tag;
		/* "!" on a quoted scalar is libyaml's way of saying nothing. */
		if (tag && strcmp((const char *)tag, "!") == 0)
			tag = NULL;
	} else if (ev->type == YAML_SEQUENCE_START_EVENT)
		tag = ev->data.sequence_start.tag;
	else if (ev->type == YAML_MAPPING_START_EVENT)
		tag = ev->data.mapping_start.tag;
	return tag != NULL;
}

static void ytree_syntax_error(struct ytree_parser *yp, const yaml_parser_t *p)
{
	const yaml_mark_t *m = &p->problem_mark;
	const char *problem = p->problem ? p->problem : "unknown problem";

	if (p->error == YAML_MEMORY_ERROR) {
		diag_add(yp->diag, DIAG_ERROR, yp->file, 0, 0, "profile-syntax", NULL,
			 "out of memory while parsing YAML");
		return;
	}
	if (p->context)
		diag_add(yp->diag, DIAG_ERROR, yp->file, m->line + 1, m->column + 1,
			 "profile-syntax", NULL, "invalid YAML: %s %s (line %zu)",
			 problem, p->context, p->context_mark.line + 1);
	else
		diag_add(yp->diag, DIAG_ERROR, yp->file, m->line + 1, m->column + 1,
			 "profile-syntax", NULL, "invalid YAML: %s", problem);
}

int ytree_parse(const char *buf, size_t len, const char *file,
		const struct ytree_limits *limits, struct arena *a,
		struct diag *diag, struct ytree_node **ret)
{
	__attribute__((cleanup(yparser_cleanup))) yaml_parser_t parser;
	struct ytree_parser yp = {
		.buf = buf, .len = len, .file = file, .limits = limits,
		.a = a, .diag = diag,
	};
	unsigned documents = 0;
	bool done = false;
	int r;

	if (!yaml_parser_initialize(&parser)) {
		/* The cleanup handler deletes a zeroed parser: harmless. */
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	yp.stack = arena_calloc(a, limits->max_depth + 1, sizeof(*yp.stack));
	if (!yp.stack)
		return -ENOMEM;
	r = ytree_index_lines(&yp);
	if (r < 0)
		return r;

	while (!done) {
		__attribute__((cleanup(yevent_cleanup))) yaml_event_t ev;

		if (!yaml_parser_parse(&parser, &ev)) {
			memset(&ev, 0, sizeof(ev));
			ytree_syntax_error(&yp, &parser);
			return -EINVAL;
		}
		if (ytree_has_tag(&ev)) {
			diag_add(diag, DIAG_ERROR, file, ev.start_mark.line + 1,
				 ev.start_mark.column + 1, "profile-syntax", NULL,
				 "YAML tags are not supported");
			return -EINVAL;
		}
		r = 0;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				diag_add(diag, DIAG_ERROR, file, ev.start_mark.line + 1,
					 ev.start_mark.column + 1, "profile-syntax", NULL,
					 "more than one YAML document");
				return -EINVAL;
			}
			break;
		case YAML_ALIAS_EVENT:
			diag_add(diag, DIAG_ERROR, file, ev.start_mark.line + 1,
				 ev.start_mark.column + 1, "profile-syntax", NULL,
				 "YAML aliases are not supported");
			return -EINVAL;
		case YAML_SCALAR_EVENT:
			r = ytree_scalar(&yp, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			r = ytree_open(&yp, YTREE_SEQUENCE, &ev.start_mark);
			break;
		case YAML_MAPPING_START_EVENT:
			r = ytree_open(&yp, YTREE_MAPPING, &ev.start_mark);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			r = ytree_close(&yp);
			break;
		default:
			break;
		}
		if (r < 0)
			return r;
	}
	*ret = yp.root;
	return 0;
}
