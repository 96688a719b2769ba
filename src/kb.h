/*
 * kb: the knowledge base compiled into twtune: every sysctl key twtune
 * reasons about, with its type, valid range, default, kernel history,
 * scope and meaning (SYSCTL.md section 7, KNOWLEDGE.md). It is also the
 * allowlist for apply. The table is static and read-only.
 */
#ifndef TWTUNE_KB_H
#define TWTUNE_KB_H

#include <stdbool.h>
#include <stddef.h>

#include "kversion.h"

enum kb_type {
	KB_INT,		/* one integer, kernel base-0 parsing */
	KB_BOOL,	/* 0/1 */
	KB_ENUM,	/* small integer with named values (tcp_tw_reuse 0/1/2) */
	KB_INT_PAIR,	/* "low high" (ip_local_port_range) */
	KB_PORT_LIST,	/* "a,b-c" (ip_local_reserved_ports) */
	KB_STRING,
};

enum kb_scope {
	KB_SCOPE_NETNS,		/* per network namespace */
	KB_SCOPE_GLOBAL,	/* init_net only: absent inside a child netns */
};

struct kb_enum_value {
	long long value;
	const char *meaning;
};

struct kb_entry {
	const char *key;		/* dotted, canonical */
	enum kb_type type;
	long long min, max;		/* valid range of each integer element */
	const struct kb_enum_value *enum_values;	/* KB_ENUM, NULL-meaning terminated */
	const char *default_text;	/* "2", "32768 60999", "ehash_buckets / 2" */
	bool default_derived;		/* default depends on the host (memory, ehash) */
	struct kversion added;		/* 0.0.0 = present in every kernel we care about */
	struct kversion removed;	/* 0.0.0 = not removed */
	const char *history;		/* default changes etc., one line, may be NULL */
	enum kb_scope scope;
	bool read_only;
	bool needs_module;		/* exists only with a module (nf_conntrack) */
	/* u8/uint kernel handler: a '-' sign is refused even in "-0". */
	bool unsigned_parse;
	const char *unit;		/* "seconds", "ms", "sockets", NULL */
	const char *meaning;		/* one line */
};

size_t kb_count(void);
const struct kb_entry *kb_at(size_t i);
/* Any spelling ('.' or '/'). NULL when not in the knowledge base. */
const struct kb_entry *kb_lookup(const char *key);

/* Closest known key within a small edit distance, for "did you mean";
 * NULL when nothing is close. Searches the knowledge base and the list of
 * key names the kernel is known to have (kb_name_known). */
const char *kb_suggest(const char *key);

/* Whether key names a sysctl that exists in some mainline kernel
 * (knowledge base or the compiled list of names; interface names in
 * net.ipv[46].conf.IFACE.* and neigh.IFACE.* match any interface). */
bool kb_name_known(const char *key);

enum kb_presence {
	KB_PRESENT,
	KB_NOT_YET,	/* kernel older than e->added */
	KB_REMOVED,	/* kernel at or after e->removed */
};
enum kb_presence kb_presence_in(const struct kb_entry *e, struct kversion v);

/* Validates a value as the running kernel would parse it for this key
 * (base-0 integers, ranges, pairs, port lists; pair order). 0 when valid,
 * -EINVAL / -ERANGE with a message ("'08' is not a number") in msg.
 * Deliberately stricter than the kernel in one place: a pair key given one
 * number is refused (the kernel would change only the low end). Cross-key
 * rules (port range low >= ip_unprivileged_port_start) and read_only are
 * the caller's business: they need live values. */
int kb_check_value(const struct kb_entry *e, const char *value, char *msg,
		   size_t msg_size);

/* Parses an integer as the kernel does (base 0, surrounding blanks, a
 * trailing non-numeric word after a blank is ignored). */
int kb_parse_int(const char *s, long long *ret);

/* Canonical text of a valid value as the kernel would print it back
 * ("010" -> "8", "1024   65535" -> "1024\t65535"), for comparing a profile
 * value with a live one. Writes into buf. */
int kb_canonical_value(const struct kb_entry *e, const char *value, char *buf,
		       size_t size);

const char *kb_type_name(enum kb_type t);
const char *kb_scope_name(enum kb_scope s);

/* Meaning of an integer value of a KB_ENUM/KB_BOOL entry, NULL when the
 * entry lists no meaning for it (the kernel may still accept it). */
const char *kb_enum_meaning(const struct kb_entry *e, long long v);

/* Like kb_suggest, but writes the suggestion into buf (needed when the
 * closest name has an interface component, "net.ipv4.conf.eth0.x").
 * 0 and the suggestion in buf, -ENOENT when nothing is close. */
int kb_suggest_r(const char *key, char *buf, size_t size);

#endif
