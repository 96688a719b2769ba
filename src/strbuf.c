#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "strbuf.h"

void strbuf_add(struct strbuf *b, const void *s, size_t n)
{
	size_t ncap;
	char *np;

	if (b->oom)
		return;
	if (n > SIZE_MAX / 4 - b->len) {
		b->oom = true;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap ? b->cap : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		np = realloc(b->p, ncap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void strbuf_addstr(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *tmp;
	int k;

	va_start(ap, fmt);
	k = vasprintf(&tmp, fmt, ap);
	va_end(ap);
	if (k < 0) {
		b->oom = true;
		return;
	}
	strbuf_add(b, tmp, (size_t)k);
	free(tmp);
}

void strbuf_release(struct strbuf *b)
{
	free(b->p);
	*b = (struct strbuf)STRBUF_INIT;
}

int strbuf_finish(struct strbuf *b, struct arena *a, char **ret, size_t *ret_len)
{
	size_t len = b->len;
	char *s;

	if (b->oom) {
		strbuf_release(b);
		return -ENOMEM;
	}
	s = arena_strndup(a, b->p ? b->p : "", len);
	strbuf_release(b);
	if (!s)
		return -ENOMEM;
	*ret = s;
	if (ret_len)
		*ret_len = len;
	return 0;
}
