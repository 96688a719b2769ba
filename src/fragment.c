#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "fragment.h"
#include "rootfs.h"

#define FRAGMENT_TEMP_TAG ".twtune-"

bool fragment_name_valid(const char *name)
{
	size_t len = strlen(name), i;

	if (len <= 5 || len > FRAGMENT_NAME_MAX || name[0] == '.')
		return false;
	if (strcmp(name + len - 5, ".conf") != 0)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool fragment_path_valid(const char *path)
{
	const char *base, *p;

	if (path[0] != '/' || strlen(path) > 1024)
		return false;
	base = strrchr(path, '/') + 1;
	if (!fragment_name_valid(base))
		return false;
	for (p = path; p < base; ) {
		const char *e;
		size_t n;

		while (*p == '/')
			p++;
		if (p >= base)
			break;
		e = strchr(p, '/');
		n = (size_t)(e - p);
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p = e;
	}
	return true;
}

/* Header text must stay one comment line whatever a profile name holds. */
static const char *header_safe(struct arena *a, const char *s)
{
	char *c, *p;

	c = arena_strdup(a, s ? s : "-");
	if (!c)
		return NULL;
	for (p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return c;
}

static int entry_cmp(const void *x, const void *y)
{
	const struct fragment_entry *a = x, *b = y;

	return strcmp(a->key, b->key);
}

/* At boot systemd-sysctl writes in file order from kernel defaults
 * (ip_unprivileged_port_start 1024). Sorted, the port range comes first;
 * a range starting below 1024 needs the lower start written before it. */
static void order_for_boot(struct fragment_entry *e, size_t n)
{
	size_t i, range = n, unpriv = n;
	struct fragment_entry tmp;
	long long low;
	char *end;

	for (i = 0; i < n; i++) {
		if (strcmp(e[i].key, "net.ipv4.ip_local_port_range") == 0)
			range = i;
		else if (strcmp(e[i].key, "net.ipv4.ip_unprivileged_port_start") == 0)
			unpriv = i;
	}
	if (range == n || unpriv == n || unpriv < range)
		return;
	errno = 0;
	low = strtoll(e[range].value, &end, 0);
	if (errno || end == e[range].value || low >= 1024)
		return;
	tmp = e[unpriv];
	memmove(&e[range + 1], &e[range], (unpriv - range) * sizeof(*e));
	e[range] = tmp;
}

int fragment_render(const char *profile, const char *sha256,
		    unsigned generation, const struct fragment_entry *entries,
		    size_t n, struct arena *a, char **ret, size_t *ret_len)
{
	struct fragment_entry *sorted;
	const char *name, *sum;
	size_t len = 0, i, cap;
	char *buf;
	int k;

	name = header_safe(a, profile);
	sum = header_safe(a, sha256);
	if (!name || !sum)
		return -ENOMEM;
	sorted = arena_calloc(a, n ? n : 1, sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	if (n)
		memcpy(sorted, entries, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), entry_cmp);
	order_for_boot(sorted, n);
	cap = 512 + strlen(name) + strlen(sum);
	for (i = 0; i < n; i++) {
		if (strchr(sorted[i].value, '\n') || strchr(sorted[i].key, '\n'))
			return -EINVAL;
		cap += strlen(sorted[i].key) + strlen(sorted[i].value) + 4;
	}
	if (cap > FRAGMENT_MAX_SIZE)
		return -EFBIG;
	buf = arena_alloc(a, cap);
	if (!buf)
		return -ENOMEM;
	k = snprintf(buf, cap,
		     "# Written by twtune. Do not edit: the next 'twtune apply' replaces this\n"
		     "# file and 'twtune rollback' restores what was here before.\n"
		     "# profile: %s\n"
		     "# profile-sha256: %s\n"
		     "# generation: %u\n",
		     name, sum, generation);
	if (k < 0 || (size_t)k >= cap)
		return -EFBIG;
	len = (size_t)k;
	for (i = 0; i < n; i++) {
		k = snprintf(buf + len, cap - len, "%s = %s\n", sorted[i].key,
			     sorted[i].value);
		if (k < 0 || (size_t)k >= cap - len)
			return -EFBIG;
		len += (size_t)k;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

int fragment_generation(const char *buf, size_t len, unsigned *ret)
{
	static const char tag[] = "\n# generation: ";
	const char *p, *end = buf + len;
	unsigned long v;
	char *e;

	if (len < 20 || strncmp(buf, "# Written by twtune.", 20) != 0)
		return -ENOENT;
	p = memmem(buf, len, tag, sizeof(tag) - 1);
	if (!p)
		return -ENOENT;
	p += sizeof(tag) - 1;
	if (p >= end || *p < '0' || *p > '9')
		return -ENOENT;
	errno = 0;
	v = strtoul(p, &e, 10);
	if (errno || e >= end || *e != '\n' || v > 0xffffffffUL)
		return -ENOENT;
	*ret = (unsigned)v;
	return 0;
}

int fsync_fd(int fd)
{
	while (fsync(fd) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

int root_mkdir_p(int root_fd, const char *path, unsigned mode, int *ret_fd)
{
	char parent[1024];
	const char *base;
	int fd, pfd, r;
	size_t plen;

	fd = root_open(root_fd, path, O_RDONLY | O_DIRECTORY, 0);
	if (fd >= 0) {
		*ret_fd = fd;
		return 0;
	}
	if (fd != -ENOENT)
		return fd;
	while (*path == '/')
		path++;
	plen = strlen(path);
	while (plen > 0 && path[plen - 1] == '/')
		plen--;
	if (plen == 0 || plen >= sizeof(parent))
		return -EINVAL;
	memcpy(parent, path, plen);
	parent[plen] = '\0';
	base = strrchr(parent, '/');
	if (base) {
		parent[base - parent] = '\0';
		base++;
		r = root_mkdir_p(root_fd, parent, 0755, &pfd);
		if (r < 0)
			return r;
	} else {
		base = parent;
		pfd = dup(root_fd);
		if (pfd < 0)
			return -errno;
	}
	if (strcmp(base, "..") == 0 || strcmp(base, ".") == 0) {
		close(pfd);
		return -EINVAL;
	}
	if (mkdirat(pfd, base, mode) < 0 && errno != EEXIST) {
		r = -errno;
		close(pfd);
		return r;
	}
	fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	r = fd < 0 ? -errno : 0;
	if (r == 0)
		(void)fsync_fd(pfd);
	close(pfd);
	if (r < 0)
		return r;
	*ret_fd = fd;
	return 0;
}

int fragment_open_dir(int root_fd, const char *path, bool create, int *ret_fd,
		      const char **ret_name)
{
	char dir[1024];
	const char *base;
	size_t dlen;
	int fd;

	if (!fragment_path_valid(path))
		return -EINVAL;
	base = strrchr(path, '/') + 1;
	dlen = (size_t)(base - path);
	if (dlen >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, dlen);
	dir[dlen] = '\0';
	if (create) {
		int r = root_mkdir_p(root_fd, dir, 0755, &fd);

		if (r < 0)
			return r;
	} else {
		fd = root_open(root_fd, dir, O_RDONLY | O_DIRECTORY, 0);
		if (fd < 0)
			return fd;
	}
	*ret_fd = fd;
	*ret_name = base;
	return 0;
}

/* What is at name now: 0 regular file, -ENOENT nothing, -ELOOP symlink,
 * -EINVAL something else. */
static int check_target(int dfd, const char *name)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	return 0;
}

int fragment_read(int root_fd, const char *path, struct arena *a,
		  bool *ret_present, char **ret_buf, size_t *ret_len)
{
	const char *name;
	struct stat st;
	int dfd, fd, r;

	r = fragment_open_dir(root_fd, path, false, &dfd, &name);
	if (r == -ENOENT) {
		*ret_present = false;
		*ret_buf = NULL;
		*ret_len = 0;
		return 0;
	}
	if (r < 0)
		return r;
	r = check_target(dfd, name);
	if (r == -ENOENT) {
		close(dfd);
		*ret_present = false;
		*ret_buf = NULL;
		*ret_len = 0;
		return 0;
	}
	if (r < 0) {
		close(dfd);
		return r;
	}
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	r = fd_read_all(fd, FRAGMENT_MAX_SIZE, a, ret_buf, ret_len);
	close(fd);
	if (r < 0)
		return r;
	*ret_present = true;
	return 0;
}

static int temp_name(const char *name, char *buf, size_t size)
{
	unsigned long long rnd;
	int k;

	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		rnd = ((unsigned long long)getpid() << 32) ^ (unsigned long long)time(NULL) ^
		      (unsigned long long)(uintptr_t)buf;
	k = snprintf(buf, size, ".%s" FRAGMENT_TEMP_TAG "%06llx", name, rnd & 0xffffff);
	return k < 0 || (size_t)k >= size ? -ENAMETOOLONG : 0;
}

int fragment_write(int root_fd, const char *path, const char *buf, size_t len)
{
	char tmp[FRAGMENT_NAME_MAX + 32];
	const char *name;
	int dfd, fd = -1, r, tries;

	if (buf && len > FRAGMENT_MAX_SIZE)
		return -EFBIG;
	r = fragment_open_dir(root_fd, path, buf != NULL, &dfd, &name);
	if (r == -ENOENT && !buf)
		return 0;
	if (r < 0)
		return r;
	r = check_target(dfd, name);
	if (r < 0 && r != -ENOENT)
		goto out;
	if (!buf) {
		if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT) {
			r = -errno;
			goto out;
		}
		r = fsync_fd(dfd);
		goto out;
	}
	for (tries = 0; tries < 64; tries++) {
		r = temp_name(name, tmp, sizeof(tmp));
		if (r < 0)
			goto out;
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	r = fd_write_all(fd, buf, len);
	if (r == 0)
		r = fsync_fd(fd);
	if (r == 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dfd, tmp, dfd, name) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlinkat(dfd, tmp, 0);
		goto out;
	}
	r = fsync_fd(dfd);
out:
	close(dfd);
	return r;
}

void fragment_clean_temp(int root_fd, const char *path)
{
	const char *name;
	struct dirent *de;
	size_t nlen;
	DIR *d;
	int dfd, fd;

	if (fragment_open_dir(root_fd, path, false, &dfd, &name) < 0)
		return;
	fd = dup(dfd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		close(dfd);
		return;
	}
	nlen = strlen(name);
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		if (n[0] == '.' && strncmp(n + 1, name, nlen) == 0 &&
		    strncmp(n + 1 + nlen, FRAGMENT_TEMP_TAG, sizeof(FRAGMENT_TEMP_TAG) - 1) == 0)
			(void)unlinkat(dfd, n, 0);
	}
	closedir(d);
	close(dfd);
}
