/*
 * report_lint: prints lint findings (a sorted struct diag) as gcc-style
 * text, JSON (schema 1), SARIF 2.1.0 for code scanning, or GitHub Actions
 * workflow commands.
 */
#ifndef TWTUNE_REPORT_LINT_H
#define TWTUNE_REPORT_LINT_H

#include <stdbool.h>
#include <stdio.h>

struct diag;

enum lint_format {
	LINT_FORMAT_TEXT,
	LINT_FORMAT_JSON,
	LINT_FORMAT_SARIF,
	LINT_FORMAT_GITHUB,
};

/* "text", "json", "sarif", "github"; -EINVAL otherwise. */
int lint_format_parse(const char *s, enum lint_format *ret);

void report_lint(FILE *f, enum lint_format fmt, const struct diag *d,
		 const char *kernel, bool color);

/* GitHub workflow-command escaping: data escapes % \r \n; a property
 * value also escapes ':' and ','. */
void report_github_escape(FILE *f, const char *s, bool property);

#endif
