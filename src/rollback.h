/*
 * rollback: which state a rollback restores, worked out from the journal
 * alone. "The state before generation N" is, for every fragment and key
 * that generation N or any later one touched, the old value recorded by
 * the earliest of those generations that touched it: each generation
 * records what was there when it started, under the lock. Results point
 * into the journal records or the arena given.
 */
#ifndef TWTUNE_ROLLBACK_H
#define TWTUNE_ROLLBACK_H

#include <stddef.h>

#include "journal.h"

struct arena;

struct rollback_target {
	unsigned to;			/* the state before this generation */
	const char *netns;		/* recorded by those generations, or NULL */
	struct journal_fragment *fragments;	/* old_* = what to restore */
	size_t n_fragments;
	struct journal_key *keys;	/* old_value = what to restore */
	size_t n_keys;
};

/* The generation a plain 'rollback' undoes: the newest unfinished one
 * (for an unfinished rollback, the generation it was restoring to, so the
 * restore is completed), else the newest committed apply not yet rolled
 * back. -ENOENT when there is none. */
int rollback_pick(const struct journal *js, size_t n, unsigned *ret_to);

/* -ENOENT when generation to is not in js; -EXDEV when the generations
 * involved were applied in different network namespaces. */
int rollback_target(const struct journal *js, size_t n, unsigned to,
		    struct arena *a, struct rollback_target *ret);

#endif
