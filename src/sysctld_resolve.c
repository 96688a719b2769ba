/*
 * sysctld_resolve: from parsed files to the effective assignment set
 * (SYSCTL.md section 3). systemd keeps an ordered map keyed by path: a
 * differing assignment replaces the entry and moves it to the end, an
 * identical one keeps the first position, "-key" replaces like a value and
 * only shields the exact path from globs. procps writes every line in
 * order; the last write wins. Globs are expanded against root/proc/sys.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "procsys.h"
#include "rootfs.h"
#include "sysctld.h"

/* ---- a string -> index map (open addressing, lives in the arena) ---- */

struct strmap {
	struct arena *a;
	const char **keys;
	size_t *vals;
	size_t cap, n;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static size_t *strmap_slot(const struct strmap *m, const char *k, bool *found)
{
	size_t i = (size_t)str_hash(k) & (m->cap - 1);

	for (;; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i]) {
			*found = false;
			return &m->vals[i];
		}
		if (strcmp(m->keys[i], k) == 0) {
			*found = true;
			return &m->vals[i];
		}
	}
}

static bool strmap_get(const struct strmap *m, const char *k, size_t *ret)
{
	bool found;
	size_t *v;

	if (!m->cap)
		return false;
	v = strmap_slot(m, k, &found);
	if (found)
		*ret = *v;
	return found;
}

static int strmap_put(struct strmap *m, const char *k, size_t val)
{
	bool found;
	size_t *v, i;

	if ((m->n + 1) * 2 > m->cap) {
		struct strmap n = { .a = m->a, .cap = m->cap ? m->cap * 2 : 64 };

		n.keys = arena_calloc(m->a, n.cap, sizeof(*n.keys));
		n.vals = arena_calloc(m->a, n.cap, sizeof(*n.vals));
		if (!n.keys || !n.vals)
			return -ENOMEM;
		for (i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				v = strmap_slot(&n, m->keys[i], &found);
				*v = m->vals[i];
				n.keys[v - n.vals] = m->keys[i];
				n.n++;
			}
		*m = n;
	}
	v = strmap_slot(m, k, &found);
	if (!found) {
		m->keys[v - m->vals] = k;
		m->n++;
	}
	*v = val;
	return 0;
}

/* ---- glob expansion under root/proc/sys ---- */

struct glob_out {
	struct arena *a;
	char **paths;
	size_t n, cap;
};

static int glob_add(struct glob_out *g, const char *path)
{
	if (g->n == SYSCTLD_MAX_GLOB_MATCHES)
		return 0;
	if (ARENA_GROW(g->a, g->paths, g->n, g->cap, 16) < 0)
		return -ENOMEM;
	g->paths[g->n] = arena_strdup(g->a, path);
	if (!g->paths[g->n])
		return -ENOMEM;
	g->n++;
	return 0;
}

#define GLOB_MAX_DEPTH 32

/* comps[i..n) still to match below "proc/sys/<sofar>". */
static int glob_walk(int root_fd, char *sofar, size_t sofar_len,
		     char **comps, size_t i, size_t n, struct glob_out *g)
{
	char full[SYSCTL_KEY_MAX * 2 + 16];
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	if (snprintf(full, sizeof(full), "proc/sys/%s", sofar) >= (int)sizeof(full))
		return 0;
	if (i == n) {
		fd = root_open(root_fd, full, O_PATH, 0);
		if (fd < 0)
			return 0;
		close(fd);
		return glob_add(g, sofar);
	}
	if (!sysctld_is_glob(comps[i])) {
		size_t l = strlen(comps[i]);

		if (sofar_len + l + 2 > SYSCTL_KEY_MAX * 2)
			return 0;
		if (sofar_len)
			sofar[sofar_len++] = '/';
		memcpy(sofar + sofar_len, comps[i], l + 1);
		return glob_walk(root_fd, sofar, sofar_len + l, comps, i + 1, n, g);
	}
	fd = root_open(root_fd, full, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) && g->n < SYSCTLD_MAX_GLOB_MATCHES) {
		size_t l = strlen(de->d_name);

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fnmatch(comps[i], de->d_name, FNM_PERIOD) != 0)
			continue;
		if (sofar_len + l + 2 > SYSCTL_KEY_MAX * 2)
			continue;
		if (sofar_len)
			sofar[sofar_len] = '/';
		memcpy(sofar + sofar_len + (sofar_len ? 1 : 0), de->d_name, l + 1);
		r = glob_walk(root_fd, sofar, sofar_len + (sofar_len ? 1 : 0) + l,
			      comps, i + 1, n, g);
		sofar[sofar_len] = '\0';
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Paths under root_fd/proc/sys matching pattern, sorted. */
static int glob_expand(int root_fd, const char *pattern, struct arena *a,
		       char ***ret, size_t *ret_n)
{
	char copy[SYSCTL_KEY_MAX * 2], sofar[SYSCTL_KEY_MAX * 2 + 2];
	char *comps[GLOB_MAX_DEPTH], *p, *save = NULL;
	struct glob_out g = { .a = a };
	size_t n = 0;
	int r;

	*ret = NULL;
	*ret_n = 0;
	if (root_fd < 0 || strlen(pattern) >= sizeof(copy))
		return 0;
	strcpy(copy, pattern);
	for (p = strtok_r(copy, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (n == GLOB_MAX_DEPTH)
			return 0;
		comps[n++] = p;
	}
	if (!n)
		return 0;
	sofar[0] = '\0';
	r = glob_walk(root_fd, sofar, 0, comps, 0, n, &g);
	if (r < 0)
		return r;
	if (g.n)
		qsort(g.paths, g.n, sizeof(*g.paths), str_cmp);
	*ret = g.paths;
	*ret_n = g.n;
	return 0;
}

/* ---- resolution ---- */

/* Every line of one path, in order, and the state of its map entry. */
struct group {
	const char *path;
	const struct sysctld_line **lines;
	size_t n_lines, cap_lines;
	const struct sysctld_line *source;	/* NULL: only exclusions */
	size_t source_index;			/* in lines[] */
	const struct sysctld_line *exclusion;	/* first "-key" when source NULL */
	const char *value;
	bool ignore_failure;
	size_t pos;				/* order of the last (re)insertion */
};

struct resolver {
	struct arena *a;
	enum sysctld_mode mode;
	struct strmap map;		/* path -> group index */
	struct group *groups;
	size_t n_groups, cap_groups;
	size_t seq;
	struct sysctld_key *keys;
	size_t n_keys, cap_keys;
	struct strmap emitted;		/* glob-expanded path -> key index */
};

static int group_push_line(struct resolver *rs, struct group *g,
			   const struct sysctld_line *l)
{
	if (ARENA_GROW(rs->a, g->lines, g->n_lines, g->cap_lines, 4) < 0)
		return -ENOMEM;
	g->lines[g->n_lines++] = l;
	return 0;
}

static int group_get(struct resolver *rs, const char *path, struct group **ret)
{
	struct group *n;
	size_t idx;
	int r;

	if (strmap_get(&rs->map, path, &idx)) {
		*ret = &rs->groups[idx];
		return 0;
	}
	if (ARENA_GROW(rs->a, rs->groups, rs->n_groups, rs->cap_groups, 64) < 0)
		return -ENOMEM;
	idx = rs->n_groups++;
	r = strmap_put(&rs->map, path, idx);
	if (r < 0)
		return r;
	n = &rs->groups[idx];
	memset(n, 0, sizeof(*n));
	n->path = path;
	*ret = n;
	return 1;
}

static bool streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static int add_line_systemd(struct resolver *rs, const struct sysctld_line *l)
{
	struct group *g;
	int r, created;

	created = group_get(rs, l->path, &g);
	if (created < 0)
		return created;
	r = group_push_line(rs, g, l);
	if (r < 0)
		return r;
	if (!created && streq_ptr(l->value, g->value)) {
		g->ignore_failure = g->ignore_failure || l->ignore_failure;
		return 0;
	}
	/* new or replaced: an exclusion replaces like a value (R7) */
	g->source = l;
	g->source_index = g->n_lines - 1;
	g->value = l->value;
	g->ignore_failure = l->ignore_failure;
	g->pos = rs->seq++;
	return 0;
}

static int add_line_procps(struct resolver *rs, const struct sysctld_line *l)
{
	struct group *g;
	int r, created;

	created = group_get(rs, l->path, &g);
	if (created < 0)
		return created;
	if (!l->value) {
		/* exclusions only filter glob expansions */
		if (created) {
			g->exclusion = l;
			g->pos = rs->seq++;
		}
		return 0;
	}
	r = group_push_line(rs, g, l);
	if (r < 0)
		return r;
	g->source = l;
	g->source_index = g->n_lines - 1;
	g->value = l->value;
	g->ignore_failure = l->ignore_failure;
	g->pos = rs->seq++;
	return 0;
}

static int key_push(struct resolver *rs, struct sysctld_key **ret)
{
	if (ARENA_GROW(rs->a, rs->keys, rs->n_keys, rs->cap_keys, 64) < 0)
		return -ENOMEM;
	*ret = &rs->keys[rs->n_keys++];
	memset(*ret, 0, sizeof(**ret));
	return 0;
}

static const char *display_key(struct arena *a, const char *path)
{
	size_t len = strlen(path);
	char *buf = arena_alloc(a, len + 1);

	if (buf && sysctl_path_to_key(path, buf, len + 1) < 0)
		return NULL;
	return buf;
}

static int group_cmp(const void *a, const void *b)
{
	const struct group *const *x = a, *const *y = b;

	return (*x)->pos < (*y)->pos ? -1 : (*x)->pos > (*y)->pos;
}

static int emit_group(struct resolver *rs, const struct group *g)
{
	struct sysctld_key *k;
	int r;

	r = key_push(rs, &k);
	if (r < 0)
		return r;
	k->path = g->path;
	k->key = display_key(rs->a, g->path);
	if (!k->key)
		return -ENOMEM;
	k->value = g->value;
	k->ignore_failure = g->ignore_failure;
	if (!g->source) {
		k->source = g->exclusion;
		k->is_pattern = g->exclusion->is_glob;
		return 0;
	}
	k->source = g->source;
	k->overridden = g->lines;
	k->n_overridden = g->source_index;
	if (g->source_index + 1 < g->n_lines) {
		k->repeats = g->lines + g->source_index + 1;
		k->n_repeats = g->n_lines - g->source_index - 1;
	}
	k->is_pattern = g->source->is_glob;
	return 0;
}

/* Writes of a glob entry: every match not named exactly by some entry
 * (systemd: map contains the path; procps: any line has that path). */
static int emit_glob(struct resolver *rs, int root_fd, const struct group *g)
{
	char **paths;
	size_t n, i, idx, pattern_index = rs->n_keys - 1;
	struct sysctld_key *k, *old;
	const struct sysctld_line **ov;
	int r;

	r = glob_expand(root_fd, g->path, rs->a, &paths, &n);
	if (r < 0)
		return r;
	for (i = 0; i < n; i++) {
		if (strmap_get(&rs->map, paths[i], &idx))
			continue;
		r = key_push(rs, &k);
		if (r < 0)
			return r;
		rs->keys[pattern_index].n_matches++;
		k->path = paths[i];
		k->key = display_key(rs->a, paths[i]);
		if (!k->key)
			return -ENOMEM;
		k->value = g->value;
		k->ignore_failure = g->ignore_failure;
		k->source = g->source;
		k->from_glob = g->path;
		if (strmap_get(&rs->emitted, paths[i], &idx)) {
			/* an earlier glob wrote it too: this write wins */
			old = &rs->keys[idx];
			ov = arena_calloc(rs->a, old->n_overridden + 1, sizeof(*ov));
			if (!ov)
				return -ENOMEM;
			memcpy(ov, old->overridden, old->n_overridden * sizeof(*ov));
			ov[old->n_overridden] = old->source;
			k->overridden = ov;
			k->n_overridden = old->n_overridden + 1;
			old->path = NULL;	/* dropped below */
		}
		r = strmap_put(&rs->emitted, k->path, rs->n_keys - 1);
		if (r < 0)
			return r;
	}
	return 0;
}

int sysctld_resolve_files(struct sysctld_file *files, size_t n_files,
			  int root_fd, enum sysctld_mode mode, struct arena *a,
			  struct sysctld_result **ret)
{
	struct resolver rs = {
		.a = a, .mode = mode, .map = { .a = a }, .emitted = { .a = a },
	};
	struct sysctld_result *res;
	struct group **order;
	size_t i, j, o;
	int r;

	for (i = 0; i < n_files; i++)
		for (j = 0; j < files[i].n_lines; j++) {
			r = mode == SYSCTLD_PROCPS ? add_line_procps(&rs, &files[i].lines[j])
						   : add_line_systemd(&rs, &files[i].lines[j]);
			if (r < 0)
				return r;
		}

	order = arena_calloc(a, rs.n_groups ? rs.n_groups : 1, sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (i = 0; i < rs.n_groups; i++)
		order[i] = &rs.groups[i];
	if (rs.n_groups)
		qsort(order, rs.n_groups, sizeof(*order), group_cmp);

	for (i = 0; i < rs.n_groups; i++) {
		r = emit_group(&rs, order[i]);
		if (r < 0)
			return r;
		if (order[i]->value && rs.keys[rs.n_keys - 1].is_pattern) {
			r = emit_glob(&rs, root_fd, order[i]);
			if (r < 0)
				return r;
		}
	}
	/* drop glob writes that a later glob wrote again */
	for (i = o = 0; i < rs.n_keys; i++)
		if (rs.keys[i].path)
			rs.keys[o++] = rs.keys[i];
	rs.n_keys = o;

	res = arena_alloc(a, sizeof(*res));
	if (!res)
		return -ENOMEM;
	res->mode = mode;
	res->files = files;
	res->n_files = n_files;
	res->keys = rs.keys;
	res->n_keys = rs.n_keys;
	*ret = res;
	return 0;
}

const struct sysctld_key *sysctld_lookup(const struct sysctld_result *r,
					 const char *key)
{
	char path[SYSCTL_KEY_MAX * 2];
	size_t i;

	if (!r || sysctl_key_to_path(key, path, sizeof(path)) < 0)
		return NULL;
	for (i = r->n_keys; i-- > 0;)
		if (!r->keys[i].is_pattern && strcmp(r->keys[i].path, path) == 0)
			return &r->keys[i];
	return NULL;
}
