#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "diag.h"
#include "journal.h"
#include "lock.h"
#include "state.h"

int state_open(int root_fd, const char *state_dir, const char *shown,
	       bool lock, unsigned timeout_ms, struct arena *a, struct diag *diag,
	       struct apply_state *ret)
{
	struct apply_state s = { .state_fd = -1, .lock_fd = -1 };
	unsigned errors = diag_errors(diag);
	int r;

	r = journal_open_state(root_fd, state_dir, lock, &s.state_fd);
	if (r == -ENOENT && !lock) {
		*ret = s;
		return 0;
	}
	if (r < 0)
		return r;
	if (lock) {
		r = lock_acquire(s.state_fd, timeout_ms, &s.lock_fd);
		if (r < 0)
			goto fail;
	}
	/* Listed after locking: what a concurrent run committed is seen. */
	r = journal_list(s.state_fd, shown ? shown : state_dir, a, diag, &s.gens, &s.n_gens,
			 &s.max_generation);
	if (r < 0)
		goto fail;
	s.n_corrupt = diag_errors(diag) - errors;
	*ret = s;
	return 0;
fail:
	state_close(&s);
	return r;
}

void state_close(struct apply_state *s)
{
	lock_release(s->lock_fd);
	s->lock_fd = -1;
	if (s->state_fd >= 0)
		close(s->state_fd);
	s->state_fd = -1;
}
