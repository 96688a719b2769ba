/*
 * journal: the journal files under STATE/generations/ (journal.h); their
 * text format is in journal_format.c.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "fragment.h"
#include "journal.h"
#include "rootfs.h"

#define JOURNAL_DIR "generations"

int journal_open_state(int root_fd, const char *state_dir, bool create,
		       int *ret_fd)
{
	struct stat st;
	int fd, gfd, r;

	if (!state_dir || state_dir[0] != '/')
		return -EINVAL;
	if (create) {
		r = root_mkdir_p(root_fd, state_dir, 0700, &fd);
	} else {
		fd = root_open(root_fd, state_dir, O_RDONLY | O_DIRECTORY, 0);
		r = fd < 0 ? fd : 0;
	}
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto fail;
	}
	if (st.st_uid != geteuid()) {
		r = -EPERM;
		goto fail;
	}
	if ((st.st_mode & 077) && create && fchmod(fd, 0700) < 0) {
		r = -errno;
		goto fail;
	}
	if (create) {
		if (mkdirat(fd, JOURNAL_DIR, 0700) < 0 && errno != EEXIST) {
			r = -errno;
			goto fail;
		}
		gfd = openat(fd, JOURNAL_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (gfd < 0) {
			r = -errno;
			goto fail;
		}
		if (fstat(gfd, &st) < 0 || st.st_uid != geteuid()) {
			close(gfd);
			r = -EPERM;
			goto fail;
		}
		if ((st.st_mode & 077) && fchmod(gfd, 0700) < 0) {
			r = -errno;
			close(gfd);
			goto fail;
		}
		(void)fsync_fd(gfd);
		close(gfd);
		(void)fsync_fd(fd);
	}
	*ret_fd = fd;
	return 0;
fail:
	close(fd);
	return r;
}

static int journal_name(unsigned gen, char *buf, size_t size)
{
	int k = snprintf(buf, size, "%u.journal", gen);

	return k < 0 || (size_t)k >= size ? -ENAMETOOLONG : 0;
}

/* "N.journal" with N a decimal without leading zeros. */
static bool journal_name_parse(const char *name, unsigned *ret)
{
	unsigned long v = 0;
	const char *p = name;

	if (*p < '1' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > JOURNAL_MAX_GENERATIONS)
			return false;
	}
	if (strcmp(p, ".journal") != 0)
		return false;
	*ret = (unsigned)v;
	return true;
}

static int journal_cmp(const void *x, const void *y)
{
	const struct journal *a = x, *b = y;

	return a->generation < b->generation ? -1 : a->generation > b->generation;
}

/* A committed rollback R undoes every generation G < R from R->rollback_to
 * on, unless R itself was undone by a later rollback. */
static void derive_rolled_back(struct journal *js, size_t n)
{
	size_t i, k;

	for (i = n; i-- > 0;) {
		js[i].rolled_back_by = 0;
		for (k = i + 1; k < n; k++) {
			const struct journal *r = &js[k];

			if (r->op == JOURNAL_ROLLBACK && r->status == JOURNAL_COMMITTED &&
			    r->rolled_back_by == 0 && r->rollback_to <= js[i].generation) {
				js[i].rolled_back_by = r->generation;
				break;
			}
		}
	}
}

int journal_list(int state_fd, const char *state_dir, struct arena *a,
		 struct diag *diag, struct journal **ret, size_t *ret_n,
		 unsigned *ret_max)
{
	struct journal *js = NULL, *nj;
	size_t n = 0, cap = 0;
	unsigned max = 0, gen;
	struct dirent *de;
	int gfd, dfd, r = 0;
	DIR *d;

	gfd = openat(state_fd, JOURNAL_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (gfd < 0) {
		if (errno != ENOENT)
			return -errno;
		*ret = NULL;
		*ret_n = 0;
		*ret_max = 0;
		return 0;
	}
	dfd = dup(gfd);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		r = -errno;
		if (dfd >= 0)
			close(dfd);
		close(gfd);
		return r;
	}
	while ((de = readdir(d))) {
		char *buf, *shown;
		size_t len;
		int fd;

		if (!journal_name_parse(de->d_name, &gen))
			continue;
		if (gen > max)
			max = gen;
		shown = arena_printf(a, "%s/" JOURNAL_DIR "/%s", state_dir, de->d_name);
		if (!shown) {
			r = -ENOMEM;
			break;
		}
		fd = openat(gfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			diag_add(diag, DIAG_ERROR, shown, 0, 0, "journal-unreadable", NULL,
				 "cannot read journal: %s", strerror(errno));
			continue;
		}
		r = fd_read_all(fd, JOURNAL_MAX_SIZE, a, &buf, &len);
		close(fd);
		if (r < 0) {
			diag_add(diag, DIAG_ERROR, shown, 0, 0, "journal-unreadable", NULL,
				 "cannot read journal: %s", strerror(-r));
			r = 0;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nj = arena_calloc(a, cap, sizeof(*nj));
			if (!nj) {
				r = -ENOMEM;
				break;
			}
			if (n)
				memcpy(nj, js, n * sizeof(*nj));
			js = nj;
		}
		r = journal_parse(buf, len, shown, a, diag, &js[n]);
		if (r == -EBADMSG) {
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		if (js[n].generation != gen) {
			diag_add(diag, DIAG_ERROR, shown, 2, 0, "journal-corrupt", NULL,
				 "generation %u recorded in a file named for %u",
				 js[n].generation, gen);
			continue;
		}
		n++;
	}
	closedir(d);
	close(gfd);
	if (r < 0)
		return r;
	if (n)
		qsort(js, n, sizeof(*js), journal_cmp);
	derive_rolled_back(js, n);
	*ret = js;
	*ret_n = n;
	*ret_max = max;
	return 0;
}

int journal_create(int state_fd, const struct journal *j, struct arena *a)
{
	char name[32], tmp[48];
	size_t len;
	char *buf;
	int gfd, fd, r;

	r = journal_serialize(j, a, &buf, &len);
	if (r < 0)
		return r;
	r = journal_name(j->generation, name, sizeof(name));
	if (r < 0)
		return r;
	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	gfd = openat(state_fd, JOURNAL_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (gfd < 0)
		return -errno;
	if (faccessat(gfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		close(gfd);
		return -EEXIST;
	}
	/* A temp file of a killed run holds nothing that was acted on. */
	(void)unlinkat(gfd, tmp, 0);
	fd = openat(gfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		close(gfd);
		return r;
	}
	r = fd_write_all(fd, buf, len);
	if (r == 0)
		r = fsync_fd(fd);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	/* renameat2 NOREPLACE: never overwrite another run's generation. */
	if (r == 0 && renameat2(gfd, tmp, gfd, name, RENAME_NOREPLACE) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlinkat(gfd, tmp, 0);
		close(gfd);
		return r;
	}
	r = fsync_fd(gfd);
	close(gfd);
	return r;
}

int journal_set_status(int state_fd, unsigned generation,
		       enum journal_status s, int fail_errno,
		       const char *fail_key)
{
	struct arena a;
	char name[48], *line;
	size_t len;
	int fd, r;

	arena_init(&a);
	r = journal_status_line(s, fail_errno, fail_key, &a, &line, &len);
	if (r < 0)
		goto out;
	snprintf(name, sizeof(name), JOURNAL_DIR "/%u.journal", generation);
	fd = openat(state_fd, name, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	r = fd_write_all(fd, line, len);
	if (r == 0)
		r = fsync_fd(fd);
	if (close(fd) < 0 && r == 0)
		r = -errno;
out:
	arena_release(&a);
	return r;
}

const struct journal *journal_find_unfinished(const struct journal *js, size_t n)
{
	size_t i;

	for (i = n; i-- > 0;)
		if (journal_status_unfinished(js[i].status) && !js[i].rolled_back_by)
			return &js[i];
	return NULL;
}

int journal_unfinished(int root_fd, const char *state_dir, struct arena *a,
		       struct diag *diag, unsigned *ret_generation)
{
	const struct journal *u;
	struct journal *js;
	unsigned errors, max;
	size_t n;
	int fd, r;

	r = journal_open_state(root_fd, state_dir, false, &fd);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	errors = diag_errors(diag);
	r = journal_list(fd, state_dir, a, diag, &js, &n, &max);
	close(fd);
	if (r < 0)
		return r;
	u = journal_find_unfinished(js, n);
	if (u) {
		*ret_generation = u->generation;
		return 1;
	}
	return diag_errors(diag) > errors ? -EBADMSG : 0;
}
