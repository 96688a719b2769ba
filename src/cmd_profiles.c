/*
 * twtune profiles: list what the search path offers (and what hides what),
 * show a profile as merged, validate files for CI.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "ctx.h"
#include "diag.h"
#include "out.h"
#include "profile.h"

/* Descriptions come from files anyone may have dropped on the path. */
static void print_safe(const char *s)
{
	for (; s && *s; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static int profiles_list(struct ctx *ctx)
{
	struct profile_info *list;
	size_t n, i, j;
	int r;

	r = profile_list(&ctx->config, &ctx->arena, &list, &n);
	if (r < 0) {
		out_error("cannot list profiles: %s", strerror(-r));
		return TW_EXIT_UNKNOWN;
	}
	if (n == 0) {
		out_note("no profiles found (searched %zu directories)",
			 ctx->config.n_profile_path);
		return TW_EXIT_OK;
	}
	for (i = 0; i < n; i++) {
		if (list[i].shadowed)
			continue;
		printf("%-20s ", list[i].name);
		print_safe(list[i].description);
		putchar('\n');
		printf("%-20s %s\n", "", list[i].path);
		for (j = 0; j < n; j++)
			if (list[j].shadowed && strcmp(list[j].name, list[i].name) == 0)
				printf("%-20s %s (shadowed)\n", "", list[j].path);
	}
	return TW_EXIT_OK;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void show_setting(const struct profile_setting *s)
{
	static const char *const ops[] = {
		[SETTING_VALUE] = "=", [SETTING_AT_LEAST] = ">=", [SETTING_AT_MOST] = "<=",
	};

	printf("  %s %s %s", s->key, ops[s->kind], s->value);
	if (s->when_text)
		printf("  when %s", s->when_text);
	printf("  [%s:%u]\n", basename_of(s->file), s->line);
}

static int profiles_show(struct ctx *ctx, const char *name)
{
	struct profile *p = NULL;
	struct diag diag;
	size_t i, j;
	int r;

	diag_init(&diag, &ctx->arena);
	r = profile_load(name, &ctx->config, !ctx->allow_untrusted, &ctx->arena, &diag, &p);
	diag_sort(&diag);
	out_diag(stderr, &diag, DIAG_INFO, ctx_color(ctx, stderr));
	if (r < 0) {
		if (!diag.head)
			out_error("cannot load profile '%s': %s", name, strerror(-r));
		return TW_EXIT_UNKNOWN;
	}
	printf("name: %s\n", p->name);
	if (p->description) {
		fputs("description: ", stdout);
		print_safe(p->description);
		putchar('\n');
	}
	printf("path: %s\n", p->path);
	printf("sha256: %s\n", p->sha256);
	printf("extends:");
	for (i = 0; i + 1 < p->n_chain; i++)
		printf(" %s", p->chain[i]);
	printf("%s\n", p->n_chain > 1 ? "" : " (nothing)");

	printf("\nsettings:%s\n", p->n_settings ? "" : " (none)");
	for (i = 0; i < p->n_settings; i++)
		show_setting(&p->settings[i]);
	printf("\nthresholds:%s\n", p->n_thresholds ? "" : " (none)");
	for (i = 0; i < p->n_thresholds; i++)
		printf("  %s = %g  [%s:%u]\n", p->thresholds[i].name, p->thresholds[i].value,
		       basename_of(p->thresholds[i].file), p->thresholds[i].line);
	printf("\nrules:%s\n", p->n_rules ? "" : " (none)");
	for (i = 0; i < p->n_rules; i++) {
		const struct profile_rule *rule = &p->rules[i];

		printf("  %s (%s)  [%s:%u]\n", rule->id, severity_name(rule->severity),
		       basename_of(rule->file), rule->line);
		printf("    when: %s\n", rule->when_text);
		printf("    summary: %s\n", rule->summary_text);
		if (rule->n_keys) {
			printf("    keys:");
			for (j = 0; j < rule->n_keys; j++)
				printf(" %s", rule->keys[j]);
			putchar('\n');
		}
		for (j = 0; j < rule->n_recommend; j++)
			printf("    recommend: %s = %s\n", rule->recommend[j].key,
			       rule->recommend[j].value);
		if (ctx->verbose > 0 && rule->advice) {
			const char *a;

			fputs("    advice: ", stdout);
			for (a = rule->advice; *a; a++) {
				if (*a == '\n')
					fputs(a[1] ? "\n            " : "", stdout);
				else
					print_safe((char[]){ *a, 0 });
			}
			putchar('\n');
		}
	}
	return TW_EXIT_OK;
}

static int profiles_validate(struct ctx *ctx, int argc, char **argv)
{
	unsigned invalid = 0;
	struct diag diag;
	int i, r;

	if (argc == 0) {
		out_error("'profiles validate' needs at least one FILE");
		return TW_EXIT_UNKNOWN;
	}
	for (i = 0; i < argc; i++) {
		diag_init(&diag, &ctx->arena);
		r = profile_validate_file(argv[i], &ctx->config, !ctx->allow_untrusted,
					  &ctx->arena, &diag);
		diag_sort(&diag);
		out_diag(stderr, &diag, DIAG_INFO, ctx_color(ctx, stderr));
		if (r < 0) {
			invalid++;
			if (!diag.head)
				out_error("'%s': %s", argv[i], strerror(-r));
		} else if (!ctx->quiet) {
			printf("%s: valid\n", argv[i]);
		}
	}
	if (invalid && !ctx->quiet)
		out_error("%u of %d profiles invalid", invalid, argc);
	return invalid ? TW_EXIT_UNKNOWN : TW_EXIT_OK;
}

int cmd_profiles(int argc, char **argv, struct ctx *ctx)
{
	static const struct option options[] = {
		{ NULL, 0, NULL, 0 },
	};
	const char *sub;
	int c;

	while ((c = getopt_long(argc, argv, "+", options, NULL)) != -1)
		return TW_EXIT_UNKNOWN;
	argc -= optind;
	argv += optind;
	sub = argc > 0 ? argv[0] : "list";
	if (strcmp(sub, "list") == 0) {
		if (argc > 1) {
			out_error("unexpected argument '%s'", argv[1]);
			return TW_EXIT_UNKNOWN;
		}
		return profiles_list(ctx);
	}
	if (strcmp(sub, "show") == 0) {
		if (argc != 2) {
			out_error("usage: twtune profiles show NAME");
			return TW_EXIT_UNKNOWN;
		}
		return profiles_show(ctx, argv[1]);
	}
	if (strcmp(sub, "validate") == 0)
		return profiles_validate(ctx, argc - 1, argv + 1);
	out_error("unknown subcommand '%s' (expected list, show or validate)", sub);
	return TW_EXIT_UNKNOWN;
}
