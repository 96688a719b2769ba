/*
 * facts_parse: the pieces behind facts_collect that take bytes, not files
 * (/proc/net/netstat and snmp, sockstat, fs/file-nr, single-number and
 * port sysctls), and the environment (NAT, container) inference. Kept apart
 * from facts.c so they can be tested without the census and sysctl.d
 * modules. Malformed input returns -EBADMSG after adding one diag entry
 * naming the file (as shown: "/proc/net/netstat") and line; nothing parsed
 * from a malformed buffer is used. Results live in the arena given.
 */
#ifndef TWTUNE_FACTS_PARSE_H
#define TWTUNE_FACTS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts.h"

struct arena;
struct diag;

#define FACTS_DIAG_ID "malformed-proc"
/* Bounds on hostile input (a 6.18 host has ~420 counters in 12 sections). */
#define FACTS_COUNTERS_MAX 8192
#define FACTS_SECTIONS_MAX 64
#define FACTS_COUNTER_NAME_MAX 128
#define FACTS_PROC_FILE_MAX (1024 * 1024)

/* Counters from one or more "Prefix: names" / "Prefix: values" files. */
struct facts_counter_set {
	struct fact_counter *items;
	size_t n, cap;
	const char *sections[FACTS_SECTIONS_MAX];	/* prefixes seen */
	size_t n_sections;
};

/* Appends the counters of one file (netstat or snmp format) to set. A
 * section already seen (in this or an earlier file) is an error. */
int facts_parse_counters(const char *buf, size_t len, const char *file,
			 struct arena *a, struct diag *diag,
			 struct facts_counter_set *set);
/* Sorts by name (strcmp order), for binary search. */
void facts_counters_sort(struct facts_counter_set *set);
const struct fact_counter *facts_counter_find(const struct fact_counter *v,
					      size_t n, const char *name);
/* rate = (after - before) / seconds for each counter of after; NAN where
 * the counter is new, negative, or went backwards (wrap, reset). */
void facts_counters_rates(const struct fact_counter *before, size_t n_before,
			  struct fact_counter *after, size_t n_after,
			  double seconds);

struct facts_sockstat {
	struct fact_int inuse, orphan, tw, alloc, mem;
};
int facts_parse_sockstat(const char *buf, size_t len, const char *file,
			 struct diag *diag, struct facts_sockstat *ret);

/* fs/file-nr: "allocated unused max"; open = allocated - unused. */
int facts_parse_file_nr(const char *s, const char *file, struct diag *diag,
			uint64_t *ret_open, uint64_t *ret_max);
/* A sysctl holding one unsigned number (newline already stripped). */
int facts_parse_u64(const char *s, const char *file, struct diag *diag,
		    uint64_t *ret);
/* ip_local_port_range "low high", 1 <= low <= high <= 65535. */
int facts_parse_port_range(const char *s, const char *file, struct diag *diag,
			   unsigned *ret_low, unsigned *ret_high);
/* ip_local_reserved_ports "a,b-c": how many distinct ports in [low, high]. */
int facts_parse_reserved_ports(const char *s, const char *file,
			       struct diag *diag, unsigned low, unsigned high,
			       unsigned *ret_count);
/* The same, also marking those ports (bit port % 8 of byte port / 8) in
 * bits, which it clears first; ports outside [low, high] stay unmarked.
 * On error bits holds nothing useful. */
#define FACTS_PORT_BITS_SIZE (65536 / 8)
int facts_parse_reserved_set(const char *s, const char *file,
			     struct diag *diag, unsigned low, unsigned high,
			     uint8_t bits[FACTS_PORT_BITS_SIZE],
			     unsigned *ret_count);
static inline bool facts_port_bit(const uint8_t *bits, unsigned port)
{
	return port < 65536 && (bits[port / 8] & (1u << (port % 8)));
}

/* Environment: what the NAT / container inference looks at. */
struct facts_env_input {
	int ip_forward;		/* value of net.ipv4.ip_forward, -1 absent */
	int ipv6_forwarding;	/* net.ipv6.conf.all.forwarding, -1 absent */
	int nat_table;		/* 1 iptables nat table, 0 none, -1 unknown */
	bool nat_table_file;	/* proc/net/ip_tables_names was read */
	bool ifaces_known;	/* sys/class/net could be listed */
	const char *bridge;	/* first container/VM bridge interface, or NULL */
	bool conntrack_loaded;
	uint64_t conntrack_count;
	/* facts_container_detect(): inside a container the host may
	 * translate our traffic, so local evidence cannot rule NAT out. */
	const char *container;
	/* The namespace inspected is not PID 1's (--netns into a container
	 * or VM network): same reasoning as inside a container. */
	bool child_netns;
};

struct facts_env_result {
	int nat;		/* 1, 0, -1 unknown */
	const char **reasons;
	size_t n_reasons;
	int forwarding;		/* 1, 0, -1 unknown */
};

/* Interface names of container, Kubernetes and VM bridges/overlays. */
bool facts_iface_is_bridge(const char *name);
/* The first (by name) bridge interface listed in a /proc/net/dev buffer,
 * copied into name; NULL when there is none. */
const char *facts_net_dev_bridge(const char *buf, size_t len, char *name,
				 size_t name_size);
/* 1 when the ip_tables_names buffer lists "nat", else 0. */
int facts_ip_tables_has_nat(const char *buf, size_t len);
/* "kubernetes", "docker", "podman", "lxc", "none"; NULL when cgroup is NULL
 * (unreadable) and no marker file exists. */
const char *facts_container_detect(bool dockerenv, bool containerenv,
				   const char *cgroup);
int facts_env_decide(const struct facts_env_input *in, struct arena *a,
		     struct facts_env_result *ret);

/* Reads the environment under root_fd into f->env_* (host_root: the root
 * is "/", so proc/self/ns/net means something). Missing files are facts.
 * Needs f->conntrack_count filled first. */
int facts_env_collect(int root_fd, bool host_root, struct facts *f,
		      struct diag *diag);

#endif
