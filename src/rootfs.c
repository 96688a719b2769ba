#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arena.h"
#include "rootfs.h"

int root_dir_open(const char *dir, int *ret_fd)
{
	int fd;

	if (!dir || !*dir)
		dir = "/";
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

#define ROOT_WALK_DEPTH 64
#define ROOT_WALK_SYMLINKS 40

/* Userspace RESOLVE_IN_ROOT: walks path one component at a time from
 * root_fd, resolving symlinks by hand so that absolute targets and ".."
 * stay inside the root. Only the last component is opened with the
 * caller's flags. */
int root_open_walk(int root_fd, const char *path, int flags, mode_t mode)
{
	int stack[ROOT_WALK_DEPTH];
	size_t depth = 0, links = 0;
	char *rest, *comp, *next;
	int r = 0, fd;

	rest = malloc(PATH_MAX * 2);
	if (!rest)
		return -ENOMEM;
	if (strlen(path) >= PATH_MAX) {
		free(rest);
		return -ENAMETOOLONG;
	}
	strcpy(rest, path);
	stack[0] = -1;	/* -1 stands for root_fd itself */

	for (comp = rest; comp;) {
		int cur = depth ? stack[depth] : root_fd;
		char target[PATH_MAX];
		struct stat st;
		ssize_t n;

		while (*comp == '/')
			comp++;
		next = strchr(comp, '/');
		if (next)
			*next++ = '\0';
		while (next && *next == '/')
			next++;
		if (next && !*next)
			next = NULL;

		if (!*comp || strcmp(comp, ".") == 0) {
			if (!next) {
				r = openat(cur, ".", flags, mode);
				r = r < 0 ? -errno : r;
				goto out;
			}
			comp = next;
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			if (depth > 0)
				close(stack[depth--]);
			if (!next) {
				r = openat(depth ? stack[depth] : root_fd, ".", flags, mode);
				r = r < 0 ? -errno : r;
				goto out;
			}
			comp = next;
			continue;
		}
		if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
		    !(!next && (flags & O_NOFOLLOW))) {
			size_t tlen, nlen;

			if (++links > ROOT_WALK_SYMLINKS) {
				r = -ELOOP;
				goto out;
			}
			n = readlinkat(cur, comp, target, sizeof(target) - 1);
			if (n < 0) {
				r = -errno;
				goto out;
			}
			target[n] = '\0';
			tlen = (size_t)n;
			nlen = next ? strlen(next) : 0;
			if (tlen + 1 + nlen >= PATH_MAX * 2) {
				r = -ENAMETOOLONG;
				goto out;
			}
			/* rest = target + "/" + next, then restart there. */
			if (next)
				memmove(rest + tlen + 1, next, nlen + 1);
			else
				rest[tlen + 1] = '\0';
			memcpy(rest, target, tlen);
			rest[tlen] = next ? '/' : '\0';
			if (target[0] == '/')
				while (depth > 0)
					close(stack[depth--]);
			comp = rest;
			continue;
		}
		if (!next) {
			r = openat(cur, comp, flags, mode);
			r = r < 0 ? -errno : r;
			goto out;
		}
		if (depth + 1 >= ROOT_WALK_DEPTH) {
			r = -ENAMETOOLONG;
			goto out;
		}
		fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			r = -errno;
			goto out;
		}
		stack[++depth] = fd;
		comp = next;
	}
out:
	while (depth > 0)
		close(stack[depth--]);
	free(rest);
	return r;
}

int root_open(int root_fd, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT,
	};
	int fd;

	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	if (errno != ENOSYS)
		return -errno;
	/* Kernels before 5.6 (and valgrind): the same rules in userspace. */
	return root_open_walk(root_fd, path, flags | O_CLOEXEC, mode);
}

int fd_read_all(int fd, size_t max, struct arena *a, char **ret_buf,
		size_t *ret_len)
{
	size_t cap = 4096, len = 0;
	char *buf, *nbuf, *out;
	ssize_t n;

	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			free(buf);
			return (int)n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			return -EFBIG;
		}
	}
	out = arena_strndup(a, buf, len);
	free(buf);
	if (!out)
		return -ENOMEM;
	*ret_buf = out;
	if (ret_len)
		*ret_len = len;
	return 0;
}

int root_read_file(int root_fd, const char *path, size_t max, struct arena *a,
		   char **ret_buf, size_t *ret_len)
{
	int fd, r;

	fd = root_open(root_fd, path, O_RDONLY | O_NOCTTY, 0);
	if (fd < 0)
		return fd;
	r = fd_read_all(fd, max, a, ret_buf, ret_len);
	close(fd);
	return r;
}

int fd_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
