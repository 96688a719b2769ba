#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
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
	/* Kernels before 5.6: plain openat, which is what --root meant there. */
	fd = openat(root_fd, path, flags | O_CLOEXEC, mode);
	return fd >= 0 ? fd : -errno;
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
