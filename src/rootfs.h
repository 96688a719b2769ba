/*
 * rootfs: every file twtune reads or writes goes through a directory fd for
 * the root it works on ("/" normally, DIR with --root). Paths are resolved
 * as if DIR were "/" (openat2 RESOLVE_IN_ROOT), so an absolute symlink in a
 * fixture tree or a copied image cannot reach the host.
 */
#ifndef TWTUNE_ROOTFS_H
#define TWTUNE_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct arena;

/* Opens DIR (NULL or "" = "/") as a root directory fd. */
int root_dir_open(const char *dir, int *ret_fd);

/* openat2(root_fd, path, flags, RESOLVE_IN_ROOT); a leading '/' in path is
 * ignored. Returns an fd or a negative errno. */
int root_open(int root_fd, const char *path, int flags, mode_t mode);

/* The userspace walk root_open() falls back to where openat2 is missing
 * (kernels before 5.6, valgrind): same confinement, exported for tests. */
int root_open_walk(int root_fd, const char *path, int flags, mode_t mode);

/* Reads a whole file (also /proc files that report size 0), at most max
 * bytes: -EFBIG past that. The buffer is NUL-terminated and lives in a. */
int root_read_file(int root_fd, const char *path, size_t max, struct arena *a,
		   char **ret_buf, size_t *ret_len);
int fd_read_all(int fd, size_t max, struct arena *a, char **ret_buf,
		size_t *ret_len);

/* Writes all of buf, retrying on EINTR and short writes. */
int fd_write_all(int fd, const void *buf, size_t len);

#endif
