/*
 * Parsers for the /proc views facts are built from. They read buffers only.
 * The kernel prints these files with fixed formats, so anything else (a
 * cut-off copy, a hand-edited fixture, garbage) is reported rather than
 * guessed at: a wrong number would turn into wrong advice.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "facts_parse.h"

static int facts_bad(struct diag *diag, const char *file, unsigned line,
		     unsigned column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int facts_bad(struct diag *diag, const char *file, unsigned line,
		     unsigned column, const char *fmt, ...)
{
	va_list ap;

	if (diag) {
		va_start(ap, fmt);
		diag_vadd(diag, DIAG_ERROR, file, line, column, FACTS_DIAG_ID,
			  NULL, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal digits only, as the kernel prints them: -EINVAL for anything
 * else, -ERANGE past UINT64_MAX. */
static int parse_dec(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return -EINVAL;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

/* Splits off the next blank-separated token of [*p, end). */
static bool next_token(const char **p, const char *end, const char **tok,
		       size_t *tok_len)
{
	const char *s = *p;

	while (s < end && is_blank(*s))
		s++;
	if (s == end) {
		*p = s;
		return false;
	}
	*tok = s;
	while (s < end && !is_blank(*s))
		s++;
	*tok_len = (size_t)(s - *tok);
	*p = s;
	return true;
}

/* One line of a buffer, without its newline. */
struct line_iter {
	const char *buf, *end, *pos;
	unsigned lineno;
};

static bool line_next(struct line_iter *it, const char **line, size_t *len)
{
	const char *nl;

	if (it->pos >= it->end)
		return false;
	nl = memchr(it->pos, '\n', (size_t)(it->end - it->pos));
	*line = it->pos;
	*len = nl ? (size_t)(nl - it->pos) : (size_t)(it->end - it->pos);
	it->pos = nl ? nl + 1 : it->end;
	it->lineno++;
	return true;
}

/* Problems every kernel-printed file must not have: empty, NUL bytes, a
 * last line without its newline (a copy cut short). */
static int check_text(const char *buf, size_t len, const char *file,
		      struct diag *diag)
{
	const char *nul;
	unsigned line = 1;
	size_t i;

	if (len == 0)
		return facts_bad(diag, file, 0, 0, "file is empty");
	nul = memchr(buf, '\0', len);
	if (nul) {
		for (i = 0; i < (size_t)(nul - buf); i++)
			line += buf[i] == '\n';
		return facts_bad(diag, file, line, 0, "NUL byte in file");
	}
	if (buf[len - 1] != '\n') {
		for (i = 0; i < len; i++)
			line += buf[i] == '\n';
		return facts_bad(diag, file, line, 0,
				 "truncated line (no newline at end of file)");
	}
	return 0;
}

static bool valid_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
	       c == '_' || c == '-';
}

static bool valid_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!valid_name_char(s[i]))
			return false;
	return true;
}

/* Counters the kernel prints signed: snmp's Tcp MaxConn is -1 ("no limit"). */
static bool counter_may_be_negative(const char *prefix, size_t plen,
				    const char *name, size_t nlen)
{
	return plen == 3 && memcmp(prefix, "Tcp", 3) == 0 && nlen == 7 &&
	       memcmp(name, "MaxConn", 7) == 0;
}

static int set_grow(struct facts_counter_set *set, size_t want,
		    struct arena *a)
{
	struct fact_counter *items;
	size_t cap;

	if (want <= set->cap)
		return 0;
	cap = set->cap ? set->cap : 256;
	while (cap < want)
		cap *= 2;
	items = arena_calloc(a, cap, sizeof(*items));
	if (!items)
		return -ENOMEM;
	if (set->n)
		memcpy(items, set->items, set->n * sizeof(*items));
	set->items = items;
	set->cap = cap;
	return 0;
}

/* "Prefix:" at the start of a line; returns its length without ':'. */
static int line_prefix(const char *line, size_t len, size_t *ret_plen)
{
	const char *colon = memchr(line, ':', len);

	if (!colon || !valid_name(line, (size_t)(colon - line)))
		return -EINVAL;
	if ((size_t)(colon - line) + 1 < len && !is_blank(colon[1]))
		return -EINVAL;
	*ret_plen = (size_t)(colon - line);
	return 0;
}

static int parse_section(const char *hdr, size_t hlen, unsigned hline,
			 const char *val, size_t vlen, unsigned vline,
			 size_t plen, const char *file, struct arena *a,
			 struct diag *diag, struct facts_counter_set *set)
{
	const char *hp = hdr + plen + 1, *vp = val + plen + 1;
	const char *hend = hdr + hlen, *vend = val + vlen;
	const char *name, *num, *prefix;
	size_t nlen, numlen, n_names = 0, n_values = 0, first = set->n, i;
	int r;

	prefix = arena_strndup(a, hdr, plen);
	if (!prefix)
		return -ENOMEM;
	for (i = 0; i < set->n_sections; i++)
		if (strcmp(set->sections[i], prefix) == 0)
			return facts_bad(diag, file, hline, 1,
					 "duplicate section '%s'", prefix);
	if (set->n_sections == FACTS_SECTIONS_MAX)
		return facts_bad(diag, file, hline, 1,
				 "too many sections (more than %d)",
				 FACTS_SECTIONS_MAX);

	/* Count both sides first so a mismatch is reported as such. */
	for (const char *p = hp; next_token(&p, hend, &name, &nlen);)
		n_names++;
	for (const char *p = vp; next_token(&p, vend, &num, &numlen);)
		n_values++;
	if (n_names != n_values)
		return facts_bad(diag, file, vline, 0,
				 "'%s' has %zu names but %zu values", prefix,
				 n_names, n_values);
	if (set->n + n_names > FACTS_COUNTERS_MAX)
		return facts_bad(diag, file, hline, 0,
				 "too many counters (more than %d)",
				 FACTS_COUNTERS_MAX);
	r = set_grow(set, set->n + n_names, a);
	if (r < 0)
		return r;

	while (next_token(&hp, hend, &name, &nlen)) {
		struct fact_counter *c = &set->items[set->n];
		bool negative = false;
		uint64_t v;

		next_token(&vp, vend, &num, &numlen);
		if (!valid_name(name, nlen) ||
		    nlen + plen + 1 >= FACTS_COUNTER_NAME_MAX)
			return facts_bad(diag, file, hline,
					 (unsigned)(name - hdr) + 1,
					 "invalid counter name '%.*s'",
					 (int)(nlen > 64 ? 64 : nlen), name);
		if (numlen > 0 && num[0] == '-') {
			if (!counter_may_be_negative(hdr, plen, name, nlen))
				return facts_bad(diag, file, vline,
						 (unsigned)(num - val) + 1,
						 "negative value '%.*s' for '%s.%.*s'",
						 (int)(numlen > 32 ? 32 : numlen),
						 num, prefix, (int)nlen, name);
			negative = true;
		}
		r = parse_dec(num + negative, numlen - negative, &v);
		if (r == 0 && negative && v > (uint64_t)INT64_MAX + 1)
			r = -ERANGE;
		if (r == -ERANGE)
			return facts_bad(diag, file, vline, (unsigned)(num - val) + 1,
					 "value '%.*s' of '%s.%.*s' is out of range",
					 (int)(numlen > 32 ? 32 : numlen), num,
					 prefix, (int)nlen, name);
		if (r < 0)
			return facts_bad(diag, file, vline, (unsigned)(num - val) + 1,
					 "'%.*s' is not a number (for '%s.%.*s')",
					 (int)(numlen > 32 ? 32 : numlen), num,
					 prefix, (int)nlen, name);
		c->name = arena_printf(a, "%s.%.*s", prefix, (int)nlen, name);
		if (!c->name)
			return -ENOMEM;
		c->value = v;
		c->negative = negative && v != 0;
		c->rate = NAN;
		set->n++;
	}
	/* Names are unique within a section on every kernel. */
	for (i = first; i < set->n; i++)
		for (size_t j = first; j < i; j++)
			if (strcmp(set->items[i].name, set->items[j].name) == 0)
				return facts_bad(diag, file, hline, 0,
						 "duplicate counter '%s'",
						 set->items[i].name);
	set->sections[set->n_sections++] = prefix;
	return 0;
}

int facts_parse_counters(const char *buf, size_t len, const char *file,
			 struct arena *a, struct diag *diag,
			 struct facts_counter_set *set)
{
	struct line_iter it = { buf, buf + len, buf, 0 };
	const char *hdr, *val;
	size_t hlen, vlen, plen, vplen;
	size_t n0 = set->n, s0 = set->n_sections;
	unsigned hline;
	int r;

	r = check_text(buf, len, file, diag);
	if (r < 0)
		return r;
	while (line_next(&it, &hdr, &hlen)) {
		hline = it.lineno;
		if (hlen == 0) {
			r = facts_bad(diag, file, hline, 0, "unexpected empty line");
			goto fail;
		}
		if (line_prefix(hdr, hlen, &plen) < 0) {
			r = facts_bad(diag, file, hline, 1,
				      "expected a 'Section: names' line");
			goto fail;
		}
		if (!line_next(&it, &val, &vlen)) {
			r = facts_bad(diag, file, hline, 0,
				      "value line of '%.*s' is missing",
				      (int)plen, hdr);
			goto fail;
		}
		if (line_prefix(val, vlen, &vplen) < 0 || vplen != plen ||
		    memcmp(hdr, val, plen) != 0) {
			r = facts_bad(diag, file, it.lineno, 1,
				      "value line of '%.*s' is missing",
				      (int)plen, hdr);
			goto fail;
		}
		r = parse_section(hdr, hlen, hline, val, vlen, it.lineno, plen,
				  file, a, diag, set);
		if (r < 0)
			goto fail;
	}
	return 0;
fail:
	/* Nothing from a malformed file is used. */
	set->n = n0;
	set->n_sections = s0;
	return r;
}

static int counter_cmp(const void *a, const void *b)
{
	return strcmp(((const struct fact_counter *)a)->name,
		      ((const struct fact_counter *)b)->name);
}

void facts_counters_sort(struct facts_counter_set *set)
{
	if (set->n > 1)
		qsort(set->items, set->n, sizeof(*set->items), counter_cmp);
}

const struct fact_counter *facts_counter_find(const struct fact_counter *v,
					      size_t n, const char *name)
{
	struct fact_counter key = { .name = name };

	if (!v || n == 0)
		return NULL;
	return bsearch(&key, v, n, sizeof(*v), counter_cmp);
}

void facts_counters_rates(const struct fact_counter *before, size_t n_before,
			  struct fact_counter *after, size_t n_after,
			  double seconds)
{
	size_t i;

	for (i = 0; i < n_after; i++) {
		const struct fact_counter *b;

		after[i].rate = NAN;
		if (!(seconds > 0))
			continue;
		b = facts_counter_find(before, n_before, after[i].name);
		if (!b || b->negative || after[i].negative ||
		    after[i].value < b->value)
			continue;
		after[i].rate = (double)(after[i].value - b->value) / seconds;
	}
}

int facts_parse_sockstat(const char *buf, size_t len, const char *file,
			 struct diag *diag, struct facts_sockstat *ret)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{ "inuse", offsetof(struct facts_sockstat, inuse) },
		{ "orphan", offsetof(struct facts_sockstat, orphan) },
		{ "tw", offsetof(struct facts_sockstat, tw) },
		{ "alloc", offsetof(struct facts_sockstat, alloc) },
		{ "mem", offsetof(struct facts_sockstat, mem) },
	};
	struct line_iter it = { buf, buf + len, buf, 0 };
	struct facts_sockstat s = { 0 };
	const char *line, *tok, *num;
	size_t llen, tlen, numlen, i;
	bool seen = false;
	int r;

	r = check_text(buf, len, file, diag);
	if (r < 0)
		return r;
	while (line_next(&it, &line, &llen)) {
		const char *p = line + 4, *end = line + llen;

		if (llen < 4 || memcmp(line, "TCP:", 4) != 0)
			continue;
		if (seen)
			return facts_bad(diag, file, it.lineno, 1,
					 "duplicate 'TCP:' line");
		seen = true;
		while (next_token(&p, end, &tok, &tlen)) {
			uint64_t v;

			if (!next_token(&p, end, &num, &numlen))
				return facts_bad(diag, file, it.lineno,
						 (unsigned)(tok - line) + 1,
						 "'%.*s' has no value",
						 (int)(tlen > 32 ? 32 : tlen), tok);
			r = parse_dec(num, numlen, &v);
			if (r == 0 && v > INT64_MAX)
				r = -ERANGE;
			if (r < 0)
				return facts_bad(diag, file, it.lineno,
						 (unsigned)(num - line) + 1,
						 r == -ERANGE ?
						 "value '%.*s' of '%.*s' is out of range" :
						 num[0] == '-' ?
						 "negative value '%.*s' for '%.*s'" :
						 "'%.*s' is not a number (for '%.*s')",
						 (int)(numlen > 32 ? 32 : numlen), num,
						 (int)(tlen > 32 ? 32 : tlen), tok);
			for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
				struct fact_int *fi;

				if (strlen(fields[i].name) != tlen ||
				    memcmp(fields[i].name, tok, tlen) != 0)
					continue;
				fi = (struct fact_int *)((char *)&s + fields[i].off);
				fi->present = true;
				fi->value = (int64_t)v;
			}
		}
	}
	if (!seen)
		return facts_bad(diag, file, 0, 0, "no 'TCP:' line");
	*ret = s;
	return 0;
}

/* Splits s into exactly n blank-separated unsigned numbers. */
static int parse_numbers(const char *s, const char *file, struct diag *diag,
			 const char *what, uint64_t *v, size_t n)
{
	const char *p = s, *end = s + strlen(s), *tok;
	size_t tlen, i = 0;
	int r;

	if (memchr(s, '\n', (size_t)(end - s)))
		return facts_bad(diag, file, 1, 0, "expected one line (%s)", what);
	while (next_token(&p, end, &tok, &tlen)) {
		if (i == n)
			return facts_bad(diag, file, 1, (unsigned)(tok - s) + 1,
					 "unexpected '%.*s' after %s",
					 (int)(tlen > 32 ? 32 : tlen), tok, what);
		r = parse_dec(tok, tlen, &v[i]);
		if (r == 0 && v[i] > INT64_MAX)
			r = -ERANGE;
		if (r < 0)
			return facts_bad(diag, file, 1, (unsigned)(tok - s) + 1,
					 r == -ERANGE ? "'%.*s' is out of range" :
					 tok[0] == '-' ? "negative value '%.*s'" :
					 "'%.*s' is not a number",
					 (int)(tlen > 32 ? 32 : tlen), tok);
		i++;
	}
	if (i != n)
		return facts_bad(diag, file, 1, 0, "expected %s, found %zu number%s",
				 what, i, i == 1 ? "" : "s");
	return 0;
}

int facts_parse_file_nr(const char *s, const char *file, struct diag *diag,
			uint64_t *ret_open, uint64_t *ret_max)
{
	uint64_t v[3];
	int r;

	r = parse_numbers(s, file, diag, "3 numbers 'allocated unused max'", v, 3);
	if (r < 0)
		return r;
	if (v[1] > v[0])
		return facts_bad(diag, file, 1, 0,
				 "unused handles %llu exceed allocated %llu",
				 (unsigned long long)v[1], (unsigned long long)v[0]);
	*ret_open = v[0] - v[1];
	*ret_max = v[2];
	return 0;
}

int facts_parse_u64(const char *s, const char *file, struct diag *diag,
		    uint64_t *ret)
{
	uint64_t v;
	int r;

	r = parse_numbers(s, file, diag, "one number", &v, 1);
	if (r < 0)
		return r;
	*ret = v;
	return 0;
}

int facts_parse_port_range(const char *s, const char *file, struct diag *diag,
			   unsigned *ret_low, unsigned *ret_high)
{
	uint64_t v[2];
	int r;

	r = parse_numbers(s, file, diag, "2 numbers 'low high'", v, 2);
	if (r < 0)
		return r;
	if (v[0] < 1 || v[1] > 65535 || v[0] > v[1])
		return facts_bad(diag, file, 1, 0,
				 "invalid port range %llu-%llu",
				 (unsigned long long)v[0], (unsigned long long)v[1]);
	*ret_low = (unsigned)v[0];
	*ret_high = (unsigned)v[1];
	return 0;
}

int facts_parse_reserved_ports(const char *s, const char *file,
			       struct diag *diag, unsigned low, unsigned high,
			       unsigned *ret_count)
{
	uint8_t bits[FACTS_PORT_BITS_SIZE];

	return facts_parse_reserved_set(s, file, diag, low, high, bits,
					ret_count);
}

int facts_parse_reserved_set(const char *s, const char *file,
			     struct diag *diag, unsigned low, unsigned high,
			     uint8_t bits[FACTS_PORT_BITS_SIZE],
			     unsigned *ret_count)
{
	const char *p = s, *end = s + strlen(s);
	unsigned count = 0;

	memset(bits, 0, FACTS_PORT_BITS_SIZE);

	while (end > p && is_blank(end[-1]))
		end--;
	while (p < end && is_blank(*p))
		p++;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *item_end = comma ? comma : end;
		const char *dash = memchr(p, '-', (size_t)(item_end - p));
		uint64_t a, b;
		int r;

		r = parse_dec(p, (size_t)((dash ? dash : item_end) - p), &a);
		if (r == 0 && dash)
			r = parse_dec(dash + 1, (size_t)(item_end - dash - 1), &b);
		else
			b = a;
		if (r < 0 || a > 65535 || b > 65535 || a > b)
			return facts_bad(diag, file, 1, (unsigned)(p - s) + 1,
					 "invalid port list item '%.*s'",
					 (int)(item_end - p > 32 ? 32 : item_end - p),
					 p);
		for (uint64_t port = a; port <= b; port++) {
			if (port < low || port > high ||
			    (bits[port / 8] & (1u << (port % 8))))
				continue;
			bits[port / 8] |= (uint8_t)(1u << (port % 8));
			count++;
		}
		if (!comma)
			break;
		p = comma + 1;
		if (p == end)
			return facts_bad(diag, file, 1, (unsigned)(p - s),
					 "trailing ',' in port list");
	}
	*ret_count = count;
	return 0;
}
