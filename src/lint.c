/*
 * lint: the two ways to lint sysctl configuration. A file on its own is
 * parsed and resolved by itself (systemd rules); a tree under a root is
 * resolved exactly as systemd-sysctl would at boot, so findings can say
 * which assignment a later file overrides and which file is hidden.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "lint.h"
#include "lint_int.h"
#include "procsys.h"
#include "sysctld.h"

void lint_env_init(struct lint_env *env, struct lint_options *o,
		   struct arena *a, struct diag *diag)
{
	char *s;
	long long ehash;
	char *end;

	memset(env, 0, sizeof(*env));
	env->o = o;
	env->a = a;
	env->diag = diag;
	env->tw_buckets_default = 65536;

	if (o->root_fd < 0)
		return;
	if (!o->kernel_known && procsys_read(o->root_fd, "kernel.osrelease", a, &s) == 0 &&
	    kversion_parse(s, &o->kernel) == 0)
		o->kernel_known = true;
	/* The default is derived (ehash buckets / 2); the live value may
	 * already be the lowered one, so it is not a reference. A child
	 * netns sharing the global table shows the size negated. */
	if (procsys_read(o->root_fd, "net.ipv4.tcp_ehash_entries", a, &s) == 0) {
		ehash = strtoll(s, &end, 10);
		if (end != s && ehash != 0) {
			env->tw_buckets_default = llabs(ehash) / 2;
			env->tw_buckets_default_known = true;
		}
	}
	env->listening_known = lint_read_listening(o->root_fd, a, env->listening) == 0;
}

int lint_sysctl_buffer(struct lint_env *env, const char *buf, size_t len,
		       const char *name)
{
	struct sysctld_result *res;
	struct sysctld_file *f;
	size_t i;
	int r;

	f = arena_alloc(env->a, sizeof(*f));
	if (!f)
		return -ENOMEM;
	r = sysctld_parse(buf, len, name, SYSCTLD_SYSTEMD, env->a, env->diag, f);
	if (r < 0)
		return r;
	for (i = 0; i < f->n_lines; i++)
		lint_check_line(env, &f->lines[i]);
	/* globs are not expanded: the file may be meant for another host */
	r = sysctld_resolve_files(f, 1, -1, SYSCTLD_SYSTEMD, env->a, &res);
	if (r < 0)
		return r;
	lint_check_duplicates(env, res);
	lint_check_effective(env, res, false);
	return 0;
}

static void report_shadowed(struct lint_env *env, const struct sysctld_file *f)
{
	const char *s, *e;
	char *path;

	for (s = f->shadows; s && *s; s = *e ? e + 1 : e) {
		e = strchr(s, ';');
		if (!e)
			e = s + strlen(s);
		path = arena_strndup(env->a, s, (size_t)(e - s));
		if (!path)
			return;
		diag_add(env->diag, DIAG_INFO, path, 0, 0, "shadowed-file", NULL,
			 "file is not read: '%s' has the same name and wins%s", f->path,
			 f->masked ? " (it masks this file)" : "");
	}
}

/* Tree findings name files as root-relative paths; show them under the
 * root the user gave ("image/etc/sysctl.d/x.conf") so they can be opened. */
static int prefix_paths(struct lint_env *env, struct diag_entry *from)
{
	const char *prefix = env->o->root_prefix;
	size_t plen;
	struct diag_entry *e;
	char *p;

	if (!prefix || !*prefix)
		return 0;
	plen = strlen(prefix);
	while (plen > 0 && prefix[plen - 1] == '/')
		plen--;
	if (plen == 0)
		return 0;
	for (e = from; e; e = e->next) {
		if (!e->file || e->file[0] != '/')
			continue;
		p = arena_printf(env->a, "%.*s%s", (int)plen, prefix, e->file);
		if (!p)
			return -ENOMEM;
		e->file = p;
	}
	return 0;
}

int lint_tree(struct lint_env *env)
{
	struct diag_entry **mark = env->diag->tail;
	struct sysctld_result *res;
	size_t i, j;
	int r;

	r = sysctld_resolve(env->o->root_fd, SYSCTLD_SYSTEMD, env->a, env->diag, &res);
	if (r < 0)
		return r;
	for (i = 0; i < res->n_files; i++) {
		const struct sysctld_file *f = &res->files[i];

		report_shadowed(env, f);
		for (j = 0; j < f->n_lines; j++)
			lint_check_line(env, &f->lines[j]);
	}
	lint_check_duplicates(env, res);
	lint_check_effective(env, res, true);
	return prefix_paths(env, *mark);
}
