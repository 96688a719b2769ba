#include "config.h"

#include "cmd.h"
#include "ctx.h"
#include "out.h"

/* Placeholder: replaced by the real command. */
int cmd_sockets(int argc, char **argv, struct ctx *ctx)
{
	out_error("'sockets' is not implemented yet");
	return TW_EXIT_UNKNOWN;
}
