#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "procsys.h"
#include "rootfs.h"

#define PROCSYS_VALUE_MAX (1024 * 1024)

int sysctl_key_to_path(const char *key, char *buf, size_t size)
{
	char tmp[SYSCTL_KEY_MAX * 2];
	const char *first;
	size_t len = strlen(key), i, o = 0;
	bool swap;

	if (len >= sizeof(tmp))
		return -ENAMETOOLONG;
	first = strpbrk(key, "/.");
	swap = first && *first == '.';
	for (i = 0; i < len; i++) {
		char c = key[i];

		if (swap && (c == '.' || c == '/'))
			c = c == '.' ? '/' : '.';
		tmp[i] = c;
	}
	tmp[len] = '\0';

	/* path_simplify(): collapse "//", drop "." components and a trailing
	 * '/'; then drop a leading '/'. ".." is kept (callers refuse it). */
	for (i = 0; i < len;) {
		size_t start, clen;

		while (i < len && tmp[i] == '/')
			i++;
		start = i;
		while (i < len && tmp[i] != '/')
			i++;
		clen = i - start;
		if (clen == 0 || (clen == 1 && tmp[start] == '.'))
			continue;
		if (o + (o ? 1 : 0) + clen + 1 > size)
			return -ENAMETOOLONG;
		if (o)
			buf[o++] = '/';
		memcpy(buf + o, tmp + start, clen);
		o += clen;
	}
	if (size == 0)
		return -ENAMETOOLONG;
	buf[o] = '\0';
	return 0;
}

int sysctl_path_to_key(const char *path, char *buf, size_t size)
{
	size_t len = strlen(path), i;

	if (len + 1 > size)
		return -ENAMETOOLONG;
	for (i = 0; i < len; i++) {
		char c = path[i];

		buf[i] = c == '/' ? '.' : c == '.' ? '/' : c;
	}
	buf[len] = '\0';
	return 0;
}

int sysctl_key_canonical(const char *key, char *buf, size_t size)
{
	char path[SYSCTL_KEY_MAX * 2];
	int r;

	r = sysctl_key_to_path(key, path, sizeof(path));
	if (r < 0)
		return r;
	return sysctl_path_to_key(path, buf, size);
}

bool sysctl_key_is_safe(const char *key)
{
	size_t len = strlen(key), i, comp = 0;

	if (len == 0 || len > SYSCTL_KEY_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = key[i];

		if (c == '.' || c == '/') {
			if (comp == 0)
				return false;	/* empty component */
			comp = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
		comp++;
	}
	return comp > 0 && !strstr(key, "..");
}

static int procsys_path(const char *key, char *buf, size_t size)
{
	char path[SYSCTL_KEY_MAX * 2];
	int r;

	r = sysctl_key_to_path(key, path, sizeof(path));
	if (r < 0)
		return r;
	if (!*path || strcmp(path, "..") == 0 || strncmp(path, "../", 3) == 0 ||
	    strstr(path, "/../") || (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
		return -EINVAL;
	if ((size_t)snprintf(buf, size, "proc/sys/%s", path) >= size)
		return -ENAMETOOLONG;
	return 0;
}

int procsys_read(int root_fd, const char *key, struct arena *a, char **ret_value)
{
	char path[SYSCTL_KEY_MAX * 2 + 16];
	size_t len;
	char *buf;
	int r;

	r = procsys_path(key, path, sizeof(path));
	if (r < 0)
		return r;
	r = root_read_file(root_fd, path, PROCSYS_VALUE_MAX, a, &buf, &len);
	if (r == -EISDIR)
		return -ENOENT;
	if (r < 0)
		return r;
	while (len > 0 && (buf[len - 1] == '\n'))
		buf[--len] = '\0';
	*ret_value = buf;
	return 0;
}

int procsys_write(int root_fd, const char *key, const char *value)
{
	char path[SYSCTL_KEY_MAX * 2 + 16];
	size_t len = strlen(value);
	char *buf;
	ssize_t n;
	int fd, r;

	if (strchr(value, '\n'))
		return -EINVAL;
	r = procsys_path(key, path, sizeof(path));
	if (r < 0)
		return r;
	buf = malloc(len + 2);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, value, len);
	buf[len] = '\n';
	fd = root_open(root_fd, path, O_WRONLY | O_NOFOLLOW | O_NOCTTY, 0);
	if (fd < 0) {
		free(buf);
		return fd;
	}
	do
		n = write(fd, buf, len + 1);
	while (n < 0 && errno == EINTR);
	r = n < 0 ? -errno : 0;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	free(buf);
	return r;
}
