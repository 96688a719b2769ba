#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "diag.h"

void conf_defaults(struct conf *ret)
{
	char self[4096];
	ssize_t n;

	memset(ret, 0, sizeof(*ret));
	ret->default_profile = "default";
	ret->fragment = "/etc/sysctl.d/90-twtune.conf";
	ret->state_dir = "/var/lib/twtune";
	ret->profile_path[ret->n_profile_path++] = TWTUNE_SYSCONFDIR "/twtune/profiles";
	/* Run from the build tree: the source tree's profiles come before the
	 * installed ones, so a developer tests what they edit. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if (strcmp(self, TWTUNE_BUILD_BINARY) == 0)
			ret->profile_path[ret->n_profile_path++] = TWTUNE_SRC_PROFILEDIR;
	}
	ret->profile_path[ret->n_profile_path++] = TWTUNE_PROFILEDIR;
}

/* Placeholder until the YAML loader lands (issue 2): defaults only. */
int conf_load(const char *path, bool explicit, bool check_trust,
		struct arena *a, struct diag *diag, struct conf *ret)
{
	if (explicit && access(path, R_OK) < 0)
		return -errno;
	return 0;
}
