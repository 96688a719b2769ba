/*
 * twtune: entry point. Parses the global options, finds the command in
 * commands[], loads twtune.conf, runs the command and turns a failed write
 * to stdout into exit status 3.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ctx.h"
#include "diag.h"
#include "out.h"

enum {
	CMD_WRITES = 1 << 0,	/* may change the system (root unless --root) */
	CMD_NO_CONFIG = 1 << 1,	/* does not need twtune.conf */
};

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct ctx *ctx);
	unsigned flags;
	const char *summary;
	const char *usage;
};

static const struct command commands[] = {
	{ "check", cmd_check, 0,
	  "diagnose this host's TCP teardown and report findings",
	  "twtune check [-p PROFILE] [--format text|json|prometheus] [--sample SECONDS]\n"
	  "             [--top N] [--no-sockets] [--owners] [--root DIR] [--netns NAME]" },
	{ "apply", cmd_apply, CMD_WRITES,
	  "apply a profile's settings (fragment + live values), all or nothing",
	  "twtune apply -p PROFILE [--dry-run] [--no-live] [--fragment NAME]\n"
	  "             [--allow-shadowed] [--format text|json] [--root DIR] [--netns NAME]" },
	{ "rollback", cmd_rollback, CMD_WRITES,
	  "restore the state before the newest (or a given) generation",
	  "twtune rollback [--to GENERATION] [--dry-run] [--format text|json] [--root DIR]" },
	{ "history", cmd_history, 0,
	  "list applied generations",
	  "twtune history [--format text|json] [--root DIR]" },
	{ "lint", cmd_lint, 0,
	  "check sysctl files and profiles, compiler style",
	  "twtune lint [PATH...] [--root DIR] [--kernel VERSION] [-p PROFILE]\n"
	  "            [--format text|json|sarif|github] [--fail-on error|warning]" },
	{ "resolve", cmd_resolve, 0,
	  "show what the sysctl.d tree will set at the next boot",
	  "twtune resolve [--root DIR] [--procps] [--format text|json]" },
	{ "sockets", cmd_sockets, CMD_NO_CONFIG,
	  "count TCP sockets by state, destination, local port and owner",
	  "twtune sockets [--state STATE] [--by destination|local-port|process] [--top N]\n"
	  "               [--format text|json] [--root DIR] [--netns NAME] [--owners]" },
	{ "explain", cmd_explain, CMD_NO_CONFIG,
	  "explain a sysctl key: meaning, range, default, history, live and boot value",
	  "twtune explain KEY [--root DIR] [--format text|json]" },
	{ "profiles", cmd_profiles, 0,
	  "list, show or validate profiles",
	  "twtune profiles [list | show NAME | validate FILE...]" },
};

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: twtune [-c FILE] [--color auto|always|never] [-q] [-v] COMMAND [ARGS]\n"
	      "       twtune --version | --help | COMMAND --help\n\n"
	      "TCP teardown advisor: TIME_WAIT, CLOSE_WAIT, ephemeral ports and the\n"
	      "sysctls around them; applies and rolls back fixes safely.\n\n"
	      "commands:\n", f);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\nglobal options:\n"
	      "  -c, --config FILE      read FILE instead of " TWTUNE_SYSCONFDIR "/twtune/twtune.conf\n"
	      "      --color WHEN       colour output: auto (default), always, never; NO_COLOR is honoured\n"
	      "      --allow-untrusted  accept group/world-writable profiles and config as root\n"
	      "  -q, --quiet            print less\n"
	      "  -v, --verbose          print more\n"
	      "  -h, --help             this help; 'twtune COMMAND --help' for a command\n"
	      "  -V, --version          print the version\n\n"
	      "exit status: 0 ok, 1 warning, 2 critical or error, 3 could not run\n"
	      "see twtune(8)\n", f);
}

static const struct command *command_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

static int load_config(struct ctx *ctx)
{
	struct diag diag;
	int r;

	diag_init(&diag, &ctx->arena);
	r = conf_load(ctx->config_path, ctx->config_explicit,
			!ctx->allow_untrusted, &ctx->arena, &diag, &ctx->config);
	out_diag(stderr, &diag, DIAG_INFO, ctx_color(ctx, stderr));
	if (r < 0 && !diag.head)
		out_error("cannot read config '%s': %s", ctx->config_path, strerror(-r));
	return r;
}

static int run_command(const struct command *cmd, int argc, char **argv,
		       struct ctx *ctx)
{
	int status;

	if (wants_help(argc, argv)) {
		printf("usage: %s\n\n%s\n", cmd->usage, cmd->summary);
		printf("see twtune(8) for every option\n");
		return fflush(stdout) == 0 ? TW_EXIT_OK : TW_EXIT_UNKNOWN;
	}
	if (!(cmd->flags & CMD_NO_CONFIG) && load_config(ctx) < 0)
		return TW_EXIT_UNKNOWN;

	status = cmd->fn(argc, argv, ctx);

	if (fflush(stdout) != 0 || ferror(stdout)) {
		out_error("cannot write output: %s", strerror(errno));
		return TW_EXIT_UNKNOWN;
	}
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "color", required_argument, NULL, 'C' },
		{ "colour", required_argument, NULL, 'C' },
		{ "allow-untrusted", no_argument, NULL, 'U' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct command *cmd;
	struct ctx ctx = { .prog = "twtune" };
	int c, status, first;

	ctx.config_path = TWTUNE_SYSCONFDIR "/twtune/twtune.conf";
	conf_defaults(&ctx.config);
	arena_init(&ctx.arena);

	/* '+': stop at the command name; the command parses the rest. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:qvhV", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			ctx.config_path = optarg;
			ctx.config_explicit = true;
			break;
		case 'C':
			if (strcmp(optarg, "auto") == 0)
				ctx.color_mode = COLOR_AUTO;
			else if (strcmp(optarg, "always") == 0)
				ctx.color_mode = COLOR_ALWAYS;
			else if (strcmp(optarg, "never") == 0)
				ctx.color_mode = COLOR_NEVER;
			else {
				out_error("invalid --color '%s' (expected auto, always or never)", optarg);
				return TW_EXIT_UNKNOWN;
			}
			break;
		case 'U':
			ctx.allow_untrusted = true;
			break;
		case 'q':
			ctx.quiet = true;
			break;
		case 'v':
			ctx.verbose++;
			break;
		case 'h':
			usage(stdout);
			return fflush(stdout) == 0 ? TW_EXIT_OK : TW_EXIT_UNKNOWN;
		case 'V':
			printf("twtune %s\n", PACKAGE_VERSION);
			return fflush(stdout) == 0 ? TW_EXIT_OK : TW_EXIT_UNKNOWN;
		default:
			if (optopt)
				out_error("unknown option '-%c'", optopt);
			else
				out_error("unknown option '%s'", argv[optind - 1]);
			usage(stderr);
			return TW_EXIT_UNKNOWN;
		}
	}
	if (optind >= argc) {
		out_error("no command given");
		usage(stderr);
		return TW_EXIT_UNKNOWN;
	}
	cmd = command_find(argv[optind]);
	if (!cmd) {
		out_error("unknown command '%s'", argv[optind]);
		usage(stderr);
		return TW_EXIT_UNKNOWN;
	}

	/* Commands parse their own options with getopt_long from scratch,
	 * with argv[0] being the command name. */
	first = optind;
	optind = 0;
	opterr = 1;
	status = run_command(cmd, argc - first, argv + first, &ctx);
	arena_release(&ctx.arena);
	return status;
}
