/*
 * kb: lookups in the knowledge table and value validation that mirrors the
 * kernel's own sysctl parsers (kernel/sysctl.c proc_get_long(),
 * __do_proc_dointvec(), do_proc_douintvec_w(), proc_do_large_bitmap()), so
 * a value twtune accepts is one the kernel accepts, and the other way round.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "kb_internal.h"
#include "procsys.h"

/* proc_get_long() copies at most TMPBUFLEN - 1 = 21 bytes of a number. */
#define KP_TMPBUF_MAX 21
#define KP_PORTS 65536

size_t kb_count(void)
{
	return kb_table_count;
}

const struct kb_entry *kb_at(size_t i)
{
	return i < kb_table_count ? &kb_table[i] : NULL;
}

static int kb_entry_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct kb_entry *)elem)->key);
}

const struct kb_entry *kb_lookup(const char *key)
{
	char canon[SYSCTL_KEY_MAX + 1];

	if (!key || sysctl_key_canonical(key, canon, sizeof(canon)) < 0)
		return NULL;
	return bsearch(canon, kb_table, kb_table_count, sizeof(kb_table[0]),
		       kb_entry_cmp);
}

enum kb_presence kb_presence_in(const struct kb_entry *e, struct kversion v)
{
	if (kversion_is_set(e->added) && kversion_cmp(v, e->added) < 0)
		return KB_NOT_YET;
	if (kversion_is_set(e->removed) && kversion_cmp(v, e->removed) >= 0)
		return KB_REMOVED;
	return KB_PRESENT;
}

const char *kb_type_name(enum kb_type t)
{
	switch (t) {
	case KB_INT:
		return "int";
	case KB_BOOL:
		return "bool";
	case KB_ENUM:
		return "enum";
	case KB_INT_PAIR:
		return "int pair";
	case KB_PORT_LIST:
		return "port list";
	case KB_STRING:
		return "string";
	}
	return "unknown";
}

const char *kb_scope_name(enum kb_scope s)
{
	return s == KB_SCOPE_GLOBAL ? "global" : "per-netns";
}

const char *kb_enum_meaning(const struct kb_entry *e, long long v)
{
	const struct kb_enum_value *ev;

	if (!e->enum_values)
		return NULL;
	for (ev = e->enum_values; ev->meaning; ev++)
		if (ev->value == v)
			return ev->meaning;
	return NULL;
}

/* ---- the kernel's number parser ---- */

enum kp_error {
	KP_EMPTY = 1,
	KP_NOT_NUMBER,
	KP_PLUS,
	KP_OCTAL,
	KP_JUNK,
	KP_TOO_LONG,
	KP_OVERFLOW,
};

struct kp_number {
	unsigned long long mag;
	bool neg;
	size_t start, end;	/* span of the token, for messages */
	char junk;		/* the offending character for KP_JUNK */
};

/* The kernel's isspace(): also \v, \f, \r and Latin-1 NBSP. */
static bool kp_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

static bool kp_isdigit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int kp_digit(unsigned char c)
{
	if (kp_isdigit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static void kp_skip_spaces(const char *s, size_t len, size_t *pos)
{
	while (*pos < len && kp_isspace((unsigned char)s[*pos]))
		(*pos)++;
}

/* proc_get_long(): one number at s[*pos] (blanks already skipped), base 0
 * by strtoul_lenient(), which must be followed by the end or one of
 * perm_tr. *tr receives that character (0 at the end). */
static enum kp_error kp_get_long(const char *s, size_t len, size_t *pos,
				 const char *perm_tr, size_t perm_tr_len,
				 struct kp_number *ret, char *tr)
{
	const char *p = s + *pos;
	size_t size = len - *pos, lim = size < KP_TMPBUF_MAX ? size : KP_TMPBUF_MAX;
	size_t i = 0;
	unsigned long long v = 0;
	unsigned base = 10;
	bool overflow = false;

	ret->start = *pos;
	ret->end = *pos;
	ret->neg = false;
	if (size == 0)
		return KP_EMPTY;
	if (p[0] == '-' && size > 1) {
		ret->neg = true;
		i = 1;
	}
	if (!kp_isdigit((unsigned char)p[i])) {
		ret->end = *pos + i + 1;
		return p[i] == '+' ? KP_PLUS : KP_NOT_NUMBER;
	}
	if (p[i] == '0') {
		if (i + 2 < lim && (p[i + 1] == 'x' || p[i + 1] == 'X') &&
		    kp_digit((unsigned char)p[i + 2]) < 16) {
			base = 16;
			i += 2;
		} else {
			base = 8;
		}
	}
	while (i < lim && kp_digit((unsigned char)p[i]) < (int)base) {
		unsigned d = (unsigned)kp_digit((unsigned char)p[i]);

		if (v > (ULLONG_MAX - d) / base)
			overflow = true;
		v = v * base + d;
		i++;
	}
	ret->end = *pos + i;
	if (overflow || (unsigned long long)(unsigned long)v != v)
		return KP_OVERFLOW;
	if (i == KP_TMPBUF_MAX)
		return KP_TOO_LONG;
	if (i < size && perm_tr_len && !memchr(perm_tr, p[i], perm_tr_len)) {
		ret->junk = p[i];
		if (base == 8 && (p[i] == '8' || p[i] == '9'))
			return KP_OCTAL;
		return KP_JUNK;
	}
	if (tr)
		*tr = i < size ? p[i] : 0;
	ret->mag = v;
	*pos += i;
	return 0;
}

/* The token around a number for messages: up to the next blank or ','. */
static void kp_token(const char *s, size_t len, const struct kp_number *n,
		     char *buf, size_t size)
{
	size_t end = n->end, o = 0, i;

	while (end < len && !kp_isspace((unsigned char)s[end]) && s[end] != ',')
		end++;
	for (i = n->start; i < end && o + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (size)
		buf[o] = '\0';
}

static void msgf(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void msgf(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!msg || !size)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
}

static int kp_error_msg(enum kp_error err, const char *tok, char *msg, size_t size)
{
	switch (err) {
	case KP_EMPTY:
		msgf(msg, size, "empty value is not a valid number");
		return -EINVAL;
	case KP_PLUS:
		msgf(msg, size, "'%s' is not a valid number (no '+' sign allowed)", tok);
		return -EINVAL;
	case KP_OCTAL:
		msgf(msg, size, "'%s' is not a valid number (leading 0 means octal)", tok);
		return -EINVAL;
	case KP_TOO_LONG:
		msgf(msg, size, "'%s' is not a valid number (too many digits)", tok);
		return -EINVAL;
	case KP_OVERFLOW:
		msgf(msg, size, "'%s' is out of range (too large)", tok);
		return -ERANGE;
	case KP_NOT_NUMBER:
	case KP_JUNK:
		break;
	}
	msgf(msg, size, "'%s' is not a valid number", tok);
	return -EINVAL;
}

/* Number -> value of the key's element, with the handler's checks. */
static int kp_convert(const struct kb_entry *e, const char *tok,
		      const struct kp_number *n, long long *ret, char *msg,
		      size_t size)
{
	long long v;

	if (n->neg && e->unsigned_parse) {
		msgf(msg, size, "'%s' is out of range for '%s' (negative numbers are refused)",
		     tok, e->key);
		return -ERANGE;
	}
	if (n->mag > (unsigned long long)LLONG_MAX + (n->neg ? 1 : 0))
		goto range;
	v = n->neg ? (long long)(0 - n->mag) : (long long)n->mag;
	if (v < e->min || v > e->max)
		goto range;
	*ret = v;
	return 0;
range:
	msgf(msg, size, "'%s' is out of range for '%s' (valid: %lld to %lld)",
	     tok, e->key, e->min, e->max);
	return -ERANGE;
}

static const char kp_wspace_sep[] = { ' ', '\t', '\n' };

/* Vector of n ints (__do_proc_dointvec write path): elements separated by
 * blanks, anything after the last element's separator ignored. */
static int kp_int_vector(const struct kb_entry *e, const char *value,
			 long long *vals, size_t n, char *msg, size_t size)
{
	size_t len = strlen(value), pos = 0, i;
	struct kp_number num;
	char tok[64];
	int r;

	for (i = 0; i < n; i++) {
		enum kp_error err;

		kp_skip_spaces(value, len, &pos);
		if (pos == len) {
			if (i == 0)
				return kp_error_msg(KP_EMPTY, "", msg, size);
			msgf(msg, size, "'%s' has one number but '%s' needs two (low high)",
			     value, e->key);
			return -EINVAL;
		}
		err = kp_get_long(value, len, &pos, kp_wspace_sep,
				  sizeof(kp_wspace_sep), &num, NULL);
		kp_token(value, len, &num, tok, sizeof(tok));
		if (err) {
			if (err == KP_OVERFLOW) {
				msgf(msg, size, "'%s' is out of range for '%s' (valid: %lld to %lld)",
				     tok, e->key, e->min, e->max);
				return -ERANGE;
			}
			if (err == KP_JUNK && num.junk == ',' && e->type == KB_INT_PAIR) {
				msgf(msg, size, "'%s' is not a valid value for '%s' (separate the two numbers with blanks, not ',')",
				     value, e->key);
				return -EINVAL;
			}
			return kp_error_msg(err, tok, msg, size);
		}
		r = kp_convert(e, tok, &num, &vals[i], msg, size);
		if (r < 0)
			return r;
	}
	return 0;
}

int kb_parse_int(const char *s, long long *ret)
{
	size_t len = strlen(s), pos = 0;
	struct kp_number num;
	enum kp_error err;

	kp_skip_spaces(s, len, &pos);
	err = kp_get_long(s, len, &pos, kp_wspace_sep, sizeof(kp_wspace_sep),
			  &num, NULL);
	if (err)
		return err == KP_OVERFLOW ? -ERANGE : -EINVAL;
	if (num.mag > (unsigned long long)LLONG_MAX + (num.neg ? 1 : 0))
		return -ERANGE;
	*ret = num.neg ? (long long)(0 - num.mag) : (long long)num.mag;
	return 0;
}

/* proc_do_large_bitmap() write path. bitmap may be NULL (check only). */
static int kp_port_list(const struct kb_entry *e, const char *value,
			uint8_t *bitmap, char *msg, size_t size)
{
	static const char tr_a[] = { '-', ',', '\n' };
	static const char tr_b[] = { ',', '\n', 0 };
	size_t len = strlen(value), pos = 0;
	char tok[64], c = 0;

	while (pos < len && value[pos] == '\n')
		pos++;
	while (pos < len) {
		struct kp_number a, b;
		enum kp_error err;
		unsigned long long p;

		err = kp_get_long(value, len, &pos, tr_a, sizeof(tr_a), &a, &c);
		kp_token(value, len, &a, tok, sizeof(tok));
		if (err)
			goto bad;
		if (a.neg || a.mag >= KP_PORTS)
			goto range;
		b = a;
		if (pos < len)
			pos++;
		if (c == '-') {
			err = kp_get_long(value, len, &pos, tr_b, sizeof(tr_b), &b, &c);
			if (err) {
				a.end = b.end;
				kp_token(value, len, &a, tok, sizeof(tok));
				goto bad;
			}
			a.end = b.end;
			kp_token(value, len, &a, tok, sizeof(tok));
			if (b.neg || b.mag >= KP_PORTS)
				goto range;
			if (a.mag > b.mag) {
				msgf(msg, size, "'%s' is not a valid port range (start after end)", tok);
				return -EINVAL;
			}
			if (pos < len)
				pos++;
		}
		if (bitmap)
			for (p = a.mag; p <= b.mag; p++)
				bitmap[p / 8] |= (uint8_t)(1u << (p % 8));
		while (pos < len && value[pos] == '\n')
			pos++;
		continue;
bad:
		if (err == KP_EMPTY || err == KP_NOT_NUMBER || err == KP_JUNK) {
			msgf(msg, size, "'%s' is not a valid port list for '%s' (expected 'a,b-c' without blanks)",
			     value, e->key);
			return -EINVAL;
		}
		return kp_error_msg(err, tok, msg, size);
range:
		msgf(msg, size, "'%s' is out of range for '%s' (ports are 0 to 65535)",
		     tok, e->key);
		return -ERANGE;
	}
	return 0;
}

int kb_check_value(const struct kb_entry *e, const char *value, char *msg,
		   size_t msg_size)
{
	long long v[2];
	int r;

	if (msg && msg_size)
		*msg = '\0';
	if (!value) {
		msgf(msg, msg_size, "no value given");
		return -EINVAL;
	}
	if (strchr(value, '\n')) {
		msgf(msg, msg_size, "value for '%s' contains a newline", e->key);
		return -EINVAL;
	}
	switch (e->type) {
	case KB_INT:
	case KB_BOOL:
	case KB_ENUM:
		return kp_int_vector(e, value, v, 1, msg, msg_size);
	case KB_INT_PAIR:
		r = kp_int_vector(e, value, v, 2, msg, msg_size);
		if (r < 0)
			return r;
		if (v[1] < v[0]) {
			msgf(msg, msg_size, "'%s' is not a valid range for '%s' (high end %lld is below low end %lld)",
			     value, e->key, v[1], v[0]);
			return -EINVAL;
		}
		return 0;
	case KB_PORT_LIST:
		return kp_port_list(e, value, NULL, msg, msg_size);
	case KB_STRING:
		return 0;
	}
	return -EINVAL;
}

static int buf_printf(char *buf, size_t size, size_t *o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int buf_printf(char *buf, size_t size, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= size)
		return -ENOSPC;
	va_start(ap, fmt);
	n = vsnprintf(buf + *o, size - *o, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *o)
		return -ENOSPC;
	*o += (size_t)n;
	return 0;
}

int kb_canonical_value(const struct kb_entry *e, const char *value, char *buf,
		       size_t size)
{
	uint8_t bitmap[KP_PORTS / 8];
	long long v[2];
	size_t o = 0;
	unsigned p;
	int r;

	if (size == 0)
		return -ENOSPC;
	r = kb_check_value(e, value, NULL, 0);
	if (r < 0)
		return r;
	buf[0] = '\0';
	switch (e->type) {
	case KB_INT:
	case KB_BOOL:
	case KB_ENUM:
		kp_int_vector(e, value, v, 1, NULL, 0);
		return buf_printf(buf, size, &o, "%lld", v[0]);
	case KB_INT_PAIR:
		kp_int_vector(e, value, v, 2, NULL, 0);
		return buf_printf(buf, size, &o, "%lld\t%lld", v[0], v[1]);
	case KB_PORT_LIST:
		memset(bitmap, 0, sizeof(bitmap));
		kp_port_list(e, value, bitmap, NULL, 0);
		for (p = 0; p < KP_PORTS; p++) {
			unsigned q = p;

			if (!(bitmap[p / 8] & (1u << (p % 8))))
				continue;
			while (q + 1 < KP_PORTS && (bitmap[(q + 1) / 8] & (1u << ((q + 1) % 8))))
				q++;
			r = q == p ? buf_printf(buf, size, &o, "%s%u", o ? "," : "", p) :
				buf_printf(buf, size, &o, "%s%u-%u", o ? "," : "", p, q);
			if (r < 0)
				return r;
			p = q;
		}
		return 0;
	case KB_STRING:
		if (strlen(value) >= size)
			return -ENOSPC;
		memcpy(buf, value, strlen(value) + 1);
		return 0;
	}
	return -EINVAL;
}
