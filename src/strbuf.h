/*
 * strbuf: a growable byte string for text built piece by piece (journal
 * records, unified diffs). Appends never fail outright: an allocation
 * failure is remembered and reported once by strbuf_finish(), which moves
 * the text into an arena and frees the buffer.
 */
#ifndef TWTUNE_STRBUF_H
#define TWTUNE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

struct strbuf {
	char *p;		/* NUL-terminated once anything was added */
	size_t len, cap;
	bool oom;
};

#define STRBUF_INIT { NULL, 0, 0, false }

void strbuf_add(struct strbuf *b, const void *s, size_t n);
void strbuf_addstr(struct strbuf *b, const char *s);
void strbuf_addf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Copies the text (NUL-terminated) into a, releases b; -ENOMEM when an
 * append or the copy failed. ret_len may be NULL. */
int strbuf_finish(struct strbuf *b, struct arena *a, char **ret, size_t *ret_len);
void strbuf_release(struct strbuf *b);

#endif
