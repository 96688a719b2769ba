/*
 * twtune history: the generations apply and rollback recorded, oldest
 * first, with their outcome. Read-only; never takes the lock.
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
#include "journal.h"
#include "out.h"
#include "report_apply.h"
#include "state.h"

int cmd_history(int argc, char **argv, struct ctx *ctx)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL, *state_dir = ctx->config.state_dir;
	const struct journal *u;
	struct apply_state st = { .state_fd = -1, .lock_fd = -1 };
	struct diag diag;
	bool json = false;
	int c, r, root_fd, status = TW_EXIT_OK;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (cmd_format_json(optarg, &json) < 0)
				return TW_EXIT_UNKNOWN;
			break;
		case 'r':
			root = optarg;
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
	r = state_open(root_fd, state_dir, report_path(&ctx->arena, root, state_dir), false, 0,
		       &ctx->arena, &diag, &st);
	close(root_fd);
	if (r < 0) {
		out_error("cannot read state directory '%s': %s",
			  report_path(&ctx->arena, root, state_dir), strerror(-r));
		return TW_EXIT_UNKNOWN;
	}
	out_diag(stderr, &diag, DIAG_INFO, ctx_color(ctx, stderr));
	if (json)
		report_history_json(stdout, st.gens, st.n_gens,
				    report_path(&ctx->arena, root, state_dir));
	else
		report_history_text(stdout, st.gens, st.n_gens, ctx_color(ctx, stdout));
	u = journal_find_unfinished(st.gens, st.n_gens);
	if (u) {
		out_warning("generation %u is unfinished (the run was interrupted); "
			    "'twtune rollback' restores the state before it", u->generation);
		status = TW_EXIT_WARNING;
	}
	if (st.n_corrupt)
		status = TW_EXIT_CRITICAL;
	state_close(&st);
	return status;
}
