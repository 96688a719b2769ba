/*
 * ctx: what one invocation of twtune carries from main() into a command:
 * global options, the loaded twtune.conf and the per-run arena. Nothing in
 * here is global state; tests build their own ctx.
 */
#ifndef TWTUNE_CTX_H
#define TWTUNE_CTX_H

#include <stdbool.h>
#include <stdio.h>

#include "arena.h"
#include "conf.h"

/* Exit status of every command (Nagios plugin convention). */
enum {
	TW_EXIT_OK = 0,
	TW_EXIT_WARNING = 1,
	TW_EXIT_CRITICAL = 2,	/* critical findings, lint errors, failed apply */
	TW_EXIT_UNKNOWN = 3,	/* could not run: usage, bad input, lock held */
};

enum color_mode {
	COLOR_AUTO,
	COLOR_ALWAYS,
	COLOR_NEVER,
};

struct ctx {
	const char *prog;
	const char *config_path;
	bool config_explicit;
	struct conf config;
	enum color_mode color_mode;
	int verbose;
	bool quiet;
	/* --allow-untrusted: accept group/world-writable profiles and
	 * config files even when running as root. */
	bool allow_untrusted;
	struct arena arena;
};

/* Whether to colour output written to f (tty, NO_COLOR, TERM=dumb). */
bool ctx_color(const struct ctx *ctx, FILE *f);


#endif
