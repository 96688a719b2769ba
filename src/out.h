/*
 * out: messages from commands to the user on stderr, git style:
 * "error: cannot open 'x': No such file or directory". Only cmd_*.c,
 * twtune.c and the report modules call these; library code returns
 * errors instead.
 */
#ifndef TWTUNE_OUT_H
#define TWTUNE_OUT_H

#include <stdbool.h>
#include <stdio.h>

struct diag;

void out_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void out_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints every entry gcc style, "file:line:col: severity: message [id]",
 * followed by the source excerpt and a caret line when the entry has one.
 * min: lowest severity printed. */
void out_diag(FILE *f, const struct diag *d, int min_severity, bool color);

/* code (one of SGR_*) when color is set, else "". */
const char *out_sgr(bool color, const char *code);
#define SGR_RESET "\033[0m"
#define SGR_BOLD "\033[1m"
#define SGR_RED "\033[1;31m"
#define SGR_YELLOW "\033[1;33m"
#define SGR_GREEN "\033[1;32m"
#define SGR_CYAN "\033[1;36m"
#define SGR_DIM "\033[2m"

#endif
