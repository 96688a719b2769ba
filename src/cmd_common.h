/*
 * cmd_common: option handling every command shares, in the command layer
 * (so it may print): --format, durations, stray arguments, and entering
 * --netns / opening --root with one error message for each failure.
 */
#ifndef TWTUNE_CMD_COMMON_H
#define TWTUNE_CMD_COMMON_H

#include <stdbool.h>

/* --format ARG among names (NULL-terminated): index in *ret, or an error
 * "invalid --format 'x' (expected text, json or prometheus)" and -EINVAL. */
int cmd_format(const char *arg, const char *const *names, int *ret);
/* The common case: text or json. */
int cmd_format_json(const char *arg, bool *ret_json);

/* A whole number of seconds from 0 to max for option opt, in ms. */
int cmd_seconds_ms(const char *opt, const char *arg, unsigned max, unsigned *ret_ms);

/* -EINVAL with "unexpected argument 'x'" when operands are left after
 * getopt_long (optind < argc). */
int cmd_no_operands(int argc, char **argv);

/* Enters --netns NAME (when given), then opens --root DIR (NULL = "/").
 * On failure prints which one failed, with the name and the reason. */
int cmd_open_target(const char *root, const char *netns, int *ret_root_fd);

#endif
