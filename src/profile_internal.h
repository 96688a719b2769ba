/*
 * profile_internal: what the profile loader (profile.c: files, search
 * path, extends) and the schema validator (profile_schema.c: one file's
 * YAML tree into settings, thresholds, rules) share. Not for other modules.
 */
#ifndef TWTUNE_PROFILE_INTERNAL_H
#define TWTUNE_PROFILE_INTERNAL_H

#include "profile.h"
#include "ytree.h"

/* The profile being built: parents merged in order, then the file's own
 * parts on top. */
struct profile_acc {
	struct arena *a;
	struct diag *diag;
	const char *file;		/* file being validated, for diagnostics */
	struct profile_setting *settings;
	size_t n_settings, cap_settings;
	struct profile_threshold *thresholds;
	size_t n_thresholds, cap_thresholds;
	struct profile_rule *rules;
	size_t n_rules, cap_rules;
	const char **chain;
	size_t n_chain, cap_chain;
};

/* Top-level fields of one file, checked for type and presence. */
struct profile_head {
	const char *name;
	const struct ytree_node *name_node;
	const char *description;
	const struct ytree_node *extends;	/* list, or NULL */
	const struct ytree_node *disable;
	const struct ytree_node *thresholds;
	const struct ytree_node *settings;
	const struct ytree_node *rules;
};

void profile_schema_head(struct profile_acc *acc, const struct ytree_node *root,
			 struct profile_head *ret);
int profile_acc_merge(struct profile_acc *acc, const struct profile *parent);
/* Lookups (NULL when absent) and insert-or-override, 0 or -ENOMEM. */
struct profile_threshold *profile_acc_threshold(struct profile_acc *acc, const char *name);
struct profile_rule *profile_acc_rule(struct profile_acc *acc, const char *id);
int profile_acc_put_threshold(struct profile_acc *acc, const struct profile_threshold *t);
int profile_acc_put_setting(struct profile_acc *acc, const struct profile_setting *s);
int profile_acc_put_rule(struct profile_acc *acc, const struct profile_rule *r);
void profile_schema_thresholds(struct profile_acc *acc, const struct ytree_node *n);
void profile_schema_disable(struct profile_acc *acc, const struct ytree_node *n);
void profile_schema_settings(struct profile_acc *acc, const struct ytree_node *n);
void profile_schema_rules(struct profile_acc *acc, const struct ytree_node *n);
int profile_acc_finish(struct profile_acc *acc, struct profile *p);

/* A name is [a-z0-9][a-z0-9_.-]* of at most PROFILE_MAX_NAME bytes. */
bool profile_name_is_valid(const char *name);

#endif
