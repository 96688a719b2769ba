/*
 * state: the state directory of one root (conf->state_dir under --root,
 * /var/lib/twtune by default) opened for a command: locked for apply and
 * rollback, read-only for history, dry runs and check, with every
 * generation's journal listed. Records live in the arena given.
 */
#ifndef TWTUNE_STATE_H
#define TWTUNE_STATE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct diag;
struct journal;

struct apply_state {
	int state_fd;			/* -1: no state directory (read-only open) */
	int lock_fd;			/* -1: not locked */
	struct journal *gens;		/* oldest first */
	size_t n_gens;
	unsigned max_generation;	/* highest number in use, corrupt files too */
	unsigned n_corrupt;		/* journal files reported to diag */
};

/* lock: create the directory (0700) and take STATE/lock, waiting up to
 * timeout_ms; -EAGAIN when it stays held. Without lock a missing state
 * directory is an empty history. Corrupt journals are reported to diag
 * and counted, not fatal here, under the name shown (the state directory
 * as the user sees it, with the --root prefix). */
int state_open(int root_fd, const char *state_dir, const char *shown,
	       bool lock, unsigned timeout_ms, struct arena *a, struct diag *diag,
	       struct apply_state *ret);
/* Releases the lock and closes; accepts a closed state (fds -1). */
void state_close(struct apply_state *s);

#endif
