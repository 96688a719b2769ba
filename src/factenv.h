/*
 * factenv: the adapter between a facts snapshot (plus a profile's
 * thresholds) and the expression evaluator, used by the rules engine and
 * apply. "thresholds.NAME" comes from the threshold array, every other
 * name from facts_get(); sysctl()/boot()/boot_source()/counter()/rate()
 * from the matching facts_* function. Holds pointers only: facts and
 * thresholds must outlive the env.
 */
#ifndef TWTUNE_FACTENV_H
#define TWTUNE_FACTENV_H

#include <stddef.h>

#include "expr.h"

struct facts;
struct profile_threshold;

struct factenv {
	const struct facts *facts;
	const struct profile_threshold *thresholds;
	size_t n_thresholds;
};

void factenv_init(struct factenv *fe, const struct facts *f,
		  const struct profile_threshold *t, size_t n);
/* Evaluation callbacks over fe (which must outlive the result). */
struct expr_env factenv_env(struct factenv *fe);

/* Load-time names: every fact name (facts_name_valid) and
 * "thresholds.NAME" for fe's thresholds. fe->facts is not used and may be
 * NULL (profiles are validated without facts):
 *	factenv_init(&fe, NULL, thresholds, n);
 *	names = factenv_names(&fe);
 * fe must outlive the result. (Takes the factenv rather than (t, n): one
 * userdata pointer cannot carry both.) */
struct expr_names factenv_names(const struct factenv *fe);

/* The threshold of that name ("thresholds." prefix optional), or NULL. */
const struct profile_threshold *factenv_threshold(const struct profile_threshold *t,
						  size_t n, const char *name);

#endif
