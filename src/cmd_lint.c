/*
 * twtune lint: checks sysctl files (PATH...: files, or directories searched
 * for *.conf) or, without PATH, the boot-time tree under --root (default
 * "/"); the root also supplies the environment (kernel version, live
 * values, listening ports). Reads only; never writes anything.
 *
 * Exit status: 3 bad usage or an unreadable PATH; else 2 when there is an
 * error finding; else 1 when there is a warning and --fail-on is
 * "warning" (the default); else 0. Info findings never change it.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "cmd.h"
#include "cmd_common.h"
#include "ctx.h"
#include "diag.h"
#include "kversion.h"
#include "lint.h"
#include "out.h"
#include "profile.h"
#include "report_lint.h"
#include "rootfs.h"
#include "sysctld.h"

#define LINT_MAX_DEPTH 8
#define LINT_MAX_INPUTS 4096

enum input_kind {
	INPUT_SYSCTL,
	INPUT_PROFILE,
};

struct lint_run {
	struct ctx *ctx;
	struct lint_env env;
	struct diag *diag;
	size_t n_inputs;
	bool unreadable;	/* an input named by the user could not be read */
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool is_profile_name(const char *s)
{
	return ends_with(s, ".yaml") || ends_with(s, ".yml");
}

/* A profile is checked by the profile loader itself; its errors are lint
 * findings like any other (file:line:column, rule ids of the loader). */
static int lint_profile_file(struct lint_run *run, const char *path)
{
	struct diag_entry **mark = run->diag->tail;
	int r;

	r = profile_validate_file(path, &run->ctx->config, !run->ctx->allow_untrusted,
				  &run->ctx->arena, run->diag);
	if (r == -ENOMEM)
		return r;
	if (r < 0 && !*mark) {
		out_error("cannot lint profile '%s': %s", path, strerror(-r));
		run->unreadable = true;
	}
	return 0;
}

static int lint_file(struct lint_run *run, const char *path, bool explicit)
{
	struct stat st;
	size_t len;
	char *buf;
	int fd, r;

	if (++run->n_inputs > LINT_MAX_INPUTS) {
		if (run->n_inputs == LINT_MAX_INPUTS + 1)
			out_error("more than %d files to lint; the rest is skipped",
				  LINT_MAX_INPUTS);
		run->unreadable = true;
		return 0;
	}
	if (is_profile_name(path))
		return lint_profile_file(run, path);
	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		out_error("cannot open '%s': %s", path, strerror(errno));
		run->unreadable = true;
		return 0;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		out_error("cannot lint '%s': not a regular file", path);
		run->unreadable = explicit || run->unreadable;
		return 0;
	}
	r = fd_read_all(fd, SYSCTLD_MAX_FILE_SIZE, &run->ctx->arena, &buf, &len);
	close(fd);
	if (r == -EFBIG) {
		diag_add(run->diag, DIAG_ERROR, path, 0, 0, "file-too-large", NULL,
			 "file larger than %d MiB, not read", SYSCTLD_MAX_FILE_SIZE >> 20);
		return 0;
	}
	if (r < 0) {
		out_error("cannot read '%s': %s", path, strerror(-r));
		run->unreadable = true;
		return r == -ENOMEM ? r : 0;
	}
	return lint_sysctl_buffer(&run->env, buf, len, path);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.conf, *.yaml and *.yml below dir, in byte order per directory;
 * hidden entries are skipped, as systemd skips them. */
static int lint_dir(struct lint_run *run, const char *dir, unsigned depth)
{
	struct arena *a = &run->ctx->arena;
	struct dirent *de;
	struct stat st;
	char **names = NULL, **nn, *path;
	size_t n = 0, cap = 0, i;
	DIR *d;
	int r = 0;

	if (depth > LINT_MAX_DEPTH)
		return 0;
	d = opendir(dir);
	if (!d) {
		out_error("cannot open directory '%s': %s", dir, strerror(errno));
		run->unreadable = true;
		return 0;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			nn = arena_calloc(a, cap, sizeof(*nn));
			if (!nn) {
				closedir(d);
				return -ENOMEM;
			}
			if (n)
				memcpy(nn, names, n * sizeof(*nn));
			names = nn;
		}
		names[n] = arena_strdup(a, de->d_name);
		if (!names[n++]) {
			closedir(d);
			return -ENOMEM;
		}
		if (n > LINT_MAX_INPUTS)
			break;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n && r >= 0; i++) {
		path = ends_with(dir, "/") ? arena_printf(a, "%s%s", dir, names[i])
					   : arena_printf(a, "%s/%s", dir, names[i]);
		if (!path)
			return -ENOMEM;
		if (stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			r = lint_dir(run, path, depth + 1);
		else if (S_ISREG(st.st_mode) &&
			 (ends_with(path, ".conf") || is_profile_name(path)))
			r = lint_file(run, path, false);
	}
	return r;
}

static int lint_path(struct lint_run *run, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		out_error("cannot open '%s': %s", path, strerror(errno));
		run->unreadable = true;
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return lint_dir(run, path, 0);
	return lint_file(run, path, true);
}

int cmd_lint(int argc, char **argv, struct ctx *ctx)
{
	static const struct option options[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "profile", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	enum lint_format format = LINT_FORMAT_TEXT;
	struct lint_options o = { .root_fd = -1 };
	struct lint_run run = { .ctx = ctx };
	const char *root = NULL, *profile = NULL;
	bool fail_on_warning = true;
	char kbuf[32];
	struct diag diag;
	int c, r, i, status;

	while ((c = getopt_long(argc, argv, "p:", options, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'k':
			if (kversion_parse(optarg, &o.kernel) < 0) {
				out_error("invalid --kernel '%s' (expected a version like 6.1 or 4.19.0)",
					  optarg);
				return TW_EXIT_UNKNOWN;
			}
			o.kernel_known = true;
			break;
		case 'p':
			profile = optarg;
			break;
		case 'f':
			if (lint_format_parse(optarg, &format) < 0) {
				out_error("invalid --format '%s' (expected text, json, sarif or github)",
					  optarg);
				return TW_EXIT_UNKNOWN;
			}
			break;
		case 'F':
			if (strcmp(optarg, "error") == 0)
				fail_on_warning = false;
			else if (strcmp(optarg, "warning") == 0)
				fail_on_warning = true;
			else {
				out_error("invalid --fail-on '%s' (expected error or warning)", optarg);
				return TW_EXIT_UNKNOWN;
			}
			break;
		default:
			return TW_EXIT_UNKNOWN;
		}
	}
	if (profile) {
		struct profile *p;
		struct diag pdiag;

		diag_init(&pdiag, &ctx->arena);
		r = profile_load(profile, &ctx->config, !ctx->allow_untrusted,
				 &ctx->arena, &pdiag, &p);
		if (r < 0) {
			diag_sort(&pdiag);
			out_diag(stderr, &pdiag, DIAG_INFO, ctx_color(ctx, stderr));
			if (!pdiag.head)
				out_error("cannot load profile '%s': %s", profile, strerror(-r));
			return TW_EXIT_UNKNOWN;
		}
		o.profile = p;
	}

	r = cmd_open_target(root, NULL, &o.root_fd);
	if (r < 0)
		return TW_EXIT_UNKNOWN;
	o.root_prefix = root;
	o.root_given = root != NULL;
	diag_init(&diag, &ctx->arena);
	run.diag = &diag;
	lint_env_init(&run.env, &o, &ctx->arena, &diag);

	if (optind == argc) {
		r = lint_tree(&run.env);
	} else {
		for (r = 0, i = optind; i < argc && r >= 0; i++)
			r = lint_path(&run, argv[i]);
	}
	close(o.root_fd);
	if (r < 0 || diag.oom) {
		out_error("cannot lint: %s", strerror(r < 0 ? -r : ENOMEM));
		return TW_EXIT_UNKNOWN;
	}

	diag_sort(&diag);
	if (o.kernel_known)
		kversion_format(o.kernel, false, kbuf, sizeof(kbuf));
	report_lint(stdout, format, &diag, o.kernel_known ? kbuf : NULL,
		    format == LINT_FORMAT_TEXT && ctx_color(ctx, stdout));

	if (run.unreadable)
		status = TW_EXIT_UNKNOWN;
	else if (diag_errors(&diag))
		status = TW_EXIT_CRITICAL;
	else if (diag.count[DIAG_WARNING] && fail_on_warning)
		status = TW_EXIT_WARNING;
	else
		status = TW_EXIT_OK;
	return status;
}
