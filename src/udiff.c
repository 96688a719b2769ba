#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "strbuf.h"
#include "udiff.h"

#define UDIFF_CONTEXT 3

struct udiff_line {
	const char *s;
	size_t len;		/* without the '\n' */
	bool nl;		/* followed by '\n' */
};

struct udiff_op {
	char type;		/* ' ', '-', '+' */
	size_t ai, bi;		/* line indexes (a for ' ' and '-', b for '+') */
};

static int split_lines(const char *s, size_t len, struct udiff_line **ret,
		       size_t *ret_n)
{
	struct udiff_line *lines;
	size_t n = 0, i, start;

	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			n++;
	if (len > 0 && s[len - 1] != '\n')
		n++;
	if (n > UDIFF_MAX_LINES)
		return -E2BIG;
	lines = calloc(n ? n : 1, sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	n = 0;
	for (start = 0, i = 0; i < len; i++) {
		if (s[i] != '\n')
			continue;
		lines[n++] = (struct udiff_line){ s + start, i - start, true };
		start = i + 1;
	}
	if (start < len)
		lines[n++] = (struct udiff_line){ s + start, len - start, false };
	*ret = lines;
	*ret_n = n;
	return 0;
}

static bool line_eq(const struct udiff_line *x, const struct udiff_line *y)
{
	return x->len == y->len && x->nl == y->nl && memcmp(x->s, y->s, x->len) == 0;
}

/* Longest common subsequence by dynamic programming over the part between
 * the common prefix and suffix; fragments are small, so O(n*m) is fine
 * within UDIFF_MAX_LINES. */
static int edit_script(const struct udiff_line *a, size_t na,
		       const struct udiff_line *b, size_t nb,
		       struct udiff_op **ret, size_t *ret_n)
{
	size_t pre = 0, suf = 0, n, m, i, j, k = 0, w;
	uint16_t *t;
	struct udiff_op *ops;

	while (pre < na && pre < nb && line_eq(&a[pre], &b[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre &&
	       line_eq(&a[na - 1 - suf], &b[nb - 1 - suf]))
		suf++;
	n = na - pre - suf;
	m = nb - pre - suf;
	ops = calloc(na + nb + 1, sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	w = m + 1;
	t = calloc((n + 1) * w, sizeof(*t));
	if (!t) {
		free(ops);
		return -ENOMEM;
	}
	/* t[i][j] = LCS length of a[pre+i..] and b[pre+j..] (middle part). */
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;) {
			if (line_eq(&a[pre + i], &b[pre + j]))
				t[i * w + j] = (uint16_t)(t[(i + 1) * w + j + 1] + 1);
			else if (t[(i + 1) * w + j] >= t[i * w + j + 1])
				t[i * w + j] = t[(i + 1) * w + j];
			else
				t[i * w + j] = t[i * w + j + 1];
		}
	for (i = 0; i < pre; i++)
		ops[k++] = (struct udiff_op){ ' ', i, i };
	i = j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && line_eq(&a[pre + i], &b[pre + j])) {
			ops[k++] = (struct udiff_op){ ' ', pre + i, pre + j };
			i++;
			j++;
		} else if (i < n && (j == m || t[(i + 1) * w + j] >= t[i * w + j + 1])) {
			ops[k++] = (struct udiff_op){ '-', pre + i, pre + j };
			i++;
		} else {
			ops[k++] = (struct udiff_op){ '+', pre + i, pre + j };
			j++;
		}
	}
	for (i = 0; i < suf; i++)
		ops[k++] = (struct udiff_op){ ' ', pre + n + i, pre + m + i };
	free(t);
	*ret = ops;
	*ret_n = k;
	return 0;
}

static void range(struct strbuf *b, char sign, size_t start, size_t count)
{
	char tmp[64];

	/* diff -u: a 1-based start, ",count" unless it is 1; an empty range
	 * names the line before it. */
	if (count == 1)
		snprintf(tmp, sizeof(tmp), "%c%zu", sign, start + 1);
	else
		snprintf(tmp, sizeof(tmp), "%c%zu,%zu", sign, count ? start + 1 : start, count);
	strbuf_addstr(b, tmp);
}

static void emit_line(struct strbuf *b, char type, const struct udiff_line *l)
{
	strbuf_add(b, &type, 1);
	strbuf_add(b, l->s, l->len);
	strbuf_add(b, "\n", 1);
	if (!l->nl)
		strbuf_addstr(b, "\\ No newline at end of file\n");
}

static void emit_hunks(struct strbuf *b, const struct udiff_op *ops, size_t n,
		       const struct udiff_line *a, const struct udiff_line *bl)
{
	size_t i = 0, start, end, last, k, a_start, b_start, a_count, b_count;

	while (i < n) {
		while (i < n && ops[i].type == ' ')
			i++;
		if (i == n)
			break;
		start = i > UDIFF_CONTEXT ? i - UDIFF_CONTEXT : 0;
		/* Extend over changes closer than two contexts apart. */
		last = i;
		for (k = i; k < n; k++) {
			if (ops[k].type != ' ')
				last = k;
			else if (k - last > 2 * UDIFF_CONTEXT)
				break;
		}
		end = last + 1 + UDIFF_CONTEXT;
		if (end > n)
			end = n;
		a_count = b_count = 0;
		for (k = start; k < end; k++) {
			if (ops[k].type != '+')
				a_count++;
			if (ops[k].type != '-')
				b_count++;
		}
		a_start = ops[start].ai;
		b_start = ops[start].bi;
		strbuf_addstr(b, "@@ ");
		range(b, '-', a_start, a_count);
		strbuf_addstr(b, " ");
		range(b, '+', b_start, b_count);
		strbuf_addstr(b, " @@\n");
		for (k = start; k < end; k++) {
			if (ops[k].type == '+')
				emit_line(b, '+', &bl[ops[k].bi]);
			else
				emit_line(b, ops[k].type, &a[ops[k].ai]);
		}
		i = end;
	}
}

int udiff(const char *a, size_t a_len, const char *a_name,
	  const char *b, size_t b_len, const char *b_name,
	  struct arena *ar, char **ret)
{
	struct udiff_line *la = NULL, *lb = NULL;
	struct udiff_op *ops = NULL;
	struct strbuf out = STRBUF_INIT;
	size_t na = 0, nb = 0, nops = 0;
	char *s;
	int r;

	if ((a ? a_len : 0) == (b ? b_len : 0) && !a == !b &&
	    (!a || memcmp(a, b, a_len) == 0)) {
		s = arena_strdup(ar, "");
		if (!s)
			return -ENOMEM;
		*ret = s;
		return 0;
	}
	r = split_lines(a ? a : "", a ? a_len : 0, &la, &na);
	if (r < 0)
		goto out;
	r = split_lines(b ? b : "", b ? b_len : 0, &lb, &nb);
	if (r < 0)
		goto out;
	r = edit_script(la, na, lb, nb, &ops, &nops);
	if (r < 0)
		goto out;
	strbuf_addstr(&out, "--- ");
	strbuf_addstr(&out, a ? a_name : "/dev/null");
	strbuf_addstr(&out, "\n+++ ");
	strbuf_addstr(&out, b ? b_name : "/dev/null");
	strbuf_addstr(&out, "\n");
	emit_hunks(&out, ops, nops, la, lb);
	r = strbuf_finish(&out, ar, ret, NULL);
out:
	strbuf_release(&out);
	free(ops);
	free(la);
	free(lb);
	return r;
}
