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

/* The group of a socket: process, side, port (peer addresses are merged
 * into one group, see struct census_owner). */
static int owner_cmp_key(const void *pa, const void *pb)
{
	const struct census_owner *x = pa, *y = pb;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->client != y->client)
		return x->client ? 1 : -1;
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

static void inode_owner(const struct agg_inode *e, struct census_owner *o)
{
	memset(o, 0, sizeof(*o));
	o->client = e->client;
	o->port = e->port;
	o->peer = e->peer;
	o->count = 1;
	if (e->found) {
		o->pid = e->pid;
		memcpy(o->comm, e->comm, sizeof(o->comm));
	} else {
		strcpy(o->comm, "?");
	}
}

static int inode_group_cmp(const void *pa, const void *pb)
{
	struct census_owner x, y;

	inode_owner(pa, &x);
	inode_owner(pb, &y);
	return owner_cmp_key(&x, &y);
}

/* Adds socket o to group g (same key): the peer stays only while every
 * socket has the same one. */
static void owner_merge(struct census_owner *g, const struct census_owner *o)
{
	g->count += o->count;
	if (g->client && !g->peer_many &&
	    (g->peer.family != o->peer.family ||
	     memcmp(g->peer.bytes, o->peer.bytes, sizeof(g->peer.bytes)))) {
		g->peer_many = true;
		memset(&g->peer, 0, sizeof(g->peer));
	}
}

int census_owner_scan(int root_fd, struct census_agg *a, struct census *c)
{
	struct census_owner *o, cur;
	size_t i, n, found = 0;
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

	c->owners_resolved = true;
	c->cw_unresolved = a->cw_no_inode;
	for (i = 0; i < a->n_inodes; i++)
		if (!a->inodes[i].found)
			c->cw_unresolved++;
	/* Sort the sockets by group and count the groups first, so the
	 * result holds one entry per group, not per socket. */
	qsort(a->inodes, a->n_inodes, sizeof(*a->inodes), inode_group_cmp);
	n = a->cw_no_inode ? 1 : 0;
	for (i = 0; i < a->n_inodes; i++)
		if (i == 0 || inode_group_cmp(&a->inodes[i - 1], &a->inodes[i]))
			n++;
	if (!n)
		return 0;
	o = calloc(n, sizeof(*o));
	if (!o)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < a->n_inodes; i++) {
		inode_owner(&a->inodes[i], &cur);
		if (n && owner_cmp_key(&o[n - 1], &cur) == 0)
			owner_merge(&o[n - 1], &cur);
		else
			o[n++] = cur;
	}
	/* Sockets without an inode: owner and side unknown. */
	if (a->cw_no_inode) {
		strcpy(o[n].comm, "?");
		o[n].count = a->cw_no_inode;
		n++;
	}
	qsort(o, n, sizeof(*o), owner_cmp_count);
	c->cw_by_owner = o;
	c->n_cw_by_owner = n;
	return 0;
}
