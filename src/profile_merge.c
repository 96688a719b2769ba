/*
 * Merging profiles: the accumulator a profile is built in, parents first
 * (in extends order), then the file's own parts. Settings merge by key,
 * thresholds by name, rules by id; the result is sorted for lookup.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "profile_internal.h"

static void *acc_grow(struct arena *a, void *items, size_t n, size_t *cap,
		      size_t size)
{
	void *bigger;
	size_t ncap;

	if (n < *cap)
		return items;
	ncap = *cap ? *cap * 2 : 16;
	bigger = arena_calloc(a, ncap, size);
	if (!bigger)
		return NULL;
	if (n)
		memcpy(bigger, items, n * size);
	*cap = ncap;
	return bigger;
}

struct profile_threshold *profile_acc_threshold(struct profile_acc *acc, const char *name)
{
	size_t i;

	for (i = 0; i < acc->n_thresholds; i++)
		if (strcmp(acc->thresholds[i].name, name) == 0)
			return &acc->thresholds[i];
	return NULL;
}

int profile_acc_put_threshold(struct profile_acc *acc, const struct profile_threshold *t)
{
	struct profile_threshold *old = profile_acc_threshold(acc, t->name), *n;

	if (old) {
		*old = *t;
		return 0;
	}
	n = acc_grow(acc->a, acc->thresholds, acc->n_thresholds,
		     &acc->cap_thresholds, sizeof(*n));
	if (!n)
		return -ENOMEM;
	acc->thresholds = n;
	acc->thresholds[acc->n_thresholds++] = *t;
	return 0;
}

static struct profile_setting *acc_setting(struct profile_acc *acc, const char *key)
{
	size_t i;

	for (i = 0; i < acc->n_settings; i++)
		if (strcmp(acc->settings[i].key, key) == 0)
			return &acc->settings[i];
	return NULL;
}

int profile_acc_put_setting(struct profile_acc *acc, const struct profile_setting *s)
{
	struct profile_setting *old = acc_setting(acc, s->key), *n;

	if (old) {
		*old = *s;
		return 0;
	}
	n = acc_grow(acc->a, acc->settings, acc->n_settings, &acc->cap_settings,
		     sizeof(*n));
	if (!n)
		return -ENOMEM;
	acc->settings = n;
	acc->settings[acc->n_settings++] = *s;
	return 0;
}

struct profile_rule *profile_acc_rule(struct profile_acc *acc, const char *id)
{
	size_t i;

	for (i = 0; i < acc->n_rules; i++)
		if (strcmp(acc->rules[i].id, id) == 0)
			return &acc->rules[i];
	return NULL;
}

/* A child's rule replaces its parent's in place, so the merged order stays
 * the order in which rules were first defined. */
int profile_acc_put_rule(struct profile_acc *acc, const struct profile_rule *r)
{
	struct profile_rule *old = profile_acc_rule(acc, r->id), *n;

	if (old) {
		*old = *r;
		return 0;
	}
	n = acc_grow(acc->a, acc->rules, acc->n_rules, &acc->cap_rules, sizeof(*n));
	if (!n)
		return -ENOMEM;
	acc->rules = n;
	acc->rules[acc->n_rules++] = *r;
	return 0;
}

static int acc_put_chain(struct profile_acc *acc, const char *name)
{
	const char **n;
	size_t i;

	for (i = 0; i < acc->n_chain; i++)
		if (strcmp(acc->chain[i], name) == 0)
			return 0;
	n = acc_grow(acc->a, acc->chain, acc->n_chain, &acc->cap_chain, sizeof(*n));
	if (!n)
		return -ENOMEM;
	acc->chain = n;
	acc->chain[acc->n_chain++] = name;
	return 0;
}

int profile_acc_merge(struct profile_acc *acc, const struct profile *parent)
{
	size_t i;
	int r;

	for (i = 0; i < parent->n_chain; i++)
		if ((r = acc_put_chain(acc, parent->chain[i])) < 0)
			return r;
	for (i = 0; i < parent->n_thresholds; i++)
		if ((r = profile_acc_put_threshold(acc, &parent->thresholds[i])) < 0)
			return r;
	for (i = 0; i < parent->n_settings; i++)
		if ((r = profile_acc_put_setting(acc, &parent->settings[i])) < 0)
			return r;
	for (i = 0; i < parent->n_rules; i++)
		if ((r = profile_acc_put_rule(acc, &parent->rules[i])) < 0)
			return r;
	return 0;
}

static int setting_cmp(const void *a, const void *b)
{
	return strcmp(((const struct profile_setting *)a)->key,
		      ((const struct profile_setting *)b)->key);
}

static int threshold_cmp(const void *a, const void *b)
{
	return strcmp(((const struct profile_threshold *)a)->name,
		      ((const struct profile_threshold *)b)->name);
}

int profile_acc_finish(struct profile_acc *acc, struct profile *p)
{
	int r = acc_put_chain(acc, p->name);

	if (r < 0)
		return r;
	if (acc->n_settings)
		qsort(acc->settings, acc->n_settings, sizeof(*acc->settings), setting_cmp);
	if (acc->n_thresholds)
		qsort(acc->thresholds, acc->n_thresholds, sizeof(*acc->thresholds),
		      threshold_cmp);
	p->settings = acc->settings;
	p->n_settings = acc->n_settings;
	p->thresholds = acc->thresholds;
	p->n_thresholds = acc->n_thresholds;
	p->rules = acc->rules;
	p->n_rules = acc->n_rules;
	p->chain = acc->chain;
	p->n_chain = acc->n_chain;
	return 0;
}
