/*
 * The rules engine: each rule's `when` evaluated over the facts (through
 * factenv), a finding for every rule that holds, and one for every rule
 * that cannot be decided (severity unknown, with the reason: a check that
 * silently passes is worse than none). Then the built-in drift checks:
 * live values against the profile's settings and against the next boot.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "arena.h"
#include "expr.h"
#include "factenv.h"
#include "facts.h"
#include "findings.h"
#include "kb.h"
#include "profile.h"
#include "sysctld.h"

struct rules_run {
	const struct profile *p;
	const struct facts *f;
	struct arena *a;
	struct factenv fe;
	struct expr_env env;
	struct finding *items;
	size_t n, cap;
};

int severity_rank(enum severity s)
{
	switch (s) {
	case SEVERITY_OK: return 0;
	case SEVERITY_INFO: return 1;
	case SEVERITY_WARNING: return 2;
	case SEVERITY_UNKNOWN: return 3;
	case SEVERITY_CRITICAL: return 4;
	}
	return 0;
}

static struct finding *rules_new_finding(struct rules_run *run)
{
	if (ARENA_GROW(run->a, run->items, run->n, run->cap, 16) < 0)
		return NULL;
	return &run->items[run->n++];
}

/* Every name the condition reads, with its value now. Names come back as
 * expression text ("tw.top.count", "sysctl(\"KEY\")"), so each is parsed
 * and evaluated on its own. */
static int rules_evidence(struct rules_run *run, const struct expr *when,
			  struct finding *fd)
{
	const char **names = expr_names_used(when, run->a);
	size_t n = 0, i;

	if (!names)
		return -ENOMEM;
	while (names[n])
		n++;
	fd->evidence = arena_calloc(run->a, n + 1, sizeof(*fd->evidence));
	if (!fd->evidence)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct finding_evidence *ev = &fd->evidence[fd->n_evidence];
		const char *reason = NULL;
		struct expr *e = NULL;
		int r;

		ev->name = names[i];
		r = expr_parse(names[i], NULL, NULL, run->a, NULL, &e);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			ev->value = value_null("cannot be shown");
		} else {
			r = expr_eval(e, &run->env, run->a, &ev->value, &reason);
			if (r == -ENOMEM)
				return r;
			if (r < 0)
				ev->value = value_null(reason);
		}
		fd->n_evidence++;
	}
	return 0;
}

static bool kv_has(const struct finding_kv *kv, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return true;
	return false;
}

/* keys = the rule's keys plus those it recommends; current = live values;
 * recommended = the rule's recommend, else the profile's setting. */
static int rules_keys(struct rules_run *run, const struct profile_rule *rule,
		      struct finding *fd)
{
	size_t max = rule->n_keys + rule->n_recommend, i, j;

	fd->keys = arena_calloc(run->a, max + 1, sizeof(*fd->keys));
	fd->current = arena_calloc(run->a, max + 1, sizeof(*fd->current));
	fd->recommended = arena_calloc(run->a, max + 1, sizeof(*fd->recommended));
	if (!fd->keys || !fd->current || !fd->recommended)
		return -ENOMEM;
	for (i = 0; i < max; i++) {
		const char *key = i < rule->n_keys ? rule->keys[i] :
				  rule->recommend[i - rule->n_keys].key;
		const struct profile_setting *s;
		const char *rec = NULL;

		for (j = 0; j < fd->n_keys; j++)
			if (strcmp(fd->keys[j], key) == 0)
				break;
		if (j < fd->n_keys)
			continue;
		fd->keys[fd->n_keys++] = key;
		fd->current[fd->n_current++] = (struct finding_kv){
			key, facts_sysctl_raw(run->f, key)
		};
		for (j = 0; j < rule->n_recommend; j++)
			if (strcmp(rule->recommend[j].key, key) == 0)
				rec = rule->recommend[j].value;
		if (!rec && (s = profile_setting_find(run->p, key)))
			rec = s->value;
		if (rec && !kv_has(fd->recommended, fd->n_recommended, key))
			fd->recommended[fd->n_recommended++] = (struct finding_kv){ key, rec };
	}
	return 0;
}

static int rules_one(struct rules_run *run, const struct profile_rule *rule)
{
	const char *reason = NULL;
	struct finding *fd;
	bool hit = false;
	int r;

	r = expr_eval_bool(rule->when, &run->env, run->a, &hit, &reason);
	if (r < 0 && r != -EDOM)
		return r;
	if (r == 0 && !hit)
		return 0;
	fd = rules_new_finding(run);
	if (!fd)
		return -ENOMEM;
	fd->id = rule->id;
	fd->rule = rule;
	fd->advice = rule->advice;
	fd->refs = rule->refs;
	fd->n_refs = rule->n_refs;
	if (r == -EDOM) {
		fd->severity = SEVERITY_UNKNOWN;
		fd->reason = reason ? reason : "the condition could not be evaluated";
	} else {
		fd->severity = rule->severity;
	}
	fd->summary = expr_template_render(rule->summary, &run->env, run->a);
	if (!fd->summary)
		return -ENOMEM;
	r = rules_keys(run, rule, fd);
	if (r < 0)
		return r;
	return rules_evidence(run, rule->when, fd);
}

/* ---- drift ---- */

struct drift {
	struct finding_kv *current, *recommended;
	struct finding_evidence *evidence;
	const char **keys;
	size_t n, n_evidence;
	char *text;		/* "key (live -> want), ..." */
	const char *unknown;	/* a `when` that could not be decided */
};

static int drift_init(struct rules_run *run, struct drift *d)
{
	size_t n = run->p->n_settings + 1;

	memset(d, 0, sizeof(*d));
	d->current = arena_calloc(run->a, n, sizeof(*d->current));
	d->recommended = arena_calloc(run->a, n, sizeof(*d->recommended));
	d->keys = arena_calloc(run->a, n, sizeof(*d->keys));
	d->evidence = arena_calloc(run->a, 2 * n, sizeof(*d->evidence));
	d->text = arena_strdup(run->a, "");
	if (!d->current || !d->recommended || !d->keys || !d->evidence || !d->text)
		return -ENOMEM;
	return 0;
}

/* Vector values as the kernel prints them have tabs; a summary is one
 * line of prose. */
static const char *untab(struct arena *a, const char *v)
{
	char *s = arena_strdup(a, v), *p;

	if (!s)
		return v;
	for (p = s; *p; p++)
		if (*p == '\t')
			*p = ' ';
	return s;
}

static int drift_add(struct rules_run *run, struct drift *d, const char *key,
		     const char *live, const char *want, const char *other)
{
	d->keys[d->n] = key;
	d->current[d->n] = (struct finding_kv){ key, live };
	d->recommended[d->n] = (struct finding_kv){ key, want };
	d->n++;
	if (d->n <= 3)
		d->text = arena_printf(run->a, "%s%s%s = %s (%s: %s)", d->text,
				       d->n > 1 ? ", " : "", key, untab(run->a, live),
				       other ? "boot" : "profile",
				       untab(run->a, other ? other : want));
	else if (d->n == 4)
		d->text = arena_printf(run->a, "%s, ...", d->text);
	return d->text ? 0 : -ENOMEM;
}

static int drift_finding(struct rules_run *run, struct drift *d, const char *id,
			 const char *what, const char *advice)
{
	struct finding *fd;

	if (!d->n && !d->unknown)
		return 0;
	fd = rules_new_finding(run);
	if (!fd)
		return -ENOMEM;
	fd->id = id;
	fd->advice = advice;
	fd->keys = d->keys;
	fd->n_keys = d->n;
	fd->current = d->current;
	fd->n_current = d->n;
	fd->recommended = d->recommended;
	fd->n_recommended = d->n;
	fd->evidence = d->evidence;
	fd->n_evidence = d->n_evidence;
	if (!d->n) {
		fd->severity = SEVERITY_UNKNOWN;
		fd->reason = d->unknown;
		fd->advice = NULL;	/* nothing differs that we know of */
		fd->summary = arena_printf(run->a, "cannot compare the live values with %s",
					   what);
	} else {
		fd->severity = SEVERITY_WARNING;
		fd->summary = arena_printf(run->a, "%zu %s %s: %s", d->n,
					   d->n == 1 ? "key differs from" : "keys differ from",
					   what, d->text);
	}
	return fd->summary ? 0 : -ENOMEM;
}

static int rules_drift(struct rules_run *run)
{
	const struct profile *p = run->p;
	struct drift ds, db;
	char *what, *advice_s, *advice_b;
	size_t i;
	int r;

	if ((r = drift_init(run, &ds)) < 0 || (r = drift_init(run, &db)) < 0)
		return r;
	for (i = 0; i < p->n_settings; i++) {
		const struct profile_setting *s = &p->settings[i];
		const struct sysctld_key *bk;
		const char *live, *want, *reason = NULL;
		bool applies = true;

		if (s->when) {
			r = expr_eval_bool(s->when, &run->env, run->a, &applies, &reason);
			if (r == -EDOM) {
				if (!ds.unknown)
					ds.unknown = arena_printf(run->a, "setting '%s': %s",
								  s->key, reason ? reason : "unknown");
				continue;
			}
			if (r < 0)
				return r;
			if (!applies)
				continue;
		}
		live = facts_sysctl_raw(run->f, s->key);
		if (!live)
			continue;	/* absent on this kernel: nothing drifts */
		r = profile_setting_target(s, live, run->a, &want);
		if (r < 0)
			return r;
		if (!profile_value_equal(s->kb, live, want) &&
		    (r = drift_add(run, &ds, s->key, live, want, NULL)) < 0)
			return r;
		if (!run->f->boot)
			continue;
		bk = sysctld_lookup(run->f->boot, s->key);
		if (!bk || !bk->value || profile_value_equal(s->kb, live, bk->value))
			continue;
		r = drift_add(run, &db, s->key, live, want, bk->value);
		if (r < 0)
			return r;
		if (bk->source) {
			db.evidence[db.n_evidence].name =
				arena_printf(run->a, "boot_source(\"%s\")", s->key);
			db.evidence[db.n_evidence].value = value_string(
				arena_printf(run->a, "%s:%u", bk->source->file, bk->source->line));
			if (!db.evidence[db.n_evidence].name)
				return -ENOMEM;
			db.n_evidence++;
		}
	}
	what = arena_printf(run->a, "profile '%s'", p->name);
	advice_s = arena_printf(run->a,
		"The live values differ from what profile '%s' sets. Run "
		"'twtune apply -p %s --dry-run' to see the change, then apply it; "
		"or, if the live values are intended, change the profile.\n",
		p->name, p->name);
	advice_b = arena_printf(run->a,
		"The live values differ from what the sysctl.d files will set at the "
		"next boot (see 'twtune resolve'): a reboot will change them. Make "
		"the files and the live state agree, e.g. with "
		"'twtune apply -p %s', which writes both.\n", p->name);
	if (!what || !advice_s || !advice_b)
		return -ENOMEM;
	r = drift_finding(run, &ds, FINDING_DRIFT_SETTING, what, advice_s);
	if (r < 0)
		return r;
	return drift_finding(run, &db, FINDING_DRIFT_BOOT, "the next boot", advice_b);
}

/* Worst first; a stable insertion sort keeps rule order within a
 * severity (a few hundred findings at most). */
static void findings_sort(struct finding *items, size_t n)
{
	struct finding tmp;
	size_t i, j;

	for (i = 1; i < n; i++) {
		tmp = items[i];
		for (j = i; j > 0 && severity_rank(items[j - 1].severity) <
				     severity_rank(tmp.severity); j--)
			items[j] = items[j - 1];
		items[j] = tmp;
	}
}

int rules_evaluate(const struct profile *p, const struct facts *f,
		   struct arena *a, struct findings *ret)
{
	struct rules_run run = { .p = p, .f = f, .a = a };
	struct finding *sorted;
	size_t i;
	int r;

	factenv_init(&run.fe, f, p->thresholds, p->n_thresholds);
	run.env = factenv_env(&run.fe);
	for (i = 0; i < p->n_rules; i++) {
		r = rules_one(&run, &p->rules[i]);
		if (r < 0)
			return r;
	}
	r = rules_drift(&run);
	if (r < 0)
		return r;

	memset(ret, 0, sizeof(*ret));
	sorted = run.items;
	findings_sort(sorted, run.n);
	ret->items = sorted;
	ret->n = run.n;
	ret->status = SEVERITY_OK;
	for (i = 0; i < run.n; i++) {
		ret->count[sorted[i].severity]++;
		if (severity_rank(sorted[i].severity) > severity_rank(ret->status))
			ret->status = sorted[i].severity;
	}
	return 0;
}
