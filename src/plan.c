#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "fragment.h"
#include "kb.h"
#include "plan.h"
#include "procsys.h"
#include "txn.h"

#define KEY_PORT_RANGE "net.ipv4.ip_local_port_range"
#define KEY_UNPRIV_START "net.ipv4.ip_unprivileged_port_start"

static void perr(struct diag *diag, const struct plan_setting *s, const char *id,
		 const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void perr(struct diag *diag, const struct plan_setting *s, const char *id,
		 const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(diag, DIAG_ERROR, s ? s->file : NULL, s ? s->line : 0,
		  s ? s->column : 0, id, key, fmt, ap);
	va_end(ap);
}

static int item_cmp(const void *x, const void *y)
{
	const struct plan_item *a = x, *b = y;

	return strcmp(a->key, b->key);
}

/* Shown in messages without letting control bytes through. */
static const char *shown(struct arena *a, const char *s, size_t max)
{
	size_t n = strlen(s), i;
	char *c = arena_strndup(a, s, n > max ? max : n);

	if (!c)
		return "?";
	for (i = 0; c[i]; i++)
		if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			c[i] = '?';
	return n > max ? arena_printf(a, "%s...", c) : c;
}

static bool value_has_control(const char *v)
{
	for (; *v; v++)
		if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
			return true;
	return false;
}

int plan_validate(const struct plan_setting *in, size_t n, struct arena *a,
		  struct diag *diag, struct plan_item **ret, size_t *ret_n)
{
	struct plan_item *items;
	unsigned errors = diag_errors(diag);
	size_t i, k, m = 0;

	if (n > PLAN_MAX_SETTINGS) {
		perr(diag, NULL, "apply-too-many", NULL, "more than %d settings", PLAN_MAX_SETTINGS);
		return -EINVAL;
	}
	items = arena_calloc(a, n ? n : 1, sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct plan_setting *s = &in[i];
		char canon[SYSCTL_KEY_MAX + 1], want[PLAN_VALUE_MAX], msg[256];
		const struct kb_entry *e;
		const char *sug;
		char *key, *val, *p;

		if (!s->key || !sysctl_key_is_safe(s->key)) {
			perr(diag, s, "apply-unsafe-key", NULL,
			     "refusing key '%s': only a-z 0-9 _ - . / are allowed, "
			     "without '..' or empty components",
			     s->key ? shown(a, s->key, 80) : "");
			continue;
		}
		if (sysctl_key_canonical(s->key, canon, sizeof(canon)) < 0) {
			perr(diag, s, "apply-unsafe-key", NULL, "refusing key '%s': too long",
			     shown(a, s->key, 80));
			continue;
		}
		if (strncmp(canon, "net.", 4) != 0) {
			perr(diag, s, "apply-not-net", canon,
			     "refusing key '%s': apply only writes keys under 'net.'", canon);
			continue;
		}
		e = kb_lookup(canon);
		if (!e) {
			sug = kb_suggest(canon);
			if (sug)
				perr(diag, s, "apply-unknown-key", canon,
				     "refusing unknown key '%s' (did you mean '%s'?)", canon, sug);
			else
				perr(diag, s, "apply-unknown-key", canon,
				     "refusing unknown key '%s': not in twtune's knowledge base", canon);
			continue;
		}
		if (e->read_only) {
			perr(diag, s, "apply-read-only", canon, "refusing read-only key '%s'", canon);
			continue;
		}
		if (!s->value) {
			perr(diag, s, "apply-bad-value", canon, "no value for '%s'", canon);
			continue;
		}
		if (strchr(s->value, '\n') || strchr(s->value, '\r') || value_has_control(s->value)) {
			perr(diag, s, "apply-bad-value", canon,
			     "refusing value '%s' for '%s': it contains a newline or control character",
			     shown(a, s->value, 40), canon);
			continue;
		}
		if (strlen(s->value) >= PLAN_VALUE_MAX) {
			perr(diag, s, "apply-bad-value", canon, "value for '%s' is too long", canon);
			continue;
		}
		msg[0] = '\0';
		if (kb_check_value(e, s->value, msg, sizeof(msg)) < 0 ||
		    kb_canonical_value(e, s->value, want, sizeof(want)) < 0) {
			perr(diag, s, "apply-bad-value", canon, "invalid value for '%s': %s", canon,
			     *msg ? msg : "not accepted by the kernel");
			continue;
		}
		for (k = 0; k < m; k++)
			if (strcmp(items[k].key, canon) == 0)
				break;
		if (k < m) {
			perr(diag, s, "apply-duplicate", canon, "'%s' is set twice", canon);
			continue;
		}
		key = arena_strdup(a, canon);
		val = arena_strdup(a, want);
		if (!key || !val)
			return -ENOMEM;
		for (p = val; *p; p++)
			if (*p == '\t')
				*p = ' ';
		items[m++] = (struct plan_item){
			.key = key, .kb = e, .value = val, .want = arena_strdup(a, want),
		};
		if (!items[m - 1].want)
			return -ENOMEM;
	}
	if (diag_errors(diag) > errors)
		return -EINVAL;
	qsort(items, m, sizeof(*items), item_cmp);
	*ret = items;
	*ret_n = m;
	return 0;
}

static const struct plan_item *find_item(const struct plan_item *items, size_t n,
					 const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(items[i].key, key) == 0)
			return &items[i];
	return NULL;
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

/* The value key will have once the plan is applied: the planned one, else
 * the live one. */
static const char *final_value(int root_fd, const struct plan_item *items, size_t n,
			       const char *key, struct arena *a)
{
	const struct plan_item *it = find_item(items, n, key);
	char *v;

	if (it)
		return it->want;
	return procsys_read(root_fd, key, a, &v) == 0 ? v : NULL;
}

static int check_cross_keys(int root_fd, const struct plan_item *items, size_t n,
			    struct arena *a, struct diag *diag)
{
	long long low, start;
	const char *range, *unpriv;

	if (!find_item(items, n, KEY_PORT_RANGE) && !find_item(items, n, KEY_UNPRIV_START))
		return 0;
	range = final_value(root_fd, items, n, KEY_PORT_RANGE, a);
	unpriv = final_value(root_fd, items, n, KEY_UNPRIV_START, a);
	if (!first_int(range, &low) || !first_int(unpriv, &start) || low >= start)
		return 0;
	diag_add(diag, DIAG_ERROR, NULL, 0, 0, "apply-cross-key", KEY_PORT_RANGE,
		 "'%s' low end %lld is below '%s' %lld; the kernel refuses that "
		 "(set '%s' too, to %lld or less)", KEY_PORT_RANGE, low, KEY_UNPRIV_START,
		 start, KEY_UNPRIV_START, low);
	return -EINVAL;
}

int plan_build(int root_fd, const struct plan_options *o,
	       const struct plan_item *items, size_t n, struct arena *a,
	       struct diag *diag, struct apply_plan *ret)
{
	struct apply_plan p = { 0 };
	struct fragment_entry *entries;
	unsigned old_gen;
	char *old, *buf, canon[PLAN_VALUE_MAX];
	size_t i, len;
	int r;

	r = fragment_read(root_fd, o->fragment_path, a, &p.old_present, &old, &p.old_len);
	if (r == -ELOOP) {
		diag_add(diag, DIAG_ERROR, o->fragment_path, 0, 0, "apply-symlink", NULL,
			 "refusing to write the fragment: it is a symbolic link");
		return r;
	}
	if (r == -EINVAL) {
		diag_add(diag, DIAG_ERROR, o->fragment_path, 0, 0, "apply-not-regular", NULL,
			 "refusing to write the fragment: it is not a regular file");
		return r;
	}
	if (r < 0) {
		diag_add(diag, DIAG_ERROR, o->fragment_path, 0, 0, "apply-read", NULL,
			 "cannot read the fragment: %s", strerror(-r));
		return r;
	}
	p.old_bytes = old;

	p.items = arena_calloc(a, n ? n : 1, sizeof(*p.items));
	entries = arena_calloc(a, n ? n : 1, sizeof(*entries));
	if (!p.items || !entries)
		return -ENOMEM;
	p.n_items = n;
	for (i = 0; i < n; i++) {
		struct plan_item *it = &p.items[i];
		char *live;

		*it = items[i];
		entries[i] = (struct fragment_entry){ it->key, it->value };
		r = procsys_read(root_fd, it->key, a, &live);
		if (r == -ENOENT && !o->live)
			continue;	/* persisted for a later boot / module load */
		if (r < 0) {
			diag_add(diag, DIAG_ERROR, NULL, 0, 0, "apply-absent", it->key,
				 r == -ENOENT ?
				 "'%s' does not exist on this kernel (or in this network namespace)%s" :
				 "cannot read '%s': %s", it->key,
				 r == -ENOENT ? "; --no-live only persists it" : strerror(-r));
			return r;
		}
		it->live = live;
		if (kb_canonical_value(it->kb, live, canon, sizeof(canon)) == 0)
			it->live_change = !txn_value_equal(canon, it->want);
		else
			it->live_change = !txn_value_equal(live, it->want);
		if (o->live && it->live_change)
			p.live_change = true;
	}
	if (o->live) {
		r = check_cross_keys(root_fd, p.items, n, a, diag);
		if (r < 0)
			return r;
	}

	/* Unchanged settings rendered with the generation the present file
	 * names give the same bytes: no new generation for a no-op. */
	if (p.old_present && fragment_generation(old, p.old_len, &old_gen) == 0) {
		r = fragment_render(o->profile, o->profile_sha256, old_gen, entries, n, a,
				    &buf, &len);
		if (r < 0)
			return r;
		if (len == p.old_len && memcmp(buf, old, len) == 0) {
			p.new_bytes = old;
			p.new_len = len;
		}
	}
	if (!p.new_bytes) {
		r = fragment_render(o->profile, o->profile_sha256, o->next_generation, entries,
				    n, a, &buf, &len);
		if (r < 0)
			return r;
		p.new_bytes = buf;
		p.new_len = len;
		p.fragment_change = true;
	}
	p.changed = p.fragment_change || p.live_change;
	*ret = p;
	return 0;
}
