/*
 * txn: carries out one generation all or nothing. Given the fragment(s)
 * and the live values to change (read under the lock by the caller), it
 * journals the generation durably, writes the fragment atomically, writes
 * and reads back every live value, and commits. Any failure restores
 * every live value already written (newest first) and the previous
 * fragment, and marks the generation failed. Kernel ordering constraints
 * between keys are handled by txn_order_keys.
 */
#ifndef TWTUNE_TXN_H
#define TWTUNE_TXN_H

#include <stdbool.h>
#include <stddef.h>

#include "journal.h"

struct arena;

struct txn_key {
	const char *key;	/* canonical dotted */
	const char *value;	/* text written */
	const char *want;	/* what the kernel should read back (kernel form) */
	const char *before;	/* live value read under the lock */
};

struct txn {
	enum journal_op op;
	const char *profile;		/* apply */
	const char *profile_sha256;	/* apply */
	unsigned rollback_to;		/* rollback */
	const char *netns;
	struct journal_fragment *fragments;	/* old and new bytes */
	size_t n_fragments;
	struct txn_key *keys;		/* only keys that change, in write order */
	size_t n_keys;
};

struct txn_result {
	unsigned generation;
	int error;		/* 0 or the negative errno that stopped it */
	const char *error_key;	/* key or fragment path */
	const char *error_step;	/* "journal", "fragment", "write", "verify" */
	const char *error_got;	/* "verify": what the kernel read back */
	bool restored;		/* after an error: everything is as before */
	int restore_error;	/* first error while restoring */
	const char *restore_key;
};

/* Commits t as generation (the caller holds the lock and picked the next
 * number). Returns 0, or res->error with res filled in. */
int txn_commit(int root_fd, int state_fd, unsigned generation,
	       const struct txn *t, struct arena *a, struct txn_result *res);

/* Whether two kernel values are the same, blanks between numbers being
 * insignificant ("1024\t65535" == "1024 65535"). */
bool txn_value_equal(const char *x, const char *y);

/* Sorts keys by name, then orders writes the kernel would refuse in the
 * wrong order: ip_local_port_range and ip_unprivileged_port_start (the
 * range low must stay >= the unprivileged start after every write). */
void txn_order_keys(struct txn_key *keys, size_t n);

#endif
