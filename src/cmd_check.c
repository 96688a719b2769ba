/*
 * twtune check: collect the facts once, evaluate the profile's rules and
 * drift checks, report. Exit status follows the Nagios plugin convention
 * so a monitoring system can run it as is.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_common.h"
#include "ctx.h"
#include "diag.h"
#include "facts.h"
#include "findings.h"
#include "journal.h"
#include "out.h"
#include "profile.h"
#include "report_check.h"

#define CHECK_MAX_SAMPLE 3600
#define CHECK_MAX_TOP 1000

enum check_format {
	CHECK_TEXT,
	CHECK_JSON,
	CHECK_PROMETHEUS,
};

static int parse_uint(const char *s, unsigned min, unsigned max, unsigned *ret)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

static int check_exit_status(enum severity s)
{
	switch (s) {
	case SEVERITY_OK:
	case SEVERITY_INFO:
		return TW_EXIT_OK;
	case SEVERITY_WARNING:
		return TW_EXIT_WARNING;
	case SEVERITY_CRITICAL:
		return TW_EXIT_CRITICAL;
	case SEVERITY_UNKNOWN:
		break;
	}
	return TW_EXIT_UNKNOWN;
}

int cmd_check(int argc, char **argv, struct ctx *ctx)
{
	static const struct option options[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "sample", required_argument, NULL, 's' },
		{ "top", required_argument, NULL, 't' },
		{ "no-sockets", no_argument, NULL, 'S' },
		{ "owners", no_argument, NULL, 'o' },
		{ "root", required_argument, NULL, 'r' },
		{ "netns", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct facts_options fopt = { .sockets = true, .boot = true,
				      .boot_mode = SYSCTLD_SYSTEMD };
	enum check_format format = CHECK_TEXT;
	const char *profile_name = ctx->config.default_profile;
	const char *root = NULL, *netns = NULL;
	/* in enum check_format order */
	static const char *const formats[] = { "text", "json", "prometheus", NULL };
	unsigned unfinished = 0;
	int i;
	struct check_report report = { .top = 5, .width = 80 };
	struct profile *profile = NULL;
	struct facts *facts = NULL;
	struct findings findings;
	struct diag diag;
	int c, r, root_fd = -1, status;

	while ((c = getopt_long(argc, argv, "p:", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			profile_name = optarg;
			break;
		case 'f':
			if (cmd_format(optarg, formats, &i) < 0)
				return TW_EXIT_UNKNOWN;
			format = (enum check_format)i;
			break;
		case 's':
			if (parse_uint(optarg, 1, CHECK_MAX_SAMPLE, &fopt.sample_seconds) < 0) {
				out_error("invalid --sample '%s' (expected 1 to %d seconds)",
					  optarg, CHECK_MAX_SAMPLE);
				return TW_EXIT_UNKNOWN;
			}
			break;
		case 't':
			if (parse_uint(optarg, 1, CHECK_MAX_TOP, &report.top) < 0) {
				out_error("invalid --top '%s' (expected 1 to %d)", optarg,
					  CHECK_MAX_TOP);
				return TW_EXIT_UNKNOWN;
			}
			break;
		case 'S':
			fopt.sockets = false;
			break;
		case 'o':
			fopt.owners = true;
			break;
		case 'r':
			root = optarg;
			break;
		case 'n':
			netns = optarg;
			break;
		default:
			return TW_EXIT_UNKNOWN;
		}
	}
	if (cmd_no_operands(argc, argv) < 0)
		return TW_EXIT_UNKNOWN;
	fopt.force_proc = root != NULL;

	diag_init(&diag, &ctx->arena);
	r = profile_load(profile_name, &ctx->config, !ctx->allow_untrusted, &ctx->arena,
			 &diag, &profile);
	if (r < 0) {
		diag_sort(&diag);
		out_diag(stderr, &diag, DIAG_INFO, ctx_color(ctx, stderr));
		if (!diag.head)
			out_error("cannot load profile '%s': %s", profile_name, strerror(-r));
		out_error("invalid profile '%s': nothing was checked", profile_name);
		return TW_EXIT_UNKNOWN;
	}

	r = cmd_open_target(root, netns, &root_fd);
	if (r < 0)
		return TW_EXIT_UNKNOWN;
	diag_init(&diag, &ctx->arena);
	/* A crashed apply leaves the host between two states: say so first. */
	if (journal_unfinished(root_fd, ctx->config.state_dir, &ctx->arena, &diag,
			       &unfinished) > 0)
		out_warning("generation %u of 'twtune apply' did not finish; run "
			    "'twtune rollback' to restore the state before it", unfinished);
	r = facts_collect(root_fd, root ? root : "/", &fopt, &diag, &facts);
	close(root_fd);
	if (r < 0) {
		out_diag(stderr, &diag, DIAG_INFO, ctx_color(ctx, stderr));
		out_error("cannot collect facts: %s", strerror(-r));
		return TW_EXIT_UNKNOWN;
	}
	/* Problems in sysctl.d files are lint's business; show them on -v. */
	if (ctx->verbose > 0)
		out_diag(stderr, &diag, DIAG_INFO, ctx_color(ctx, stderr));
	else
		out_diag(stderr, &diag, DIAG_ERROR, ctx_color(ctx, stderr));

	r = rules_evaluate(profile, facts, &ctx->arena, &findings);
	if (r < 0) {
		out_error("cannot evaluate profile '%s': %s", profile->name, strerror(-r));
		facts_free(facts);
		return TW_EXIT_UNKNOWN;
	}

	report.profile = profile;
	report.facts = facts;
	report.findings = &findings;
	report.verbose = ctx->verbose;
	report.color = ctx_color(ctx, stdout);
	switch (format) {
	case CHECK_TEXT:
		report_check_text(stdout, &report, &ctx->arena);
		break;
	case CHECK_JSON:
		report_check_json(stdout, &report, &ctx->arena);
		break;
	case CHECK_PROMETHEUS:
		report_check_prometheus(stdout, &report, &ctx->arena);
		break;
	}
	status = check_exit_status(findings.status);
	if (unfinished && status == TW_EXIT_OK)
		status = TW_EXIT_WARNING;
	facts_free(facts);
	return status;
}
