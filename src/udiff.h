/*
 * udiff: a small unified line diff (diff -u style, 3 lines of context) for
 * the fragment apply and rollback would write. Inputs are bounded (the
 * fragment is at most FRAGMENT_MAX_SIZE); the result lives in the arena.
 */
#ifndef TWTUNE_UDIFF_H
#define TWTUNE_UDIFF_H

#include <stddef.h>

struct arena;

/* Most lines per side udiff accepts; more is -E2BIG. */
#define UDIFF_MAX_LINES 4096

/* Diff of a (labelled a_name) against b: "--- a_name\n+++ b_name\n@@ ...".
 * NULL a or b means the file is absent (labelled "/dev/null" as diff -N
 * does). Identical inputs give "". A last line without '\n' is marked
 * "\ No newline at end of file". */
int udiff(const char *a, size_t a_len, const char *a_name,
	  const char *b, size_t b_len, const char *b_name,
	  struct arena *ar, char **ret);

#endif
