/*
 * lint_int: what lint.c (drivers) and lint_rules.c (rules) share; not
 * for other modules.
 */
#ifndef TWTUNE_LINT_INT_H
#define TWTUNE_LINT_INT_H

#include <stdbool.h>

struct lint_env;
struct sysctld_file;
struct sysctld_line;
struct sysctld_result;

void lint_check_line(struct lint_env *env, const struct sysctld_line *l);
/* Keys set twice within one file, from the resolved set. */
void lint_check_duplicates(struct lint_env *env, const struct sysctld_result *res);
/* cross_file: report assignments overridden by a later file (tree). */
void lint_check_effective(struct lint_env *env, const struct sysctld_result *res,
			  bool cross_file);

#endif
