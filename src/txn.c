#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "fragment.h"
#include "journal.h"
#include "procsys.h"
#include "txn.h"

#define KEY_PORT_RANGE "net.ipv4.ip_local_port_range"
#define KEY_UNPRIV_START "net.ipv4.ip_unprivileged_port_start"

bool txn_value_equal(const char *x, const char *y)
{
	size_t lx, ly;

	for (;;) {
		x += strspn(x, " \t");
		y += strspn(y, " \t");
		lx = strcspn(x, " \t");
		ly = strcspn(y, " \t");
		if (lx != ly || memcmp(x, y, lx) != 0)
			return false;
		if (lx == 0)
			return true;
		x += lx;
		y += ly;
	}
}

static int key_cmp(const void *x, const void *y)
{
	const struct txn_key *a = x, *b = y;

	return strcmp(a->key, b->key);
}

static bool first_int(const char *s, long long *ret)
{
	char *e;

	if (!s)
		return false;
	errno = 0;
	*ret = strtoll(s, &e, 0);
	return errno == 0 && e != s;
}

void txn_order_keys(struct txn_key *keys, size_t n)
{
	struct txn_key tmp;
	size_t i, range = n, unpriv = n;
	long long new_low, cur_unpriv;

	if (n > 1)
		qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 0; i < n; i++) {
		if (strcmp(keys[i].key, KEY_PORT_RANGE) == 0)
			range = i;
		else if (strcmp(keys[i].key, KEY_UNPRIV_START) == 0)
			unpriv = i;
	}
	if (range == n || unpriv == n)
		return;
	/* Sorted, the range comes first. Writing it first needs its new low
	 * to be >= the current unprivileged start; otherwise lowering the
	 * start first works (the final state is valid and the current range
	 * low is >= the new start then). */
	if (first_int(keys[range].value, &new_low) &&
	    first_int(keys[unpriv].before, &cur_unpriv) && new_low >= cur_unpriv)
		return;
	tmp = keys[unpriv];
	memmove(&keys[range + 1], &keys[range], (unpriv - range) * sizeof(*keys));
	keys[range] = tmp;
}

static void set_error(struct txn_result *res, int error, const char *step,
		      const char *key)
{
	if (res->error)
		return;
	res->error = error;
	res->error_step = step;
	res->error_key = key;
}

/* Puts back one fragment unless it already holds the old bytes. */
static int restore_fragment(int root_fd, const struct journal_fragment *f,
			    struct arena *a)
{
	bool present;
	size_t len;
	char *buf;
	int r;

	r = fragment_read(root_fd, f->path, a, &present, &buf, &len);
	if (r == 0 && present == f->old_present &&
	    (!present || (len == f->old_len && memcmp(buf, f->old_bytes, len) == 0)))
		return 0;
	return fragment_write(root_fd, f->path, f->old_present ? f->old_bytes : NULL,
			      f->old_len);
}

static int restore_key(int root_fd, const struct txn_key *k, struct arena *a)
{
	char *now;
	int r;

	r = procsys_read(root_fd, k->key, a, &now);
	if (r == 0 && txn_value_equal(now, k->before))
		return 0;
	r = procsys_write(root_fd, k->key, k->before);
	if (r < 0)
		return r;
	r = procsys_read(root_fd, k->key, a, &now);
	if (r < 0)
		return r;
	return txn_value_equal(now, k->before) ? 0 : -EIO;
}

static void restore(int root_fd, const struct txn *t, size_t n_written,
		    size_t n_fragments, struct arena *a, struct txn_result *res)
{
	size_t i;
	int r;

	res->restored = true;
	for (i = n_written; i-- > 0;) {
		r = restore_key(root_fd, &t->keys[i], a);
		if (r < 0 && !res->restore_error) {
			res->restore_error = r;
			res->restore_key = t->keys[i].key;
		}
	}
	for (i = n_fragments; i-- > 0;) {
		r = restore_fragment(root_fd, &t->fragments[i], a);
		if (r < 0 && !res->restore_error) {
			res->restore_error = r;
			res->restore_key = t->fragments[i].path;
		}
	}
	if (res->restore_error)
		res->restored = false;
}

static bool fragment_changes(const struct journal_fragment *f)
{
	return f->old_present != f->new_present ||
	       (f->new_present && (f->old_len != f->new_len ||
				   memcmp(f->old_bytes, f->new_bytes, f->new_len) != 0));
}

int txn_commit(int root_fd, int state_fd, unsigned generation,
	       const struct txn *t, struct arena *a, struct txn_result *res)
{
	struct journal j = {
		.generation = generation,
		.op = t->op,
		.time = (long long)time(NULL),
		.profile = t->profile,
		.profile_sha256 = t->profile_sha256,
		.rollback_to = t->rollback_to,
		.netns = t->netns,
		.fragments = t->fragments,
		.n_fragments = t->n_fragments,
	};
	size_t i, n_frag_touched = 0, n_written = 0;
	char *got;
	int r;

	*res = (struct txn_result){ .generation = generation };
	j.n_keys = t->n_keys;
	j.keys = arena_calloc(a, t->n_keys ? t->n_keys : 1, sizeof(*j.keys));
	if (!j.keys)
		return res->error = -ENOMEM;
	for (i = 0; i < t->n_keys; i++)
		j.keys[i] = (struct journal_key){ t->keys[i].key, t->keys[i].before,
						  t->keys[i].value };

	/* Nothing has changed until the record is durable. */
	r = journal_create(state_fd, &j, a);
	if (r < 0) {
		set_error(res, r, "journal", NULL);
		res->restored = true;
		return r;
	}

	for (i = 0; i < t->n_fragments; i++) {
		const struct journal_fragment *f = &t->fragments[i];

		fragment_clean_temp(root_fd, f->path);
		if (!fragment_changes(f))
			continue;
		/* Counted before the write: a failed rename can still have
		 * replaced the file if only the directory fsync failed. */
		n_frag_touched = i + 1;
		r = fragment_write(root_fd, f->path, f->new_present ? f->new_bytes : NULL,
				   f->new_len);
		if (r < 0) {
			set_error(res, r, "fragment", f->path);
			goto fail;
		}
	}
	r = journal_set_status(state_fd, generation, JOURNAL_FRAGMENT_WRITTEN, 0, NULL);
	if (r < 0) {
		set_error(res, r, "journal", NULL);
		goto fail;
	}

	for (i = 0; i < t->n_keys; i++) {
		const struct txn_key *k = &t->keys[i];

		/* A write the kernel refused changed nothing; one it took
		 * but reads back differently has to be undone too. */
		r = procsys_write(root_fd, k->key, k->value);
		if (r < 0) {
			set_error(res, r, "write", k->key);
			goto fail;
		}
		n_written = i + 1;
		r = procsys_read(root_fd, k->key, a, &got);
		if (r < 0) {
			set_error(res, r, "verify", k->key);
			goto fail;
		}
		if (!txn_value_equal(got, k->want)) {
			set_error(res, -EIO, "verify", k->key);
			res->error_got = got;
			goto fail;
		}
	}
	r = journal_set_status(state_fd, generation, JOURNAL_LIVE_WRITTEN, 0, NULL);
	if (r == 0)
		r = journal_set_status(state_fd, generation, JOURNAL_COMMITTED, 0, NULL);
	if (r < 0) {
		set_error(res, r, "journal", NULL);
		goto fail;
	}
	return 0;

fail:
	restore(root_fd, t, n_written, n_frag_touched, a, res);
	(void)journal_set_status(state_fd, generation,
				 res->restored ? JOURNAL_FAILED : JOURNAL_FAILED_UNRESTORED,
				 -res->error, res->error_key ? res->error_key : res->error_step);
	return res->error;
}
