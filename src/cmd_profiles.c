#include "config.h"

#include "cmd.h"
#include "ctx.h"
#include "out.h"

/* Placeholder: replaced by the real command. */
int cmd_profiles(int argc, char **argv, struct ctx *ctx)
{
	out_error("'profiles' is not implemented yet");
	return TW_EXIT_UNKNOWN;
}
