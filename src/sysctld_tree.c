/*
 * sysctld_tree: which files a boot-time run reads under a root, in which
 * order, and their bytes (SYSCTL.md section 1): the directory list of the
 * mode, first basename wins, byte-order sort by basename, hidden files
 * (systemd skips them), masks (a symlink to /dev/null or an empty file),
 * and procps' /etc/sysctl.conf applied last.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "rootfs.h"
#include "sysctld.h"

static const char *const systemd_dirs[] = {
	"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d",
	"/usr/lib/sysctl.d", NULL,
};

/* procps-ng PreloadSystem() dirs[]; /lib/sysctl.d is usually the same
 * directory as /usr/lib/sysctl.d (merged /usr) and is then skipped. */
static const char *const procps_dirs[] = {
	"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d",
	"/usr/lib/sysctl.d", "/lib/sysctl.d", NULL,
};

#define PROCPS_SYSCTL_CONF "/etc/sysctl.conf"
#define MAX_DIRS 8

struct candidate {
	const char *name;
	const char *path;
	int dir;		/* index into the directory fds */
	char *shadows;
};

struct tree {
	int root_fd;
	enum sysctld_mode mode;
	struct arena *a;
	struct diag *diag;
	int dir_fd[MAX_DIRS];
	size_t n_dirs;
	struct candidate *cand;
	size_t n_cand, cap_cand;
	bool too_many;
};

static bool wanted_name(enum sysctld_mode mode, const char *name)
{
	size_t len = strlen(name);

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	/* systemd: hidden_or_backup_file(); backup suffixes never end in
	 * ".conf", so only the leading dot matters. */
	if (mode == SYSCTLD_SYSTEMD && name[0] == '.')
		return false;
	return len >= 5 && strcmp(name + len - 5, ".conf") == 0;
}

static int add_shadow(struct tree *t, struct candidate *c, const char *path)
{
	char *s;

	s = c->shadows ? arena_printf(t->a, "%s;%s", c->shadows, path)
		       : arena_strdup(t->a, path);
	if (!s)
		return -ENOMEM;
	c->shadows = s;
	return 0;
}

static int add_candidate(struct tree *t, const char *dir, int dir_index,
			 const char *name)
{
	struct candidate *n;
	const char *path;
	size_t i;

	path = arena_printf(t->a, "%s/%s", dir, name);
	if (!path)
		return -ENOMEM;
	for (i = 0; i < t->n_cand; i++)
		if (strcmp(t->cand[i].name, name) == 0)
			return add_shadow(t, &t->cand[i], path);
	if (t->n_cand == SYSCTLD_MAX_FILES) {
		if (!t->too_many && t->diag)
			diag_add(t->diag, DIAG_ERROR, dir, 0, 0, "too-many-files", NULL,
				 "more than %d configuration files: the rest is ignored",
				 SYSCTLD_MAX_FILES);
		t->too_many = true;
		return 0;
	}
	if (ARENA_GROW(t->a, t->cand, t->n_cand, t->cap_cand, 32) < 0)
		return -ENOMEM;
	n = &t->cand[t->n_cand++];
	n->name = arena_strdup(t->a, name);
	if (!n->name)
		return -ENOMEM;
	n->path = path;
	n->dir = dir_index;
	n->shadows = NULL;
	return 0;
}

/* Whether fd is a directory already listed (/lib -> usr/lib). */
static bool same_dir_seen(struct tree *t, int fd)
{
	struct stat st, o;
	size_t i;

	if (fstat(fd, &st) < 0)
		return false;
	for (i = 0; i < t->n_dirs; i++)
		if (t->dir_fd[i] >= 0 && fstat(t->dir_fd[i], &o) == 0 &&
		    o.st_dev == st.st_dev && o.st_ino == st.st_ino)
			return true;
	return false;
}

static int scan_dir(struct tree *t, const char *dir)
{
	struct dirent *de;
	DIR *d;
	int fd, dup_fd, idx, r = 0;

	fd = root_open(t->root_fd, dir, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0) {
		if (fd == -ENOENT || fd == -ENOTDIR)
			return 0;
		if (t->diag)
			diag_add(t->diag, DIAG_ERROR, dir, 0, 0, "unreadable", NULL,
				 "cannot open directory: %s", strerror(-fd));
		return 0;
	}
	if (same_dir_seen(t, fd) || t->n_dirs == MAX_DIRS) {
		close(fd);
		return 0;
	}
	idx = (int)t->n_dirs;
	t->dir_fd[t->n_dirs++] = fd;
	dup_fd = dup(fd);
	if (dup_fd < 0)
		return -errno;
	d = fdopendir(dup_fd);
	if (!d) {
		close(dup_fd);
		return -errno;
	}
	errno = 0;
	while ((de = readdir(d))) {
		if (!wanted_name(t->mode, de->d_name))
			continue;
		r = add_candidate(t, dir, idx, de->d_name);
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

static int cand_cmp(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Whether name in dir_fd is a symlink whose target text is /dev/null.
 * The text is checked, not the target: a fixture tree has no /dev. */
static bool links_to_dev_null(int dir_fd, const char *name)
{
	char target[64];
	ssize_t n;

	n = readlinkat(dir_fd, name, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strcmp(target, "/dev/null") == 0;
}

/* Reads one selected file into f. Problems become diagnostics; only
 * -ENOMEM is returned. */
static int read_one(struct tree *t, const struct candidate *c, int dir_fd,
		    struct sysctld_file *f)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, r;

	memset(f, 0, sizeof(*f));
	f->path = c->path;
	f->name = c->name;
	f->shadows = c->shadows;

	if (dir_fd >= 0 && links_to_dev_null(dir_fd, c->name)) {
		f->masked = true;
		return 0;
	}
	fd = root_open(t->root_fd, c->path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	if (fd == -ENOENT && t->mode == SYSCTLD_SYSTEMD) {
		/* dangling symlink: systemd ignores ENOENT, so it masks */
		f->masked = true;
		if (t->diag)
			diag_add(t->diag, DIAG_INFO, c->path, 0, 0, "dangling-symlink", NULL,
				 "%s", "file does not resolve; it masks same-named files "
				 "and sets nothing");
		return 0;
	}
	if (fd < 0) {
		f->unreadable = true;
		if (t->diag)
			diag_add(t->diag, DIAG_ERROR, c->path, 0, 0, "unreadable", NULL,
				 "cannot open file: %s", strerror(-fd));
		return 0;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		f->unreadable = true;
		if (t->diag)
			diag_add(t->diag, DIAG_ERROR, c->path, 0, 0, "unreadable", NULL,
				 "%s", "not a regular file");
		return 0;
	}
	r = fd_read_all(fd, SYSCTLD_MAX_FILE_SIZE, t->a, &buf, &len);
	close(fd);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		f->unreadable = true;
		if (t->diag) {
			if (r == -EFBIG)
				diag_add(t->diag, DIAG_ERROR, c->path, 0, 0, "file-too-large",
					 NULL, "file larger than %d MiB, not read",
					 SYSCTLD_MAX_FILE_SIZE >> 20);
			else
				diag_add(t->diag, DIAG_ERROR, c->path, 0, 0, "unreadable",
					 NULL, "cannot read file: %s", strerror(-r));
		}
		return 0;
	}
	r = sysctld_parse(buf, len, c->path, t->mode, t->a, t->diag, f);
	if (r < 0)
		return r;
	f->shadows = c->shadows;
	f->masked = len == 0;
	return 0;
}

/* procps: /etc/sysctl.conf, read after everything else when it exists
 * and stat() says regular file (a symlink to one counts). */
static int add_sysctl_conf(struct tree *t)
{
	struct stat st;
	int dir_fd, fd;

	dir_fd = root_open(t->root_fd, "/etc", O_RDONLY | O_DIRECTORY, 0);
	if (dir_fd < 0)
		return 0;
	if (links_to_dev_null(dir_fd, "sysctl.conf")) {
		close(dir_fd);
		return 0;
	}
	close(dir_fd);
	fd = root_open(t->root_fd, PROCPS_SYSCTL_CONF, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	close(fd);
	return 1;
}

int sysctld_resolve(int root_fd, enum sysctld_mode mode, struct arena *a,
		    struct diag *diag, struct sysctld_result **ret)
{
	const char *const *dirs = mode == SYSCTLD_PROCPS ? procps_dirs : systemd_dirs;
	struct tree t = {
		.root_fd = root_fd, .mode = mode, .a = a, .diag = diag,
	};
	struct sysctld_file *files;
	struct candidate conf = {
		.name = "sysctl.conf", .path = PROCPS_SYSCTL_CONF, .dir = -1,
	};
	size_t i, n;
	int r = 0, has_conf = 0;

	for (i = 0; dirs[i]; i++) {
		r = scan_dir(&t, dirs[i]);
		if (r < 0)
			goto out;
	}
	if (t.n_cand)
		qsort(t.cand, t.n_cand, sizeof(*t.cand), cand_cmp);
	if (mode == SYSCTLD_PROCPS)
		has_conf = add_sysctl_conf(&t);

	n = t.n_cand + (size_t)has_conf;
	files = arena_calloc(a, n ? n : 1, sizeof(*files));
	if (!files) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < t.n_cand; i++) {
		r = read_one(&t, &t.cand[i], t.dir_fd[t.cand[i].dir], &files[i]);
		if (r < 0)
			goto out;
	}
	if (has_conf) {
		r = read_one(&t, &conf, -1, &files[t.n_cand]);
		if (r < 0)
			goto out;
	}
	r = sysctld_resolve_files(files, n, root_fd, mode, a, ret);
out:
	for (i = 0; i < t.n_dirs; i++)
		close(t.dir_fd[i]);
	return r;
}
