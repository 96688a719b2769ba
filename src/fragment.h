/*
 * fragment: the sysctl.d file apply owns (/etc/sysctl.d/90-twtune.conf by
 * default). Renders it from sorted key/value pairs, reads it and replaces
 * it atomically under a root fd: temp file in the same directory
 * (O_CREAT|O_EXCL|O_NOFOLLOW), write, fsync, fchmod 0644, renameat, fsync
 * the directory. A symlink at the fragment path is refused, never
 * followed. Rendered and read bytes live in the arena given.
 */
#ifndef TWTUNE_FRAGMENT_H
#define TWTUNE_FRAGMENT_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

#define FRAGMENT_MAX_SIZE (256 * 1024)
#define FRAGMENT_NAME_MAX 128

struct fragment_entry {
	const char *key;	/* canonical dotted, safe */
	const char *value;	/* no newline */
};

/* [A-Za-z0-9._-]+ ending in ".conf", not hidden, at most
 * FRAGMENT_NAME_MAX bytes. */
bool fragment_name_valid(const char *name);

/* An absolute path whose base name is fragment_name_valid and whose
 * directory has no "." or ".." components. */
bool fragment_path_valid(const char *path);

/* Header naming twtune, the profile, its sha256 and the generation, then
 * "key = value" lines sorted by key (entries need not be sorted), except
 * that ip_unprivileged_port_start goes before an ip_local_port_range
 * starting below 1024 so that the boot-time writes succeed. */
int fragment_render(const char *profile, const char *sha256,
		    unsigned generation, const struct fragment_entry *entries,
		    size_t n, struct arena *a, char **ret, size_t *ret_len);

/* The generation named in a header fragment_render wrote; -ENOENT when
 * buf is not such a file. */
int fragment_generation(const char *buf, size_t len, unsigned *ret);

/* Reads the fragment at path (root-relative). Absent: *ret_present false.
 * -ELOOP when path is a symlink, -EINVAL when it is not a regular file,
 * -EFBIG past FRAGMENT_MAX_SIZE. */
int fragment_read(int root_fd, const char *path, struct arena *a,
		  bool *ret_present, char **ret_buf, size_t *ret_len);

/* Replaces the file at path with buf atomically (buf NULL: removes it),
 * creating missing parent directories 0755. Refuses (-ELOOP) a symlink at
 * path. On failure the previous file is untouched and no temp file is
 * left behind. */
int fragment_write(int root_fd, const char *path, const char *buf, size_t len);

/* Removes temp files a killed fragment_write left in path's directory
 * (".NAME.twtune-XXXXXX"); errors are ignored. */
void fragment_clean_temp(int root_fd, const char *path);

/* Opens (creating 0755 when asked) the directory of a root-relative path
 * and returns its fd; *ret_name points into path at the base name. Every
 * component is resolved inside the root, no symlink at the last level. */
int fragment_open_dir(int root_fd, const char *path, bool create, int *ret_fd,
		      const char **ret_name);

/* mkdir -p of a root-relative directory: missing intermediate directories
 * 0755, the last one with mode; returns an fd of the last one. */
int root_mkdir_p(int root_fd, const char *path, unsigned mode, int *ret_fd);

/* fsync wrappers, retrying on EINTR. */
int fsync_fd(int fd);

#endif
