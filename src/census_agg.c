/*
 * census_agg: the per-socket work of the census, kept to a few table
 * lookups so the census stays close to the kernel's own dump speed.
 * Memory is O(distinct destinations + pairs + CLOSE_WAIT inodes).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "census_int.h"

struct dest_key {
	uint8_t family;
	uint8_t pad;
	uint16_t port;
	uint8_t addr[16];
};

struct pair_key {
	uint8_t lfamily;
	uint8_t family;
	uint16_t port;
	uint8_t local[16];
	uint8_t addr[16];
};

static void table_init(struct agg_table *t, size_t key_len)
{
	memset(t, 0, sizeof(*t));
	t->key_len = key_len;
	t->slot_size = ((key_len + 7) & ~(size_t)7) + sizeof(uint64_t);
}

static void table_release(struct agg_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->n = 0;
}

/* Keys are whole 32-bit words (struct sizes 20 and 36). */
static uint64_t key_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0x243f6a8885a308d3ULL;
	uint32_t w;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		memcpy(&w, p + i, 4);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	return h ^ (h >> 32);
}

static inline uint64_t *slot_count(const struct agg_table *t, unsigned char *slot)
{
	return (uint64_t *)(void *)(slot + t->slot_size - sizeof(uint64_t));
}

static int table_grow(struct agg_table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64, i, j, mask = ncap - 1;
	unsigned char *nslots, *old;

	if (ncap > SIZE_MAX / t->slot_size)
		return -ENOMEM;
	nslots = calloc(ncap, t->slot_size);
	if (!nslots)
		return -ENOMEM;
	for (i = 0; i < t->cap; i++) {
		old = t->slots + i * t->slot_size;
		if (*slot_count(t, old) == 0)
			continue;
		j = key_hash(old, t->key_len) & mask;
		while (*slot_count(t, nslots + j * t->slot_size))
			j = (j + 1) & mask;
		memcpy(nslots + j * t->slot_size, old, t->slot_size);
	}
	free(t->slots);
	t->slots = nslots;
	t->cap = ncap;
	return 0;
}

static int table_add(struct agg_table *t, const void *key)
{
	unsigned char *s;
	uint64_t *count;
	size_t j, mask;

	if ((t->n + 1) * 2 > t->cap && table_grow(t) < 0)
		return -ENOMEM;
	mask = t->cap - 1;
	j = key_hash(key, t->key_len) & mask;
	for (;;) {
		s = t->slots + j * t->slot_size;
		count = slot_count(t, s);
		if (*count == 0) {
			memcpy(s, key, t->key_len);
			*count = 1;
			t->n++;
			return 0;
		}
		if (memcmp(s, key, t->key_len) == 0) {
			(*count)++;
			return 0;
		}
		j = (j + 1) & mask;
	}
}

void agg_init(struct census_agg *a, uint32_t mask, bool want_inodes)
{
	memset(a, 0, sizeof(*a));
	a->mask = mask;
	a->want_inodes = want_inodes;
	table_init(&a->dest, sizeof(struct dest_key));
	table_init(&a->pair, sizeof(struct pair_key));
}

void agg_release(struct census_agg *a)
{
	table_release(&a->dest);
	table_release(&a->pair);
	free(a->tw_lport);
	a->tw_lport = NULL;
	free(a->inodes);
	a->inodes = NULL;
	a->n_inodes = a->cap_inodes = 0;
}

void agg_listen(struct census_agg *a, uint16_t port)
{
	a->listen[port >> 3] |= (uint8_t)(1u << (port & 7));
	if (a->mask & CENSUS_STATE_BIT(CENSUS_LISTEN))
		a->states[CENSUS_LISTEN]++;
}

static const uint8_t v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
};

/* Copies an address into a 16-byte key field; returns the family to
 * store (IPv4-mapped IPv6 becomes AF_INET). */
static uint8_t addr_fold(int family, const void *addr, uint8_t out[16])
{
	if (family == AF_INET) {
		memcpy(out, addr, 4);
		return AF_INET;
	}
	if (memcmp(addr, v4mapped_prefix, 12) == 0) {
		memcpy(out, (const uint8_t *)addr + 12, 4);
		return AF_INET;
	}
	memcpy(out, addr, 16);
	return AF_INET6;
}

/* Server side when the local port is a listening port (the listen pass
 * ran first), client side otherwise: then the remote end is what the
 * sockets of one leak share, as the local ports are all different. */
static void push_inode(struct census_agg *a, uint64_t inode, int family,
		       uint16_t sport, const void *dst, uint16_t dport)
{
	struct agg_inode *n;
	size_t ncap;

	if (inode == 0) {
		a->cw_no_inode++;
		return;
	}
	if (a->n_inodes == a->cap_inodes) {
		ncap = a->cap_inodes ? a->cap_inodes * 2 : 64;
		n = reallocarray(a->inodes, ncap, sizeof(*n));
		if (!n) {
			a->error = -ENOMEM;
			return;
		}
		a->inodes = n;
		a->cap_inodes = ncap;
	}
	n = &a->inodes[a->n_inodes++];
	memset(n, 0, sizeof(*n));
	n->inode = inode;
	if (agg_is_listen(a, sport)) {
		n->port = sport;
		return;
	}
	n->client = true;
	n->port = dport;
	n->peer.family = addr_fold(family, dst, n->peer.bytes);
}

static void add_time_wait(struct census_agg *a, int family, const void *src,
			  uint16_t sport, const void *dst, uint16_t dport)
{
	struct pair_key pk = { 0 };
	struct dest_key dk = { 0 };

	if (!a->tw_lport) {
		a->tw_lport = calloc(65536, sizeof(*a->tw_lport));
		if (!a->tw_lport) {
			a->error = -ENOMEM;
			return;
		}
	}
	a->tw_lport[sport]++;
	if (agg_is_listen(a, sport)) {
		a->tw_passive++;
		return;
	}
	a->tw_active++;
	dk.family = addr_fold(family, dst, dk.addr);
	dk.port = dport;
	pk.family = dk.family;
	pk.port = dport;
	memcpy(pk.addr, dk.addr, 16);
	pk.lfamily = addr_fold(family, src, pk.local);
	if (table_add(&a->dest, &dk) < 0 || table_add(&a->pair, &pk) < 0)
		a->error = -ENOMEM;
}

void agg_sock(struct census_agg *a, unsigned state, int family,
	      const void *src, uint16_t sport, const void *dst, uint16_t dport,
	      uint64_t inode)
{
	if (state == CENSUS_NEW_SYN_RECV)
		state = CENSUS_SYN_RECV;	/* request sockets, as ss shows them */
	if (state == 0 || state >= _CENSUS_STATE_MAX || state == CENSUS_LISTEN)
		return;
	if (!(a->mask & CENSUS_STATE_BIT(state)))
		return;
	a->states[state]++;
	if (state == CENSUS_TIME_WAIT)
		add_time_wait(a, family, src, sport, dst, dport);
	else if (state == CENSUS_CLOSE_WAIT && a->want_inodes)
		push_inode(a, inode, family, sport, dst, dport);
}

static void addr_from_key(struct census_addr *out, uint8_t family,
			  const uint8_t *bytes)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->bytes, bytes, family == AF_INET ? 4 : 16);
}

static int addr_cmp(const struct census_addr *x, const struct census_addr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->bytes, y->bytes, sizeof(x->bytes));
}

#define CMP_DESC(x, y) do { if ((x) != (y)) return (x) > (y) ? -1 : 1; } while (0)
#define CMP_ASC(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

static int dest_cmp(const void *pa, const void *pb)
{
	const struct census_dest *x = pa, *y = pb;
	int r;

	CMP_DESC(x->count, y->count);
	r = addr_cmp(&x->addr, &y->addr);
	if (r)
		return r;
	CMP_ASC(x->port, y->port);
	return 0;
}

static int pair_cmp(const void *pa, const void *pb)
{
	const struct census_pair *x = pa, *y = pb;
	int r;

	CMP_DESC(x->count, y->count);
	r = addr_cmp(&x->local, &y->local);
	if (r)
		return r;
	r = addr_cmp(&x->addr, &y->addr);
	if (r)
		return r;
	CMP_ASC(x->port, y->port);
	return 0;
}

static int lport_cmp(const void *pa, const void *pb)
{
	const struct census_lport *x = pa, *y = pb;

	CMP_DESC(x->count, y->count);
	CMP_ASC(x->port, y->port);
	return 0;
}

static int finish_dest(struct census_agg *a, struct census *c)
{
	const struct agg_table *t = &a->dest;
	struct dest_key k;
	size_t i, n = 0;

	if (!t->n)
		return 0;
	c->tw_by_dest = calloc(t->n, sizeof(*c->tw_by_dest));
	if (!c->tw_by_dest)
		return -ENOMEM;
	for (i = 0; i < t->cap; i++) {
		unsigned char *s = t->slots + i * t->slot_size;
		uint64_t cnt = *slot_count(t, s);

		if (!cnt)
			continue;
		memcpy(&k, s, sizeof(k));
		addr_from_key(&c->tw_by_dest[n].addr, k.family, k.addr);
		c->tw_by_dest[n].port = k.port;
		c->tw_by_dest[n].count = cnt;
		n++;
	}
	qsort(c->tw_by_dest, n, sizeof(*c->tw_by_dest), dest_cmp);
	c->n_tw_by_dest = n;
	return 0;
}

static int finish_pair(struct census_agg *a, struct census *c)
{
	const struct agg_table *t = &a->pair;
	struct pair_key k;
	size_t i, n = 0;

	if (!t->n)
		return 0;
	c->tw_by_pair = calloc(t->n, sizeof(*c->tw_by_pair));
	if (!c->tw_by_pair)
		return -ENOMEM;
	for (i = 0; i < t->cap; i++) {
		unsigned char *s = t->slots + i * t->slot_size;
		uint64_t cnt = *slot_count(t, s);

		if (!cnt)
			continue;
		memcpy(&k, s, sizeof(k));
		addr_from_key(&c->tw_by_pair[n].local, k.lfamily, k.local);
		addr_from_key(&c->tw_by_pair[n].addr, k.family, k.addr);
		c->tw_by_pair[n].port = k.port;
		c->tw_by_pair[n].count = cnt;
		n++;
	}
	qsort(c->tw_by_pair, n, sizeof(*c->tw_by_pair), pair_cmp);
	c->n_tw_by_pair = n;
	return 0;
}

/* Min-heap on lport_cmp order: the root is the entry that sorts last,
 * the first to drop when a busier port comes along. */
static void heap_down(struct census_lport *h, size_t n, size_t i)
{
	struct census_lport t;
	size_t worst, l, r;

	for (;;) {
		worst = i;
		l = 2 * i + 1;
		r = l + 1;
		if (l < n && lport_cmp(&h[l], &h[worst]) > 0)
			worst = l;
		if (r < n && lport_cmp(&h[r], &h[worst]) > 0)
			worst = r;
		if (worst == i)
			return;
		t = h[i];
		h[i] = h[worst];
		h[worst] = t;
		i = worst;
	}
}

static int finish_lports(struct census_agg *a, struct census *c)
{
	struct census_lport e, *h;
	size_t i, n = 0, k;

	if (!a->tw_lport)
		return 0;
	for (i = 0; i < 65536; i++)
		n += a->tw_lport[i] != 0;
	c->n_tw_lports = n;
	k = a->lport_top && a->lport_top < n ? a->lport_top : n;
	if (!k)
		return 0;
	h = calloc(k, sizeof(*h));
	if (!h)
		return -ENOMEM;
	/* Fill the first k, heapify, then let busier ports replace the root:
	 * memory is O(k), not O(ports in use). */
	for (i = 0, n = 0; i < 65536; i++) {
		if (!a->tw_lport[i])
			continue;
		e.port = (uint16_t)i;
		e.count = a->tw_lport[i];
		if (n < k) {
			h[n++] = e;
			if (n == k) {
				size_t j = k / 2;

				while (j-- > 0)
					heap_down(h, k, j);
			}
		} else if (lport_cmp(&e, &h[0]) < 0) {
			h[0] = e;
			heap_down(h, k, 0);
		}
	}
	qsort(h, k, sizeof(*h), lport_cmp);
	c->tw_by_lport = h;
	c->n_tw_by_lport = k;
	return 0;
}

static int finish_listen(struct census_agg *a, struct census *c)
{
	size_t i, n = 0;

	for (i = 0; i < 65536; i++)
		n += agg_is_listen(a, (uint16_t)i);
	if (!n)
		return 0;
	c->listen_ports = calloc(n, sizeof(*c->listen_ports));
	if (!c->listen_ports)
		return -ENOMEM;
	for (i = 0, n = 0; i < 65536; i++)
		if (agg_is_listen(a, (uint16_t)i))
			c->listen_ports[n++] = (uint16_t)i;
	c->n_listen_ports = n;
	return 0;
}

int agg_finish(struct census_agg *a, struct census *c)
{
	unsigned s;
	int r;

	if (a->error)
		return a->error;
	c->total = 0;
	for (s = 0; s < _CENSUS_STATE_MAX; s++) {
		c->states[s] = a->states[s];
		c->total += a->states[s];
	}
	c->tw_active = a->tw_active;
	c->tw_passive = a->tw_passive;
	r = finish_dest(a, c);
	if (r >= 0)
		r = finish_pair(a, c);
	if (r >= 0)
		r = finish_lports(a, c);
	if (r >= 0)
		r = finish_listen(a, c);
	return r;
}
