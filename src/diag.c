#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"

void diag_init(struct diag *d, struct arena *arena)
{
	memset(d, 0, sizeof(*d));
	d->arena = arena;
	d->tail = &d->head;
}

struct diag_entry *diag_vadd(struct diag *d, enum diag_severity severity,
			     const char *file, unsigned line, unsigned column,
			     const char *id, const char *key, const char *fmt,
			     va_list ap)
{
	struct diag_entry *e;

	e = arena_alloc(d->arena, sizeof(*e));
	if (!e) {
		d->oom = true;
		return NULL;
	}
	e->severity = severity;
	e->file = arena_strdup(d->arena, file);
	e->line = line;
	e->column = column;
	e->id = arena_strdup(d->arena, id);
	e->key = arena_strdup(d->arena, key);
	e->message = arena_vprintf(d->arena, fmt, ap);
	if ((file && !e->file) || (id && !e->id) || (key && !e->key) || !e->message) {
		d->oom = true;
		return NULL;
	}
	*d->tail = e;
	d->tail = &e->next;
	d->count[severity]++;
	return e;
}

struct diag_entry *diag_add(struct diag *d, enum diag_severity severity,
			    const char *file, unsigned line, unsigned column,
			    const char *id, const char *key, const char *fmt, ...)
{
	struct diag_entry *e;
	va_list ap;

	va_start(ap, fmt);
	e = diag_vadd(d, severity, file, line, column, id, key, fmt, ap);
	va_end(ap);
	return e;
}

const char *diag_severity_name(enum diag_severity s)
{
	static const char *const names[] = {
		[DIAG_INFO] = "info",
		[DIAG_WARNING] = "warning",
		[DIAG_ERROR] = "error",
	};
	return s < _DIAG_SEVERITY_MAX ? names[s] : "?";
}

static int diag_entry_cmp(const struct diag_entry *a, const struct diag_entry *b)
{
	int r;

	if (a->file != b->file) {
		if (!a->file)
			return -1;
		if (!b->file)
			return 1;
		r = strcmp(a->file, b->file);
		if (r)
			return r;
	}
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	return 0;
}

/* Stable merge sort on the list, so equal positions keep insertion order. */
static struct diag_entry *diag_merge_sort(struct diag_entry *list)
{
	struct diag_entry *a, *b, *slow, *fast, *out = NULL, **tail = &out;

	if (!list || !list->next)
		return list;
	slow = list;
	fast = list->next;
	while (fast && fast->next) {
		slow = slow->next;
		fast = fast->next->next;
	}
	b = slow->next;
	slow->next = NULL;
	a = diag_merge_sort(list);
	b = diag_merge_sort(b);
	while (a && b) {
		if (diag_entry_cmp(b, a) < 0) {
			*tail = b;
			b = b->next;
		} else {
			*tail = a;
			a = a->next;
		}
		tail = &(*tail)->next;
	}
	*tail = a ? a : b;
	return out;
}

void diag_sort(struct diag *d)
{
	struct diag_entry *e;

	d->head = diag_merge_sort(d->head);
	d->tail = &d->head;
	for (e = d->head; e; e = e->next)
		d->tail = &e->next;
}
