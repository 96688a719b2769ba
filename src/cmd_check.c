#include "config.h"

#include "cmd.h"
#include "ctx.h"
#include "out.h"

/* Placeholder: replaced by the real command. */
int cmd_check(int argc, char **argv, struct ctx *ctx)
{
	out_error("'check' is not implemented yet");
	return TW_EXIT_UNKNOWN;
}
