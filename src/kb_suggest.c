/*
 * kb_suggest: is a key a real kernel sysctl (kb_name_known), and which known
 * key did the user probably mean (kb_suggest). Names with an interface
 * component are matched through the '*' entries of kb_names[].
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "kb_internal.h"
#include "procsys.h"

/* "net.ipv4.conf.eth0.rp_filter" -> "net.ipv4.conf.*.rp_filter", and the
 * interface ("eth0") into iface. false when key has no such component. */
static bool iface_pattern(const char *key, char *pat, size_t pat_size,
			  char *iface, size_t iface_size)
{
	static const char *const prefixes[] = {
		"net.ipv4.conf.", "net.ipv6.conf.", "net.ipv4.neigh.", "net.ipv6.neigh.",
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t plen = strlen(prefixes[i]);
		const char *dot;

		if (strncmp(key, prefixes[i], plen) != 0)
			continue;
		dot = strchr(key + plen, '.');
		if (!dot || dot == key + plen || !dot[1])
			return false;
		if ((size_t)(dot - key - plen) >= iface_size ||
		    plen + 1 + strlen(dot) >= pat_size)
			return false;
		memcpy(iface, key + plen, (size_t)(dot - key - plen));
		iface[dot - key - plen] = '\0';
		memcpy(pat, key, plen);
		pat[plen] = '*';
		strcpy(pat + plen + 1, dot);
		return true;
	}
	return false;
}

static int name_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static bool names_contain(const char *name)
{
	return bsearch(name, kb_names, kb_names_count, sizeof(kb_names[0]),
		       name_cmp) != NULL;
}

bool kb_name_known(const char *key)
{
	char canon[SYSCTL_KEY_MAX + 1], pat[SYSCTL_KEY_MAX + 2], iface[SYSCTL_KEY_MAX + 1];

	if (!key || sysctl_key_canonical(key, canon, sizeof(canon)) < 0 || !*canon)
		return false;
	if (kb_lookup(canon) || names_contain(canon))
		return true;
	return iface_pattern(canon, pat, sizeof(pat), iface, sizeof(iface)) &&
	       names_contain(pat);
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions), ignoring case ("NET.IPV4.X" is a typo of "net.ipv4.x"),
 * giving up with limit + 1 once every cell of a row exceeds limit. */
static unsigned osa_distance(const char *a, const char *b, unsigned limit)
{
	unsigned rows[3][SYSCTL_KEY_MAX + 2];
	unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > SYSCTL_KEY_MAX || lb > SYSCTL_KEY_MAX)
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	for (j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		unsigned row_min;
		unsigned *t;

		cur[0] = (unsigned)i;
		row_min = cur[0];
		for (j = 1; j <= lb; j++) {
			unsigned cost = lower(a[i - 1]) != lower(b[j - 1]);
			unsigned v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
			if (v < row_min)
				row_min = v;
		}
		if (row_min > limit)
			return limit + 1;
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

static const char *last_component(const char *key)
{
	const char *dot = strrchr(key, '.');

	return dot ? dot + 1 : key;
}

struct suggest_state {
	const char *key;	/* canonical, interface replaced by '*' */
	const char *last;
	unsigned full_limit, last_limit;
	bool use_last;
	const char *best;
	unsigned best_score;
};

static void consider(struct suggest_state *s, const char *cand)
{
	unsigned d, score = s->best_score;

	if (strcmp(cand, s->key) == 0)
		return;
	d = osa_distance(s->key, cand, s->full_limit);
	if (d <= s->full_limit)
		score = d;
	/* Right name in the wrong place ("net.core.tcp_tw_reuse"): compare
	 * the last components, one point dearer than a full-key match. */
	if (s->use_last) {
		const char *last = last_component(cand);

		d = strcmp(last, s->last) == 0 ? 0 :
			osa_distance(s->last, last, s->last_limit);
		if (d <= s->last_limit && d + 1 < score)
			score = d + 1;
	}
	if (score < s->best_score) {
		s->best_score = score;
		s->best = cand;
	}
}

int kb_suggest_r(const char *key, char *buf, size_t size)
{
	char canon[SYSCTL_KEY_MAX + 1], pat[SYSCTL_KEY_MAX + 2], iface[SYSCTL_KEY_MAX + 1];
	struct suggest_state s = { .best_score = ~0u };
	size_t len, last_len, i;
	const char *star;
	bool has_iface;

	if (!key || sysctl_key_canonical(key, canon, sizeof(canon)) < 0 || !*canon)
		return -ENOENT;
	has_iface = iface_pattern(canon, pat, sizeof(pat), iface, sizeof(iface));
	s.key = has_iface ? pat : canon;
	s.last = last_component(s.key);
	len = strlen(s.key);
	last_len = strlen(s.last);
	s.full_limit = len / 6 < 1 ? 1 : len / 6 > 3 ? 3 : (unsigned)(len / 6);
	s.use_last = last_len >= 4;
	s.last_limit = last_len >= 10 ? 2 : last_len >= 5 ? 1 : 0;

	/* The knowledge base first: on a tie, the key twtune knows wins. */
	for (i = 0; i < kb_table_count; i++)
		consider(&s, kb_table[i].key);
	for (i = 0; i < kb_names_count; i++)
		consider(&s, kb_names[i]);
	if (!s.best)
		return -ENOENT;

	star = strstr(s.best, ".*.");
	if (star) {
		size_t pre = (size_t)(star - s.best) + 1;
		const char *name = has_iface ? iface : "all";

		if (pre + strlen(name) + strlen(star + 2) + 1 > size)
			return -ENAMETOOLONG;
		memcpy(buf, s.best, pre);
		strcpy(buf + pre, name);
		strcat(buf, star + 2);
		return 0;
	}
	if (strlen(s.best) + 1 > size)
		return -ENAMETOOLONG;
	strcpy(buf, s.best);
	return 0;
}

const char *kb_suggest(const char *key)
{
	/* Per thread, valid until the next call: suggestions with an
	 * interface component have to be built. */
	static __thread char buf[SYSCTL_KEY_MAX * 2];

	return kb_suggest_r(key, buf, sizeof(buf)) == 0 ? buf : NULL;
}
