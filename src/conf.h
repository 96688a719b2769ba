/*
 * conf: twtune.conf (YAML), the site settings every command starts from.
 * A missing default file means built-in defaults; a missing file named
 * with -c is an error. Strings live in the arena passed to conf_load().
 */
#ifndef TWTUNE_CONF_H
#define TWTUNE_CONF_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct diag;

#define CONF_PROFILE_PATH_MAX 16

struct conf {
	const char *path;		/* file it came from, NULL = defaults */
	const char *default_profile;	/* "default" */
	/* Directories searched for profiles by name, first match wins. */
	const char *profile_path[CONF_PROFILE_PATH_MAX];
	size_t n_profile_path;
	const char *fragment;		/* "/etc/sysctl.d/90-twtune.conf" */
	const char *state_dir;		/* "/var/lib/twtune" */
};

/* Built-in defaults (compile-time paths; the source tree's profiles/ too
 * when running from the build tree). */
void conf_defaults(struct conf *ret);

/* Loads path over the defaults. explicit: the user named the file, so a
 * missing file is an error. Errors go to diag as file:line:col; returns 0,
 * or a negative errno (-EINVAL with diag entries for a bad file). When
 * check_trust is set the file must not be writable by others (fileperm.h). */
int conf_load(const char *path, bool explicit, bool check_trust,
		struct arena *a, struct diag *diag, struct conf *ret);

#endif
