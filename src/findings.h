/*
 * findings: what the rules engine (rules.c) concludes from a profile and a
 * facts snapshot, and what the check report writers print. Everything is
 * in the arena passed to rules_evaluate(); strings may point into the
 * profile and the facts, which must outlive the findings.
 */
#ifndef TWTUNE_FINDINGS_H
#define TWTUNE_FINDINGS_H

#include <stddef.h>

#include "profile.h"
#include "value.h"

struct arena;
struct facts;

struct finding_kv {
	const char *key;
	const char *value;	/* NULL: absent on this kernel / nothing to say */
};

struct finding_evidence {
	const char *name;	/* "tw.top.count", "sysctl(\"net.ipv4.tcp_tw_reuse\")" */
	struct value value;
};

struct finding {
	const char *id;
	enum severity severity;		/* SEVERITY_UNKNOWN: could not evaluate */
	const char *summary;
	const char *advice;		/* may be NULL */
	const char *reason;		/* SEVERITY_UNKNOWN: why; else NULL */
	const char **keys;
	size_t n_keys;
	struct finding_kv *current;	/* live value of each key */
	size_t n_current;
	struct finding_kv *recommended;
	size_t n_recommended;
	struct finding_evidence *evidence;
	size_t n_evidence;
	const char **refs;
	size_t n_refs;
	const struct profile_rule *rule;	/* NULL for the built-in drift checks */
};

struct findings {
	struct finding *items;		/* worst first, then in rule order */
	size_t n;
	unsigned count[SEVERITY_UNKNOWN + 1];
	enum severity status;		/* critical > unknown > warning > info > ok */
};

#define FINDING_DRIFT_SETTING "drift-setting"
#define FINDING_DRIFT_BOOT "drift-boot"

/* Evaluates every rule of p over f, then the drift checks. 0 or -ENOMEM. */
int rules_evaluate(const struct profile *p, const struct facts *f,
		   struct arena *a, struct findings *ret);

/* Rank for ordering and for the overall status (higher is worse). */
int severity_rank(enum severity s);

#endif
