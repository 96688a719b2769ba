#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"

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
