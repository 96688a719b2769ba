/*
 * lint: the two ways to lint sysctl configuration. A file on its own is
 * parsed and resolved by itself (systemd rules); a tree under a root is
 * resolved exactly as systemd-sysctl would at boot, so findings can say
 * which assignment a later file overrides and which file is hidden.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "census.h"
#include "diag.h"
#include "lint.h"
#include "lint_int.h"
#include "procsys.h"
#include "rootfs.h"
#include "sysctld.h"

static void read_listening(struct lint_env *env)
{
	struct census_options opt = { .force_proc = env->o->root_given };
	struct census c;
	size_t i;

	census_init(&c);
	if (census_collect(env->o->root_fd, &opt, &c) == 0) {
		for (i = 0; i < c.n_listen_ports; i++)
			env->listening[c.listen_ports[i] / 8] |=
				(uint8_t)(1u << (c.listen_ports[i] % 8));
		env->listening_known = true;
	}
	census_release(&c);
}

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
	read_listening(env);
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

static bool same_file(int root_fd, const char *a, const char *b)
{
	struct stat sa, sb;
	int fa, fb;
	bool same = false;

	fa = root_open(root_fd, a, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	fb = root_open(root_fd, b, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	if (fa >= 0 && fb >= 0 && fstat(fa, &sa) == 0 && fstat(fb, &sb) == 0)
		same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return same;
}

/* Files procps 'sysctl --system' applies and systemd-sysctl does not
 * (SYSCTL.md D1, D2): hidden files and an unlinked /etc/sysctl.conf. */
static int check_procps_only(struct lint_env *env, const struct sysctld_result *sd)
{
	struct sysctld_result *ps;
	const struct sysctld_file *f;
	size_t i, j;
	bool linked;
	int r;

	r = sysctld_resolve(env->o->root_fd, SYSCTLD_PROCPS, env->a, NULL, &ps);
	if (r < 0)
		return r;
	for (i = 0; i < ps->n_files; i++) {
		f = &ps->files[i];
		if (f->masked || f->unreadable || !f->n_lines)
			continue;
		if (strcmp(f->path, "/etc/sysctl.conf") == 0) {
			linked = false;
			for (j = 0; j < sd->n_files && !linked; j++)
				linked = !sd->files[j].masked &&
					 same_file(env->o->root_fd, sd->files[j].path, f->path);
			if (!linked)
				diag_add(env->diag, DIAG_WARNING, f->path, 0, 0,
					 "procps-only-file", NULL, "%s",
					 "systemd-sysctl does not read /etc/sysctl.conf (link it "
					 "as /etc/sysctl.d/99-sysctl.conf); only procps "
					 "'sysctl --system' applies it, last");
		} else if (f->name[0] == '.') {
			diag_add(env->diag, DIAG_INFO, f->path, 0, 0, "procps-only-file", NULL,
				 "%s", "hidden file: ignored by systemd-sysctl, applied by "
				 "procps 'sysctl --system'");
		}
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
	r = check_procps_only(env, res);
	if (r < 0)
		return r;
	return prefix_paths(env, *mark);
}
