/*
 * diag: the one sink for diagnostics found while parsing or validating
 * input (sysctl files, profiles, expressions, twtune.conf). Producers add
 * entries and keep going; the command decides at the end what to print
 * (report_diag.c) and which exit status follows. Entries live in the
 * arena given to diag_init().
 */
#ifndef TWTUNE_DIAG_H
#define TWTUNE_DIAG_H

#include <stdarg.h>
#include <stdbool.h>

struct arena;

enum diag_severity {
	DIAG_INFO,
	DIAG_WARNING,
	DIAG_ERROR,
	_DIAG_SEVERITY_MAX,
};

struct diag_entry {
	struct diag_entry *next;
	enum diag_severity severity;
	const char *file;	/* NULL when not about a file */
	unsigned line;		/* 1-based; 0 = whole file */
	unsigned column;	/* 1-based; 0 = whole line */
	const char *id;		/* rule id, e.g. "unknown-key"; may be NULL */
	const char *key;	/* sysctl key concerned; may be NULL */
	const char *message;
	/* Optional source excerpt for a caret line under the problem
	 * (expressions): the text and the 0-based span to underline. */
	const char *source;
	unsigned caret_start;
	unsigned caret_len;
};

struct diag {
	struct arena *arena;
	struct diag_entry *head;
	struct diag_entry **tail;
	unsigned count[_DIAG_SEVERITY_MAX];
	bool oom;		/* an entry could not be recorded */
};

void diag_init(struct diag *d, struct arena *arena);

/* Returns the new entry (to attach a source excerpt) or NULL on OOM. */
struct diag_entry *diag_add(struct diag *d, enum diag_severity severity,
			    const char *file, unsigned line, unsigned column,
			    const char *id, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
struct diag_entry *diag_vadd(struct diag *d, enum diag_severity severity,
			     const char *file, unsigned line, unsigned column,
			     const char *id, const char *key, const char *fmt,
			     va_list ap)
	__attribute__((format(printf, 8, 0)));

static inline unsigned diag_errors(const struct diag *d)
{
	return d->count[DIAG_ERROR];
}

const char *diag_severity_name(enum diag_severity s);

/* Stable order for output: file (as given), line, column, then insertion. */
void diag_sort(struct diag *d);

#endif
