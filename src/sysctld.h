/*
 * sysctld: the sysctl.d model. Parses sysctl configuration files from bytes
 * and resolves a whole tree under a root the way systemd-sysctl (default)
 * or procps `sysctl --system` (--procps) would at boot (SYSCTL.md 1-3).
 * Everything returned lives in the arena given; nothing touches /proc/sys
 * except glob expansion, which reads directory names under root/proc/sys.
 */
#ifndef TWTUNE_SYSCTLD_H
#define TWTUNE_SYSCTLD_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct diag;

/* Bounds on hostile input. systemd's own line limit is 1 MiB
 * (LONG_LINE_MAX); the file, line-count and file-count limits are ours. */
#define SYSCTLD_MAX_FILE_SIZE (4 * 1024 * 1024)
#define SYSCTLD_MAX_LINE (1024 * 1024)
#define SYSCTLD_MAX_LINES 65536		/* assignments per file */
#define SYSCTLD_MAX_FILES 1024		/* files per tree */
#define SYSCTLD_MAX_GLOB_MATCHES 4096	/* paths per glob pattern */

enum sysctld_mode {
	SYSCTLD_SYSTEMD,	/* systemd-sysctl <= 258 (Debian 12 ships 252) */
	SYSCTLD_PROCPS,		/* procps-ng 4.x sysctl --system */
};

/* One assignment line as parsed. */
struct sysctld_line {
	const char *file;	/* path as shown (under root: "/etc/sysctl.d/x.conf") */
	unsigned line;
	unsigned key_column;	/* 1-based column of the key */
	unsigned value_column;	/* 1-based column of the value, 0 if none */
	const char *key;	/* as written, stripped, '-' removed */
	const char *path;	/* normalized /proc/sys path form */
	const char *value;	/* NULL for "-key" exclusions */
	bool ignore_failure;	/* '-' prefix */
	bool is_glob;		/* key contains * ? [ */
};

struct sysctld_file {
	const char *path;		/* "/etc/sysctl.d/10-x.conf" (root-relative) */
	const char *name;		/* basename */
	struct sysctld_line *lines;	/* assignments and exclusions, in order */
	size_t n_lines;
	bool masked;			/* symlink to /dev/null, or empty */
	const char *shadows;		/* same-name files it hides, ";"-joined, or NULL */
	bool unreadable;		/* could not be read (diagnostic given) */
};

/* Effective value of one key after resolution. */
struct sysctld_key {
	const char *key;		/* dotted display form of the path */
	const char *path;
	const char *value;		/* NULL: excluded ("-key" won) */
	const struct sysctld_line *source;	/* the winning line */
	bool ignore_failure;
	const char *from_glob;		/* pattern it was expanded from, or NULL */
	/* Earlier assignments it overrode, oldest first. */
	const struct sysctld_line **overridden;
	size_t n_overridden;
	/* systemd: later assignments of the identical value, which neither
	 * move the key nor change its source (SYSCTL.md R3). */
	const struct sysctld_line **repeats;
	size_t n_repeats;
	bool is_pattern;		/* the glob line itself, not a path */
	size_t n_matches;		/* is_pattern: paths it was expanded to */
};

struct sysctld_result {
	enum sysctld_mode mode;
	struct sysctld_file *files;	/* in application order */
	size_t n_files;
	struct sysctld_key *keys;	/* in the order the tool would write them */
	size_t n_keys;
};

/* Parses one file's bytes. Syntax problems are added to diag (with the
 * file name, line and column) and parsing continues. */
int sysctld_parse(const char *buf, size_t len, const char *file,
		  enum sysctld_mode mode, struct arena *a, struct diag *diag,
		  struct sysctld_file *ret);

/* Resolves the boot-time configuration of the tree under root_fd. */
int sysctld_resolve(int root_fd, enum sysctld_mode mode, struct arena *a,
		    struct diag *diag, struct sysctld_result **ret);

/* Resolves already parsed files, in application order (for lint, which
 * parses files itself). root_fd < 0: globs are not expanded. */
int sysctld_resolve_files(struct sysctld_file *files, size_t n_files,
			  int root_fd, enum sysctld_mode mode, struct arena *a,
			  struct sysctld_result **ret);

/* Whether a key or path contains glob characters ('*', '?', '['). */
bool sysctld_is_glob(const char *key);

/* Effective entry for a key in any spelling, or NULL if no file sets it. */
const struct sysctld_key *sysctld_lookup(const struct sysctld_result *r,
					 const char *key);

#endif
