#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "journal.h"
#include "rollback.h"

int rollback_pick(const struct journal *js, size_t n, unsigned *ret_to)
{
	const struct journal *u;
	size_t i;

	u = journal_find_unfinished(js, n);
	if (u) {
		*ret_to = u->op == JOURNAL_ROLLBACK ? u->rollback_to : u->generation;
		return 0;
	}
	for (i = n; i-- > 0;)
		if (js[i].op == JOURNAL_APPLY && js[i].status == JOURNAL_COMMITTED &&
		    !js[i].rolled_back_by) {
			*ret_to = js[i].generation;
			return 0;
		}
	return -ENOENT;
}

static bool netns_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int rollback_target(const struct journal *js, size_t n, unsigned to,
		    struct arena *a, struct rollback_target *ret)
{
	struct rollback_target t = { .to = to };
	size_t i, k, m, first = n, max_f = 0, max_k = 0;

	for (i = 0; i < n; i++)
		if (js[i].generation == to) {
			first = i;
			break;
		}
	if (first == n)
		return -ENOENT;
	t.netns = js[first].netns;
	for (i = first; i < n; i++) {
		if (!netns_same(js[i].netns, t.netns))
			return -EXDEV;
		max_f += js[i].n_fragments;
		max_k += js[i].n_keys;
	}
	t.fragments = arena_calloc(a, max_f ? max_f : 1, sizeof(*t.fragments));
	t.keys = arena_calloc(a, max_k ? max_k : 1, sizeof(*t.keys));
	if (!t.fragments || !t.keys)
		return -ENOMEM;
	/* Oldest first, so the first generation to touch a thing wins. */
	for (i = first; i < n; i++) {
		for (k = 0; k < js[i].n_fragments; k++) {
			const struct journal_fragment *f = &js[i].fragments[k];

			for (m = 0; m < t.n_fragments; m++)
				if (strcmp(t.fragments[m].path, f->path) == 0)
					break;
			if (m == t.n_fragments)
				t.fragments[t.n_fragments++] = *f;
		}
		for (k = 0; k < js[i].n_keys; k++) {
			const struct journal_key *key = &js[i].keys[k];

			for (m = 0; m < t.n_keys; m++)
				if (strcmp(t.keys[m].key, key->key) == 0)
					break;
			if (m == t.n_keys)
				t.keys[t.n_keys++] = *key;
		}
	}
	*ret = t;
	return 0;
}
