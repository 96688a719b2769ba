/*
 * kversion: kernel versions as numbers ("6.8.12-1-amd64" -> 6.8.12) so the
 * knowledge base and profiles can say "since 4.12".
 */
#ifndef TWTUNE_KVERSION_H
#define TWTUNE_KVERSION_H

#include <stdbool.h>
#include <stddef.h>

struct kversion {
	unsigned major, minor, patch;
};

#define KVERSION(a, b, c) ((struct kversion){ (a), (b), (c) })

/* Accepts "X", "X.Y", "X.Y.Z" followed by anything not a digit or '.'
 * ("3.10.0-1160.el7.x86_64", "6.18.44-fc-v769"). -EINVAL otherwise. */
int kversion_parse(const char *s, struct kversion *ret);
int kversion_cmp(struct kversion a, struct kversion b);
static inline bool kversion_is_set(struct kversion v)
{
	return v.major || v.minor || v.patch;
}
/* "6.8" when patch is 0 and short is true, else "6.8.0". */
void kversion_format(struct kversion v, bool short_form, char *buf, size_t size);

#endif
