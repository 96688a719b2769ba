/*
 * facts: the immutable snapshot of the host that every rule sees. One
 * collection pass (facts_collect) reads the kernel version, /proc/sys,
 * /proc/net counters, sockstat, conntrack, file handles, the environment,
 * the sysctl.d tree and the socket census; nothing after it reads the
 * system. Missing files are facts (absent / null), not failures; malformed
 * input is an error naming the file. Owns everything; facts_free().
 */
#ifndef TWTUNE_FACTS_H
#define TWTUNE_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "census.h"
#include "kversion.h"
#include "sysctld.h"
#include "value.h"

struct diag;
struct kb_entry;

/* A live sysctl value, one per knowledge-base entry (same index). */
struct fact_sysctl {
	const struct kb_entry *kb;
	const char *raw;	/* as read, trailing newline removed; NULL if absent */
	int error;		/* 0, or -errno of the read (-ENOENT: absent) */
};

struct fact_counter {
	const char *name;	/* "TcpExt.TCPTimeWaitOverflow", "Tcp.ActiveOpens" */
	uint64_t value;		/* magnitude when negative */
	bool negative;		/* only Tcp.MaxConn (-1: no limit) */
	double rate;		/* per second over --sample, NAN when not sampled */
};

/* Integer facts that may be missing. */
struct fact_int {
	bool present;
	int64_t value;
};

struct facts {
	struct arena arena;

	const char *root;		/* "/" or the --root DIR */
	const char *kernel_release;	/* NULL if unknown */
	bool kernel_known;
	struct kversion kernel_version;

	struct fact_sysctl *sysctl;	/* kb_count() entries */
	size_t n_sysctl;

	/* sysctl.d resolution for boot(); NULL when not collected. */
	struct sysctld_result *boot;

	bool sockets_collected;
	struct census census;

	struct fact_counter *counters;	/* sorted by name */
	size_t n_counters;
	double sample_seconds;		/* 0 = no --sample */

	struct fact_int sockstat_inuse, sockstat_orphan, sockstat_tw,
		sockstat_alloc, sockstat_mem;
	struct fact_int conntrack_count, conntrack_max;
	struct fact_int files_open, files_max;

	/* ip_local_port_range, reserved ports inside it, usable count. */
	struct fact_int ports_low, ports_high, ports_reserved, ports_ephemeral;
	/* Listening TCP ports (IPv4 and IPv6) inside the range and not
	 * reserved: how many, and the first FACTS_LISTEN_LIST_MAX of them
	 * ascending as "8080,9000". Null (reason) without range or census. */
	struct fact_int ports_listening_in_range;
	const char *ports_listening_list;
	const char *ports_listening_reason;
	/* Reserved ports inside the range as a bit set (facts_parse.h), NULL
	 * when none are reserved; what the line above is judged against. */
	const uint8_t *ports_reserved_bits;

	int env_nat;			/* 1 yes, 0 no, -1 unknown */
	const char **env_nat_reasons;	/* why we think so */
	size_t n_env_nat_reasons;
	int env_forwarding;		/* 1/0, -1 unknown */
	const char *env_container;	/* "docker", "lxc", "kubernetes", "none", NULL */
	const char *env_netns;		/* "net:[4026531840]" or NULL */

	/* Derived at collection time so that the accessors below never
	 * compute: why a group of facts is null, and the summaries rules
	 * read. A NULL reason means the facts are there. */
	const char *kernel_reason;
	const char *sockets_reason;
	const char *counters_reason;
	const char *sockstat_reason;
	const char *conntrack_reason;
	const char *files_reason;
	const char *ports_reason;
	const char *boot_reason;
	const char *tw_top_address;	/* top (local, destination) pair */
	struct fact_int cw_max_per_process, cw_top_pid, cw_top_port;
	const char *cw_top_comm;
	/* Biggest group of that process (struct census_owner): side is
	 * "server" or "client"; peer "10.0.0.5:8080", "several", or NULL
	 * (server side: cw_peer_reason); where a phrase for summaries. */
	const char *cw_top_side, *cw_top_peer, *cw_top_where;
	const char *cw_peer_reason;
	const char *cw_reason;		/* why closewait.top.* is null */
	const char *env_nat_text;	/* reasons joined with "; " */
	const char *env_nat_reason;	/* why env.nat is null */
	const char *env_container_reason;
	const char *env_netns_reason;
	/* Reason strings made by the function-style accessors (they name the
	 * key); points at arena, which they may grow but never change. */
	struct arena *scratch;
};

/* CLOSE_WAIT owners are looked up from this many sockets on (or always with
 * --owners): scanning every /proc/PID/fd is not free on a busy host. */
#define FACTS_OWNERS_THRESHOLD 16
/* ports.listening_in_range_list names at most this many ports. */
#define FACTS_LISTEN_LIST_MAX 10
/* --sample is bounded. */
#define FACTS_SAMPLE_MAX 3600

struct facts_options {
	bool sockets;			/* run the census (false: --no-sockets) */
	bool owners;			/* always resolve CLOSE_WAIT owners */
	bool force_proc;		/* census from /proc files (set under --root) */
	bool boot;			/* resolve the sysctl.d tree */
	enum sysctld_mode boot_mode;
	unsigned sample_seconds;	/* 0 = no rates */
};

/* Malformed input: -EBADMSG with a diag entry naming the file and line.
 * Returns 0 with *ret set, or a negative errno. */
int facts_collect(int root_fd, const char *root_name,
		  const struct facts_options *opt, struct diag *diag,
		  struct facts **ret);
void facts_free(struct facts *f);

/* Named facts as profiles see them: "kernel.version", "sockets.time_wait",
 * "tw.top.address", "env.nat", ... -ENOENT for an unknown name (so the
 * profile loader can reject it at load time via facts_name_valid). A known
 * fact without a value yields VALUE_NULL with a reason. */
int facts_get(const struct facts *f, const char *name, struct value *ret);
bool facts_name_valid(const char *name);
/* All fact names, NULL-terminated, for documentation and JSON output. */
const char *const *facts_names(void);
/* The type a known fact has when not null, and a one-line meaning; -ENOENT
 * for an unknown name. */
int facts_describe(const char *name, enum value_type *ret_type,
		   const char **ret_meaning);
/* "Section.Name" as /proc/net/netstat and snmp print them; what counter()
 * and rate() accept (the profile loader can check arguments with it). */
bool facts_counter_name_valid(const char *name);

/* Function-style facts; strings and null reasons live until facts_free().
 * facts_sysctl: typed by the knowledge entry (int/bool/enum -> number,
 * pair/list/string -> string); -ENOENT for a key not in the knowledge base.
 * facts_boot / facts_boot_source: any key ("path:line" for the source);
 * -EINVAL for a key that is not a safe sysctl name. facts_counter /
 * facts_rate: -EINVAL unless facts_counter_name_valid(); a counter this
 * kernel does not have is null with a reason, not an error. */
int facts_sysctl(const struct facts *f, const char *key, struct value *ret);
int facts_boot(const struct facts *f, const char *key, struct value *ret);
int facts_boot_source(const struct facts *f, const char *key, struct value *ret);
int facts_counter(const struct facts *f, const char *name, struct value *ret);
int facts_rate(const struct facts *f, const char *name, struct value *ret);

/* Raw live value of a key, NULL when absent. */
const char *facts_sysctl_raw(const struct facts *f, const char *key);

#endif
