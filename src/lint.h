/*
 * lint: checks sysctl.d files (one by one, or a whole tree under a root as
 * a boot would read it) without touching the system, like doas -C. Every
 * problem becomes a struct diag entry with file, line, column, severity,
 * rule id and key; the command decides output and exit status. The rule
 * ids are stable and listed in lint_rules[] (also shown in SARIF output
 * and in twtune-lint(8)).
 */
#ifndef TWTUNE_LINT_H
#define TWTUNE_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "kversion.h"

struct arena;
struct profile;
struct sysctld_file;

struct lint_rule {
	const char *id;
	enum diag_severity severity;	/* usual severity (some rules vary) */
	const char *summary;		/* one line, for SARIF and the man page */
};

extern const struct lint_rule lint_rules[];
extern const size_t lint_n_rules;
const struct lint_rule *lint_rule_find(const char *id);

struct lint_options {
	/* The environment: target kernel (ROOT/proc/sys/kernel/osrelease
	 * unless kernel_known), live values for keys no file sets, the
	 * kernel default of tcp_max_tw_buckets, listening ports. */
	int root_fd;
	struct kversion kernel;
	bool kernel_known;
	/* Shown before tree paths ("image" -> "image/etc/sysctl.d/x.conf");
	 * NULL or "" for the real root. */
	const char *root_prefix;
	/* -p: effective values must not break its settings. May be NULL. */
	const struct profile *profile;
};

/* Environment read once per run from root_fd. */
struct lint_env {
	const struct lint_options *o;
	struct arena *a;
	struct diag *diag;
	long long tw_buckets_default;	/* ehash/2, or 65536 when unknown */
	bool tw_buckets_default_known;
	uint8_t listening[65536 / 8];	/* bitmap of listening TCP ports */
	bool listening_known;
	unsigned n_suggest;		/* did-you-mean lookups done */
};

/* Fills env from o->root_fd (kernel version when not given, ehash size,
 * listening ports). Never fails: unknown facts stay unknown. */
void lint_env_init(struct lint_env *env, struct lint_options *o,
		   struct arena *a, struct diag *diag);

/* Lints one sysctl file's bytes; name is how findings name the file. */
int lint_sysctl_buffer(struct lint_env *env, const char *buf, size_t len,
		       const char *name);

/* Lints the boot-time tree under o->root_fd, including keys overridden
 * by later files and files hidden by same-named ones. */
int lint_tree(struct lint_env *env);

/* Listening TCP ports from root/proc/net/tcp and tcp6 into a bitmap.
 * -ENOENT when neither file exists. */
int lint_read_listening(int root_fd, struct arena *a, uint8_t *bitmap);

#endif
