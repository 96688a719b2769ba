/*
 * lint_rules: what lint knows about sysctl assignments. Line rules look at
 * one assignment (key known? value valid for the target kernel? a
 * dangerous value?); effective rules look at the resolved set (keys that
 * depend on each other, assignments overridden by later files, a profile's
 * settings). Keys no file sets take the live value under the root, then
 * the knowledge base default.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "kb.h"
#include "lint.h"
#include "lint_int.h"
#include "procsys.h"
#include "profile.h"
#include "sysctld.h"

#define K_TW_RECYCLE "net.ipv4.tcp_tw_recycle"
#define K_TW_REUSE "net.ipv4.tcp_tw_reuse"
#define K_TIMESTAMPS "net.ipv4.tcp_timestamps"
#define K_TW_BUCKETS "net.ipv4.tcp_max_tw_buckets"
#define K_FIN_TIMEOUT "net.ipv4.tcp_fin_timeout"
#define K_PORT_RANGE "net.ipv4.ip_local_port_range"
#define K_RESERVED "net.ipv4.ip_local_reserved_ports"
#define K_UNPRIV "net.ipv4.ip_unprivileged_port_start"

/* Fewer ephemeral ports than this is a warning: the default range has
 * 28232, and at 60 s of TIME_WAIT per connection 10000 ports allow only
 * ~166 new connections per second to one destination. */
#define PORT_RANGE_NARROW 10000
/* tcp_max_tw_buckets threshold when the root does not tell ehash size:
 * ehash/2 on a host with 128 Ki buckets (a few GiB of RAM). */
#define TW_BUCKETS_FALLBACK 65536
#define FIN_TIMEOUT_DEFAULT 60
#define LINT_MAX_SUGGEST 100

const struct lint_rule lint_rules[] = {
	{ "not-assignment", DIAG_ERROR, "line is neither a comment, an assignment nor a '-key' exclusion (systemd-sysctl exits 1)" },
	{ "empty-key", DIAG_ERROR, "assignment without a key" },
	{ "invalid-key", DIAG_ERROR, "key too long or containing '..'" },
	{ "line-too-long", DIAG_ERROR, "line longer than 1 MiB: systemd stops reading the file" },
	{ "file-too-large", DIAG_ERROR, "file larger than 4 MiB or with more than 65536 assignments: not read" },
	{ "too-many-files", DIAG_ERROR, "more than 1024 files in the sysctl.d directories" },
	{ "unreadable", DIAG_ERROR, "file or directory cannot be read" },
	{ "dangling-symlink", DIAG_INFO, "symlink that does not resolve: masks same-named files, sets nothing" },
	{ "semicolon-comment", DIAG_INFO, "';' comment: a comment up to systemd 258, a setting from systemd 259" },
	{ "dash-blank", DIAG_INFO, "blank between '-' and the key: procps sysctl never applies the line" },
	{ "unknown-key", DIAG_WARNING, "key not known in any kernel (with a did-you-mean)" },
	{ "key-removed", DIAG_WARNING, "key removed before the target kernel" },
	{ "key-not-yet", DIAG_WARNING, "key added after the target kernel" },
	{ "read-only-key", DIAG_WARNING, "key is read-only: the write always fails" },
	{ "invalid-value", DIAG_ERROR, "value of the wrong type or out of range: the kernel refuses it" },
	{ "tw-recycle", DIAG_ERROR, "tcp_tw_recycle enabled: drops SYNs from clients behind NAT; removed in Linux 4.12" },
	{ "tw-buckets-low", DIAG_WARNING, "tcp_max_tw_buckets lowered below the kernel default" },
	{ "tw-reuse-no-timestamps", DIAG_WARNING, "tcp_tw_reuse on while tcp_timestamps is 0: reuse never happens" },
	{ "fin-timeout", DIAG_INFO, "tcp_fin_timeout does not shorten TIME_WAIT, it bounds orphaned FIN_WAIT2" },
	{ "port-range-reversed", DIAG_ERROR, "ip_local_port_range low end above high end: the kernel refuses it" },
	{ "port-range-narrow", DIAG_WARNING, "ip_local_port_range with fewer than 10000 ports" },
	{ "port-range-parity", DIAG_INFO, "ip_local_port_range ends of the same parity" },
	{ "port-range-privileged", DIAG_ERROR, "ip_local_port_range starts below ip_unprivileged_port_start: the kernel refuses it" },
	{ "port-range-listening", DIAG_WARNING, "listening ports inside ip_local_port_range and not reserved" },
	{ "duplicate-key", DIAG_WARNING, "key set twice in one file" },
	{ "overridden", DIAG_WARNING, "assignment overridden by a later file (info for vendor directories)" },
	{ "shadowed-file", DIAG_INFO, "file not read because a same-named file in a higher directory wins" },
	{ "profile-conflict", DIAG_WARNING, "effective value breaks a setting of the profile given with -p" },
};
const size_t lint_n_rules = sizeof(lint_rules) / sizeof(lint_rules[0]);

const struct lint_rule *lint_rule_find(const char *id)
{
	size_t i;

	for (i = 0; id && i < lint_n_rules; i++)
		if (strcmp(lint_rules[i].id, id) == 0)
			return &lint_rules[i];
	return NULL;
}

/* Up to n integers separated by blanks, as the kernel reads a vector. */
static int parse_ints(const char *s, long long *v, size_t n)
{
	char buf[128], *tok, *save = NULL;
	size_t i = 0;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (tok = strtok_r(buf, " \t", &save); tok && i < n;
	     tok = strtok_r(NULL, " \t", &save))
		if (kb_parse_int(tok, &v[i++]) < 0)
			return -EINVAL;
	return (int)i;
}

static const char *canonical(struct lint_env *env, const char *key)
{
	char buf[SYSCTL_KEY_MAX * 2];

	if (sysctl_key_canonical(key, buf, sizeof(buf)) < 0)
		return key;
	return arena_strdup(env->a, buf) ?: key;
}

/* A value for key: the resolved set, else the live value, else the kb
 * default. *ret_line is the assignment when a file sets it. */
static const char *effective(struct lint_env *env, const struct sysctld_result *res,
			     const char *key, const struct sysctld_line **ret_line)
{
	const struct sysctld_key *k = sysctld_lookup(res, key);
	const struct kb_entry *e;
	char *live;

	*ret_line = NULL;
	if (k && k->value) {
		*ret_line = k->source;
		return k->value;
	}
	if (env->o->root_fd >= 0 && procsys_read(env->o->root_fd, key, env->a, &live) == 0)
		return live;
	e = kb_lookup(key);
	if (e && !e->default_derived)
		return e->default_text;
	return NULL;
}

static bool effective_int(struct lint_env *env, const struct sysctld_result *res,
			  const char *key, long long *v, const struct sysctld_line **line)
{
	const char *s = effective(env, res, key, line);

	return s && kb_parse_int(s, v) == 0;
}

static void check_port_range_line(struct lint_env *env, const struct sysctld_line *l,
				  const char *key, enum diag_severity err)
{
	long long v[2];

	if (parse_ints(l->value, v, 2) != 2)
		return;
	if (v[0] > v[1]) {
		diag_add(env->diag, err, l->file, l->line, l->value_column,
			 "port-range-reversed", key,
			 "low end %lld of '%s' is above the high end %lld: the kernel refuses the write",
			 v[0], key, v[1]);
		return;
	}
	if (v[1] - v[0] + 1 < PORT_RANGE_NARROW)
		diag_add(env->diag, DIAG_WARNING, l->file, l->line, l->value_column,
			 "port-range-narrow", key,
			 "'%s' leaves only %lld ephemeral ports: with 60 s of TIME_WAIT that is "
			 "about %lld new connections per second to one destination",
			 key, v[1] - v[0] + 1, (v[1] - v[0] + 1) / 60);
	if ((v[0] & 1) == (v[1] & 1))
		diag_add(env->diag, DIAG_INFO, l->file, l->line, l->value_column,
			 "port-range-parity", key,
			 "both ends of '%s' are %s: connect() takes ports of the low end's "
			 "parity first and bind(0) the other, so prefer an even low end and an odd high end",
			 key, v[0] & 1 ? "odd" : "even");
}

void lint_check_line(struct lint_env *env, const struct sysctld_line *l)
{
	const enum diag_severity err = l->ignore_failure ? DIAG_WARNING : DIAG_ERROR;
	const enum diag_severity warn = l->ignore_failure ? DIAG_INFO : DIAG_WARNING;
	const struct kb_entry *e;
	const char *key, *sug;
	char msg[256], kbuf[32];
	long long v;
	bool range_done = false;

	if (!*l->key || l->is_glob)
		return;
	key = canonical(env, l->key);
	e = kb_lookup(key);
	if (!e) {
		if (kb_name_known(key))
			return;
		/* a did-you-mean costs a scan of every known name: bound it */
		sug = env->n_suggest < LINT_MAX_SUGGEST ? kb_suggest(key) : NULL;
		env->n_suggest++;
		if (sug)
			diag_add(env->diag, warn, l->file, l->line, l->key_column,
				 "unknown-key", key,
				 "unknown key '%s' (did you mean '%s'?)", key, sug);
		else
			diag_add(env->diag, warn, l->file, l->line, l->key_column,
				 "unknown-key", key, "unknown key '%s'", key);
		return;
	}
	if (env->o->kernel_known) {
		kversion_format(env->o->kernel, true, kbuf, sizeof(kbuf));
		switch (kb_presence_in(e, env->o->kernel)) {
		case KB_REMOVED: {
			char rbuf[32];

			kversion_format(e->removed, true, rbuf, sizeof(rbuf));
			diag_add(env->diag, warn, l->file, l->line, l->key_column,
				 "key-removed", key,
				 "'%s' was removed in Linux %s and does not exist on %s",
				 key, rbuf, kbuf);
			break;
		}
		case KB_NOT_YET: {
			char abuf[32];

			kversion_format(e->added, true, abuf, sizeof(abuf));
			diag_add(env->diag, warn, l->file, l->line, l->key_column,
				 "key-not-yet", key,
				 "'%s' exists only from Linux %s, not on %s",
				 key, abuf, kbuf);
			break;
		}
		case KB_PRESENT:
			break;
		}
	}
	if (!l->value)
		return;
	if (e->read_only) {
		diag_add(env->diag, warn, l->file, l->line, l->key_column,
			 "read-only-key", key, "'%s' is read-only: the write always fails", key);
		return;
	}
	if (strcmp(key, K_PORT_RANGE) == 0) {
		long long r[2];

		/* a reversed range is reported once, by its own rule */
		if (parse_ints(l->value, r, 2) == 2 && r[0] > r[1])
			range_done = true;
		check_port_range_line(env, l, key, err);
	}
	if (!range_done && kb_check_value(e, l->value, msg, sizeof(msg)) < 0) {
		diag_add(env->diag, err, l->file, l->line, l->value_column,
			 "invalid-value", key, "invalid value '%s' for '%s': %s",
			 l->value, key, msg);
		return;
	}

	if (strcmp(key, K_TW_RECYCLE) == 0) {
		if (kb_parse_int(l->value, &v) == 0 && v != 0)
			diag_add(env->diag, DIAG_ERROR, l->file, l->line, l->value_column,
				 "tw-recycle", key,
				 "'%s' enabled: it drops SYNs from clients behind NAT (PAWS "
				 "checks per-peer timestamps, and hosts behind one address "
				 "have different clocks); Linux 4.12 removed it, use "
				 "'net.ipv4.tcp_tw_reuse' for outgoing connections", key);
	} else if (strcmp(key, K_TW_BUCKETS) == 0) {
		if (kb_parse_int(l->value, &v) == 0 && v < env->tw_buckets_default)
			diag_add(env->diag, DIAG_WARNING, l->file, l->line, l->value_column,
				 "tw-buckets-low", key,
				 "'%s' lowered to %lld (%s %lld): beyond it closing sockets "
				 "skip TIME_WAIT, so late segments can reach new "
				 "connections; TIME_WAIT costs little memory",
				 key, v, env->tw_buckets_default_known ?
				 "kernel default here" : "kernel default unknown, checked against",
				 env->tw_buckets_default);
	} else if (strcmp(key, K_FIN_TIMEOUT) == 0) {
		if (kb_parse_int(l->value, &v) == 0 && v < FIN_TIMEOUT_DEFAULT)
			diag_add(env->diag, DIAG_INFO, l->file, l->line, l->key_column,
				 "fin-timeout", key,
				 "'%s' does not shorten TIME_WAIT (fixed at 60 s): it only "
				 "limits how long orphaned sockets stay in FIN_WAIT2", key);
	}
}

/* "a,b-c" -> whether port is in the list. */
static bool in_port_list(const char *list, long long port)
{
	const char *p = list;
	char *end;
	long lo, hi;

	while (p && *p) {
		lo = strtol(p, &end, 10);
		if (end == p)
			return false;
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			hi = strtol(p, &end, 10);
			if (end == p)
				return false;
		}
		if (port >= lo && port <= hi)
			return true;
		p = *end == ',' ? end + 1 : NULL;
	}
	return false;
}

static void check_port_range_effective(struct lint_env *env,
				       const struct sysctld_result *res)
{
	const struct sysctld_line *l, *ul, *rl;
	const char *range, *reserved;
	long long v[2], start, p;
	char list[128];
	size_t n = 0, len = 0;

	range = effective(env, res, K_PORT_RANGE, &l);
	if (!l || l->ignore_failure || parse_ints(range, v, 2) != 2 || v[0] > v[1])
		return;
	if (effective_int(env, res, K_UNPRIV, &start, &ul) && v[0] < start)
		diag_add(env->diag, DIAG_ERROR, l->file, l->line, l->value_column,
			 "port-range-privileged", K_PORT_RANGE,
			 "low end %lld of '%s' is below '%s' (%lld%s): the kernel refuses the write",
			 v[0], K_PORT_RANGE, K_UNPRIV, start,
			 ul ? "" : ", not set by any file");
	if (!env->listening_known)
		return;
	reserved = effective(env, res, K_RESERVED, &rl);
	list[0] = '\0';
	for (p = v[0] < 1 ? 1 : v[0]; p <= v[1] && p <= 65535; p++) {
		if (!(env->listening[p / 8] & (1u << (p % 8))))
			continue;
		if (reserved && in_port_list(reserved, p))
			continue;
		if (n < 5 && len + 8 < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%lld",
						 n ? ", " : "", p);
		n++;
	}
	if (n)
		diag_add(env->diag, DIAG_WARNING, l->file, l->line, l->value_column,
			 "port-range-listening", K_PORT_RANGE,
			 "%zu listening port%s inside '%s' (%lld-%lld) and not reserved: %s%s; "
			 "outgoing connections can take them while the service restarts, "
			 "add them to '%s'",
			 n, n == 1 ? "" : "s", K_PORT_RANGE, v[0], v[1], list,
			 n > 5 ? ", ..." : "", K_RESERVED);
}

static void check_tw_reuse(struct lint_env *env, const struct sysctld_result *res)
{
	const struct sysctld_line *rl, *tl, *at;
	long long reuse, ts;

	if (!effective_int(env, res, K_TW_REUSE, &reuse, &rl) ||
	    !effective_int(env, res, K_TIMESTAMPS, &ts, &tl))
		return;
	if (!rl && !tl)
		return;
	if (reuse == 0 || ts != 0)
		return;
	at = tl ? tl : rl;
	diag_add(env->diag, DIAG_WARNING, at->file, at->line, at->value_column,
		 "tw-reuse-no-timestamps", at == tl ? K_TIMESTAMPS : K_TW_REUSE,
		 "'%s' is %lld but '%s' is 0: TIME_WAIT reuse needs timestamps, "
		 "so it never happens", K_TW_REUSE, reuse, K_TIMESTAMPS);
}

static bool vendor_file(const char *file)
{
	return strncmp(file, "/usr/", 5) == 0 || strncmp(file, "/lib/", 5) == 0;
}

static void check_overridden(struct lint_env *env, const struct sysctld_key *k)
{
	const struct sysctld_line *o;
	size_t i;

	for (i = 0; i < k->n_overridden; i++) {
		o = k->overridden[i];
		if (strcmp(o->file, k->source->file) == 0 || !o->value)
			continue;
		if (k->value)
			diag_add(env->diag, vendor_file(o->file) ? DIAG_INFO : DIAG_WARNING,
				 o->file, o->line, o->key_column, "overridden", k->key,
				 "'%s' = '%s' has no effect: %s:%u sets '%s' later",
				 k->key, o->value, k->source->file, k->source->line, k->value);
		else
			diag_add(env->diag, vendor_file(o->file) ? DIAG_INFO : DIAG_WARNING,
				 o->file, o->line, o->key_column, "overridden", k->key,
				 "'%s' = '%s' has no effect: '-%s' at %s:%u excludes it later",
				 k->key, o->value, k->key, k->source->file, k->source->line);
	}
}

static void check_profile(struct lint_env *env, const struct sysctld_result *res)
{
	const struct profile *p = env->o->profile;
	const struct profile_setting *s;
	const struct sysctld_key *k;
	char want[256], have[256];
	long long w, h;
	size_t i;
	bool bad;

	for (i = 0; p && i < p->n_settings; i++) {
		s = &p->settings[i];
		if (s->when || !s->kb)
			continue;	/* conditions need facts lint does not have */
		k = sysctld_lookup(res, s->key);
		if (!k || !k->value)
			continue;
		if (s->kind == SETTING_VALUE) {
			if (kb_canonical_value(s->kb, s->value, want, sizeof(want)) < 0 ||
			    kb_canonical_value(s->kb, k->value, have, sizeof(have)) < 0)
				bad = strcmp(s->value, k->value) != 0;
			else
				bad = strcmp(want, have) != 0;
		} else {
			if (kb_parse_int(s->value, &w) < 0 || kb_parse_int(k->value, &h) < 0)
				continue;
			bad = s->kind == SETTING_AT_LEAST ? h < w : h > w;
		}
		if (bad)
			diag_add(env->diag, DIAG_WARNING, k->source->file, k->source->line,
				 k->source->value_column, "profile-conflict", s->key,
				 "'%s' = '%s' breaks profile '%s', which wants %s'%s' (%s:%u)",
				 s->key, k->value, p->name,
				 s->kind == SETTING_AT_LEAST ? "at least " :
				 s->kind == SETTING_AT_MOST ? "at most " : "",
				 s->value, s->file ? s->file : p->path, s->line);
	}
}

static void dup_finding(struct lint_env *env, const struct sysctld_line *l,
			const struct sysctld_line *first, const struct sysctld_line *prev)
{
	const char *key = canonical(env, l->key);

	if (strcmp(prev->value, l->value) == 0)
		diag_add(env->diag, DIAG_INFO, l->file, l->line, l->key_column,
			 "duplicate-key", key,
			 "'%s' set again to the same value (first at line %u)",
			 key, first->line);
	else
		diag_add(env->diag, DIAG_WARNING, l->file, l->line, l->key_column,
			 "duplicate-key", key,
			 "'%s' set again (first at line %u): '%s' replaces '%s'",
			 key, first->line, l->value, prev->value);
}

/* A key's lines are in application order, and one file's lines are
 * contiguous there, so one pass finds every repetition in a file. */
void lint_check_duplicates(struct lint_env *env, const struct sysctld_result *res)
{
	const struct sysctld_line *l, *first, *prev;
	const struct sysctld_key *k;
	size_t i, j, n;

	for (i = 0; i < res->n_keys; i++) {
		k = &res->keys[i];
		if (k->from_glob || !k->source)
			continue;
		first = prev = NULL;
		n = k->n_overridden + 1 + k->n_repeats;
		for (j = 0; j < n; j++) {
			l = j < k->n_overridden ? k->overridden[j] :
			    j == k->n_overridden ? k->source :
			    k->repeats[j - k->n_overridden - 1];
			if (!l->value)
				continue;
			if (!prev || strcmp(prev->file, l->file) != 0) {
				first = prev = l;
				continue;
			}
			dup_finding(env, l, first, prev);
			prev = l;
		}
	}
}

void lint_check_effective(struct lint_env *env, const struct sysctld_result *res,
			  bool cross_file)
{
	size_t i;

	if (cross_file)
		for (i = 0; i < res->n_keys; i++)
			if (!res->keys[i].is_pattern)
				check_overridden(env, &res->keys[i]);
	check_port_range_effective(env, res);
	check_tw_reuse(env, res);
	check_profile(env, res);
}
