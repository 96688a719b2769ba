/*
 * report_lint: lint findings in the four output formats. The findings
 * arrive sorted (diag_sort); nothing here decides severities or exit codes.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "diag.h"
#include "json.h"
#include "lint.h"
#include "out.h"
#include "report_lint.h"

/* Where SARIF viewers link the tool name; AC_INIT's URL when set. */
#define TWTUNE_FALLBACK_URL "https://github.com/twtune/twtune"

int lint_format_parse(const char *s, enum lint_format *ret)
{
	static const char *const names[] = {
		[LINT_FORMAT_TEXT] = "text",
		[LINT_FORMAT_JSON] = "json",
		[LINT_FORMAT_SARIF] = "sarif",
		[LINT_FORMAT_GITHUB] = "github",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*ret = (enum lint_format)i;
			return 0;
		}
	return -EINVAL;
}

static void report_json(FILE *f, const struct diag *d, const char *kernel)
{
	const struct diag_entry *e;
	struct json j;

	json_init(&j, f, true);
	json_object_begin(&j);
	json_kv_int(&j, "schema", 1);
	json_kv_string(&j, "kernel", kernel);
	json_key(&j, "findings");
	json_array_begin(&j);
	for (e = d->head; e; e = e->next) {
		json_object_begin(&j);
		json_kv_string(&j, "file", e->file);
		json_kv_uint(&j, "line", e->line);
		json_kv_uint(&j, "column", e->column);
		json_kv_string(&j, "severity", diag_severity_name(e->severity));
		json_kv_string(&j, "id", e->id);
		json_kv_string(&j, "key", e->key);
		json_kv_string(&j, "message", e->message);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "counts");
	json_object_begin(&j);
	json_kv_uint(&j, "error", d->count[DIAG_ERROR]);
	json_kv_uint(&j, "warning", d->count[DIAG_WARNING]);
	json_kv_uint(&j, "info", d->count[DIAG_INFO]);
	json_object_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

static const char *sarif_level(enum diag_severity s)
{
	switch (s) {
	case DIAG_ERROR: return "error";
	case DIAG_WARNING: return "warning";
	default: return "note";
	}
}

/* A relative reference (RFC 3986) for a path; absolute paths become
 * file:// URIs. Bytes outside unreserved and '/' are percent-encoded. */
static void sarif_uri(char *buf, size_t size, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)path;

	if (path[0] == '/') {
		memcpy(buf, "file://", 7);
		o = 7;
	} else {
		while (p[0] == '.' && p[1] == '/')
			p += 2;
	}
	for (; *p && o + 4 < size; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			buf[o++] = (char)*p;
		} else {
			buf[o++] = '%';
			buf[o++] = hex[*p >> 4];
			buf[o++] = hex[*p & 15];
		}
	}
	buf[o] = '\0';
}

static long sarif_rule_index(const char *id)
{
	size_t i;

	for (i = 0; id && i < lint_n_rules; i++)
		if (strcmp(lint_rules[i].id, id) == 0)
			return (long)i;
	return -1;
}

static void report_sarif(FILE *f, const struct diag *d)
{
	const struct diag_entry *e;
	char uri[4096];
	struct json j;
	size_t i;
	long idx;

	json_init(&j, f, true);
	json_object_begin(&j);
	json_kv_string(&j, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	json_kv_string(&j, "version", "2.1.0");
	json_key(&j, "runs");
	json_array_begin(&j);
	json_object_begin(&j);
	json_key(&j, "tool");
	json_object_begin(&j);
	json_key(&j, "driver");
	json_object_begin(&j);
	json_kv_string(&j, "name", "twtune");
	json_kv_string(&j, "version", PACKAGE_VERSION);
	json_kv_string(&j, "informationUri",
		       *PACKAGE_URL ? PACKAGE_URL : TWTUNE_FALLBACK_URL);
	json_key(&j, "rules");
	json_array_begin(&j);
	for (i = 0; i < lint_n_rules; i++) {
		json_object_begin(&j);
		json_kv_string(&j, "id", lint_rules[i].id);
		json_key(&j, "shortDescription");
		json_object_begin(&j);
		json_kv_string(&j, "text", lint_rules[i].summary);
		json_object_end(&j);
		json_key(&j, "defaultConfiguration");
		json_object_begin(&j);
		json_kv_string(&j, "level", sarif_level(lint_rules[i].severity));
		json_object_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_object_end(&j);

	json_key(&j, "results");
	json_array_begin(&j);
	for (e = d->head; e; e = e->next) {
		json_object_begin(&j);
		json_kv_string(&j, "ruleId", e->id ? e->id : "twtune");
		idx = sarif_rule_index(e->id);
		if (idx >= 0)
			json_kv_int(&j, "ruleIndex", idx);
		json_kv_string(&j, "level", sarif_level(e->severity));
		json_key(&j, "message");
		json_object_begin(&j);
		json_kv_string(&j, "text", e->message);
		json_object_end(&j);
		json_key(&j, "locations");
		json_array_begin(&j);
		if (e->file) {
			json_object_begin(&j);
			json_key(&j, "physicalLocation");
			json_object_begin(&j);
			json_key(&j, "artifactLocation");
			json_object_begin(&j);
			sarif_uri(uri, sizeof(uri), e->file);
			json_kv_string(&j, "uri", uri);
			json_object_end(&j);
			json_key(&j, "region");
			json_object_begin(&j);
			json_kv_uint(&j, "startLine", e->line ? e->line : 1);
			json_kv_uint(&j, "startColumn", e->column ? e->column : 1);
			json_object_end(&j);
			json_object_end(&j);
			json_object_end(&j);
		}
		json_array_end(&j);
		if (e->key) {
			json_key(&j, "properties");
			json_object_begin(&j);
			json_kv_string(&j, "key", e->key);
			json_object_end(&j);
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

void report_github_escape(FILE *f, const char *s, bool property)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '%': fputs("%25", f); break;
		case '\r': fputs("%0D", f); break;
		case '\n': fputs("%0A", f); break;
		case ':':
			if (property)
				fputs("%3A", f);
			else
				fputc(':', f);
			break;
		case ',':
			if (property)
				fputs("%2C", f);
			else
				fputc(',', f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void report_github(FILE *f, const struct diag *d)
{
	static const char *const cmd[] = {
		[DIAG_INFO] = "notice",
		[DIAG_WARNING] = "warning",
		[DIAG_ERROR] = "error",
	};
	const struct diag_entry *e;

	for (e = d->head; e; e = e->next) {
		fprintf(f, "::%s ", cmd[e->severity]);
		if (e->file) {
			fputs("file=", f);
			report_github_escape(f, e->file, true);
			if (e->line)
				fprintf(f, ",line=%u", e->line);
			if (e->line && e->column)
				fprintf(f, ",col=%u", e->column);
			fputc(',', f);
		}
		fputs("title=", f);
		report_github_escape(f, e->id ? e->id : "twtune", true);
		fputs("::", f);
		report_github_escape(f, e->message, false);
		fputc('\n', f);
	}
}

void report_lint(FILE *f, enum lint_format fmt, const struct diag *d,
		 const char *kernel, bool color)
{
	switch (fmt) {
	case LINT_FORMAT_TEXT:
		out_diag(f, d, DIAG_INFO, color);
		break;
	case LINT_FORMAT_JSON:
		report_json(f, d, kernel);
		break;
	case LINT_FORMAT_SARIF:
		report_sarif(f, d);
		break;
	case LINT_FORMAT_GITHUB:
		report_github(f, d);
		break;
	}
}
