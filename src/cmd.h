/*
 * cmd: one function per command, each in its own cmd_NAME.c. A command
 * parses its own options (getopt_long from argv[0] = command name), does
 * its work through the library modules, prints its output, and returns the
 * exit status (TW_EXIT_*). It never calls exit().
 */
#ifndef TWTUNE_CMD_H
#define TWTUNE_CMD_H

struct ctx;

int cmd_check(int argc, char **argv, struct ctx *ctx);
int cmd_apply(int argc, char **argv, struct ctx *ctx);
int cmd_rollback(int argc, char **argv, struct ctx *ctx);
int cmd_history(int argc, char **argv, struct ctx *ctx);
int cmd_lint(int argc, char **argv, struct ctx *ctx);
int cmd_resolve(int argc, char **argv, struct ctx *ctx);
int cmd_sockets(int argc, char **argv, struct ctx *ctx);
int cmd_explain(int argc, char **argv, struct ctx *ctx);
int cmd_profiles(int argc, char **argv, struct ctx *ctx);

#endif
