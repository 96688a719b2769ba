/* factenv: facts and thresholds as seen by expressions. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "facts.h"
#include "factenv.h"
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

struct expr_names factenv_names(const struct factenv *fe)
{
	return (struct expr_names){
		.name_valid = factenv_name_valid,
		.userdata = (void *)fe,
	};
}
