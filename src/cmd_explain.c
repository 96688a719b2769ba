#include "config.h"

#include "cmd.h"
#include "ctx.h"
#include "out.h"

/* Placeholder: replaced by the real command. */
int cmd_explain(int argc, char **argv, struct ctx *ctx)
{
	out_error("'explain' is not implemented yet");
	return TW_EXIT_UNKNOWN;
}
