/*
 * Profile files: finding them on the search path, reading them safely
 * (size, trust), resolving extends depth-first with cycle detection, and
 * handing each file's tree to the schema (profile_schema.c) on top of its
 * merged parents.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "conf.h"
#include "diag.h"
#include "fileperm.h"
#include "profile_internal.h"
#include "rootfs.h"
#include "sha256.h"

struct profile_cached {
	const char *path;
	struct profile *profile;	/* NULL: the file was invalid */
};

struct profile_loader {
	const struct conf *cfg;
	bool check_trust;
	struct arena *a;
	struct diag *diag;
	/* Names being loaded, outermost first, for cycle detection. */
	const char *stack[PROFILE_MAX_EXTENDS_DEPTH + 1];
	unsigned depth;
	/* Each file is loaded (and reported) once, even in a diamond. */
	struct profile_cached cache[4 * PROFILE_MAX_EXTENDS_DEPTH];
	size_t n_cache;
};

static const struct ytree_limits profile_ytree_limits = {
	.max_depth = PROFILE_MAX_NESTING,
	.max_nodes = 65536,
};

const char *severity_name(enum severity s)
{
	switch (s) {
	case SEVERITY_OK: return "ok";
	case SEVERITY_INFO: return "info";
	case SEVERITY_WARNING: return "warning";
	case SEVERITY_CRITICAL: return "critical";
	case SEVERITY_UNKNOWN: return "unknown";
	}
	return "?";
}

const char *setting_kind_name(enum setting_kind k)
{
	switch (k) {
	case SETTING_VALUE: return "value";
	case SETTING_AT_LEAST: return "at_least";
	case SETTING_AT_MOST: return "at_most";
	}
	return "?";
}

double profile_threshold(const struct profile *p, const char *name, bool *found)
{
	size_t lo = 0, hi = p->n_thresholds;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, p->thresholds[mid].name);

		if (c == 0) {
			if (found)
				*found = true;
			return p->thresholds[mid].value;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (found)
		*found = false;
	return 0;
}

const struct profile_setting *profile_setting_find(const struct profile *p,
						   const char *key)
{
	size_t lo = 0, hi = p->n_settings;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, p->settings[mid].key);

		if (c == 0)
			return &p->settings[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct profile_rule *profile_rule_find(const struct profile *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->n_rules; i++)
		if (strcmp(p->rules[i].id, id) == 0)
			return &p->rules[i];
	return NULL;
}

static bool profile_is_path(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n > 5 && strcmp(s + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(s + n - 4, ".yml") == 0);
}

/* "dir/web-proxy.yaml" -> "web-proxy" */
static char *profile_stem(struct arena *a, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
		n -= 5;
	else if (n > 4 && strcmp(base + n - 4, ".yml") == 0)
		n -= 4;
	return arena_strndup(a, base, n);
}

static bool profile_file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* First dir/name.yaml (or .yml) on the search path, then in extra_dir. */
static char *profile_find(const struct conf *cfg, const char *name,
			  const char *extra_dir, struct arena *a)
{
	static const char *const exts[] = { ".yaml", ".yml" };
	size_t i, j, n = cfg->n_profile_path;
	char *path;

	for (i = 0; i <= n; i++) {
		const char *dir = i < n ? cfg->profile_path[i] : extra_dir;

		if (!dir)
			continue;
		for (j = 0; j < 2; j++) {
			path = arena_printf(a, "%s/%s%s", dir, name, exts[j]);
			if (path && profile_file_exists(path))
				return path;
		}
	}
	return NULL;
}

static char *profile_search_list(const struct conf *cfg, struct arena *a)
{
	char *s = arena_strdup(a, "");
	size_t i;

	for (i = 0; s && i < cfg->n_profile_path; i++)
		s = arena_printf(a, "%s%s%s", s, i ? ", " : "", cfg->profile_path[i]);
	return s ? s : "?";
}

/* Reads a profile file: regular, bounded, trusted. */
static int profile_read(struct profile_loader *ld, const char *path, char **ret_buf,
			size_t *ret_len)
{
	char why[256] = "";
	struct stat st;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		diag_add(ld->diag, DIAG_ERROR, path, 0, 0, "profile-unreadable", NULL,
			 "cannot open profile: %s", strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		diag_add(ld->diag, DIAG_ERROR, path, 0, 0, "profile-unreadable", NULL,
			 "profile is not a regular file");
		return -EINVAL;
	}
	if (ld->check_trust && (r = fileperm_check_trusted(fd, why, sizeof(why))) < 0) {
		close(fd);
		diag_add(ld->diag, DIAG_ERROR, path, 0, 0, "untrusted-file", NULL,
			 "refusing untrusted profile: %s (see --allow-untrusted)", why);
		return r;
	}
	if (st.st_size > PROFILE_MAX_FILE_SIZE) {
		close(fd);
		diag_add(ld->diag, DIAG_ERROR, path, 0, 0, "profile-too-large", NULL,
			 "profile is too large (%lld bytes, at most %d)",
			 (long long)st.st_size, PROFILE_MAX_FILE_SIZE);
		return -EFBIG;
	}
	r = fd_read_all(fd, PROFILE_MAX_FILE_SIZE, ld->a, ret_buf, ret_len);
	close(fd);
	if (r == 0 && *ret_len > PROFILE_MAX_FILE_SIZE)
		r = -EFBIG;
	if (r == -EFBIG)
		diag_add(ld->diag, DIAG_ERROR, path, 0, 0, "profile-too-large", NULL,
			 "profile is too large (at most %d bytes)", PROFILE_MAX_FILE_SIZE);
	else if (r < 0)
		diag_add(ld->diag, DIAG_ERROR, path, 0, 0, "profile-unreadable", NULL,
			 "cannot read profile: %s", strerror(-r));
	return r;
}

static int profile_load_file(struct profile_loader *ld, const char *path,
			     struct profile **ret);

static struct profile_cached *profile_cache_find(struct profile_loader *ld,
						 const char *path)
{
	size_t i;

	for (i = 0; i < ld->n_cache; i++)
		if (strcmp(ld->cache[i].path, path) == 0)
			return &ld->cache[i];
	return NULL;
}

/* Loads every parent named in extends and merges them, in order. */
static void profile_extends(struct profile_loader *ld, struct profile_acc *acc,
			    const struct ytree_node *extends, const char *self_path)
{
	char *dir = arena_strdup(ld->a, self_path), *slash;
	size_t i;
	unsigned j;

	if (!extends || !dir)
		return;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		dir = ".";
	for (i = 0; i < extends->n; i++) {
		const struct ytree_node *n = extends->items[i];
		struct profile *parent = NULL;
		char *path, *cycle;

		if (n->type != YTREE_SCALAR || !profile_name_is_valid(n->text)) {
			diag_add(ld->diag, DIAG_ERROR, acc->file, n->line, n->column,
				 "profile-schema", NULL,
				 "extends: expected a profile name, not %s",
				 n->type == YTREE_SCALAR ? n->text : ytree_type_name(n->type));
			continue;
		}
		for (j = 0; j < ld->depth; j++)
			if (strcmp(ld->stack[j], n->text) == 0)
				break;
		if (j < ld->depth) {
			cycle = arena_strdup(ld->a, "");
			for (; cycle && j < ld->depth; j++)
				cycle = arena_printf(ld->a, "%s%s -> ", cycle, ld->stack[j]);
			diag_add(ld->diag, DIAG_ERROR, acc->file, n->line, n->column,
				 "extends-cycle", NULL, "extends cycle: %s%s",
				 cycle ? cycle : "", n->text);
			continue;
		}
		if (ld->depth >= PROFILE_MAX_EXTENDS_DEPTH) {
			diag_add(ld->diag, DIAG_ERROR, acc->file, n->line, n->column,
				 "extends-too-deep", NULL,
				 "extends nested too deep (more than %d levels)",
				 PROFILE_MAX_EXTENDS_DEPTH);
			continue;
		}
		path = profile_find(ld->cfg, n->text, dir, ld->a);
		if (!path) {
			for (j = 0; j < ld->cfg->n_profile_path; j++)
				if (strcmp(ld->cfg->profile_path[j], dir) == 0)
					break;
			diag_add(ld->diag, DIAG_ERROR, acc->file, n->line, n->column,
				 "unknown-profile", NULL,
				 "unknown profile '%s' in extends (searched %s%s%s)",
				 n->text, profile_search_list(ld->cfg, ld->a),
				 j < ld->cfg->n_profile_path ? "" : " and ",
				 j < ld->cfg->n_profile_path ? "" : dir);
			continue;
		}
		if (profile_load_file(ld, path, &parent) < 0 || !parent) {
			diag_add(ld->diag, DIAG_ERROR, acc->file, n->line, n->column,
				 "invalid-parent", NULL,
				 "parent profile '%s' (%s) is invalid", n->text, path);
			continue;
		}
		if (strcmp(parent->name, n->text) != 0)
			continue;	/* reported in the parent: name mismatch */
		if (profile_acc_merge(acc, parent) < 0)
			ld->diag->oom = true;
	}
}

static int profile_load_file(struct profile_loader *ld, const char *path,
			     struct profile **ret)
{
	struct profile_cached *cached = profile_cache_find(ld, path);
	unsigned errors = diag_errors(ld->diag);
	struct profile_acc acc = { .a = ld->a, .diag = ld->diag, .file = path };
	struct profile_head head;
	struct ytree_node *root = NULL;
	struct profile *p;
	char *buf, *stem;
	size_t len;
	int r;

	if (cached) {
		*ret = cached->profile;
		return cached->profile ? 0 : -EINVAL;
	}
	r = profile_read(ld, path, &buf, &len);
	if (r < 0)
		goto out;
	p = arena_alloc(ld->a, sizeof(*p));
	stem = profile_stem(ld->a, path);
	if (!p || !stem || !(p->path = arena_strdup(ld->a, path))) {
		r = -ENOMEM;
		goto out;
	}
	sha256_hex(buf, len, p->sha256);
	r = ytree_parse(buf, len, path, &profile_ytree_limits, ld->a, ld->diag, &root);
	if (r < 0)
		goto out;

	profile_schema_head(&acc, root, &head);
	p->name = head.name ? head.name : stem;
	p->description = head.description;
	if (head.name && strcmp(head.name, stem) != 0)
		diag_add(ld->diag, DIAG_ERROR, path, head.name_node->line,
			 head.name_node->column, "profile-name", NULL,
			 "profile name '%s' does not match its file name '%s'",
			 head.name, stem);

	ld->stack[ld->depth++] = p->name;
	profile_extends(ld, &acc, head.extends, path);
	ld->depth--;

	profile_schema_thresholds(&acc, head.thresholds);
	profile_schema_disable(&acc, head.disable);
	profile_schema_settings(&acc, head.settings);
	profile_schema_rules(&acc, head.rules);
	r = profile_acc_finish(&acc, p);
	if (r == 0 && (diag_errors(ld->diag) > errors || ld->diag->oom))
		r = -EINVAL;
	if (r == 0)
		*ret = p;
out:
	if (r < 0)
		*ret = NULL;
	if (ld->n_cache < sizeof(ld->cache) / sizeof(ld->cache[0])) {
		ld->cache[ld->n_cache].path = arena_strdup(ld->a, path);
		ld->cache[ld->n_cache].profile = *ret;
		if (ld->cache[ld->n_cache].path)
			ld->n_cache++;
	}
	return r;
}

int profile_load(const char *name_or_path, const struct conf *cfg,
		 bool check_trust, struct arena *a, struct diag *diag,
		 struct profile **ret)
{
	struct profile_loader ld = {
		.cfg = cfg, .check_trust = check_trust, .a = a, .diag = diag,
	};
	struct profile *p = NULL;
	const char *path;
	int r;

	if (profile_is_path(name_or_path)) {
		path = name_or_path;
	} else {
		if (!profile_name_is_valid(name_or_path)) {
			diag_add(diag, DIAG_ERROR, NULL, 0, 0, "unknown-profile", NULL,
				 "invalid profile name '%s'", name_or_path);
			return -EINVAL;
		}
		path = profile_find(cfg, name_or_path, NULL, a);
		if (!path) {
			diag_add(diag, DIAG_ERROR, NULL, 0, 0, "unknown-profile", NULL,
				 "profile '%s' not found (searched %s)", name_or_path,
				 profile_search_list(cfg, a));
			return -ENOENT;
		}
	}
	r = profile_load_file(&ld, path, &p);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	*ret = p;
	return 0;
}

int profile_validate_file(const char *path, const struct conf *cfg,
			  bool check_trust, struct arena *a, struct diag *diag)
{
	struct profile_loader ld = {
		.cfg = cfg, .check_trust = check_trust, .a = a, .diag = diag,
	};
	struct profile *p = NULL;
	int r = profile_load_file(&ld, path, &p);

	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	return 0;
}

/* ---- listing ---- */

static int profile_info_cmp(const void *pa, const void *pb)
{
	const struct profile_info *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	return (int)a->shadowed - (int)b->shadowed;
}

/* The description without validating the file: a listing must show
 * broken profiles too. */
static const char *profile_peek_description(const char *path, struct arena *a)
{
	struct diag quiet;
	struct ytree_node *root = NULL, *d;
	char *buf;
	size_t len;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return NULL;
	r = fd_read_all(fd, PROFILE_MAX_FILE_SIZE, a, &buf, &len);
	close(fd);
	if (r < 0 || len > PROFILE_MAX_FILE_SIZE)
		return NULL;
	diag_init(&quiet, a);
	if (ytree_parse(buf, len, path, &profile_ytree_limits, a, &quiet, &root) < 0)
		return NULL;
	d = ytree_get(root, "description");
	return d && d->type == YTREE_SCALAR ? d->text : NULL;
}

int profile_list(const struct conf *cfg, struct arena *a,
		 struct profile_info **ret, size_t *ret_n)
{
	struct profile_info *list = NULL, *bigger;
	size_t n = 0, cap = 0, i, j, start;

	for (i = 0; i < cfg->n_profile_path; i++) {
		DIR *d = opendir(cfg->profile_path[i]);
		struct dirent *de;

		if (!d)
			continue;
		start = n;
		while ((de = readdir(d))) {
			struct profile_info info = { 0 };
			size_t len = strlen(de->d_name);
			char *path;

			if (de->d_name[0] == '.' ||
			    !((len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0) ||
			      (len > 4 && strcmp(de->d_name + len - 4, ".yml") == 0)))
				continue;
			path = arena_printf(a, "%s/%s", cfg->profile_path[i], de->d_name);
			if (!path || !profile_file_exists(path))
				continue;
			info.path = path;
			info.name = profile_stem(a, path);
			if (!info.name)
				break;
			for (j = 0; j < start; j++)
				if (strcmp(list[j].name, info.name) == 0)
					info.shadowed = true;
			info.description = profile_peek_description(path, a);
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				bigger = arena_calloc(a, cap, sizeof(*bigger));
				if (!bigger) {
					closedir(d);
					return -ENOMEM;
				}
				if (n)
					memcpy(bigger, list, n * sizeof(*list));
				list = bigger;
			}
			list[n++] = info;
		}
		closedir(d);
	}
	if (n)
		qsort(list, n, sizeof(*list), profile_info_cmp);
	*ret = list;
	*ret_n = n;
	return 0;
}
