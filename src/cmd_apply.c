/*
 * twtune apply: resolves a profile against the facts into the settings to
 * write, validates them all, plans the fragment and the live changes, and
 * commits them under the lock all or nothing (txn.h). --dry-run prints the
 * plan and touches nothing.
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
#include "facts.h"
#include "fragment.h"
#include "journal.h"
#include "lock.h"
#include "out.h"
#include "plan.h"
#include "profile.h"
#include "report_apply.h"
#include "state.h"
#include "txn.h"
#include "udiff.h"

struct apply_opts {
	const char *profile;
	const char *fragment_name;
	const char *root;
	const char *netns;
	bool dry_run;
	bool no_live;
	bool allow_shadowed;
	bool json;
	unsigned lock_timeout_ms;
};

static int parse_opts(int argc, char **argv, struct apply_opts *o)
{
	static const struct option options[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "no-live", no_argument, NULL, 'L' },
		{ "fragment", required_argument, NULL, 'F' },
		{ "allow-shadowed", no_argument, NULL, 'S' },
		{ "format", required_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'r' },
		{ "netns", required_argument, NULL, 'N' },
		{ "lock-timeout", required_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "p:", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->profile = optarg;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'L':
			o->no_live = true;
			break;
		case 'F':
			if (!fragment_name_valid(optarg)) {
				out_error("invalid --fragment '%s' (expected a file name in "
					  "/etc/sysctl.d matching [A-Za-z0-9._-]+.conf)", optarg);
				return -EINVAL;
			}
			o->fragment_name = optarg;
			break;
		case 'S':
			o->allow_shadowed = true;
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
	if (!o->profile) {
		out_error("no profile given (use -p PROFILE; 'twtune profiles list' shows them)");
		return -EINVAL;
	}
	return 0;
}

/* Profile -> facts -> desired settings -> validated items. Prints the
 * diagnostics; returns a TW_EXIT_* on failure, -1 on success. */
static int desired_items(int root_fd, const struct apply_opts *o, struct ctx *ctx,
			 struct profile **ret_profile, struct plan_item **ret_items,
			 size_t *ret_n)
{
	struct facts_options fo = { .sockets = false, .boot = true,
				    .boot_mode = SYSCTLD_SYSTEMD,
				    .force_proc = o->root != NULL };
	struct arena *a = &ctx->arena;
	struct desired_setting *desired;
	struct plan_setting *in;
	struct profile *p = NULL;
	struct facts *f = NULL;
	struct diag diag;
	size_t n = 0, i;
	int r, status = -1;
	bool color = ctx_color(ctx, stderr);

	diag_init(&diag, a);
	r = profile_load(o->profile, &ctx->config, !ctx->allow_untrusted, a, &diag, &p);
	if (r < 0) {
		out_diag(stderr, &diag, DIAG_INFO, color);
		if (!diag.head)
			out_error("cannot load profile '%s': %s", o->profile, strerror(-r));
		return TW_EXIT_UNKNOWN;
	}
	r = facts_collect(root_fd, o->root ? o->root : "/", &fo, &diag, &f);
	if (r < 0) {
		out_diag(stderr, &diag, DIAG_INFO, color);
		out_error("cannot collect facts: %s", strerror(-r));
		return TW_EXIT_UNKNOWN;
	}
	r = profile_desired(p, f, a, &diag, &desired, &n);
	if (r < 0) {
		out_diag(stderr, &diag, DIAG_INFO, color);
		if (!diag_errors(&diag))
			out_error("cannot resolve profile '%s': %s", p->name, strerror(-r));
		status = TW_EXIT_UNKNOWN;
		goto out;
	}
	in = arena_calloc(a, n ? n : 1, sizeof(*in));
	if (!in) {
		out_error("out of memory");
		status = TW_EXIT_UNKNOWN;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct profile_setting *s = desired[i].setting;

		in[i] = (struct plan_setting){
			.key = desired[i].key, .value = desired[i].value,
			.file = s ? s->file : NULL, .line = s ? s->line : 0,
			.column = s ? s->column : 0,
		};
	}
	r = plan_validate(in, n, a, &diag, ret_items, ret_n);
	out_diag(stderr, &diag, ctx->verbose ? DIAG_INFO : DIAG_WARNING, color);
	if (r < 0) {
		if (r == -EINVAL)
			out_error("profile '%s' refused; nothing written", p->name);
		else
			out_error("cannot validate profile '%s': %s", p->name, strerror(-r));
		status = TW_EXIT_UNKNOWN;
		goto out;
	}
	*ret_profile = p;
out:
	facts_free(f);
	return status;
}

static void fill_report(struct apply_report *rep, const struct apply_plan *pl,
			const struct apply_opts *o, struct arena *a)
{
	size_t i;

	rep->live = arena_calloc(a, pl->n_items + 1, sizeof(*rep->live));
	if (!rep->live)
		return;
	rep->live_skipped = o->no_live;
	for (i = 0; i < pl->n_items && !o->no_live; i++)
		rep->live[rep->n_live++] = (struct apply_report_live){
			pl->items[i].key, pl->items[i].live, pl->items[i].value,
			pl->items[i].live_change,
		};
	rep->shadowed = arena_calloc(a, pl->n_shadowed + 1, sizeof(*rep->shadowed));
	if (!rep->shadowed)
		return;
	for (i = 0; i < pl->n_shadowed; i++)
		rep->shadowed[rep->n_shadowed++] = (struct apply_report_shadow){
			pl->shadowed[i].key,
			report_path(a, o->root, pl->shadowed[i].file),
			pl->shadowed[i].line, pl->shadowed[i].value,
		};
}

static void print_report(const struct apply_opts *o, const struct apply_report *rep,
			 struct ctx *ctx)
{
	if (o->json)
		report_apply_json(stdout, rep);
	else if (!ctx->quiet || rep->failed || rep->shadow_refused)
		report_apply_text(stdout, rep, ctx_color(ctx, stdout));
}

int cmd_apply(int argc, char **argv, struct ctx *ctx)
{
	struct apply_opts o = { 0 };
	struct apply_state st = { .state_fd = -1, .lock_fd = -1 };
	struct apply_report rep = { .command = "apply" };
	struct arena *a = &ctx->arena;
	struct plan_options po = { 0 };
	struct apply_plan pl;
	struct plan_item *items = NULL;
	struct profile *p = NULL;
	struct journal_fragment frag;
	struct txn t = { .op = JOURNAL_APPLY };
	struct txn_result res;
	const struct journal *u;
	struct diag diag;
	const char *state_dir = ctx->config.state_dir, *shown;
	char *diff;
	size_t n_items = 0, i;
	int r, root_fd = -1, status = TW_EXIT_UNKNOWN;

	o.lock_timeout_ms = LOCK_TIMEOUT_MS_DEFAULT;
	if (parse_opts(argc, argv, &o) < 0)
		return TW_EXIT_UNKNOWN;
	po.fragment_path = o.fragment_name ?
		arena_printf(a, "/etc/sysctl.d/%s", o.fragment_name) : ctx->config.fragment;
	if (!po.fragment_path || !fragment_path_valid(po.fragment_path)) {
		out_error("invalid fragment path '%s' in the configuration (expected "
			  "/DIR/NAME.conf)", po.fragment_path ? po.fragment_path : "");
		return TW_EXIT_UNKNOWN;
	}
	r = cmd_open_target(o.root, o.netns, &root_fd);
	if (r < 0)
		return TW_EXIT_UNKNOWN;
	shown = report_path(a, o.root, po.fragment_path);
	rep.fragment = shown;
	rep.dry_run = o.dry_run;

	r = desired_items(root_fd, &o, ctx, &p, &items, &n_items);
	if (r >= 0) {
		status = r;
		goto out;
	}
	rep.profile = p->name;
	rep.profile_sha256 = p->sha256;
	po.profile = p->name;
	po.profile_sha256 = p->sha256;
	po.live = !o.no_live;

	/* Everything below reads the state under the lock (except a dry
	 * run), so a concurrent apply cannot slip in between plan and
	 * commit. */
	diag_init(&diag, a);
	r = state_open(root_fd, state_dir, report_path(a, o.root, state_dir), !o.dry_run,
		       o.lock_timeout_ms, a, &diag, &st);
	if (r == -EAGAIN) {
		out_error("another twtune apply is running (lock '%s' still held after %u s)",
			  report_path(a, o.root, arena_printf(a, "%s/lock", state_dir)),
			  o.lock_timeout_ms / 1000);
		goto out;
	}
	if (r < 0) {
		out_error("cannot open state directory '%s': %s",
			  report_path(a, o.root, state_dir), strerror(-r));
		goto out;
	}
	out_diag(stderr, &diag, DIAG_INFO, ctx_color(ctx, stderr));
	if (st.n_corrupt) {
		out_error("refusing to apply: %u journal file%s cannot be read", st.n_corrupt,
			  st.n_corrupt == 1 ? "" : "s");
		goto out;
	}
	u = journal_find_unfinished(st.gens, st.n_gens);
	if (u) {
		out_error("generation %u is unfinished (a run was interrupted); "
			  "run 'twtune rollback' first", u->generation);
		goto out;
	}
	po.next_generation = st.max_generation + 1;
	diag_init(&diag, a);
	r = plan_build(root_fd, &po, items, n_items, a, &diag, &pl);
	if (r == 0)
		r = plan_shadowed(root_fd, &po, &pl, a);
	if (r < 0) {
		out_diag(stderr, &diag, DIAG_INFO, ctx_color(ctx, stderr));
		if (!diag_errors(&diag))
			out_error("cannot plan: %s", strerror(-r));
		out_error("nothing written");
		goto out;
	}
	r = udiff(pl.old_present ? pl.old_bytes : NULL, pl.old_len, shown,
		  pl.new_bytes, pl.new_len, shown, a, &diff);
	if (r < 0)
		diff = arena_printf(a, "(%s: %s)\n", shown,
				    r == -E2BIG ? "too many lines to diff" : strerror(-r));
	rep.diff = pl.fragment_change ? diff : "";
	rep.changed = pl.changed;
	fill_report(&rep, &pl, &o, a);

	if (!pl.changed) {
		print_report(&o, &rep, ctx);
		status = TW_EXIT_OK;
		goto out;
	}
	if (pl.n_shadowed && !o.allow_shadowed) {
		rep.shadow_refused = true;
		rep.changed = false;
		print_report(&o, &rep, ctx);
		status = TW_EXIT_CRITICAL;
		goto out;
	}
	if (o.dry_run) {
		print_report(&o, &rep, ctx);
		status = TW_EXIT_OK;
		goto out;
	}

	frag = (struct journal_fragment){
		.path = po.fragment_path,
		.old_present = pl.old_present, .old_bytes = pl.old_bytes, .old_len = pl.old_len,
		.new_present = true, .new_bytes = pl.new_bytes, .new_len = pl.new_len,
	};
	t.profile = p->name;
	t.profile_sha256 = p->sha256;
	t.netns = o.netns;
	t.fragments = &frag;
	t.n_fragments = 1;
	t.keys = arena_calloc(a, pl.n_items + 1, sizeof(*t.keys));
	if (!t.keys) {
		out_error("out of memory");
		goto out;
	}
	for (i = 0; i < pl.n_items && po.live; i++)
		if (pl.items[i].live_change)
			t.keys[t.n_keys++] = (struct txn_key){
				pl.items[i].key, pl.items[i].value, pl.items[i].want,
				pl.items[i].live,
			};
	txn_order_keys(t.keys, t.n_keys);
	r = txn_commit(root_fd, st.state_fd, po.next_generation, &t, a, &res);
	rep.generation = res.generation;
	if (r < 0) {
		rep.failed = true;
		rep.changed = false;
		rep.error_key = res.error_key;
		rep.error_errno = -res.error;
		rep.restored = res.restored;
		if (res.error_got)
			rep.error_message = arena_printf(a, "the kernel reads back '%s'", res.error_got);
		print_report(&o, &rep, ctx);
		if (!res.restored)
			out_error("restoring '%s' failed too: %s; run 'twtune rollback' to finish "
				  "restoring generation %u", res.restore_key ? res.restore_key : "-",
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
