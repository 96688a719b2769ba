/*
 * plan: turns the desired settings of a profile into what apply would do,
 * before anything is touched. plan_validate checks every key and value on
 * its own (safe spelling, under net., in the knowledge base, writable,
 * value valid for its type, no newline); plan_build reads the current
 * fragment and live values, checks rules across keys (port range low >=
 * ip_unprivileged_port_start), renders the new fragment and tells whether
 * anything changes; plan_shadowed finds later sysctl.d files that would
 * override the fragment at boot. Everything lives in the arena given;
 * problems go to diag (id "apply-...") and nothing is half-planned.
 */
#ifndef TWTUNE_PLAN_H
#define TWTUNE_PLAN_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct diag;
struct kb_entry;

#define PLAN_MAX_SETTINGS 1024
#define PLAN_VALUE_MAX 4096

/* One desired setting, as profile_desired gives it. */
struct plan_setting {
	const char *key;
	const char *value;
	const char *file;	/* where it came from, for diagnostics; may be NULL */
	unsigned line, column;
};

struct plan_item {
	const char *key;		/* canonical dotted */
	const struct kb_entry *kb;
	const char *value;		/* as written: kernel form, blanks as ' ' */
	const char *want;		/* kernel form, what reading it back gives */
	const char *live;		/* before; NULL when not read / absent */
	bool live_change;
};

struct plan_shadow {
	const char *key;
	const char *file;		/* root-relative */
	unsigned line;
	const char *value;		/* NULL: "-key" exclusion */
};

struct plan_options {
	const char *profile;
	const char *profile_sha256;
	const char *fragment_path;	/* root-relative, fragment_path_valid */
	bool live;			/* false: --no-live */
	unsigned next_generation;	/* named in the header if the fragment changes */
};

struct apply_plan {
	struct plan_item *items;	/* sorted by key */
	size_t n_items;
	bool old_present;
	const char *old_bytes;
	size_t old_len;
	const char *new_bytes;
	size_t new_len;
	bool fragment_change;
	bool live_change;		/* some live value changes (live mode) */
	bool changed;
	struct plan_shadow *shadowed;
	size_t n_shadowed;
};

/* 0, or -EINVAL with every problem in diag. */
int plan_validate(const struct plan_setting *in, size_t n, struct arena *a,
		  struct diag *diag, struct plan_item **ret, size_t *ret_n);

/* items from plan_validate. 0, or a negative errno with diag entries
 * (-ELOOP: the fragment path is a symlink; -ENOENT: a key is absent on the
 * running kernel; -EINVAL: a cross-key rule). */
int plan_build(int root_fd, const struct plan_options *o,
	       const struct plan_item *items, size_t n, struct arena *a,
	       struct diag *diag, struct apply_plan *ret);

/* Fills p->shadowed: keys of the fragment whose effective boot-time
 * source (systemd-sysctl order) is a later file. */
int plan_shadowed(int root_fd, const struct plan_options *o,
		  struct apply_plan *p, struct arena *a);

#endif
