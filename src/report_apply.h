/*
 * report_apply: what apply, rollback and history print, as text or as the
 * JSON documents of PRODUCT.md section 7 (schema 1). The report structs
 * only point at data owned by the command's arena.
 */
#ifndef TWTUNE_REPORT_APPLY_H
#define TWTUNE_REPORT_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct journal;

struct apply_report_live {
	const char *key;
	const char *before;	/* NULL: not read */
	const char *after;
	bool changed;
};

struct apply_report_shadow {
	const char *key;
	const char *file;
	unsigned line;
	const char *value;	/* what that file sets; NULL for "-key" */
};

struct apply_report {
	const char *command;		/* "apply" or "rollback" */
	bool dry_run;
	bool changed;
	unsigned generation;		/* 0: none recorded */
	const char *profile;		/* apply */
	const char *profile_sha256;
	unsigned rollback_to;		/* rollback */
	const char *fragment;		/* path as shown */
	const char *diff;		/* unified diff, "" when unchanged */
	bool live_skipped;		/* --no-live */
	struct apply_report_live *live;
	size_t n_live;
	struct apply_report_shadow *shadowed;
	size_t n_shadowed;
	bool shadow_refused;		/* refused because of shadowed */
	/* error: set when a commit failed */
	bool failed;
	const char *error_key;
	int error_errno;		/* positive */
	const char *error_message;
	bool restored;
};

void report_apply_text(FILE *f, const struct apply_report *r, bool color);
void report_apply_json(FILE *f, const struct apply_report *r);

/* history */
void report_history_text(FILE *f, const struct journal *js, size_t n,
			 bool color);
void report_history_json(FILE *f, const struct journal *js, size_t n,
			 const char *state_dir);

/* "2026-11-22T03:10:00Z" */
void report_time_utc(long long t, char *buf, size_t size);

struct arena;
/* Path as the user finds it: prefixed with --root DIR unless that is "/". */
const char *report_path(struct arena *a, const char *root, const char *path);

#endif
