/*
 * twtune rollback: restores the fragment bytes (or their absence) and the
 * live values from before a generation (default: the newest unfinished
 * one, else the newest committed apply), recorded as a new generation
 * through the same journal/commit path as apply.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "cmd.h"
#include "cmd_common.h"
#include "ctx.h"
#include "diag.h"
#include "fragment.h"
#include "journal.h"
#include "lock.h"
#include "out.h"
#include "procsys.h"
#include "report_apply.h"
#include "rollback.h"
#include "state.h"
#include "txn.h"
#include "udiff.h"

struct rollback_opts {
	const char *root;
	const char *netns;
	unsigned to;
	bool dry_run;
	bool json;
	unsigned lock_timeout_ms;
};

static int parse_opts(int argc, char **argv, struct rollback_opts *o)
{
	static const struct option options[] = {
		{ "to", required_argument, NULL, 't' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'r' },
		{ "netns", required_argument, NULL, 'N' },
		{ "lock-timeout", required_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 't':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-' || v == 0 ||
			    v > JOURNAL_MAX_GENERATIONS) {
				out_error("invalid --to '%s' (expected a generation number)", optarg);
				return -EINVAL;
			}
			o->to = (unsigned)v;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'f':
			if (cmd_format_json(optarg, &o->json) < 0)
				return -EINVAL;
			break;
		case 'r':
			o->root = optarg;
			break;
		case 'N':
			o->netns = optarg;
			break;
		case 'W':
			if (cmd_seconds_ms("lock-timeout", optarg, 3600, &o->lock_timeout_ms) < 0)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	if (cmd_no_operands(argc, argv) < 0)
		return -EINVAL;
	return 0;
}

static bool netns_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Whether a generation from `to` on still needs its restore finished. */
static bool needs_resolution(const struct apply_state *st, unsigned to)
{
	size_t i;

	for (i = 0; i < st->n_gens; i++)
		if (st->gens[i].generation >= to &&
		    journal_status_unfinished(st->gens[i].status) &&
		    !st->gens[i].rolled_back_by)
			return true;
	return false;
}

static void print_report(const struct rollback_opts *o, const struct apply_report *rep,
			 struct ctx *ctx)
{
	if (o->json)
		report_apply_json(stdout, rep);
	else if (!ctx->quiet || rep->failed)
		report_apply_text(stdout, rep, ctx_color(ctx, stdout));
}

int cmd_rollback(int argc, char **argv, struct ctx *ctx)
{
	struct rollback_opts o = { 0 };
	struct apply_state st = { .state_fd = -1, .lock_fd = -1 };
	struct apply_report rep = { .command = "rollback" };
	struct arena *a = &ctx->arena;
	struct rollback_target tgt;
	struct txn t = { .op = JOURNAL_ROLLBACK };
	struct txn_result res;
	struct diag diag;
	const char *state_dir = ctx->config.state_dir;
	char *diffs = NULL;
	size_t i;
	int r, root_fd = -1, status = TW_EXIT_UNKNOWN;

	o.lock_timeout_ms = LOCK_TIMEOUT_MS_DEFAULT;
	if (parse_opts(argc, argv, &o) < 0)
		return TW_EXIT_UNKNOWN;
	r = cmd_open_target(o.root, o.netns, &root_fd);
	if (r < 0)
		return TW_EXIT_UNKNOWN;
	rep.dry_run = o.dry_run;
	diag_init(&diag, a);
	r = state_open(root_fd, state_dir, report_path(a, o.root, state_dir), !o.dry_run,
		       o.lock_timeout_ms, a, &diag, &st);
	if (r == -EAGAIN) {
		out_error("another twtune apply or rollback is running (lock '%s' held)",
			  report_path(a, o.root, arena_printf(a, "%s/lock", state_dir)));
		goto out;
	}
	if (r < 0) {
		out_error("cannot open state directory '%s': %s",
			  report_path(a, o.root, state_dir), strerror(-r));
		goto out;
	}
	out_diag(stderr, &diag, DIAG_INFO, ctx_color(ctx, stderr));
	if (st.n_corrupt) {
		out_error("refusing to roll back: %u journal file%s cannot be read",
			  st.n_corrupt, st.n_corrupt == 1 ? "" : "s");
		goto out;
	}
	if (!o.to) {
		const struct journal *u = journal_find_unfinished(st.gens, st.n_gens);

		if (u)
			out_note("generation %u was interrupted (%s); completing its restore",
				 u->generation, journal_status_name(u->status));
		r = rollback_pick(st.gens, st.n_gens, &o.to);
		if (r == -ENOENT) {
			rep.fragment = report_path(a, o.root, ctx->config.fragment);
			if (o.json)
				report_apply_json(stdout, &rep);
			else if (!ctx->quiet)
				printf("nothing to roll back\n");
			status = TW_EXIT_OK;
			goto out;
		}
	}
	rep.rollback_to = o.to;
	r = rollback_target(st.gens, st.n_gens, o.to, a, &tgt);
	if (r == -ENOENT) {
		out_error("no generation %u (see 'twtune history')", o.to);
		goto out;
	}
	if (r == -EXDEV) {
		out_error("generations from %u on were applied in different network "
			  "namespaces; roll back one generation at a time with --to", o.to);
		goto out;
	}
	if (r < 0) {
		out_error("cannot plan the rollback: %s", strerror(-r));
		goto out;
	}
	if (!netns_same(tgt.netns, o.netns)) {
		if (tgt.netns)
			out_error("generation %u was applied in network namespace '%s'; "
				  "run with --netns %s", o.to, tgt.netns, tgt.netns);
		else
			out_error("generation %u was applied outside --netns; run without it", o.to);
		goto out;
	}

	/* Current state, read under the lock, against the target. */
	t.rollback_to = o.to;
	t.netns = o.netns;
	t.fragments = arena_calloc(a, tgt.n_fragments + 1, sizeof(*t.fragments));
	t.keys = arena_calloc(a, tgt.n_keys + 1, sizeof(*t.keys));
	rep.live = arena_calloc(a, tgt.n_keys + 1, sizeof(*rep.live));
	if (!t.fragments || !t.keys || !rep.live) {
		out_error("out of memory");
		goto out;
	}
	diffs = arena_strdup(a, "");
	for (i = 0; i < tgt.n_fragments; i++) {
		const struct journal_fragment *want = &tgt.fragments[i];
		struct journal_fragment *f = &t.fragments[t.n_fragments];
		const char *shown = report_path(a, o.root, want->path);
		char *cur, *d;
		size_t len;
		bool present;

		r = fragment_read(root_fd, want->path, a, &present, &cur, &len);
		if (r < 0) {
			out_error("cannot read '%s': %s%s", shown, strerror(-r),
				  r == -ELOOP ? " (a symlink; refusing to follow it)" : "");
			goto out;
		}
		*f = (struct journal_fragment){
			.path = want->path,
			.old_present = present, .old_bytes = cur, .old_len = len,
			.new_present = want->old_present, .new_bytes = want->old_bytes,
			.new_len = want->old_len,
		};
		r = udiff(cur, len, shown, want->old_present ? want->old_bytes : NULL,
			  want->old_len, shown, a, &d);
		if (r == -E2BIG)
			d = arena_printf(a, "(%s: too many lines to diff)\n", shown);
		else if (r < 0) {
			out_error("cannot diff '%s': %s", shown, strerror(-r));
			goto out;
		}
		if (*d) {
			rep.changed = true;
			diffs = arena_printf(a, "%s%s", diffs, d);
		}
		t.n_fragments++;
		if (!rep.fragment || *d)
			rep.fragment = shown;
	}
	if (!rep.fragment)
		rep.fragment = report_path(a, o.root, ctx->config.fragment);
	rep.diff = diffs;
	for (i = 0; i < tgt.n_keys; i++) {
		const struct journal_key *k = &tgt.keys[i];
		char *cur;

		r = procsys_read(root_fd, k->key, a, &cur);
		if (r < 0) {
			out_error("cannot read '%s': %s", k->key, strerror(-r));
			goto out;
		}
		rep.live[rep.n_live++] = (struct apply_report_live){
			k->key, cur, k->old_value, !txn_value_equal(cur, k->old_value)
		};
		if (txn_value_equal(cur, k->old_value))
			continue;
		rep.changed = true;
		t.keys[t.n_keys++] = (struct txn_key){ k->key, k->old_value, k->old_value, cur };
	}
	txn_order_keys(t.keys, t.n_keys);

	if (o.dry_run || (!rep.changed && !needs_resolution(&st, o.to))) {
		print_report(&o, &rep, ctx);
		status = TW_EXIT_OK;
		goto out;
	}
	r = txn_commit(root_fd, st.state_fd, st.max_generation + 1, &t, a, &res);
	rep.generation = res.generation;
	if (r < 0) {
		rep.failed = true;
		rep.error_key = res.error_key;
		rep.error_errno = -res.error;
		rep.restored = res.restored;
		rep.changed = false;
		if (res.error_got)
			rep.error_message = arena_printf(a, "the kernel reads back '%s'", res.error_got);
		print_report(&o, &rep, ctx);
		if (!res.restored)
			out_error("restoring '%s' failed too: %s; the journal keeps generation %u "
				  "for the next 'twtune rollback'", res.restore_key ? res.restore_key : "-",
				  strerror(-res.restore_error), res.generation);
		status = TW_EXIT_CRITICAL;
		goto out;
	}
	print_report(&o, &rep, ctx);
	status = TW_EXIT_OK;
out:
	state_close(&st);
	if (root_fd >= 0)
		close(root_fd);
	return status;
}
