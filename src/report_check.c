/*
 * `twtune check` for people: a Nagios-style status line first (what a
 * monitoring system shows), then each finding with its evidence and fix,
 * then where TIME_WAIT and CLOSE_WAIT sockets actually are. Fits 80
 * columns; colour only when asked for or on a terminal.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "arena.h"
#include "census.h"
#include "expr.h"
#include "facts.h"
#include "findings.h"
#include "out.h"
#include "report_check.h"

const char *report_status_word(int severity)
{
	switch ((enum severity)severity) {
	case SEVERITY_OK: return "OK";
	case SEVERITY_INFO: return "OK";
	case SEVERITY_WARNING: return "WARNING";
	case SEVERITY_CRITICAL: return "CRITICAL";
	case SEVERITY_UNKNOWN: return "UNKNOWN";
	}
	return "UNKNOWN";
}

static const char *severity_sgr(enum severity s)
{
	switch (s) {
	case SEVERITY_CRITICAL: return SGR_RED;
	case SEVERITY_WARNING: return SGR_YELLOW;
	case SEVERITY_UNKNOWN: return SGR_CYAN;
	case SEVERITY_INFO: return SGR_BOLD;
	default: return SGR_GREEN;
	}
}

static const char *severity_upper(enum severity s)
{
	switch (s) {
	case SEVERITY_CRITICAL: return "CRITICAL";
	case SEVERITY_WARNING: return "WARNING";
	case SEVERITY_UNKNOWN: return "UNKNOWN";
	case SEVERITY_INFO: return "INFO";
	default: return "OK";
	}
}

/* Text from the host (process names, file contents) or a profile goes
 * to a terminal: control characters become '?' so that nothing in it can
 * drive the terminal. */
static void put_safe(FILE *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		fputc(c < 0x20 || c == 0x7f ? '?' : c, f);
	}
}

static void put_safe_str(FILE *f, const char *s)
{
	put_safe(f, s, strlen(s));
}

/* Words of text filled to width, each line starting with indent spaces.
 * A single line break is reflowed like a space, unless the next line
 * starts a list item or is indented (code, commands); a blank line is a
 * paragraph break. */
static void wrap(FILE *f, const char *text, size_t len, unsigned indent, unsigned width)
{
	const char *p = text, *end = text + len;
	unsigned col = 0;
	bool fresh = false;	/* at the start of a line, indentation written */

	while (p < end) {
		const char *w;
		size_t wl;

		if (*p == '\n') {
			p++;
			if (p < end && *p == '\n') {
				if (col)
					fputc('\n', f);
				fputc('\n', f);
				col = 0;
				while (p < end && *p == '\n')
					p++;
			} else if (p < end && (*p == '-' || *p == '*' || *p == ' ') && col) {
				fputc('\n', f);
				col = 0;
				if (*p == ' ') {
					/* keep the extra indentation of the line */
					w = p;
					while (p < end && *p == ' ')
						p++;
					fprintf(f, "%*s", (int)(indent + (p - w)), "");
					col = indent + (unsigned)(p - w);
					fresh = true;
				}
			}
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		w = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		wl = (size_t)(p - w);
		if (col > indent && col + 1 + wl > width) {
			fputc('\n', f);
			col = 0;
		}
		if (col == 0) {
			fprintf(f, "%*s", (int)indent, "");
			col = indent;
		} else if (!fresh) {
			fputc(' ', f);
			col++;
		}
		fresh = false;
		put_safe(f, w, wl);
		col += (unsigned)wl;
	}
	if (col)
		fputc('\n', f);
}

#define ADVICE_BRIEF 320	/* bytes of advice shown without -v */

/* Without -v: the first paragraph, cut after the last sentence that ends
 * within ADVICE_BRIEF bytes (at least one sentence), so a long advice
 * text does not bury the next finding. *ret_cut tells whether anything
 * was left out. */
static size_t advice_length(const char *advice, bool all, bool *ret_cut)
{
	const char *brk, *p;
	size_t len = strlen(advice), para, cut = 0;

	*ret_cut = false;
	if (all)
		return len;
	brk = strstr(advice, "\n\n");
	para = brk ? (size_t)(brk - advice) : len;
	while (para > 0 && (advice[para - 1] == '\n' || advice[para - 1] == ' '))
		para--;
	if (para <= ADVICE_BRIEF) {
		*ret_cut = para < len && advice[para + strspn(advice + para, " \n")];
		return para;
	}
	for (p = advice; p < advice + para; p++) {
		if (*p != '.' && *p != '!' && *p != '?')
			continue;
		if (p + 1 < advice + para && p[1] != ' ' && p[1] != '\n')
			continue;
		if ((size_t)(p + 1 - advice) > ADVICE_BRIEF && cut)
			break;
		cut = (size_t)(p + 1 - advice);
		if (cut > ADVICE_BRIEF)
			break;
	}
	if (!cut)
		cut = para;
	*ret_cut = true;
	return cut;
}

static void status_line(FILE *f, const struct check_report *r)
{
	static const enum severity order[] = {
		SEVERITY_CRITICAL, SEVERITY_UNKNOWN, SEVERITY_WARNING, SEVERITY_INFO,
	};
	static const char *const one[] = {
		[SEVERITY_CRITICAL] = "critical", [SEVERITY_UNKNOWN] = "unknown",
		[SEVERITY_WARNING] = "warning", [SEVERITY_INFO] = "info",
	};
	static const char *const many[] = {
		[SEVERITY_CRITICAL] = "critical", [SEVERITY_UNKNOWN] = "unknown",
		[SEVERITY_WARNING] = "warnings", [SEVERITY_INFO] = "info",
	};
	const struct findings *fs = r->findings;
	bool any = false;
	size_t i;

	fprintf(f, "twtune: %s%s%s - ", out_sgr(r->color, severity_sgr(fs->status)),
		report_status_word(fs->status), out_sgr(r->color, SGR_RESET));
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		unsigned n = fs->count[order[i]];

		if (!n)
			continue;
		fprintf(f, "%s%u %s", any ? ", " : "", n, n == 1 ? one[order[i]] : many[order[i]]);
		any = true;
	}
	if (!any)
		fputs("no findings", f);
	fprintf(f, " (profile %s, kernel ", r->profile->name);
	put_safe_str(f, r->facts->kernel_release ? r->facts->kernel_release : "unknown");
	fputs(")\n", f);
}

static void evidence_line(FILE *f, const struct check_report *r,
			  const struct finding *fd, struct arena *a)
{
	unsigned col, indent = 4;
	size_t i;

	if (!fd->n_evidence)
		return;
	fprintf(f, "%*sevidence:", (int)indent, "");
	col = indent + 9;
	for (i = 0; i < fd->n_evidence; i++) {
		const struct finding_evidence *ev = &fd->evidence[i];
		char *v = expr_value_format(&ev->value, a);
		char *item = arena_printf(a, "%s = %s%s", ev->name, v ? v : "?",
					  i + 1 < fd->n_evidence ? "," : "");

		if (!item)
			return;
		if (col + 1 + strlen(item) > r->width && col > indent + 9) {
			fprintf(f, "\n%*s", (int)indent + 10, "");
			col = indent + 10;
		} else {
			fputc(' ', f);
			col++;
		}
		if (col + strlen(item) > r->width) {
			/* Too long even alone: the value goes on a line of its own. */
			fprintf(f, "%s =\n%*s", ev->name, (int)indent + 12, "");
			col = indent + 12;
			item = arena_printf(a, "%s%s", v ? v : "?",
					    i + 1 < fd->n_evidence ? "," : "");
			if (!item)
				return;
		}
		put_safe_str(f, item);
		col += (unsigned)strlen(item);
	}
	fputc('\n', f);
}

static const char *kv_get(const struct finding_kv *kv, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

/* The kernel separates vector elements with a tab; show a space. */
static void put_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\t')
			fputc(' ', f);
		else
			put_safe(f, v, 1);
	}
}

/* "fix:" lists the keys with a recommended change, "now:" the other keys
 * the finding concerns with their current value, so a value shown is never
 * mistaken for the fix. */
static void fix_lines(FILE *f, const struct check_report *r, const struct finding *fd)
{
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		bool first = true;

		for (i = 0; i < fd->n_keys; i++) {
			const char *cur = kv_get(fd->current, fd->n_current, fd->keys[i]);
			const char *rec = kv_get(fd->recommended, fd->n_recommended, fd->keys[i]);
			bool change = rec && (!cur || strcmp(cur, rec) != 0);

			if (change != (pass == 0))
				continue;
			fprintf(f, "    %s %s ", first ? (pass == 0 ? "fix:" : "now:") : "    ",
				fd->keys[i]);
			if (pass == 1)
				fputs("= ", f);
			put_value(f, !cur ? "(absent)" : *cur ? cur : "(empty)");
			if (change) {
				fprintf(f, " %s->%s %s", out_sgr(r->color, SGR_DIM),
					out_sgr(r->color, SGR_RESET), out_sgr(r->color, SGR_BOLD));
				put_value(f, *rec ? rec : "(empty)");
				fputs(out_sgr(r->color, SGR_RESET), f);
			}
			fputc('\n', f);
			first = false;
		}
	}
}

static void finding_block(FILE *f, const struct check_report *r,
			  const struct finding *fd, struct arena *a)
{
	size_t i;

	fprintf(f, "\n%s%s%s %s\n", out_sgr(r->color, severity_sgr(fd->severity)),
		severity_upper(fd->severity), out_sgr(r->color, SGR_RESET), fd->id);
	if (fd->summary)
		wrap(f, fd->summary, strlen(fd->summary), 4, r->width);
	if (fd->reason) {
		char *t = arena_printf(a, "cannot evaluate: %s", fd->reason);

		if (t)
			wrap(f, t, strlen(t), 4, r->width);
	}
	evidence_line(f, r, fd, a);
	fix_lines(f, r, fd);
	if (fd->advice && *fd->advice) {
		bool cut;
		size_t n = advice_length(fd->advice, r->verbose > 0, &cut);

		fputc('\n', f);
		wrap(f, fd->advice, n, 4, r->width);
		if (cut)
			fprintf(f, "    %s(more with 'twtune -v check')%s\n",
				out_sgr(r->color, SGR_DIM), out_sgr(r->color, SGR_RESET));
	}
	if (r->verbose > 0 && fd->n_refs) {
		fputs("    refs:", f);
		for (i = 0; i < fd->n_refs; i++)
			fprintf(f, "%s %s", i ? ";" : "", fd->refs[i]);
		fputc('\n', f);
	}
}

static void socket_tables(FILE *f, const struct check_report *r)
{
	const struct census *c = &r->facts->census;
	char addr[64];
	size_t i, n;

	if (!r->facts->sockets_collected)
		return;
	n = c->n_tw_by_dest < r->top ? c->n_tw_by_dest : r->top;
	if (n) {
		fprintf(f, "\nTIME_WAIT by destination (active close, top %zu of %zu):\n",
			n, c->n_tw_by_dest);
		fprintf(f, "  %8s  %s\n", "SOCKETS", "DESTINATION");
		for (i = 0; i < n; i++) {
			const struct census_dest *d = &c->tw_by_dest[i];

			census_addr_format(&d->addr, addr, sizeof(addr));
			fprintf(f, d->addr.family == AF_INET6 ? "  %8llu  [%s]:%u\n" :
								"  %8llu  %s:%u\n",
				(unsigned long long)d->count, addr, d->port);
		}
	}
	n = c->n_cw_by_owner < r->top ? c->n_cw_by_owner : r->top;
	if (c->owners_resolved && n) {
		fprintf(f, "\nCLOSE_WAIT by process (top %zu of %zu):\n", n, c->n_cw_by_owner);
		fprintf(f, "  %8s  %7s  %-16s  %s\n", "SOCKETS", "PID", "COMMAND", "WHERE");
		for (i = 0; i < n; i++) {
			const struct census_owner *o = &c->cw_by_owner[i];
			char where[80];

			census_owner_where(o, where, sizeof(where));
			if (o->pid) {
				fprintf(f, "  %8llu  %7d  ", (unsigned long long)o->count,
					(int)o->pid);
				put_safe_str(f, o->comm);
				fprintf(f, "%*s  %s\n", (int)(16 - strnlen(o->comm, 16)), "",
					where);
			}
			else
				fprintf(f, "  %8llu  %7s  %-16s  %s\n",
					(unsigned long long)o->count, "-", "(no process)", where);
		}
	}
}

void report_check_text(FILE *f, const struct check_report *r, struct arena *a)
{
	size_t i;

	status_line(f, r);
	for (i = 0; i < r->findings->n; i++)
		finding_block(f, r, &r->findings->items[i], a);
	socket_tables(f, r);
}
