/*
 * census: one pass over the host's TCP sockets (NETLINK_SOCK_DIAG, or
 * /proc/net/tcp{,6} when netlink is refused or under --root), aggregated
 * while the kernel's dump streams by: memory grows with the number of
 * distinct destinations / local ports / owners, never with sockets.
 * Owns its arrays; release with census_release().
 */
#ifndef TWTUNE_CENSUS_H
#define TWTUNE_CENSUS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Kernel TCP states (include/net/tcp_states.h). */
enum census_state {
	CENSUS_ESTABLISHED = 1,
	CENSUS_SYN_SENT,
	CENSUS_SYN_RECV,
	CENSUS_FIN_WAIT1,
	CENSUS_FIN_WAIT2,
	CENSUS_TIME_WAIT,
	CENSUS_CLOSE,
	CENSUS_CLOSE_WAIT,
	CENSUS_LAST_ACK,
	CENSUS_LISTEN,
	CENSUS_CLOSING,
	CENSUS_NEW_SYN_RECV,
	_CENSUS_STATE_MAX,
};

enum census_source {
	CENSUS_SOURCE_NETLINK,
	CENSUS_SOURCE_PROC,
};

/* IPv4-mapped IPv6 addresses are stored as AF_INET. */
struct census_addr {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t bytes[16];	/* network order; first 4 for AF_INET */
};

struct census_dest {
	struct census_addr addr;
	uint16_t port;
	uint64_t count;
};

/* Active TIME_WAIT per (local address, destination): the unit of port
 * exhaustion, since each local address has its own ephemeral ports. */
struct census_pair {
	struct census_addr local;
	struct census_addr addr;
	uint16_t port;
	uint64_t count;
};

struct census_lport {
	uint16_t port;
	uint64_t count;
};

/* CLOSE_WAIT sockets of one process, grouped by what they share. Server
 * side (client false): the local port is a listening port, and port is
 * that port; one leaking service shows as one group. Client side: the
 * local port is not a listening port (this host connected out), and
 * port is the REMOTE port, since every socket has its own ephemeral
 * local port; peer is the remote address when all sockets of the group
 * have the same one, else peer_many is set and peer is zero. Memory is
 * O(processes x remote ports), never O(sockets). */
struct census_owner {
	pid_t pid;		/* 0 when no process owns the inode (or unknown) */
	char comm[17];
	bool client;
	bool peer_many;		/* client side: sockets to several addresses */
	uint16_t port;		/* local listening port, or remote port if client */
	struct census_addr peer;	/* client side, !peer_many: remote address */
	uint64_t count;
};

struct census {
	enum census_source source;
	const char *fallback_reason;	/* why proc was used, static string */
	uint64_t states[_CENSUS_STATE_MAX];
	uint64_t total;
	uint64_t tw_active;	/* local port is not a listening port */
	uint64_t tw_passive;
	/* Sorted by count, descending; ties by address/port for stable output. */
	struct census_dest *tw_by_dest;		/* active TIME_WAIT */
	size_t n_tw_by_dest;
	struct census_pair *tw_by_pair;		/* active TIME_WAIT */
	size_t n_tw_by_pair;
	struct census_lport *tw_by_lport;	/* all TIME_WAIT by local port */
	size_t n_tw_by_lport;		/* at most options.lport_top */
	size_t n_tw_lports;		/* distinct local ports in TIME_WAIT */
	struct census_owner *cw_by_owner;	/* CLOSE_WAIT; only if owners looked up */
	size_t n_cw_by_owner;
	bool owners_resolved;
	/* Listening ports seen (sorted, unique), to judge port ranges. */
	uint16_t *listen_ports;
	size_t n_listen_ports;
	/* CLOSE_WAIT sockets whose owner was not found (also counted in
	 * cw_by_owner under pid 0 "?"): not visible to us, or closed. */
	uint64_t cw_unresolved;
	/* States that were asked for (bit n = state n), after defaults. */
	uint32_t states_mask;
	/* -EBADMSG: "error_file:error_line: error", file relative to the
	 * root ("/proc/net/tcp6"). Empty otherwise. */
	char error_file[32];
	unsigned error_line;
	char error[256];
};

struct census_options {
	bool force_proc;	/* --root: read DIR/proc/net/tcp{,6} only */
	/* Resolve CLOSE_WAIT owners via /proc/PID/fd: always when set,
	 * otherwise only when CLOSE_WAIT count >= owners_threshold (so a
	 * threshold of 0 also means always). */
	bool owners;
	uint64_t owners_threshold;
	/* Bit n = state n (CENSUS_STATE_BIT); 0 means every state. Sent to
	 * the kernel as idiag_states, so unwanted sockets never cross. */
	uint32_t states_mask;
	/* Keep only the busiest N local ports in tw_by_lport (0 = all):
	 * with 200,000 sockets every port of the range is busy, and a full
	 * list would make memory grow with the socket count. */
	size_t lport_top;
};

#define CENSUS_STATE_BIT(s) (UINT32_C(1) << (s))
/* ESTABLISHED .. NEW_SYN_RECV */
#define CENSUS_STATES_ALL (((UINT32_C(1) << _CENSUS_STATE_MAX) - 1) & ~UINT32_C(1))

void census_init(struct census *c);
/* Returns 0, or a negative errno: -EBADMSG for a malformed /proc/net/tcp
 * line (c->error_file, c->error_line, c->error say which), -ENOMEM, or a
 * netlink failure that is not a refusal. A refused netlink socket (EPERM,
 * EACCES, EPROTONOSUPPORT, EINVAL, ENOENT) is not an error: the census
 * falls back to /proc and sets source and fallback_reason. On error c
 * holds nothing (but may still be released). */
int census_collect(int root_fd, const struct census_options *opt, struct census *c);
void census_release(struct census *c);

const char *census_state_name(enum census_state s);	/* "TIME_WAIT" */
/* Parses "time-wait", "TIME_WAIT", "timewait"; -EINVAL otherwise. */
int census_state_parse(const char *s, enum census_state *ret);
/* "10.0.0.1" / "2001:db8::1" */
void census_addr_format(const struct census_addr *a, char *buf, size_t size);

/* Client-side group with one peer: "10.0.0.5:8080" / "[2001:db8::1]:443",
 * returns true. Server side or several peers: "" and false. */
bool census_owner_peer(const struct census_owner *o, char *buf, size_t size);
/* For tables: "listen 7000", "to 10.0.0.5:8080", "to (several):8080". */
void census_owner_where(const struct census_owner *o, char *buf, size_t size);

/* Ephemeral ports connect() can choose from: ip_local_port_range minus
 * ip_local_reserved_ports inside it. */
struct census_ports {
	unsigned low, high;
	unsigned reserved;	/* reserved ports inside [low, high] */
	unsigned ephemeral;	/* high - low + 1 - reserved */
};

/* range: "32768\t60999" (any blanks); reserved: "" or "1-3,8080" (NULL =
 * none). -EINVAL when either is malformed. */
int census_ports_parse(const char *range, const char *reserved,
		       struct census_ports *ret);
/* Reads both keys under root_fd via procsys; -ENOENT when the range is
 * absent. A missing reserved list counts as empty. */
int census_ports_read(int root_fd, struct census_ports *ret);

#endif
