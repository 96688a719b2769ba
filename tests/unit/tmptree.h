/*
 * tmptree: temporary directory trees for unit tests (fixture roots for
 * --root style code). Made with mkdtemp, removed with nftw: no shell.
 */
#ifndef TWTUNE_TEST_TMPTREE_H
#define TWTUNE_TEST_TMPTREE_H

#include <stddef.h>

/* mkdtemp of "$TMPDIR/PREFIX.XXXXXX" into buf; 0 or -errno. */
int tmptree_create(const char *prefix, char *buf, size_t size);
/* Writes DIR/REL, creating the directories on the way; 0 or -errno. */
int tmptree_write(const char *dir, const char *rel, const char *content);
/* Removes DIR and everything below it, not following symlinks. */
int tmptree_remove(const char *dir);

#endif
