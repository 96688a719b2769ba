#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "out.h"

static void __attribute__((format(printf, 2, 0)))
out_v(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void out_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_v("error: ", fmt, ap);
	va_end(ap);
}

void out_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_v("warning: ", fmt, ap);
	va_end(ap);
}

void out_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_v("note: ", fmt, ap);
	va_end(ap);
}

const char *out_sgr(bool color, const char *code)
{
	return color ? code : "";
}

static const char *out_severity_color(enum diag_severity s)
{
	switch (s) {
	case DIAG_ERROR: return SGR_RED;
	case DIAG_WARNING: return SGR_YELLOW;
	default: return SGR_CYAN;
	}
}

void out_diag(FILE *f, const struct diag *d, int min_severity, bool color)
{
	const struct diag_entry *e;
	unsigned i;

	for (e = d->head; e; e = e->next) {
		if ((int)e->severity < min_severity)
			continue;
		fputs(out_sgr(color, SGR_BOLD), f);
		if (e->file) {
			fputs(e->file, f);
			if (e->line) {
				fprintf(f, ":%u", e->line);
				if (e->column)
					fprintf(f, ":%u", e->column);
			}
			fputs(": ", f);
		}
		fprintf(f, "%s%s%s: %s%s", out_sgr(color, out_severity_color(e->severity)),
			diag_severity_name(e->severity), out_sgr(color, SGR_RESET),
			out_sgr(color, SGR_BOLD), e->message);
		fputs(out_sgr(color, SGR_RESET), f);
		if (e->id)
			fprintf(f, " [%s]", e->id);
		fputc('\n', f);
		if (e->source) {
			fprintf(f, "    %s\n    ", e->source);
			for (i = 0; i < e->caret_start; i++)
				fputc(e->source[i] == '\t' ? '\t' : ' ', f);
			fputs(out_sgr(color, SGR_GREEN), f);
			fputc('^', f);
			for (i = 1; i < e->caret_len; i++)
				fputc('~', f);
			fputs(out_sgr(color, SGR_RESET), f);
			fputc('\n', f);
		}
	}
}
