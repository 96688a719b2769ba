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
	uint64_t value;
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

	int env_nat;			/* 1 yes, 0 no, -1 unknown */
	const char **env_nat_reasons;	/* why we think so */
	size_t n_env_nat_reasons;
	int env_forwarding;		/* 1/0, -1 unknown */
	const char *env_container;	/* "docker", "lxc", "kubernetes", "none", NULL */
	const char *env_netns;		/* "net:[4026531840]" or NULL */
};

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

/* Function-style facts. key / counter names in any accepted spelling. */
int facts_sysctl(const struct facts *f, const char *key, struct value *ret);
int facts_boot(const struct facts *f, const char *key, struct value *ret);
int facts_boot_source(const struct facts *f, const char *key, struct value *ret);
int facts_counter(const struct facts *f, const char *name, struct value *ret);
int facts_rate(const struct facts *f, const char *name, struct value *ret);

/* Raw live value of a key, NULL when absent. */
const char *facts_sysctl_raw(const struct facts *f, const char *key);

#endif
