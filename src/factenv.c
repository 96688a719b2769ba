/* factenv: facts and thresholds as seen by expressions. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "arena.h"
#include "facts.h"
#include "factenv.h"
#include "kb.h"
#include "procsys.h"
#include "profile.h"

#define THRESHOLD_PREFIX "thresholds."

void factenv_init(struct factenv *fe, const struct facts *f,
		  const struct profile_threshold *t, size_t n)
{
	fe->facts = f;
	fe->thresholds = t;
	fe->n_thresholds = n;
}

const struct profile_threshold *factenv_threshold(const struct profile_threshold *t,
						  size_t n, const char *name)
{
	size_t plen = strlen(THRESHOLD_PREFIX);

	if (!strncmp(name, THRESHOLD_PREFIX, plen))
		name += plen;
	for (size_t i = 0; i < n; i++)
		if (t[i].name && !strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

static bool is_threshold_name(const char *name)
{
	return !strncmp(name, THRESHOLD_PREFIX, strlen(THRESHOLD_PREFIX));
}

static int factenv_lookup(void *userdata, const char *name, struct value *ret)
{
	const struct factenv *fe = userdata;
	const struct profile_threshold *t;

	if (is_threshold_name(name)) {
		t = factenv_threshold(fe->thresholds, fe->n_thresholds, name);
		if (!t)
			return -ENOENT;
		*ret = value_number(t->value);
		return 0;
	}
	if (!fe->facts)
		return -ENODATA;
	return facts_get(fe->facts, name, ret);
}

static int factenv_call(void *userdata, const char *function, const char *arg,
			struct value *ret)
{
	const struct factenv *fe = userdata;

	if (!fe->facts)
		return -ENODATA;
	if (!strcmp(function, "sysctl"))
		return facts_sysctl(fe->facts, arg, ret);
	if (!strcmp(function, "boot"))
		return facts_boot(fe->facts, arg, ret);
	if (!strcmp(function, "boot_source"))
		return facts_boot_source(fe->facts, arg, ret);
	if (!strcmp(function, "counter"))
		return facts_counter(fe->facts, arg, ret);
	if (!strcmp(function, "rate"))
		return facts_rate(fe->facts, arg, ret);
	return -ENOENT;
}

struct expr_env factenv_env(struct factenv *fe)
{
	return (struct expr_env){
		.lookup = factenv_lookup,
		.call = factenv_call,
		.userdata = fe,
	};
}

static bool factenv_name_valid(void *userdata, const char *name)
{
	const struct factenv *fe = userdata;

	if (is_threshold_name(name))
		return factenv_threshold(fe->thresholds, fe->n_thresholds, name) != NULL;
	return facts_name_valid(name);
}

/* Types come from the facts table itself, so `kernel.version >= 4.12` or
 * `tw.top.address > 3` fail at load time and can never disagree with what
 * facts_get() returns. Thresholds are numbers. */
static bool factenv_name_type(void *userdata, const char *name,
			      enum value_type *ret)
{
	const char *meaning;

	if (is_threshold_name(name)) {
		*ret = VALUE_NUMBER;
		return true;
	}
	return facts_describe(name, ret, &meaning) == 0;
}

static const char *factenv_suggest(void *userdata, const char *name,
				   struct arena *a)
{
	const struct factenv *fe = userdata;
	const char *const *names;
	struct expr_closest c;

	if (is_threshold_name(name)) {
		expr_closest_init(&c, name + strlen(THRESHOLD_PREFIX));
		for (size_t i = 0; i < fe->n_thresholds; i++)
			expr_closest_add(&c, fe->thresholds[i].name);
		if (!expr_closest_result(&c))
			return NULL;
		return arena_printf(a, THRESHOLD_PREFIX "%s", expr_closest_result(&c));
	}
	expr_closest_init(&c, name);
	for (names = facts_names(); names && *names; names++)
		expr_closest_add(&c, *names);
	return expr_closest_result(&c);
}

static const char *unknown_key(const char *key, struct arena *a)
{
	char hint[SYSCTL_KEY_MAX + 1];

	if (kb_suggest_r(key, hint, sizeof(hint)) == 0)
		return arena_printf(a, "unknown sysctl key '%s' (did you mean '%s'?)",
				    key, hint);
	return arena_printf(a, "unknown sysctl key '%s'", key);
}

/* The load-time half of facts_sysctl() and facts_boot(): a typo in a key
 * would otherwise make the rule silently null (boot) or unknown forever
 * (sysctl). */
static const char *factenv_check_arg(void *userdata, const char *function,
				     const char *arg, struct arena *a)
{
	char canon[SYSCTL_KEY_MAX + 1];

	if (!strcmp(function, "counter") || !strcmp(function, "rate")) {
		if (!facts_counter_name_valid(arg))
			return arena_printf(a, "invalid counter name '%s' (write GROUP.NAME, "
					    "as in 'TcpExt.TCPTimeWaitOverflow')", arg);
		return NULL;
	}
	if (sysctl_key_canonical(arg, canon, sizeof(canon)) < 0 ||
	    !sysctl_key_is_safe(canon))
		return arena_printf(a, "invalid sysctl key '%s'", arg);
	if (!strcmp(function, "sysctl")) {
		if (kb_lookup(canon))
			return NULL;
		if (kb_name_known(canon))
			return arena_printf(a, "sysctl key '%s' is not in the knowledge base, "
					    "so sysctl() cannot read it", canon);
		return unknown_key(canon, a);
	}
	/* boot(), boot_source(): any real key may be set by a file. */
	if (!kb_lookup(canon) && !kb_name_known(canon))
		return unknown_key(canon, a);
	return NULL;
}

struct expr_names factenv_names(const struct factenv *fe)
{
	return (struct expr_names){
		.name_valid = factenv_name_valid,
		.name_type = factenv_name_type,
		.suggest = factenv_suggest,
		.check_arg = factenv_check_arg,
		.userdata = (void *)fe,
	};
}
