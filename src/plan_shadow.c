/*
 * plan_shadow: which keys of the fragment a later sysctl.d file would
 * override at boot (systemd-sysctl order), kept apart from plan.c so that
 * planning does not need the sysctl.d resolver.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "plan.h"
#include "sysctld.h"

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int plan_shadowed(int root_fd, const struct plan_options *o,
		  struct apply_plan *p, struct arena *a)
{
	struct sysctld_result *res;
	struct diag scratch;
	const char *ours = base_name(o->fragment_path);
	size_t i;
	int r;

	/* Problems in other files are lint's business, not apply's. */
	diag_init(&scratch, a);
	r = sysctld_resolve(root_fd, SYSCTLD_SYSTEMD, a, &scratch, &res);
	if (r < 0)
		return r;
	p->shadowed = arena_calloc(a, p->n_items ? p->n_items : 1, sizeof(*p->shadowed));
	if (!p->shadowed)
		return -ENOMEM;
	p->n_shadowed = 0;
	for (i = 0; i < p->n_items; i++) {
		const struct sysctld_key *k = sysctld_lookup(res, p->items[i].key);
		const char *file;

		if (!k || !k->source || k->from_glob)
			continue;	/* a glob never overrides an explicit key */
		file = k->source->file;
		if (strcmp(file, o->fragment_path) == 0)
			continue;
		/* systemd sorts every file by base name; a same-named file in
		 * another directory is hidden by ours in /etc. */
		if (strcmp(base_name(file), ours) <= 0)
			continue;
		p->shadowed[p->n_shadowed++] = (struct plan_shadow){
			p->items[i].key, file, k->source->line, k->value,
		};
	}
	return 0;
}
