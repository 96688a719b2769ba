/*
 * The profile schema, version 1 (PRODUCT.md section 3): one file's YAML
 * tree checked field by field and merged onto what its parents gave.
 * Every problem is reported with the position of the offending node, and
 * validation goes on so that one run shows all of a file's errors.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "expr.h"
#include "factenv.h"
#include "kb.h"
#include "procsys.h"
#include "profile_internal.h"

#define ID_SCHEMA "profile-schema"

static void schema_error(struct profile_acc *acc, const struct ytree_node *n,
			 const char *id, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void schema_error(struct profile_acc *acc, const struct ytree_node *n,
			 const char *id, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(acc->diag, DIAG_ERROR, acc->file, n ? n->line : 0,
		  n ? n->column : 0, id, NULL, fmt, ap);
	va_end(ap);
}

/* A string-valued field: a scalar that is not null. */
static const char *schema_string(struct profile_acc *acc, const struct ytree_node *n,
				 const char *field)
{
	if (n->type != YTREE_SCALAR) {
		schema_error(acc, n, ID_SCHEMA, "'%s' must be a string, not %s",
			     field, ytree_type_name(n->type));
		return NULL;
	}
	if (ytree_is_null(n)) {
		schema_error(acc, n, ID_SCHEMA, "'%s' must not be empty", field);
		return NULL;
	}
	if (strlen(n->text) != n->len) {
		schema_error(acc, n, ID_SCHEMA, "'%s' contains a NUL byte", field);
		return NULL;
	}
	return n->text;
}

static bool schema_is_type(struct profile_acc *acc, const struct ytree_node *n,
			   enum ytree_type type, const char *field)
{
	if (n->type == type)
		return true;
	schema_error(acc, n, ID_SCHEMA, "'%s' must be %s, not %s", field,
		     ytree_type_name(type), ytree_type_name(n->type));
	return false;
}

static void schema_unknown_field(struct profile_acc *acc, const struct ytree_node *key,
				 const char *where, const char *expected)
{
	schema_error(acc, key, "unknown-field", "unknown field '%s' in %s (expected %s)",
		     key->text, where, expected);
}

static bool schema_field_known(const char *name, const char *const *fields)
{
	for (; *fields; fields++)
		if (strcmp(name, *fields) == 0)
			return true;
	return false;
}

bool profile_name_is_valid(const char *name)
{
	const char *p;

	if (!name || !*name || strlen(name) > PROFILE_MAX_NAME)
		return false;
	if (!((*name >= 'a' && *name <= 'z') || (*name >= '0' && *name <= '9')))
		return false;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_' || *p == '.'))
			return false;
	return true;
}

static bool schema_id_is_valid(const char *id)
{
	const char *p;

	if (!*id || strlen(id) > PROFILE_MAX_NAME)
		return false;
	if (!((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9')))
		return false;
	for (p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

/* ---- top level ---- */

static const char *const head_fields[] = {
	"twtune", "name", "description", "extends", "disable", "thresholds",
	"settings", "rules", NULL,
};

void profile_schema_head(struct profile_acc *acc, const struct ytree_node *root,
			 struct profile_head *ret)
{
	const struct ytree_node *version = NULL;
	size_t i;

	memset(ret, 0, sizeof(*ret));
	if (!root) {
		diag_add(acc->diag, DIAG_ERROR, acc->file, 0, 0, ID_SCHEMA, NULL,
			 "empty profile (expected a mapping with 'twtune: 1' and 'name')");
		return;
	}
	if (!schema_is_type(acc, root, YTREE_MAPPING, "profile"))
		return;
	for (i = 0; i < root->n; i++) {
		const struct ytree_node *k = root->keys[i], *v = root->items[i];

		if (k->type != YTREE_SCALAR)
			continue;	/* reported by ytree */
		if (!schema_field_known(k->text, head_fields)) {
			schema_unknown_field(acc, k, "profile",
					     "twtune, name, description, extends, disable, "
					     "thresholds, settings or rules");
			continue;
		}
		if (strcmp(k->text, "twtune") == 0)
			version = v;
		else if (strcmp(k->text, "name") == 0) {
			ret->name_node = v;
			ret->name = schema_string(acc, v, "name");
			if (ret->name && !profile_name_is_valid(ret->name)) {
				schema_error(acc, v, ID_SCHEMA,
					     "invalid profile name '%s' (lowercase letters, "
					     "digits, '-', '_' and '.', at most %d bytes)",
					     ret->name, PROFILE_MAX_NAME);
				ret->name = NULL;
			}
		} else if (strcmp(k->text, "description") == 0)
			ret->description = schema_string(acc, v, "description");
		else if (strcmp(k->text, "extends") == 0) {
			if (schema_is_type(acc, v, YTREE_SEQUENCE, "extends"))
				ret->extends = v;
		} else if (strcmp(k->text, "disable") == 0) {
			if (schema_is_type(acc, v, YTREE_SEQUENCE, "disable"))
				ret->disable = v;
		} else if (strcmp(k->text, "thresholds") == 0) {
			if (ytree_is_null(v))
				continue;
			if (schema_is_type(acc, v, YTREE_MAPPING, "thresholds"))
				ret->thresholds = v;
		} else if (strcmp(k->text, "settings") == 0) {
			if (ytree_is_null(v))
				continue;
			if (schema_is_type(acc, v, YTREE_MAPPING, "settings"))
				ret->settings = v;
		} else if (strcmp(k->text, "rules") == 0) {
			if (ytree_is_null(v))
				continue;
			if (schema_is_type(acc, v, YTREE_SEQUENCE, "rules"))
				ret->rules = v;
		}
	}
	if (!version)
		schema_error(acc, root, ID_SCHEMA,
			     "missing field 'twtune' (the schema version, 1)");
	else if (version->type != YTREE_SCALAR || version->style != YTREE_PLAIN ||
		 strcmp(version->text, "1") != 0)
		schema_error(acc, version, ID_SCHEMA,
			     "unsupported schema version '%s' (this twtune reads 'twtune: 1')",
			     version->type == YTREE_SCALAR ? version->text : "?");
	if (!ret->name_node)
		schema_error(acc, root, ID_SCHEMA, "missing field 'name'");
}

/* ---- thresholds ---- */

void profile_schema_thresholds(struct profile_acc *acc, const struct ytree_node *n)
{
	size_t i;

	if (!n)
		return;
	if (n->n > PROFILE_MAX_THRESHOLDS)
		schema_error(acc, n, "profile-too-large", "too many thresholds (%zu, at most %d)",
			     n->n, PROFILE_MAX_THRESHOLDS);
	for (i = 0; i < n->n && i < PROFILE_MAX_THRESHOLDS; i++) {
		const struct ytree_node *k = n->keys[i], *v = n->items[i];
		struct profile_threshold t = { .file = acc->file, .line = k->line };
		const char *p;
		char *end;

		if (k->type != YTREE_SCALAR)
			continue;
		for (p = k->text; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
				break;
		if (*p || !*k->text || k->len > PROFILE_MAX_NAME) {
			schema_error(acc, k, ID_SCHEMA,
				     "invalid threshold name '%s' (lowercase letters, digits "
				     "and '_')", k->text);
			continue;
		}
		if (v->type != YTREE_SCALAR || v->style != YTREE_PLAIN || ytree_is_null(v)) {
			schema_error(acc, v, ID_SCHEMA, "threshold '%s' must be a number",
				     k->text);
			continue;
		}
		errno = 0;
		t.value = strtod(v->text, &end);
		if (errno || end == v->text || *end || !isfinite(t.value)) {
			schema_error(acc, v, ID_SCHEMA,
				     "threshold '%s' must be a number, not '%s'", k->text, v->text);
			continue;
		}
		t.name = k->text;
		if (profile_acc_put_threshold(acc, &t) < 0)
			acc->diag->oom = true;
	}
}

/* ---- disable ---- */

void profile_schema_disable(struct profile_acc *acc, const struct ytree_node *n)
{
	size_t i, j;

	if (!n)
		return;
	for (i = 0; i < n->n; i++) {
		const char *id = schema_string(acc, n->items[i], "disable");
		struct profile_rule *r;

		if (!id)
			continue;
		r = profile_acc_rule(acc, id);
		if (!r) {
			schema_error(acc, n->items[i], "unknown-rule",
				     "cannot disable unknown rule '%s' (no parent profile "
				     "defines it)", id);
			continue;
		}
		j = (size_t)(r - acc->rules);
		memmove(&acc->rules[j], &acc->rules[j + 1],
			(acc->n_rules - j - 1) * sizeof(*acc->rules));
		acc->n_rules--;
	}
}

/* ---- settings ---- */

/* A sysctl key as written in a profile: in the knowledge base; for
 * settings also under net. and writable. Returns the entry or NULL after
 * reporting. */
static const struct kb_entry *schema_key(struct profile_acc *acc,
					 const struct ytree_node *k, bool for_setting)
{
	const struct kb_entry *e;
	const char *hint;
	char canon[SYSCTL_KEY_MAX + 1];

	if (k->type != YTREE_SCALAR || ytree_is_null(k)) {
		schema_error(acc, k, ID_SCHEMA, "sysctl key must be a string");
		return NULL;
	}
	if (strlen(k->text) != k->len || strpbrk(k->text, "\n\r") ||
	    !sysctl_key_is_safe(k->text) ||
	    sysctl_key_canonical(k->text, canon, sizeof(canon)) < 0) {
		schema_error(acc, k, "unsafe-key",
			     "invalid sysctl key '%s' (allowed: a-z 0-9 _ . - /, no "
			     "empty component, no '..')", k->text);
		return NULL;
	}
	if (for_setting && strncmp(canon, "net.", 4) != 0) {
		schema_error(acc, k, "key-outside-net",
			     "key '%s' is outside 'net.': profiles may only set network "
			     "keys", canon);
		return NULL;
	}
	e = kb_lookup(canon);
	if (!e) {
		hint = kb_suggest(canon);
		if (hint)
			schema_error(acc, k, "unknown-key",
				     "unknown key '%s' (did you mean '%s'?)", canon, hint);
		else
			schema_error(acc, k, "unknown-key",
				     "key '%s' is not in twtune's knowledge base", canon);
		return NULL;
	}
	if (for_setting && e->read_only) {
		schema_error(acc, k, "read-only-key", "key '%s' is read-only", e->key);
		return NULL;
	}
	return e;
}

/* A value for key e: a scalar the kernel would accept. */
static const char *schema_value(struct profile_acc *acc, const struct kb_entry *e,
				const struct ytree_node *v)
{
	char msg[256] = "";

	if (v->type != YTREE_SCALAR || ytree_is_null(v)) {
		schema_error(acc, v, ID_SCHEMA, "value of '%s' must be a scalar%s",
			     e->key, v->type == YTREE_SCALAR ? ", not empty" : "");
		return NULL;
	}
	if (strlen(v->text) != v->len || strpbrk(v->text, "\n\r")) {
		schema_error(acc, v, "bad-value", "value of '%s' must be one line", e->key);
		return NULL;
	}
	if (kb_check_value(e, v->text, msg, sizeof(msg)) < 0) {
		/* kb's message names the value, the key and the valid range. */
		if (*msg)
			schema_error(acc, v, "bad-value", "%s", msg);
		else
			schema_error(acc, v, "bad-value", "invalid value '%s' for '%s'",
				     v->text, e->key);
		return NULL;
	}
	return v->text;
}

/* Where an expression's text starts in the file, so its errors point
 * into the YAML (block scalars continue at their indentation). */
static struct expr_origin schema_origin(const struct profile_acc *acc,
					const struct ytree_node *v)
{
	return (struct expr_origin){
		.file = acc->file,
		.line = v->text_line,
		.column = v->text_column,
		.continuation_column = v->style == YTREE_BLOCK ? v->text_column : 0,
	};
}

/* Names an expression may read: facts, and thresholds defined so far
 * (the file's own and its parents'). */
static struct expr_names schema_names(struct profile_acc *acc, struct factenv *fe)
{
	factenv_init(fe, NULL, acc->thresholds, acc->n_thresholds);
	return factenv_names(fe);
}

static const struct expr *schema_when(struct profile_acc *acc, const struct ytree_node *v,
				      const char **ret_text)
{
	struct factenv fe;
	struct expr_names names = schema_names(acc, &fe);
	struct expr_origin origin = schema_origin(acc, v);
	struct expr *e = NULL;
	const char *text = schema_string(acc, v, "when");

	if (!text)
		return NULL;
	if (expr_parse_condition(text, &origin, &names, acc->a, acc->diag, &e) < 0)
		return NULL;
	*ret_text = text;
	return e;
}

static const char *const setting_fields[] = { "value", "at_least", "at_most", "when", NULL };

static void schema_setting(struct profile_acc *acc, const struct ytree_node *k,
			   const struct ytree_node *v)
{
	struct profile_setting s = { .file = acc->file, .line = k->line, .column = k->column };
	const struct ytree_node *valnode = NULL;
	const struct kb_entry *e;
	size_t i;
	bool ok = true;

	e = schema_key(acc, k, true);
	if (v->type == YTREE_MAPPING) {
		for (i = 0; i < v->n; i++) {
			const struct ytree_node *fk = v->keys[i], *fv = v->items[i];
			enum setting_kind kind;

			if (fk->type != YTREE_SCALAR)
				continue;
			if (!schema_field_known(fk->text, setting_fields)) {
				schema_unknown_field(acc, fk, "setting",
						     "value, at_least, at_most or when");
				ok = false;
				continue;
			}
			if (strcmp(fk->text, "when") == 0) {
				s.when = schema_when(acc, fv, &s.when_text);
				if (!s.when)
					ok = false;
				continue;
			}
			kind = strcmp(fk->text, "value") == 0 ? SETTING_VALUE :
			       strcmp(fk->text, "at_least") == 0 ? SETTING_AT_LEAST :
			       SETTING_AT_MOST;
			if (valnode) {
				schema_error(acc, fk, ID_SCHEMA,
					     "'%s' conflicts with '%s' (give exactly one of "
					     "value, at_least, at_most)", fk->text,
					     setting_kind_name(s.kind));
				ok = false;
				continue;
			}
			valnode = fv;
			s.kind = kind;
		}
		if (!valnode) {
			if (!ok)
				return;	/* a misspelt field says enough */
			schema_error(acc, v, ID_SCHEMA,
				     "setting '%s' needs one of value, at_least, at_most",
				     k->type == YTREE_SCALAR ? k->text : "?");
			return;
		}
	} else if (v->type == YTREE_SCALAR) {
		valnode = v;
	} else {
		schema_error(acc, v, ID_SCHEMA,
			     "setting must be a value or a mapping {value|at_least|at_most, "
			     "when}, not %s", ytree_type_name(v->type));
		return;
	}
	if (!e)
		return;
	if (s.kind != SETTING_VALUE && e->type != KB_INT && e->type != KB_INT_PAIR) {
		schema_error(acc, valnode, ID_SCHEMA,
			     "'%s' needs a numeric key; '%s' is of type %s",
			     setting_kind_name(s.kind), e->key, kb_type_name(e->type));
		return;
	}
	s.value = schema_value(acc, e, valnode);
	if (!s.value || !ok)
		return;
	s.key = e->key;
	s.kb = e;
	if (profile_acc_put_setting(acc, &s) < 0)
		acc->diag->oom = true;
}

void profile_schema_settings(struct profile_acc *acc, const struct ytree_node *n)
{
	const char **seen;
	size_t i, j;

	if (!n)
		return;
	if (n->n > PROFILE_MAX_SETTINGS) {
		schema_error(acc, n, "profile-too-large", "too many settings (%zu, at most %d)",
			     n->n, PROFILE_MAX_SETTINGS);
		return;
	}
	/* Two spellings of one key are one key set twice. */
	seen = arena_calloc(acc->a, n->n + 1, sizeof(*seen));
	if (!seen) {
		acc->diag->oom = true;
		return;
	}
	for (i = 0; i < n->n; i++) {
		const struct ytree_node *k = n->keys[i];
		char canon[SYSCTL_KEY_MAX + 1];

		if (k->type == YTREE_SCALAR &&
		    sysctl_key_canonical(k->text, canon, sizeof(canon)) == 0) {
			for (j = 0; j < i; j++)
				if (seen[j] && strcmp(seen[j], canon) == 0)
					break;
			if (j < i && strcmp(n->keys[j]->text, k->text) != 0) {
				schema_error(acc, k, "duplicate-key",
					     "key '%s' is set twice (first at line %u as '%s')",
					     canon, n->keys[j]->line, n->keys[j]->text);
				continue;
			}
			seen[i] = arena_strdup(acc->a, canon);
		}
		schema_setting(acc, k, n->items[i]);
	}
}

/* ---- rules ---- */

static const char *const rule_fields[] = {
	"id", "severity", "when", "summary", "advice", "keys", "recommend", "refs", NULL,
};

static int schema_severity(struct profile_acc *acc, const struct ytree_node *v,
			   enum severity *ret)
{
	const char *s = schema_string(acc, v, "severity");

	if (!s)
		return -EINVAL;
	if (strcmp(s, "info") == 0)
		*ret = SEVERITY_INFO;
	else if (strcmp(s, "warning") == 0)
		*ret = SEVERITY_WARNING;
	else if (strcmp(s, "critical") == 0)
		*ret = SEVERITY_CRITICAL;
	else {
		schema_error(acc, v, ID_SCHEMA,
			     "invalid severity '%s' (expected info, warning or critical)", s);
		return -EINVAL;
	}
	return 0;
}

static const char **schema_string_list(struct profile_acc *acc, const struct ytree_node *v,
				       const char *field, bool keys, size_t *ret_n,
				       bool *ok)
{
	const char **list;
	size_t i, n = 0;

	*ret_n = 0;
	if (!schema_is_type(acc, v, YTREE_SEQUENCE, field)) {
		*ok = false;
		return NULL;
	}
	list = arena_calloc(acc->a, v->n + 1, sizeof(*list));
	if (!list) {
		acc->diag->oom = true;
		*ok = false;
		return NULL;
	}
	for (i = 0; i < v->n; i++) {
		if (keys) {
			const struct kb_entry *e = schema_key(acc, v->items[i], false);

			if (e)
				list[n++] = e->key;
			else
				*ok = false;
		} else {
			const char *s = schema_string(acc, v->items[i], field);

			if (s)
				list[n++] = s;
			else
				*ok = false;
		}
	}
	*ret_n = n;
	return list;
}

static void schema_recommend(struct profile_acc *acc, const struct ytree_node *v,
			     struct profile_rule *r, bool *ok)
{
	size_t i;

	if (!schema_is_type(acc, v, YTREE_MAPPING, "recommend")) {
		*ok = false;
		return;
	}
	r->recommend = arena_calloc(acc->a, v->n + 1, sizeof(*r->recommend));
	if (!r->recommend) {
		acc->diag->oom = true;
		*ok = false;
		return;
	}
	for (i = 0; i < v->n; i++) {
		const struct kb_entry *e = schema_key(acc, v->keys[i], false);
		const char *val;

		if (!e) {
			*ok = false;
			continue;
		}
		val = schema_value(acc, e, v->items[i]);
		if (!val) {
			*ok = false;
			continue;
		}
		r->recommend[r->n_recommend].key = e->key;
		r->recommend[r->n_recommend].value = val;
		r->n_recommend++;
	}
}

static void schema_rule(struct profile_acc *acc, const struct ytree_node *n,
			const struct ytree_node **ids, size_t index)
{
	struct profile_rule r = { .file = acc->file, .line = n->line };
	const struct ytree_node *id_node = NULL;
	bool ok = true, have_sev = false;
	size_t i;

	if (!schema_is_type(acc, n, YTREE_MAPPING, "rule"))
		return;
	for (i = 0; i < n->n; i++) {
		const struct ytree_node *k = n->keys[i], *v = n->items[i];

		if (k->type != YTREE_SCALAR)
			continue;
		if (!schema_field_known(k->text, rule_fields)) {
			schema_unknown_field(acc, k, "rule",
					     "id, severity, when, summary, advice, keys, "
					     "recommend or refs");
			ok = false;
		} else if (strcmp(k->text, "id") == 0) {
			r.id = schema_string(acc, v, "id");
			id_node = v;
			if (r.id && !schema_id_is_valid(r.id)) {
				schema_error(acc, v, ID_SCHEMA,
					     "invalid rule id '%s' (lowercase letters, digits "
					     "and '-', at most %d bytes)", r.id, PROFILE_MAX_NAME);
				r.id = NULL;
			} else if (r.id && (strcmp(r.id, "drift-setting") == 0 ||
					    strcmp(r.id, "drift-boot") == 0)) {
				schema_error(acc, v, ID_SCHEMA,
					     "rule id '%s' is reserved for twtune's built-in "
					     "drift check", r.id);
				r.id = NULL;
			}
		} else if (strcmp(k->text, "severity") == 0) {
			if (schema_severity(acc, v, &r.severity) == 0)
				have_sev = true;
			else
				ok = false;
		} else if (strcmp(k->text, "when") == 0) {
			r.when = schema_when(acc, v, &r.when_text);
			if (!r.when)
				ok = false;
		} else if (strcmp(k->text, "summary") == 0) {
			struct factenv fe;
			struct expr_names names = schema_names(acc, &fe);
			struct expr_origin origin = schema_origin(acc, v);
			struct expr_template *t = NULL;

			r.summary_text = schema_string(acc, v, "summary");
			if (!r.summary_text) {
				ok = false;
				continue;
			}
			if (expr_template_parse(r.summary_text, &origin, &names, acc->a,
						acc->diag, &t) < 0)
				ok = false;
			r.summary = t;
		} else if (strcmp(k->text, "advice") == 0) {
			r.advice = schema_string(acc, v, "advice");
			if (!r.advice)
				ok = false;
		} else if (strcmp(k->text, "keys") == 0) {
			r.keys = schema_string_list(acc, v, "keys", true, &r.n_keys, &ok);
		} else if (strcmp(k->text, "refs") == 0) {
			r.refs = schema_string_list(acc, v, "refs", false, &r.n_refs, &ok);
		} else if (strcmp(k->text, "recommend") == 0) {
			schema_recommend(acc, v, &r, &ok);
		}
	}
	if (!id_node) {
		schema_error(acc, n, ID_SCHEMA, "rule is missing field 'id'");
		ok = false;
	}
	if (!have_sev && !ytree_get(n, "severity")) {
		schema_error(acc, n, ID_SCHEMA, "rule '%s' is missing field 'severity'",
			     r.id ? r.id : "?");
		ok = false;
	}
	if (!ytree_get(n, "when")) {
		schema_error(acc, n, ID_SCHEMA, "rule '%s' is missing field 'when'",
			     r.id ? r.id : "?");
		ok = false;
	}
	if (!ytree_get(n, "summary")) {
		schema_error(acc, n, ID_SCHEMA, "rule '%s' is missing field 'summary'",
			     r.id ? r.id : "?");
		ok = false;
	}
	if (r.id) {
		for (i = 0; i < index; i++)
			if (ids[i] && strcmp(ids[i]->text, r.id) == 0) {
				schema_error(acc, id_node, "duplicate-rule",
					     "duplicate rule id '%s' (first defined at line %u)",
					     r.id, ids[i]->line);
				ok = false;
				break;
			}
		if (i == index)
			ids[index] = id_node;
	}
	if (!ok || !r.id)
		return;
	if (!profile_acc_rule(acc, r.id) && acc->n_rules >= PROFILE_MAX_RULES) {
		schema_error(acc, n, "profile-too-large",
			     "too many rules (at most %d with those of parent profiles)",
			     PROFILE_MAX_RULES);
		return;
	}
	if (profile_acc_put_rule(acc, &r) < 0)
		acc->diag->oom = true;
}

void profile_schema_rules(struct profile_acc *acc, const struct ytree_node *n)
{
	const struct ytree_node **ids;
	size_t i;

	if (!n)
		return;
	if (n->n > PROFILE_MAX_RULES) {
		schema_error(acc, n, "profile-too-large", "too many rules (%zu, at most %d)",
			     n->n, PROFILE_MAX_RULES);
		return;
	}
	ids = arena_calloc(acc->a, n->n + 1, sizeof(*ids));
	if (!ids) {
		acc->diag->oom = true;
		return;
	}
	for (i = 0; i < n->n; i++)
		schema_rule(acc, n->items[i], ids, i);
}
