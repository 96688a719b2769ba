/*
 * sysctld_parse: one sysctl.d file, bytes in, assignments out. The line
 * rules are those of systemd-sysctl 252-258 (SYSCTL.md section 2, column
 * "systemd") or procps-ng 4.0.x sysctl (column "procps"); every difference
 * is kept here so the resolver does not need to know about spelling.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "procsys.h"
#include "sysctld.h"

/* systemd's WHITESPACE; procps uses isspace(), which adds \v and \f. */
static bool is_blank(enum sysctld_mode mode, char c)
{
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		return true;
	return mode == SYSCTLD_PROCPS && (c == '\v' || c == '\f');
}

/* A span of the current line: [start, end) as offsets from the line. */
struct span {
	size_t start, end;
};

static void span_lstrip(enum sysctld_mode mode, const char *l, struct span *s)
{
	while (s->start < s->end && is_blank(mode, l[s->start]))
		s->start++;
}

static void span_rstrip(enum sysctld_mode mode, const char *l, struct span *s)
{
	while (s->end > s->start && is_blank(mode, l[s->end - 1]))
		s->end--;
}

bool sysctld_is_glob(const char *key)
{
	return strpbrk(key, "*?[") != NULL;
}

/* procps slashdot(): the same first-separator rule as systemd, but no
 * simplification, so "a.b." stays "a/b/" and never matches a file. */
static void procps_slashdot(char *p)
{
	char *s = strpbrk(p, "/.");

	if (!s || *s == '/')
		return;
	for (; s; s = strpbrk(s + 1, "/.")) {
		if (*s == '.')
			*s = '/';
		else
			*s = '.';
	}
}

static bool path_has_dotdot(const char *path)
{
	const char *p = path;

	for (;;) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return true;
		p = strchr(p, '/');
		if (!p)
			return false;
		p++;
	}
}

struct parse_state {
	enum sysctld_mode mode;
	const char *file;
	struct arena *a;
	struct diag *diag;
	struct sysctld_line *lines;
	size_t n_lines, cap_lines;
	int error;
};

static int push_line(struct parse_state *st, const struct sysctld_line *l)
{
	if (st->n_lines == SYSCTLD_MAX_LINES)
		return -E2BIG;
	if (ARENA_GROW(st->a, st->lines, st->n_lines, st->cap_lines, 16) < 0)
		return -ENOMEM;
	st->lines[st->n_lines++] = *l;
	return 0;
}

static void __attribute__((format(printf, 7, 8)))
syntax(struct parse_state *st, enum diag_severity sev, unsigned line,
       unsigned col, const char *id, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (!st->diag)
		return;
	va_start(ap, fmt);
	diag_vadd(st->diag, sev, st->file, line, col, id, key, fmt, ap);
	va_end(ap);
}

/* Printable excerpt of a line for a message: at most 60 bytes, control
 * bytes as '?', so a hostile file cannot put escapes on a terminal. */
static const char *excerpt(struct parse_state *st, const char *l, size_t n)
{
	char *s;
	size_t i, m = n > 60 ? 60 : n;

	s = arena_alloc(st->a, m + 4);
	if (!s)
		return "";
	for (i = 0; i < m; i++)
		s[i] = ((unsigned char)l[i] < 0x20 || l[i] == 0x7f) ? '?' : l[i];
	if (m < n)
		memcpy(s + m, "...", 3);
	return s;
}

/* Normalizes key (NUL-terminated, in the arena) into the path form of the
 * mode. *ret NULL (with a diagnostic) when it cannot be used. */
static int key_path(struct parse_state *st, const char *key, unsigned line,
		    unsigned col, bool ignore_failure, const char **ret)
{
	char buf[SYSCTL_KEY_MAX * 2];
	char *p;
	int r;

	if (strlen(key) >= sizeof(buf)) {
		syntax(st, DIAG_ERROR, line, col, "invalid-key", NULL,
		       "key too long: '%s'", excerpt(st, key, strlen(key)));
		*ret = NULL;
		return 0;
	}
	if (st->mode == SYSCTLD_PROCPS) {
		p = arena_strdup(st->a, key);
		if (!p)
			return -ENOMEM;
		procps_slashdot(p);
		*ret = p;
		return 0;
	}
	r = sysctl_key_to_path(key, buf, sizeof(buf));
	if (r < 0) {
		syntax(st, DIAG_ERROR, line, col, "invalid-key", NULL,
		       "key too long: '%s'", excerpt(st, key, strlen(key)));
		*ret = NULL;
		return 0;
	}
	if (path_has_dotdot(buf))
		/* systemd refuses it at write time (path_is_normalized);
		 * with '-' the failure is silent. */
		syntax(st, ignore_failure ? DIAG_WARNING : DIAG_ERROR, line, col,
		       "invalid-key", key, "key '%s' contains '..' and is refused",
		       excerpt(st, key, strlen(key)));
	*ret = arena_strdup(st->a, buf);
	return *ret ? 0 : -ENOMEM;
}

/* One logical line l[0..n) at column offset col0 of physical line no. */
static int parse_one(struct parse_state *st, const char *l, size_t n,
		     unsigned no, unsigned col0)
{
	struct sysctld_line out = { .file = st->file, .line = no };
	struct span line = { 0, n }, key, value;
	const char *eq;
	bool dash = false;
	char *k;
	int r;

	if (st->mode == SYSCTLD_SYSTEMD) {
		span_lstrip(st->mode, l, &line);
		span_rstrip(st->mode, l, &line);
		if (line.start == line.end)
			return 0;
		if (l[line.start] == '#')
			return 0;
		if (l[line.start] == ';') {
			syntax(st, DIAG_INFO, no, col0 + (unsigned)line.start + 1,
			       "semicolon-comment", NULL,
			       "%s", "';' starts a comment only up to systemd 258; "
			       "systemd 259 and later read this line as a setting "
			       "(use '#')");
			return 0;
		}
	} else {
		/* procps: left strip; fewer than 2 bytes is silently skipped */
		span_lstrip(st->mode, l, &line);
		if (line.end - line.start < 2)
			return 0;
		if (l[line.start] == '#' || l[line.start] == ';')
			return 0;
	}

	eq = memchr(l + line.start, '=', line.end - line.start);
	key.start = line.start;
	if (eq) {
		key.end = (size_t)(eq - l);
		value.start = key.end + 1;
		value.end = line.end;
		if (l[key.start] == '-') {
			dash = true;
			key.start++;
			if (key.start < key.end && is_blank(st->mode, l[key.start])) {
				if (st->mode == SYSCTLD_PROCPS)
					syntax(st, DIAG_WARNING, no, col0 + (unsigned)key.start + 1,
					       "dash-blank", NULL, "%s",
					       "blank after '-': procps sysctl looks up a key "
					       "starting with a blank and never applies this line");
				else
					syntax(st, DIAG_INFO, no, col0 + (unsigned)key.start + 1,
					       "dash-blank", NULL, "%s",
					       "blank after '-': systemd applies this line but "
					       "procps sysctl never does (write '-key')");
			}
		}
		if (st->mode == SYSCTLD_SYSTEMD)
			span_lstrip(st->mode, l, &key);
		span_rstrip(st->mode, l, &key);
		span_lstrip(st->mode, l, &value);
		span_rstrip(st->mode, l, &value);
		out.ignore_failure = dash;
		out.value = arena_strndup(st->a, l + value.start, value.end - value.start);
		if (!out.value)
			return -ENOMEM;
		out.value_column = col0 + (unsigned)value.start + 1;
	} else if (l[line.start] == '-') {
		key.start = line.start + 1;
		key.end = line.end;
		if (st->mode == SYSCTLD_SYSTEMD)
			span_lstrip(st->mode, l, &key);
		span_rstrip(st->mode, l, &key);
		out.value = NULL;
	} else {
		span_rstrip(st->mode, l, &line);
		syntax(st, st->mode == SYSCTLD_SYSTEMD ? DIAG_ERROR : DIAG_WARNING,
		       no, col0 + (unsigned)line.start + 1, "not-assignment", NULL,
		       "line is not an assignment: '%s'",
		       excerpt(st, l + line.start, line.end - line.start));
		return 0;
	}

	out.key_column = col0 + (unsigned)key.start + 1;
	k = arena_strndup(st->a, l + key.start, key.end - key.start);
	if (!k)
		return -ENOMEM;
	out.key = k;
	if (!*k) {
		syntax(st, dash ? DIAG_WARNING : DIAG_ERROR, no, out.key_column,
		       "empty-key", NULL, "%s", "empty key before '='");
		if (!out.value)
			return 0;
	}
	if (st->mode == SYSCTLD_PROCPS && *k && strchr("./", k[strlen(k) - 1]))
		syntax(st, DIAG_WARNING, no, out.key_column, "trailing-separator", k,
		       "key '%s' ends in a separator: procps sysctl never applies it",
		       excerpt(st, k, strlen(k)));
	r = key_path(st, k, no, out.key_column, dash, &out.path);
	if (r < 0 || !out.path)
		return r;
	out.is_glob = sysctld_is_glob(out.path);
	return push_line(st, &out);
}

int sysctld_parse(const char *buf, size_t len, const char *file,
		  enum sysctld_mode mode, struct arena *a, struct diag *diag,
		  struct sysctld_file *ret)
{
	struct parse_state st = {
		.mode = mode, .file = file, .a = a, .diag = diag,
	};
	const char *name;
	size_t pos = 0, eol, seg, i;
	unsigned no = 0;
	int r;

	if (!file || (!buf && len))
		return -EINVAL;
	if (len > SYSCTLD_MAX_FILE_SIZE) {
		syntax(&st, DIAG_ERROR, 0, 0, "file-too-large", NULL,
		       "file larger than %s, not read", "4 MiB");
		len = 0;
	}
	while (pos < len) {
		const char *l = buf + pos;
		size_t n;

		no++;
		eol = pos;
		while (eol < len && buf[eol] != '\n')
			eol++;
		n = eol - pos;
		pos = eol < len ? eol + 1 : eol;

		if (mode == SYSCTLD_PROCPS) {
			/* getline() + C strings: a NUL ends the line. */
			const char *z = memchr(l, '\0', n);

			if (z)
				n = (size_t)(z - l);
			r = parse_one(&st, l, n, no, 0);
			if (r < 0)
				goto fail;
			continue;
		}
		/* systemd read_line(): \r, \r\n and \0 also end a line; a
		 * line over 1 MiB stops the file with an error. */
		for (i = 0; i <= n; i = seg + 1) {
			seg = i;
			while (seg < n && l[seg] != '\r' && l[seg] != '\0')
				seg++;
			if (seg - i > SYSCTLD_MAX_LINE) {
				syntax(&st, DIAG_ERROR, no, (unsigned)i + 1, "line-too-long",
				       NULL, "line longer than %s: rest of the file ignored",
				       "1 MiB");
				goto done;
			}
			r = parse_one(&st, l + i, seg - i, no, (unsigned)i);
			if (r < 0)
				goto fail;
			if (seg == n)
				break;
		}
	}
done:
	name = strrchr(file, '/');
	ret->path = file;
	ret->name = name ? name + 1 : file;
	ret->lines = st.lines;
	ret->n_lines = st.n_lines;
	ret->masked = false;
	ret->shadows = NULL;
	return 0;
fail:
	if (r == -E2BIG) {
		syntax(&st, DIAG_ERROR, no, 0, "file-too-large", NULL,
		       "more than %s assignments: rest of the file ignored", "65536");
		goto done;
	}
	return r;
}
