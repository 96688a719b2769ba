#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "netns.h"
#include "rootfs.h"

bool ctx_color(const struct ctx *ctx, FILE *f)
{
	const char *term;

	switch (ctx->color_mode) {
	case COLOR_ALWAYS:
		return true;
	case COLOR_NEVER:
		return false;
	case COLOR_AUTO:
		break;
	}
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		return false;
	term = getenv("TERM");
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(f));
}

int ctx_open_target(const char *root, const char *netns, int *ret_root_fd,
		    const char **ret_what)
{
	int r;

	if (netns) {
		r = netns_enter(netns);
		if (r < 0) {
			*ret_what = "cannot enter network namespace";
			return r;
		}
	}
	r = root_dir_open(root, ret_root_fd);
	if (r < 0) {
		*ret_what = "cannot open root directory";
		return r;
	}
	return 0;
}
