#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include "kversion.h"

static int kversion_part(const char **p, unsigned *ret)
{
	unsigned long v = 0;
	const char *s = *p;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 1000000)
			return -ERANGE;
		s++;
	}
	*ret = (unsigned)v;
	*p = s;
	return 0;
}

int kversion_parse(const char *s, struct kversion *ret)
{
	struct kversion v = { 0, 0, 0 };
	unsigned *parts[] = { &v.major, &v.minor, &v.patch };
	size_t i;
	int r;

	if (!s)
		return -EINVAL;
	for (i = 0; i < 3; i++) {
		r = kversion_part(&s, parts[i]);
		if (r < 0)
			return r;
		if (*s != '.')
			break;
		if (i < 2 && !isdigit((unsigned char)s[1]))
			return -EINVAL;
		if (i < 2)
			s++;
	}
	if (*s == '.' || isdigit((unsigned char)*s))
		return -EINVAL;
	*ret = v;
	return 0;
}

int kversion_cmp(struct kversion a, struct kversion b)
{
	if (a.major != b.major)
		return a.major < b.major ? -1 : 1;
	if (a.minor != b.minor)
		return a.minor < b.minor ? -1 : 1;
	if (a.patch != b.patch)
		return a.patch < b.patch ? -1 : 1;
	return 0;
}

void kversion_format(struct kversion v, bool short_form, char *buf, size_t size)
{
	if (short_form && v.patch == 0)
		snprintf(buf, size, "%u.%u", v.major, v.minor);
	else
		snprintf(buf, size, "%u.%u.%u", v.major, v.minor, v.patch);
}
