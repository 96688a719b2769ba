/*
 * twtune resolve: what the sysctl.d tree under --root will set at the next
 * boot, the way systemd-sysctl (default) or procps sysctl --system
 * (--procps) reads it: each key's effective value with file:line and every
 * assignment it overrode. Text output is itself a valid sysctl.d file.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_common.h"
#include "ctx.h"
#include "diag.h"
#include "json.h"
#include "out.h"
#include "sysctld.h"

/* Control bytes from a hostile file never reach the terminal raw. */
static void put_clean(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s, f);
}

static void print_text(FILE *f, const struct sysctld_result *r, bool verbose)
{
	const struct sysctld_key *k;
	size_t i, j;

	if (verbose) {
		for (i = 0; i < r->n_files; i++) {
			const struct sysctld_file *fl = &r->files[i];

			fputs("# file ", f);
			put_clean(f, fl->path);
			if (fl->masked)
				fputs(" (masked)", f);
			if (fl->unreadable)
				fputs(" (unreadable)", f);
			if (fl->shadows) {
				fputs(", hides ", f);
				put_clean(f, fl->shadows);
			}
			fputc('\n', f);
		}
	}
	for (i = 0; i < r->n_keys; i++) {
		k = &r->keys[i];
		if (k->is_pattern) {
			fprintf(f, "# glob %s", k->value ? "" : "exclusion ");
			put_clean(f, k->key);
			if (k->value) {
				fputs(" = ", f);
				put_clean(f, k->value);
			}
			fprintf(f, "  (%s:%u)", k->source->file, k->source->line);
			if (k->value)
				fprintf(f, ": %zu match%s", k->n_matches,
					k->n_matches == 1 ? "" : "es");
			fputc('\n', f);
			continue;
		}
		if (!k->value) {
			fputs("# excluded ", f);
			put_clean(f, k->key);
			fputs("  # ", f);
			put_clean(f, k->source->file);
			fprintf(f, ":%u, not written\n", k->source->line);
		} else {
			if (k->ignore_failure)
				fputc('-', f);
			put_clean(f, k->key);
			fputs(" = ", f);
			put_clean(f, k->value);
			fputs("  # ", f);
			put_clean(f, k->source->file);
			fprintf(f, ":%u", k->source->line);
			if (k->from_glob) {
				fputs(", from glob ", f);
				put_clean(f, k->source->key);
			}
			fputc('\n', f);
		}
		for (j = 0; j < k->n_overridden; j++) {
			const struct sysctld_line *o = k->overridden[j];

			fputs("#   overrides ", f);
			if (o->value) {
				fputc('\'', f);
				put_clean(f, o->value);
				fputc('\'', f);
			} else {
				fputs("exclusion", f);
			}
			fputs(" at ", f);
			put_clean(f, o->file);
			fprintf(f, ":%u\n", o->line);
		}
		for (j = 0; j < k->n_repeats; j++) {
			fputs("#   repeated at ", f);
			put_clean(f, k->repeats[j]->file);
			fprintf(f, ":%u (same value, keeps its place)\n",
				k->repeats[j]->line);
		}
	}
}

static void json_line_ref(struct json *j, const struct sysctld_line *l)
{
	json_object_begin(j);
	json_kv_string(j, "file", l->file);
	json_kv_uint(j, "line", l->line);
	json_kv_string(j, "value", l->value);
	json_object_end(j);
}

static void print_json(FILE *f, const struct sysctld_result *r)
{
	const struct sysctld_key *k;
	struct json j;
	size_t i, n;

	json_init(&j, f, true);
	json_object_begin(&j);
	json_kv_int(&j, "schema", 1);
	json_kv_string(&j, "mode", r->mode == SYSCTLD_PROCPS ? "procps" : "systemd");
	json_key(&j, "files");
	json_array_begin(&j);
	for (i = 0; i < r->n_files; i++) {
		const struct sysctld_file *fl = &r->files[i];
		const char *s, *e;

		json_object_begin(&j);
		json_kv_string(&j, "path", fl->path);
		json_kv_bool(&j, "masked", fl->masked);
		json_kv_bool(&j, "unreadable", fl->unreadable);
		json_kv_uint(&j, "assignments", fl->n_lines);
		json_key(&j, "shadows");
		json_array_begin(&j);
		for (s = fl->shadows; s && *s; s = *e ? e + 1 : e) {
			e = strchr(s, ';');
			if (!e)
				e = s + strlen(s);
			json_stringn(&j, s, (size_t)(e - s));
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "keys");
	json_array_begin(&j);
	for (i = 0; i < r->n_keys; i++) {
		k = &r->keys[i];
		if (k->is_pattern)
			continue;
		json_object_begin(&j);
		json_kv_string(&j, "key", k->key);
		json_kv_string(&j, "value", k->value);
		json_kv_bool(&j, "excluded", !k->value);
		json_kv_string(&j, "file", k->source->file);
		json_kv_uint(&j, "line", k->source->line);
		json_kv_bool(&j, "ignore_failure", k->ignore_failure);
		json_kv_string(&j, "glob", k->from_glob ? k->source->key : NULL);
		json_key(&j, "overridden");
		json_array_begin(&j);
		for (n = 0; n < k->n_overridden; n++)
			json_line_ref(&j, k->overridden[n]);
		json_array_end(&j);
		json_key(&j, "repeated");
		json_array_begin(&j);
		for (n = 0; n < k->n_repeats; n++)
			json_line_ref(&j, k->repeats[n]);
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "globs");
	json_array_begin(&j);
	for (i = 0; i < r->n_keys; i++) {
		k = &r->keys[i];
		if (!k->is_pattern)
			continue;
		json_object_begin(&j);
		json_kv_string(&j, "pattern", k->key);
		json_kv_string(&j, "value", k->value);
		json_kv_string(&j, "file", k->source->file);
		json_kv_uint(&j, "line", k->source->line);
		json_kv_bool(&j, "ignore_failure", k->ignore_failure);
		json_kv_uint(&j, "matches", k->n_matches);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

int cmd_resolve(int argc, char **argv, struct ctx *ctx)
{
	static const struct option options[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "procps", no_argument, NULL, 'P' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	enum sysctld_mode mode = SYSCTLD_SYSTEMD;
	struct sysctld_result *res;
	const char *root = NULL;
	struct diag diag;
	bool json = false;
	int c, r, root_fd;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'P':
			mode = SYSCTLD_PROCPS;
			break;
		case 'f':
			if (cmd_format_json(optarg, &json) < 0)
				return TW_EXIT_UNKNOWN;
			break;
		default:
			return TW_EXIT_UNKNOWN;
		}
	}
	if (cmd_no_operands(argc, argv) < 0)
		return TW_EXIT_UNKNOWN;
	r = cmd_open_target(root, NULL, &root_fd);
	if (r < 0)
		return TW_EXIT_UNKNOWN;
	diag_init(&diag, &ctx->arena);
	r = sysctld_resolve(root_fd, mode, &ctx->arena, &diag, &res);
	close(root_fd);
	if (r < 0) {
		out_error("cannot resolve the sysctl.d tree: %s", strerror(-r));
		return TW_EXIT_UNKNOWN;
	}
	if (json)
		print_json(stdout, res);
	else
		print_text(stdout, res, ctx->verbose > 0);
	diag_sort(&diag);
	out_diag(stderr, &diag, ctx->verbose > 0 ? DIAG_INFO : DIAG_WARNING,
		 ctx_color(ctx, stderr));
	return TW_EXIT_OK;
}
