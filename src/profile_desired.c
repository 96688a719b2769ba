/*
 * Settings against the facts: what a profile wants written on this host
 * (profile_desired, used by apply) and the per-setting arithmetic that the
 * drift check shares with it, so check and apply cannot disagree.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "expr.h"
#include "factenv.h"
#include "facts.h"
#include "kb.h"
#include "profile.h"

#define VALUE_BUF 256

static const char *canonical(const struct kb_entry *e, const char *v, char *buf,
			     size_t size)
{
	if (kb_canonical_value(e, v, buf, size) < 0)
		return v;
	return buf;
}

bool profile_value_equal(const struct kb_entry *e, const char *x, const char *y)
{
	char bx[VALUE_BUF], by[VALUE_BUF];

	if (!x || !y)
		return x == y;
	return strcmp(canonical(e, x, bx, sizeof(bx)), canonical(e, y, by, sizeof(by))) == 0;
}

/* Integers of an int or int-pair value; -EINVAL when it is not one. */
static int split_ints(const char *s, long long *v, size_t max, size_t *ret_n)
{
	char tok[64];
	size_t n = 0, len;
	int r;

	for (;;) {
		while (*s && isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		len = strcspn(s, " \t\n");
		if (n == max || len >= sizeof(tok))
			return -EINVAL;
		memcpy(tok, s, len);
		tok[len] = '\0';
		r = kb_parse_int(tok, &v[n]);
		if (r < 0)
			return r;
		n++;
		s += len;
	}
	if (n == 0)
		return -EINVAL;
	*ret_n = n;
	return 0;
}

int profile_setting_target(const struct profile_setting *s, const char *live,
			   struct arena *a, const char **ret)
{
	long long want[2], have[2];
	size_t n_want, n_have, i;
	char buf[VALUE_BUF], *text;

	if (s->kind == SETTING_VALUE || !live ||
	    split_ints(s->value, want, 2, &n_want) < 0 ||
	    split_ints(live, have, 2, &n_have) < 0 || n_want != n_have) {
		text = arena_strdup(a, canonical(s->kb, s->value, buf, sizeof(buf)));
		if (!text)
			return -ENOMEM;
		*ret = text;
		return 0;
	}
	for (i = 0; i < n_want; i++) {
		if (s->kind == SETTING_AT_LEAST && have[i] > want[i])
			want[i] = have[i];
		if (s->kind == SETTING_AT_MOST && have[i] < want[i])
			want[i] = have[i];
	}
	text = n_want == 1 ? arena_printf(a, "%lld", want[0]) :
			     arena_printf(a, "%lld %lld", want[0], want[1]);
	if (!text)
		return -ENOMEM;
	*ret = arena_strdup(a, canonical(s->kb, text, buf, sizeof(buf)));
	return *ret ? 0 : -ENOMEM;
}

int profile_desired(const struct profile *p, const struct facts *f,
		    struct arena *a, struct diag *diag,
		    struct desired_setting **ret, size_t *ret_n)
{
	struct desired_setting *out;
	struct factenv fe;
	struct expr_env env;
	size_t i, n = 0;
	int r, result = 0;

	factenv_init(&fe, f, p->thresholds, p->n_thresholds);
	env = factenv_env(&fe);
	out = arena_calloc(a, p->n_settings + 1, sizeof(*out));
	if (!out)
		return -ENOMEM;
	for (i = 0; i < p->n_settings; i++) {
		const struct profile_setting *s = &p->settings[i];
		const char *reason = NULL, *live, *value;
		bool applies = true;

		if (s->when) {
			r = expr_eval_bool(s->when, &env, a, &applies, &reason);
			if (r == -EDOM) {
				diag_add(diag, DIAG_ERROR, s->file, s->line, s->column,
					 "when-unknown", s->key,
					 "cannot decide whether to set '%s': %s", s->key,
					 reason ? reason : "condition is unknown");
				result = -EDOM;
				continue;
			}
			if (r < 0)
				return r;
			if (!applies)
				continue;
		}
		live = facts_sysctl_raw(f, s->key);
		if (!live) {
			diag_add(diag, DIAG_INFO, s->file, s->line, s->column, "key-absent",
				 s->key, "skipping '%s': not present on this kernel", s->key);
			continue;
		}
		r = profile_setting_target(s, live, a, &value);
		if (r < 0)
			return r;
		out[n++] = (struct desired_setting){
			.key = s->key, .kb = s->kb, .value = value, .live = live,
			.setting = s,
		};
	}
	if (result < 0)
		return result;
	*ret = out;
	*ret_n = n;
	return 0;
}
