/*
 * census_owner: which process holds each CLOSE_WAIT socket, found the
 * only way the kernel offers, by reading every ROOT/proc/PID/fd/N link
 * ("socket:[INODE]"). The scan stops as soon as every inode is found.
 * Processes we may not look into (EACCES) and sockets closed meanwhile
 * stay unresolved and are reported as pid 0 "?".
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "census_int.h"
#include "rootfs.h"

static int inode_cmp(const void *pa, const void *pb)
{
	const struct agg_inode *x = pa, *y = pb;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return 0;
}

static struct agg_inode *inode_find(struct census_agg *a, uint64_t inode)
{
	struct agg_inode key = { .inode = inode };

	return bsearch(&key, a->inodes, a->n_inodes, sizeof(*a->inodes), inode_cmp);
}

/* "socket:[12345]" */
static bool parse_socket_link(const char *s, uint64_t *ret)
{
	uint64_t v = 0;

	if (strncmp(s, "socket:[", 8) != 0)
		return false;
	s += 8;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s++ - '0');
	}
	if (s[0] != ']' || s[1] != '\0')
		return false;
	*ret = v;
	return true;
}

static void read_comm(int root_fd, const char *pid, char comm[17])
{
	char path[300];
	ssize_t n;
	size_t i;
	int fd;

	strcpy(comm, "?");
	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	fd = root_open(root_fd, path, O_RDONLY, 0);
	if (fd < 0)
		return;
	n = read(fd, comm, 16);
	close(fd);
	if (n <= 0) {
		strcpy(comm, "?");
		return;
	}
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	for (i = 0; comm[i]; i++)
		if ((unsigned char)comm[i] < 0x20 || comm[i] == 0x7f)
			comm[i] = '?';
	if (!comm[0])
		strcpy(comm, "?");
}

/* Returns how many new inodes this process owned. */
static size_t scan_pid(int root_fd, const char *pid, struct census_agg *a)
{
	char path[300], link[64], comm[17];
	struct agg_inode *e;
	struct dirent *de;
	bool have_comm = false;
	size_t found = 0;
	uint64_t inode;
	ssize_t n;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	fd = root_open(root_fd, path, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (!parse_socket_link(link, &inode))
			continue;
		e = inode_find(a, inode);
		if (!e || e->found)
			continue;
		if (!have_comm) {
			read_comm(root_fd, pid, comm);
			have_comm = true;
		}
		e->found = true;
		e->pid = (pid_t)strtol(pid, NULL, 10);
		memcpy(e->comm, comm, sizeof(e->comm));
		found++;
	}
	closedir(d);
	return found;
}

static bool is_pid(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return i > 0 && i < 10;
}

static int owner_cmp_key(const void *pa, const void *pb)
{
	const struct census_owner *x = pa, *y = pb;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return strcmp(x->comm, y->comm);
}

static int owner_cmp_count(const void *pa, const void *pb)
{
	const struct census_owner *x = pa, *y = pb;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return owner_cmp_key(pa, pb);
}

int census_owner_scan(int root_fd, struct census_agg *a, struct census *c)
{
	struct census_owner *o;
	size_t i, n, found = 0, total;
	struct dirent *de;
	DIR *d;
	int fd;

	/* Identical inodes cannot occur, but a duplicate must not hide one. */
	qsort(a->inodes, a->n_inodes, sizeof(*a->inodes), inode_cmp);
	fd = root_open(root_fd, "/proc", O_RDONLY | O_DIRECTORY, 0);
	if (fd >= 0 && a->n_inodes) {
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			return -errno;
		}
		while (found < a->n_inodes && (de = readdir(d)))
			if (is_pid(de->d_name))
				found += scan_pid(root_fd, de->d_name, a);
		closedir(d);
	} else if (fd >= 0) {
		close(fd);
	}

	total = a->n_inodes + (a->cw_no_inode ? 1 : 0);
	c->owners_resolved = true;
	c->cw_unresolved = a->cw_no_inode;
	if (!total)
		return 0;
	o = calloc(total, sizeof(*o));
	if (!o)
		return -ENOMEM;
	for (i = 0; i < a->n_inodes; i++) {
		const struct agg_inode *e = &a->inodes[i];

		o[i].port = e->port;
		o[i].count = 1;
		if (e->found) {
			o[i].pid = e->pid;
			memcpy(o[i].comm, e->comm, sizeof(o[i].comm));
		} else {
			strcpy(o[i].comm, "?");
			c->cw_unresolved++;
		}
	}
	n = a->n_inodes;
	if (a->cw_no_inode) {
		strcpy(o[n].comm, "?");
		o[n].count = a->cw_no_inode;
		n++;
	}
	/* Merge (pid, port, comm) runs, then order by count. */
	qsort(o, n, sizeof(*o), owner_cmp_key);
	for (i = 0, total = 0; i < n; i++) {
		if (total && owner_cmp_key(&o[total - 1], &o[i]) == 0)
			o[total - 1].count += o[i].count;
		else
			o[total++] = o[i];
	}
	qsort(o, total, sizeof(*o), owner_cmp_count);
	c->cw_by_owner = o;
	c->n_cw_by_owner = total;
	return 0;
}
