#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "journal.h"
#include "json.h"
#include "out.h"
#include "report_apply.h"

void report_time_utc(long long t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "%lld", t);
}

/* Values the kernel prints with tabs are shown with spaces. */
static void put_value(FILE *f, const char *v)
{
	if (!v) {
		fputs("(absent)", f);
		return;
	}
	if (!*v) {
		fputs("\"\"", f);
		return;
	}
	for (; *v; v++)
		fputc(*v == '\t' ? ' ' : ((unsigned char)*v < 0x20 ? '?' : *v), f);
}

/* Kernel values separate vector elements with a tab; JSON shows one
 * space, like the fragment and the profile. */
static void json_kv_value(struct json *j, const char *key, const char *v)
{
	char *c, *p;

	if (!v || !strchr(v, '\t')) {
		json_kv_string(j, key, v);
		return;
	}
	c = strdup(v);
	if (!c) {
		json_kv_string(j, key, v);
		return;
	}
	for (p = c; *p; p++)
		if (*p == '\t')
			*p = ' ';
	json_kv_string(j, key, c);
	free(c);
}

static void print_diff(FILE *f, const char *diff, bool color)
{
	const char *p = diff, *nl;

	while (*p) {
		const char *sgr = "";

		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (!strncmp(p, "---", 3) || !strncmp(p, "+++", 3))
			sgr = out_sgr(color, SGR_BOLD);
		else if (*p == '@')
			sgr = out_sgr(color, SGR_CYAN);
		else if (*p == '-')
			sgr = out_sgr(color, SGR_RED);
		else if (*p == '+')
			sgr = out_sgr(color, SGR_GREEN);
		fprintf(f, "%s%.*s%s\n", sgr, (int)(nl - p), p, *sgr ? out_sgr(color, SGR_RESET) : "");
		p = *nl ? nl + 1 : nl;
	}
}

void report_apply_text(FILE *f, const struct apply_report *r, bool color)
{
	bool rollback = strcmp(r->command, "rollback") == 0;
	size_t i, width = 0, unchanged = 0;

	if (r->profile)
		fprintf(f, "profile %s (sha256 %.12s)\n", r->profile,
			r->profile_sha256 ? r->profile_sha256 : "-");
	if (r->rollback_to)
		fprintf(f, "restoring the state before generation %u\n", r->rollback_to);
	if (r->dry_run && r->diff && *r->diff)
		print_diff(f, r->diff, color);
	for (i = 0; i < r->n_live; i++)
		if (r->live[i].changed && strlen(r->live[i].key) > width)
			width = strlen(r->live[i].key);
	for (i = 0; i < r->n_live; i++) {
		if (!r->live[i].changed) {
			unchanged++;
			continue;
		}
		fprintf(f, "  %-*s  ", (int)width, r->live[i].key);
		put_value(f, r->live[i].before);
		fputs(" -> ", f);
		put_value(f, r->live[i].after);
		fputc('\n', f);
	}
	if (unchanged && (r->changed || r->dry_run))
		fprintf(f, "  (%zu live value%s already as wanted)\n", unchanged,
			unchanged == 1 ? "" : "s");
	if (r->live_skipped)
		fprintf(f, "  (--no-live: live values left as they are)\n");
	for (i = 0; i < r->n_shadowed; i++) {
		fprintf(f, "%s:%u: '%s' is set again here", r->shadowed[i].file,
			r->shadowed[i].line, r->shadowed[i].key);
		if (r->shadowed[i].value) {
			fputs(" to '", f);
			put_value(f, r->shadowed[i].value);
			fputs("'", f);
		} else {
			fputs(" (excluded)", f);
		}
		fputs(", overriding the fragment at boot\n", f);
	}
	if (r->failed) {
		fprintf(f, "%s failed%s%s%s: %s; %s\n", r->command,
			r->error_key ? " at '" : "", r->error_key ? r->error_key : "",
			r->error_key ? "'" : "",
			r->error_message ? r->error_message : strerror(r->error_errno),
			r->restored ? "everything was restored" :
			"restoring failed: run 'twtune rollback'");
		return;
	}
	if (r->shadow_refused) {
		fprintf(f, "refused: later sysctl.d files override %zu key%s at boot "
			"(--allow-shadowed to apply anyway); nothing written\n",
			r->n_shadowed, r->n_shadowed == 1 ? "" : "s");
		return;
	}
	if (r->dry_run) {
		if (!r->changed)
			fprintf(f, "dry run: no changes, nothing written\n");
		else if (r->diff && *r->diff)
			fprintf(f, "dry run: would %s %s, nothing written\n",
				rollback ? "restore" : "write", r->fragment);
		else
			fprintf(f, "dry run: would change live values only, nothing written\n");
		return;
	}
	if (!r->changed) {
		fprintf(f, "no changes: %s and live values already as %s\n", r->fragment,
			rollback ? "they were" : "wanted");
		return;
	}
	fprintf(f, "%s generation %u: %s %s\n",
		rollback ? "rolled back as" : "applied as", r->generation,
		!(r->diff && *r->diff) ? "unchanged" : rollback ? "restored" : "wrote",
		r->fragment);
}

void report_apply_json(FILE *f, const struct apply_report *r)
{
	struct json j;
	size_t i;

	json_init(&j, f, true);
	json_object_begin(&j);
	json_kv_int(&j, "schema", 1);
	json_kv_string(&j, "command", r->command);
	json_kv_bool(&j, "changed", r->changed);
	json_kv_bool(&j, "dry_run", r->dry_run);
	if (r->generation)
		json_kv_uint(&j, "generation", r->generation);
	else
		json_kv_null(&j, "generation");
	if (r->profile) {
		json_key(&j, "profile");
		json_object_begin(&j);
		json_kv_string(&j, "name", r->profile);
		json_kv_string(&j, "sha256", r->profile_sha256);
		json_object_end(&j);
	}
	if (r->rollback_to)
		json_kv_uint(&j, "rollback_to", r->rollback_to);
	json_kv_string(&j, "fragment", r->fragment);
	json_kv_string(&j, "diff", r->diff ? r->diff : "");
	json_kv_bool(&j, "live_skipped", r->live_skipped);
	json_key(&j, "live");
	json_array_begin(&j);
	for (i = 0; i < r->n_live; i++) {
		json_object_begin(&j);
		json_kv_string(&j, "key", r->live[i].key);
		json_kv_value(&j, "before", r->live[i].before);
		json_kv_value(&j, "after", r->live[i].after);
		json_kv_bool(&j, "changed", r->live[i].changed);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "shadowed");
	json_array_begin(&j);
	for (i = 0; i < r->n_shadowed; i++) {
		json_object_begin(&j);
		json_kv_string(&j, "key", r->shadowed[i].key);
		json_kv_string(&j, "file", r->shadowed[i].file);
		json_kv_uint(&j, "line", r->shadowed[i].line);
		json_kv_value(&j, "value", r->shadowed[i].value);
		json_object_end(&j);
	}
	json_array_end(&j);
	if (r->failed) {
		json_key(&j, "error");
		json_object_begin(&j);
		json_kv_string(&j, "key", r->error_key);
		json_kv_int(&j, "errno", r->error_errno);
		json_kv_string(&j, "message", r->error_message ? r->error_message :
			       strerror(r->error_errno));
		json_kv_bool(&j, "restored", r->restored);
		json_object_end(&j);
	} else if (r->shadow_refused) {
		json_key(&j, "error");
		json_object_begin(&j);
		json_kv_null(&j, "key");
		json_kv_null(&j, "errno");
		json_kv_string(&j, "message", "later sysctl.d files override keys of the fragment at boot");
		json_kv_bool(&j, "restored", true);
		json_object_end(&j);
	} else {
		json_kv_null(&j, "error");
	}
	json_object_end(&j);
	json_finish(&j);
}

/* "committed", "failed: EINVAL at 'key'", "rolled back by 5", ... */
static void outcome(const struct journal *g, char *buf, size_t size)
{
	if (g->rolled_back_by && g->status == JOURNAL_COMMITTED)
		snprintf(buf, size, "rolled back by %u", g->rolled_back_by);
	else if (g->status == JOURNAL_FAILED || g->status == JOURNAL_FAILED_UNRESTORED)
		snprintf(buf, size, "%s at '%s': %s%s",
			 g->status == JOURNAL_FAILED ? "failed, restored" : "FAILED, NOT restored",
			 g->fail_key ? g->fail_key : "-", strerror(g->fail_errno),
			 g->rolled_back_by ? " (rolled back since)" : "");
	else if (journal_status_unfinished(g->status))
		snprintf(buf, size, "%s (stopped after %s)",
			 g->rolled_back_by ? "interrupted, rolled back since" :
			 "UNFINISHED: run 'twtune rollback'",
			 journal_status_name(g->status));
	else
		snprintf(buf, size, "committed");
}

static const char *outcome_id(const struct journal *g)
{
	if (g->rolled_back_by && g->status == JOURNAL_COMMITTED)
		return "rolled-back";
	if (g->status == JOURNAL_FAILED)
		return "failed";
	if (g->status == JOURNAL_FAILED_UNRESTORED)
		return g->rolled_back_by ? "failed" : "unfinished";
	if (journal_status_unfinished(g->status))
		return g->rolled_back_by ? "rolled-back" : "unfinished";
	return "committed";
}

void report_history_text(FILE *f, const struct journal *js, size_t n, bool color)
{
	char when[32], what[96], out[160];
	size_t i;

	if (n == 0) {
		fputs("no generations recorded\n", f);
		return;
	}
	fprintf(f, "%s%4s  %-20s  %-8s  %-24s  %-12s  %4s  %s%s\n", out_sgr(color, SGR_BOLD),
		"GEN", "TIME (UTC)", "OP", "PROFILE", "SHA256", "KEYS", "OUTCOME",
		out_sgr(color, SGR_RESET));
	for (i = 0; i < n; i++) {
		const struct journal *g = &js[i];
		const char *sgr = "";

		report_time_utc(g->time, when, sizeof(when));
		if (g->op == JOURNAL_ROLLBACK)
			snprintf(what, sizeof(what), "(to before %u)", g->rollback_to);
		else
			snprintf(what, sizeof(what), "%s", g->profile ? g->profile : "-");
		outcome(g, out, sizeof(out));
		if (strcmp(outcome_id(g), "unfinished") == 0)
			sgr = out_sgr(color, SGR_RED);
		else if (strcmp(outcome_id(g), "failed") == 0)
			sgr = out_sgr(color, SGR_YELLOW);
		fprintf(f, "%4u  %-20s  %-8s  %-24s  %-12.12s  %4zu  %s%s%s\n", g->generation,
			when, journal_op_name(g->op), what,
			g->profile_sha256 ? g->profile_sha256 : "-", g->n_keys, sgr, out,
			*sgr ? out_sgr(color, SGR_RESET) : "");
	}
}

void report_history_json(FILE *f, const struct journal *js, size_t n,
			 const char *state_dir)
{
	struct json j;
	char when[32];
	size_t i, k;

	json_init(&j, f, true);
	json_object_begin(&j);
	json_kv_int(&j, "schema", 1);
	json_kv_string(&j, "state_dir", state_dir);
	json_key(&j, "generations");
	json_array_begin(&j);
	for (i = 0; i < n; i++) {
		const struct journal *g = &js[i];

		json_object_begin(&j);
		json_kv_uint(&j, "generation", g->generation);
		report_time_utc(g->time, when, sizeof(when));
		json_kv_string(&j, "time", when);
		json_kv_string(&j, "op", journal_op_name(g->op));
		json_kv_string(&j, "profile", g->profile);
		json_kv_string(&j, "sha256", g->profile_sha256);
		if (g->op == JOURNAL_ROLLBACK)
			json_kv_uint(&j, "rollback_to", g->rollback_to);
		json_kv_string(&j, "netns", g->netns);
		json_kv_string(&j, "status", journal_status_name(g->status));
		json_kv_string(&j, "outcome", outcome_id(g));
		if (g->rolled_back_by)
			json_kv_uint(&j, "rolled_back_by", g->rolled_back_by);
		else
			json_kv_null(&j, "rolled_back_by");
		json_key(&j, "fragments");
		json_array_begin(&j);
		for (k = 0; k < g->n_fragments; k++) {
			const struct journal_fragment *fr = &g->fragments[k];

			json_object_begin(&j);
			json_kv_string(&j, "path", fr->path);
			json_kv_bool(&j, "existed", fr->old_present);
			json_kv_bool(&j, "exists", fr->new_present);
			json_kv_bool(&j, "changed", fr->old_present != fr->new_present ||
				     fr->old_len != fr->new_len ||
				     (fr->new_present && memcmp(fr->old_bytes, fr->new_bytes, fr->new_len)));
			json_object_end(&j);
		}
		json_array_end(&j);
		json_key(&j, "keys");
		json_array_begin(&j);
		for (k = 0; k < g->n_keys; k++) {
			json_object_begin(&j);
			json_kv_string(&j, "key", g->keys[k].key);
			json_kv_value(&j, "before", g->keys[k].old_value);
			json_kv_value(&j, "after", g->keys[k].new_value);
			json_object_end(&j);
		}
		json_array_end(&j);
		if (g->status == JOURNAL_FAILED || g->status == JOURNAL_FAILED_UNRESTORED) {
			json_key(&j, "error");
			json_object_begin(&j);
			json_kv_string(&j, "key", g->fail_key);
			json_kv_int(&j, "errno", g->fail_errno);
			json_kv_string(&j, "message", strerror(g->fail_errno));
			json_kv_bool(&j, "restored", g->status == JOURNAL_FAILED);
			json_object_end(&j);
		} else {
			json_kv_null(&j, "error");
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

const char *report_path(struct arena *a, const char *root, const char *path)
{
	size_t n;

	if (!root || !*root || strcmp(root, "/") == 0)
		return path;
	n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	return arena_printf(a, "%.*s%s", (int)n, root, path) ?: path;
}
