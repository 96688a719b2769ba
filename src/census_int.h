/*
 * census internals shared by census.c and its collectors (netlink, proc,
 * owner scan): the aggregator every socket is fed into while the dump
 * streams by. Not a public interface; only src/census*.c include it.
 */
#ifndef TWTUNE_CENSUS_INT_H
#define TWTUNE_CENSUS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "census.h"

/* Open-addressing hash table of fixed-size entries: key bytes first, a
 * uint64_t count last; a zero count marks a free slot. Grows by
 * doubling at 1/2 load, so lookups stay short. */
struct agg_table {
	unsigned char *slots;
	size_t cap;		/* power of two, or 0 before the first insert */
	size_t n;
	size_t key_len;
	size_t slot_size;
};

/* One CLOSE_WAIT socket waiting for its owner. client and port as in
 * struct census_owner: the local listening port (server side) or the
 * remote port and address (client side). */
struct agg_inode {
	uint64_t inode;
	struct census_addr peer;	/* client side only; zero otherwise */
	uint16_t port;
	bool client;
	bool found;
	pid_t pid;
	char comm[17];
};

struct census_agg {
	uint32_t mask;		/* states counted */
	bool want_inodes;	/* remember CLOSE_WAIT inodes for the owner scan */
	int error;		/* sticky -ENOMEM */
	uint64_t states[_CENSUS_STATE_MAX];
	uint64_t tw_active, tw_passive;
	uint8_t listen[65536 / 8];	/* bitmap of listening ports */
	uint32_t *tw_lport;		/* 65536 counters, allocated on first use */
	struct agg_table dest;
	struct agg_table pair;
	/* CLOSE_WAIT inodes: a plain array; the owner scan sorts it. */
	struct agg_inode *inodes;
	size_t n_inodes, cap_inodes;
	uint64_t cw_no_inode;		/* CLOSE_WAIT rows with inode 0 */
	size_t lport_top;		/* 0 = keep every local port */
};

void agg_init(struct census_agg *a, uint32_t mask, bool want_inodes);
void agg_release(struct census_agg *a);

static inline bool agg_is_listen(const struct census_agg *a, uint16_t port)
{
	return a->listen[port >> 3] & (1u << (port & 7));
}

/* A LISTEN socket (first pass): remembers the port, counts the socket if
 * LISTEN is wanted. */
void agg_listen(struct census_agg *a, uint16_t port);

/* Any other socket (second pass). Addresses are 4 bytes for AF_INET, 16
 * for AF_INET6 (IPv4-mapped ones are folded to AF_INET here); ports in
 * host order. */
void agg_sock(struct census_agg *a, unsigned state, int family,
	      const void *src, uint16_t sport, const void *dst, uint16_t dport,
	      uint64_t inode);

/* Sorted results into c (malloc'd; census_release frees them). */
int agg_finish(struct census_agg *a, struct census *c);

/* Collectors: 0, or a negative errno. */
/* netlink: *ret_refused is set when the kernel refused us (the caller falls
 * back to /proc); *ret_reason says how, as a static string. */
int census_netlink_collect(struct census_agg *a, bool *ret_refused,
			   const char **ret_reason);
int census_proc_collect(int root_fd, struct census_agg *a, struct census *c);
/* Maps a->inodes to processes via ROOT/proc/PID/fd and fills
 * c->cw_by_owner, c->cw_unresolved, c->owners_resolved. */
int census_owner_scan(int root_fd, struct census_agg *a, struct census *c);

#endif
