/*
 * journal_format: the text of one journal file, serialized and parsed
 * (the file handling is in journal.c).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "fragment.h"
#include "journal.h"
#include "strbuf.h"

#define JOURNAL_MAGIC "twtune-journal 1"

static const char *const status_names[] = {
	[JOURNAL_BEGUN] = "begun",
	[JOURNAL_FRAGMENT_WRITTEN] = "fragment-written",
	[JOURNAL_LIVE_WRITTEN] = "live-written",
	[JOURNAL_COMMITTED] = "committed",
	[JOURNAL_FAILED] = "failed",
	[JOURNAL_FAILED_UNRESTORED] = "failed-unrestored",
};

const char *journal_status_name(enum journal_status s)
{
	return (unsigned)s < sizeof(status_names) / sizeof(status_names[0]) ?
		status_names[s] : "?";
}

const char *journal_op_name(enum journal_op op)
{
	return op == JOURNAL_ROLLBACK ? "rollback" : "apply";
}

bool journal_status_unfinished(enum journal_status s)
{
	return s != JOURNAL_COMMITTED && s != JOURNAL_FAILED;
}

/* Strings are one line: control bytes and '\' as \xHH. */
static void jb_escaped(struct strbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '\\')
			strbuf_addf(b, "\\x%02x", c);
		else
			strbuf_add(b, s, 1);
	}
}

static void jb_line(struct strbuf *b, const char *tag, const char *s)
{
	strbuf_add(b, tag, strlen(tag));
	strbuf_add(b, " ", 1);
	jb_escaped(b, s);
	strbuf_add(b, "\n", 1);
}

static void jb_blob(struct strbuf *b, const char *tag, bool present,
		    const char *bytes, size_t len)
{
	if (!present) {
		strbuf_addf(b, "%s absent\n", tag);
		return;
	}
	strbuf_addf(b, "%s %zu\n", tag, len);
	strbuf_add(b, bytes, len);
	strbuf_add(b, "\n", 1);
}

int journal_serialize(const struct journal *j, struct arena *a, char **ret,
		      size_t *ret_len)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;

	strbuf_addf(&b, JOURNAL_MAGIC "\n");
	strbuf_addf(&b, "generation %u\n", j->generation);
	strbuf_addf(&b, "op %s\n", journal_op_name(j->op));
	strbuf_addf(&b, "time %lld\n", j->time);
	if (j->profile)
		jb_line(&b, "profile", j->profile);
	if (j->profile_sha256)
		jb_line(&b, "profile-sha256", j->profile_sha256);
	if (j->op == JOURNAL_ROLLBACK)
		strbuf_addf(&b, "rollback-to %u\n", j->rollback_to);
	if (j->netns)
		jb_line(&b, "netns", j->netns);
	for (i = 0; i < j->n_fragments; i++) {
		const struct journal_fragment *f = &j->fragments[i];

		jb_line(&b, "fragment", f->path);
		jb_blob(&b, "old", f->old_present, f->old_bytes, f->old_len);
		jb_blob(&b, "new", f->new_present, f->new_bytes, f->new_len);
	}
	for (i = 0; i < j->n_keys; i++) {
		jb_line(&b, "key", j->keys[i].key);
		jb_line(&b, "old", j->keys[i].old_value);
		jb_line(&b, "new", j->keys[i].new_value);
	}
	strbuf_addf(&b, "end\nstatus begun\n");
	return strbuf_finish(&b, a, ret, ret_len);
}

/* Parser state: one cursor over the whole file. */
struct jparse {
	const char *buf, *end, *p;
	const char *file;
	unsigned line;
	struct arena *a;
	struct diag *diag;
};

static int jp_error(struct jparse *jp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int jp_error(struct jparse *jp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(jp->diag, DIAG_ERROR, jp->file, jp->line, 0, "journal-corrupt",
		  NULL, fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/* Next complete line (without '\n'); false at the end or on a last line
 * without '\n'. */
static bool jp_next(struct jparse *jp, const char **ret, size_t *ret_len)
{
	const char *nl;

	if (jp->p >= jp->end)
		return false;
	nl = memchr(jp->p, '\n', (size_t)(jp->end - jp->p));
	if (!nl)
		return false;
	*ret = jp->p;
	*ret_len = (size_t)(nl - jp->p);
	jp->p = nl + 1;
	jp->line++;
	return true;
}

/* Line "tag rest": returns rest, or NULL when the tag differs. */
static const char *jp_tag(const char *l, size_t len, const char *tag,
			  size_t *ret_len)
{
	size_t t = strlen(tag);

	if (len < t + 1 || memcmp(l, tag, t) != 0 || l[t] != ' ')
		return NULL;
	*ret_len = len - t - 1;
	return l + t + 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int jp_unescape(struct jparse *jp, const char *s, size_t len, char **ret)
{
	char *out = arena_alloc(jp->a, len + 1), *o = out;
	size_t i;

	if (!out)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		unsigned v;

		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return jp_error(jp, "control character in a string");
		if (s[i] != '\\') {
			*o++ = s[i];
			continue;
		}
		if (i + 3 >= len)
			return jp_error(jp, "truncated escape sequence");
		if (s[i + 1] != 'x' || hexval(s[i + 2]) < 0 || hexval(s[i + 3]) < 0)
			return jp_error(jp, "invalid escape sequence");
		v = (unsigned)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
		if (v == 0)
			return jp_error(jp, "invalid escape sequence");
		*o++ = (char)v;
		i += 3;
	}
	*o = '\0';
	*ret = out;
	return 0;
}

static int jp_string(struct jparse *jp, const char *tag, char **ret)
{
	const char *l, *rest;
	size_t len, rlen;

	if (!jp_next(jp, &l, &len))
		return jp_error(jp, "truncated: expected '%s'", tag);
	rest = jp_tag(l, len, tag, &rlen);
	if (!rest)
		return jp_error(jp, "expected '%s'", tag);
	return jp_unescape(jp, rest, rlen, ret);
}

static int jp_number(struct jparse *jp, const char *s, size_t len,
		     long long max, long long *ret)
{
	long long v = 0;
	size_t i;

	if (len == 0 || len > 19)
		return jp_error(jp, "invalid number");
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return jp_error(jp, "invalid number");
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return jp_error(jp, "number out of range");
	*ret = v;
	return 0;
}

static int jp_blob(struct jparse *jp, const char *tag, bool *ret_present,
		   const char **ret_bytes, size_t *ret_len)
{
	const char *l, *rest;
	size_t len, rlen;
	long long n;
	char *bytes;
	int r;

	if (!jp_next(jp, &l, &len))
		return jp_error(jp, "truncated: expected '%s'", tag);
	rest = jp_tag(l, len, tag, &rlen);
	if (!rest)
		return jp_error(jp, "expected '%s'", tag);
	if (rlen == 6 && memcmp(rest, "absent", 6) == 0) {
		*ret_present = false;
		*ret_bytes = NULL;
		*ret_len = 0;
		return 0;
	}
	r = jp_number(jp, rest, rlen, FRAGMENT_MAX_SIZE, &n);
	if (r < 0)
		return r;
	if ((size_t)(jp->end - jp->p) < (size_t)n + 1 || jp->p[n] != '\n')
		return jp_error(jp, "truncated: %lld bytes of '%s' expected", n, tag);
	bytes = arena_strndup(jp->a, jp->p, (size_t)n);
	if (!bytes)
		return -ENOMEM;
	for (rest = jp->p; rest < jp->p + n; rest++)
		if (*rest == '\n')
			jp->line++;
	jp->p += n + 1;
	jp->line++;
	*ret_present = true;
	*ret_bytes = bytes;
	*ret_len = (size_t)n;
	return 0;
}

static int jp_status(struct jparse *jp, const char *s, size_t len,
		     struct journal *j)
{
	size_t i;

	for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++) {
		size_t n = strlen(status_names[i]);
		long long e;
		const char *sp;
		char *key;
		int r;

		if (len < n || memcmp(s, status_names[i], n) != 0 ||
		    (len > n && s[n] != ' '))
			continue;
		j->status = (enum journal_status)i;
		if (i != JOURNAL_FAILED && i != JOURNAL_FAILED_UNRESTORED) {
			if (len != n)
				return jp_error(jp, "unexpected text after status");
			return 0;
		}
		/* "failed ERRNO KEY" */
		if (len == n)
			return jp_error(jp, "failed status without errno");
		s += n + 1;
		len -= n + 1;
		sp = memchr(s, ' ', len);
		if (!sp)
			return jp_error(jp, "failed status without key");
		r = jp_number(jp, s, (size_t)(sp - s), 4095, &e);
		if (r < 0)
			return r;
		r = jp_unescape(jp, sp + 1, len - (size_t)(sp - s) - 1, &key);
		if (r < 0)
			return r;
		j->fail_errno = (int)e;
		j->fail_key = key;
		return 0;
	}
	return jp_error(jp, "unknown status '%.*s'", (int)(len > 40 ? 40 : len), s);
}

int journal_parse(const char *buf, size_t len, const char *file,
		  struct arena *a, struct diag *diag, struct journal *ret)
{
	struct jparse jp = { buf, buf + len, buf, file, 0, a, diag };
	struct journal j = { 0 };
	size_t llen, rlen, cap_f = 0, cap_k = 0;
	const char *l, *rest;
	long long v;
	char *s;
	int r;

	if (len > JOURNAL_MAX_SIZE)
		return jp_error(&jp, "journal larger than %d bytes", JOURNAL_MAX_SIZE);
	if (!jp_next(&jp, &l, &llen))
		return jp_error(&jp, "truncated: not even a first line");
	if (llen != strlen(JOURNAL_MAGIC) ||
	    memcmp(l, JOURNAL_MAGIC, llen) != 0)
		return jp_error(&jp, "not a twtune journal (expected '" JOURNAL_MAGIC "')");
	if (!jp_next(&jp, &l, &llen))
		return jp_error(&jp, "truncated: expected 'generation'");
	if (!(rest = jp_tag(l, llen, "generation", &rlen)))
		return jp_error(&jp, "expected 'generation'");
	if ((r = jp_number(&jp, rest, rlen, JOURNAL_MAX_GENERATIONS, &v)) < 0)
		return r;
	j.generation = (unsigned)v;
	if (!jp_next(&jp, &l, &llen))
		return jp_error(&jp, "truncated: expected 'op'");
	if (!(rest = jp_tag(l, llen, "op", &rlen)))
		return jp_error(&jp, "expected 'op'");
	if (rlen == 5 && memcmp(rest, "apply", 5) == 0)
		j.op = JOURNAL_APPLY;
	else if (rlen == 8 && memcmp(rest, "rollback", 8) == 0)
		j.op = JOURNAL_ROLLBACK;
	else
		return jp_error(&jp, "unknown op");
	if (!jp_next(&jp, &l, &llen))
		return jp_error(&jp, "truncated: expected 'time'");
	if (!(rest = jp_tag(l, llen, "time", &rlen)))
		return jp_error(&jp, "expected 'time'");
	if ((r = jp_number(&jp, rest, rlen, 1LL << 40, &j.time)) < 0)
		return r;

	for (;;) {
		if (!jp_next(&jp, &l, &llen))
			return jp_error(&jp, "truncated: no 'end' line");
		if (llen == 3 && memcmp(l, "end", 3) == 0)
			break;
		if ((rest = jp_tag(l, llen, "profile", &rlen))) {
			if ((r = jp_unescape(&jp, rest, rlen, &s)) < 0)
				return r;
			j.profile = s;
		} else if ((rest = jp_tag(l, llen, "profile-sha256", &rlen))) {
			if ((r = jp_unescape(&jp, rest, rlen, &s)) < 0)
				return r;
			j.profile_sha256 = s;
		} else if ((rest = jp_tag(l, llen, "rollback-to", &rlen))) {
			if ((r = jp_number(&jp, rest, rlen, JOURNAL_MAX_GENERATIONS, &v)) < 0)
				return r;
			j.rollback_to = (unsigned)v;
		} else if ((rest = jp_tag(l, llen, "netns", &rlen))) {
			if ((r = jp_unescape(&jp, rest, rlen, &s)) < 0)
				return r;
			j.netns = s;
		} else if ((rest = jp_tag(l, llen, "fragment", &rlen))) {
			struct journal_fragment *f;

			if (j.n_fragments == JOURNAL_MAX_FRAGMENTS)
				return jp_error(&jp, "more than %d fragments", JOURNAL_MAX_FRAGMENTS);
			if (ARENA_GROW(a, j.fragments, j.n_fragments, cap_f, 2) < 0)
				return -ENOMEM;
			f = &j.fragments[j.n_fragments];
			if ((r = jp_unescape(&jp, rest, rlen, &s)) < 0)
				return r;
			if (!fragment_path_valid(s))
				return jp_error(&jp, "invalid fragment path");
			f->path = s;
			if ((r = jp_blob(&jp, "old", &f->old_present, &f->old_bytes, &f->old_len)) < 0)
				return r;
			if ((r = jp_blob(&jp, "new", &f->new_present, &f->new_bytes, &f->new_len)) < 0)
				return r;
			j.n_fragments++;
		} else if ((rest = jp_tag(l, llen, "key", &rlen))) {
			struct journal_key *k;
			char *ov, *nv;

			if (j.n_keys == JOURNAL_MAX_KEYS)
				return jp_error(&jp, "more than %d keys", JOURNAL_MAX_KEYS);
			if (ARENA_GROW(a, j.keys, j.n_keys, cap_k, 8) < 0)
				return -ENOMEM;
			k = &j.keys[j.n_keys];
			if ((r = jp_unescape(&jp, rest, rlen, &s)) < 0)
				return r;
			if ((r = jp_string(&jp, "old", &ov)) < 0)
				return r;
			if ((r = jp_string(&jp, "new", &nv)) < 0)
				return r;
			k->key = s;
			k->old_value = ov;
			k->new_value = nv;
			j.n_keys++;
		} else {
			return jp_error(&jp, "unknown line '%.*s'",
					(int)(llen > 40 ? 40 : llen), l);
		}
	}
	if (j.op == JOURNAL_ROLLBACK && (j.rollback_to == 0 || j.rollback_to >= j.generation))
		return jp_error(&jp, "rollback generation without a valid 'rollback-to'");

	/* Status lines; a last line without '\n' was cut by a crash and
	 * does not count. */
	if (!jp_next(&jp, &l, &llen) || !(rest = jp_tag(l, llen, "status", &rlen)) ||
	    rlen != 5 || memcmp(rest, "begun", 5) != 0)
		return jp_error(&jp, "truncated: expected 'status begun'");
	j.status = JOURNAL_BEGUN;
	while (jp_next(&jp, &l, &llen)) {
		if (!(rest = jp_tag(l, llen, "status", &rlen)))
			return jp_error(&jp, "expected 'status'");
		if ((r = jp_status(&jp, rest, rlen, &j)) < 0)
			return r;
	}
	j.file = file;
	*ret = j;
	return 0;
}

int journal_status_line(enum journal_status s, int fail_errno,
			const char *fail_key, struct arena *a, char **ret,
			size_t *ret_len)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_addf(&b, "status %s", journal_status_name(s));
	if (s == JOURNAL_FAILED || s == JOURNAL_FAILED_UNRESTORED) {
		strbuf_addf(&b, " %d ", fail_errno > 0 && fail_errno < 4096 ? fail_errno : EIO);
		jb_escaped(&b, fail_key && *fail_key ? fail_key : "-");
	}
	strbuf_add(&b, "\n", 1);
	return strbuf_finish(&b, a, ret, ret_len);
}
