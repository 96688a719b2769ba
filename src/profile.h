/*
 * profile: loading and validating twtune profiles (YAML, schema version 1,
 * PRODUCT.md section 3) into a merged, immutable profile: extends resolved
 * in order, disabled rules removed, settings and thresholds merged.
 * Errors are reported to diag as file:line:column and nothing is returned
 * for an invalid profile. Everything lives in the arena given.
 */
#ifndef TWTUNE_PROFILE_H
#define TWTUNE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct conf;
struct diag;
struct expr;
struct expr_template;
struct facts;
struct kb_entry;

#define PROFILE_MAX_FILE_SIZE (256 * 1024)
#define PROFILE_MAX_RULES 256
#define PROFILE_MAX_EXTENDS_DEPTH 8
/* YAML collections nested in collections; the schema needs 4. */
#define PROFILE_MAX_NESTING 8
#define PROFILE_MAX_SETTINGS 256
#define PROFILE_MAX_THRESHOLDS 256
#define PROFILE_MAX_NAME 64

enum severity {
	SEVERITY_OK,		/* status only: nothing found */
	SEVERITY_INFO,
	SEVERITY_WARNING,
	SEVERITY_CRITICAL,
	SEVERITY_UNKNOWN,	/* a rule could not be evaluated */
};
const char *severity_name(enum severity s);

enum setting_kind {
	SETTING_VALUE,		/* write exactly this */
	SETTING_AT_LEAST,	/* raise to this, never lower */
	SETTING_AT_MOST,	/* lower to this, never raise */
};

struct profile_setting {
	const char *key;		/* canonical dotted */
	const struct kb_entry *kb;
	enum setting_kind kind;
	const char *value;		/* as text, validated against kb */
	const struct expr *when;	/* NULL = always */
	const char *when_text;
	const char *file;
	unsigned line, column;
};

struct profile_threshold {
	const char *name;
	double value;
	const char *file;		/* where it was (last) defined */
	unsigned line;
};

struct profile_kv {
	const char *key;
	const char *value;
};

struct profile_rule {
	const char *id;
	enum severity severity;
	const struct expr *when;
	const char *when_text;
	const struct expr_template *summary;
	const char *summary_text;
	const char *advice;		/* NULL when none */
	const char **keys;
	size_t n_keys;
	struct profile_kv *recommend;
	size_t n_recommend;
	const char **refs;
	size_t n_refs;
	const char *file;		/* where the rule was defined */
	unsigned line;
};

struct profile {
	const char *name;
	const char *description;
	const char *path;		/* file of the profile itself */
	char sha256[65];		/* of that file's bytes, hex */
	const char **chain;		/* names, base first, this one last */
	size_t n_chain;
	struct profile_setting *settings;	/* merged, sorted by key */
	size_t n_settings;
	struct profile_threshold *thresholds;	/* merged, sorted by name */
	size_t n_thresholds;
	struct profile_rule *rules;	/* merged, in definition order */
	size_t n_rules;
};

/* name_or_path: a name looked up in cfg->profile_path, or a path (contains
 * '/' or ends in .yaml/.yml). check_trust: refuse untrusted files when
 * running as root (fileperm.h). */
int profile_load(const char *name_or_path, const struct conf *cfg,
		 bool check_trust, struct arena *a, struct diag *diag,
		 struct profile **ret);

/* Validates one file (and what it extends) without needing facts;
 * all errors to diag. 0 when valid, -EINVAL otherwise. */
int profile_validate_file(const char *path, const struct conf *cfg,
			  bool check_trust, struct arena *a, struct diag *diag);

/* Profiles found on the search path: name, path, description. */
struct profile_info {
	const char *name;
	const char *path;
	const char *description;
	bool shadowed;		/* hidden by an earlier directory */
};
int profile_list(const struct conf *cfg, struct arena *a,
		 struct profile_info **ret, size_t *ret_n);

double profile_threshold(const struct profile *p, const char *name, bool *found);
const struct profile_setting *profile_setting_find(const struct profile *p,
						   const char *key);
const struct profile_rule *profile_rule_find(const struct profile *p,
					     const char *id);

/* Resolves the settings against the facts: what apply should write.
 * Settings whose `when` is false are left out; `when` that cannot be
 * evaluated is an error (diag, -EDOM) since apply must not guess.
 * at_least = max(live, value), at_most = min(live, value), element-wise
 * for pairs. Keys absent on this kernel are skipped with a note in diag.
 * value is what to write, in the kernel's canonical form; live is the
 * current value (NULL when unreadable). Sorted by key. */
struct desired_setting {
	const char *key;
	const struct kb_entry *kb;
	const char *value;
	const char *live;
	const struct profile_setting *setting;
};
int profile_desired(const struct profile *p, const struct facts *f,
		    struct arena *a, struct diag *diag,
		    struct desired_setting **ret, size_t *ret_n);

const char *setting_kind_name(enum setting_kind k);	/* "value", "at_least", ... */

/* What a setting wants written given the live value (NULL if unknown):
 * the value itself, or for at_least / at_most the max / min with live,
 * element by element for pairs; in the kernel's canonical form. */
int profile_setting_target(const struct profile_setting *s, const char *live,
			   struct arena *a, const char **ret);
/* Whether two values of a key are the same once canonical ("010" == "8",
 * "1024 65535" == "1024\t65535"). Unparseable values compare as text. */
bool profile_value_equal(const struct kb_entry *e, const char *x, const char *y);

#endif
