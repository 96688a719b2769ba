/*
 * Facts as profiles name them. One table maps every name to an accessor
 * and documents its type; the accessors only look at what facts_collect
 * derived, so evaluating a rule never touches the system. A fact without a
 * value is VALUE_NULL with a reason the report can show.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "census.h"
#include "facts.h"
#include "facts_parse.h"
#include "kb.h"
#include "procsys.h"
#include "sysctld.h"

struct fact_def {
	const char *name;
	enum value_type type;
	int (*get)(const struct facts *f, const struct fact_def *d,
		   struct value *ret);
	size_t arg;		/* accessor-specific: offset, state, field */
	size_t reason;		/* offsetof the null reason in struct facts */
	const char *meaning;
};

#define AT(T, f, off) ((const T *)((const char *)(f) + (off)))
/* A const char * member: AT(const char *, ...) would repeat the const. */
#define AT_STR(f, off) (*(const char *const *)((const char *)(f) + (off)))
#define NO_REASON ((size_t)-1)

static const char *reason_at(const struct facts *f, const struct fact_def *d,
			     const char *fallback)
{
	const char *r = d->reason == NO_REASON ? NULL :
			AT_STR(f, d->reason);

	return r ? r : fallback;
}

/* struct fact_int at d->arg. */
static int get_int(const struct facts *f, const struct fact_def *d,
		   struct value *ret)
{
	const struct fact_int *v = AT(struct fact_int, f, d->arg);

	*ret = v->present ? value_number((double)v->value) :
	       value_null(reason_at(f, d, "not available"));
	return 0;
}

static int get_kernel(const struct facts *f, const struct fact_def *d,
		      struct value *ret)
{
	if (!f->kernel_known)
		*ret = value_null(f->kernel_reason);
	else if (d->arg)
		*ret = value_version(f->kernel_version);
	else
		*ret = value_string(f->kernel_release);
	return 0;
}

static bool sockets_null(const struct facts *f, struct value *ret)
{
	if (f->sockets_collected)
		return false;
	*ret = value_null(f->sockets_reason ? f->sockets_reason :
			  "sockets were not counted");
	return true;
}

/* sockets.<state>; SYN_RECV includes request sockets (NEW_SYN_RECV). */
static int get_state(const struct facts *f, const struct fact_def *d,
		     struct value *ret)
{
	uint64_t n;

	if (sockets_null(f, ret))
		return 0;
	n = f->census.states[d->arg];
	if (d->arg == CENSUS_SYN_RECV)
		n += f->census.states[CENSUS_NEW_SYN_RECV];
	*ret = value_number((double)n);
	return 0;
}

/* A uint64_t at offset d->arg inside struct census. */
static int get_census_u64(const struct facts *f, const struct fact_def *d,
			  struct value *ret)
{
	if (!sockets_null(f, ret))
		*ret = value_number((double)*AT(uint64_t, &f->census, d->arg));
	return 0;
}

static int get_sockets_source(const struct facts *f, const struct fact_def *d,
			      struct value *ret)
{
	if (!sockets_null(f, ret))
		*ret = value_string(f->census.source == CENSUS_SOURCE_NETLINK ?
				    "netlink" : "proc");
	return 0;
}

enum { TW_DESTINATIONS, TW_MAX, TW_ADDRESS, TW_PORT, TW_COUNT };

static int get_tw(const struct facts *f, const struct fact_def *d,
		  struct value *ret)
{
	const struct census *c = &f->census;
	const struct census_pair *top = c->n_tw_by_pair ? &c->tw_by_pair[0] : NULL;

	if (sockets_null(f, ret))
		return 0;
	switch (d->arg) {
	case TW_DESTINATIONS:
		*ret = value_number((double)c->n_tw_by_dest);
		return 0;
	case TW_MAX:
		*ret = value_number(top ? (double)top->count : 0);
		return 0;
	}
	if (!top) {
		*ret = value_null(c->states[CENSUS_TIME_WAIT] ?
				  "no active TIME_WAIT sockets (all are on listening ports)" :
				  "no TIME_WAIT sockets");
		return 0;
	}
	*ret = d->arg == TW_ADDRESS ? value_string(f->tw_top_address) :
	       d->arg == TW_PORT ? value_number(top->port) :
	       value_number((double)top->count);
	return 0;
}

/* closewait.*: a fact_int (or the comm string when arg is 0). */
static int get_closewait(const struct facts *f, const struct fact_def *d,
			 struct value *ret)
{
	if (sockets_null(f, ret))
		return 0;
	if (d->arg == 0) {
		*ret = f->cw_top_comm ? value_string(f->cw_top_comm) :
		       value_null(f->cw_reason);
		return 0;
	}
	return get_int(f, d, ret);
}

/* closewait.top.side / .peer / .where: strings of the biggest group. */
static int get_closewait_str(const struct facts *f, const struct fact_def *d,
			     struct value *ret)
{
	const char *v = AT_STR(f, d->arg);

	if (sockets_null(f, ret))
		return 0;
	if (v)
		*ret = value_string(v);
	else
		*ret = value_null(f->cw_top_comm ? f->cw_peer_reason : f->cw_reason);
	return 0;
}

static int get_env_nat(const struct facts *f, const struct fact_def *d,
		       struct value *ret)
{
	*ret = f->env_nat < 0 ? value_null(f->env_nat_reason) :
	       value_bool(f->env_nat == 1);
	return 0;
}

static int get_env_nat_reasons(const struct facts *f, const struct fact_def *d,
			       struct value *ret)
{
	*ret = f->env_nat_text ? value_string(f->env_nat_text) :
	       value_null("no NAT evidence could be read");
	return 0;
}

static int get_env_forwarding(const struct facts *f, const struct fact_def *d,
			      struct value *ret)
{
	*ret = f->env_forwarding < 0 ?
	       value_null("forwarding unknown (no ip_forward or ipv6 forwarding sysctl)") :
	       value_bool(f->env_forwarding == 1);
	return 0;
}

/* A string pointer at offset d->arg, null with the reason at d->reason. */
static int get_string(const struct facts *f, const struct fact_def *d,
		      struct value *ret)
{
	const char *s = AT_STR(f, d->arg);

	*ret = s ? value_string(s) : value_null(reason_at(f, d, "not available"));
	return 0;
}

#define OFF(field) offsetof(struct facts, field)
#define CEN(field) offsetof(struct census, field)

/* name, type, accessor, arg, null reason, meaning */
#define FACTS_TABLE(X) \
	X("kernel.release", VALUE_STRING, get_kernel, 0, NO_REASON, \
	  "running kernel release as in uname -r (/proc/sys/kernel/osrelease)") \
	X("kernel.version", VALUE_VERSION, get_kernel, 1, NO_REASON, \
	  "kernel version X.Y.Z parsed from the release") \
	X("sockets.established", VALUE_NUMBER, get_state, CENSUS_ESTABLISHED, NO_REASON, \
	  "TCP sockets in ESTABLISHED (IPv4 and IPv6)") \
	X("sockets.syn_sent", VALUE_NUMBER, get_state, CENSUS_SYN_SENT, NO_REASON, \
	  "TCP sockets in SYN_SENT") \
	X("sockets.syn_recv", VALUE_NUMBER, get_state, CENSUS_SYN_RECV, NO_REASON, \
	  "TCP sockets in SYN_RECV, including pending requests") \
	X("sockets.fin_wait1", VALUE_NUMBER, get_state, CENSUS_FIN_WAIT1, NO_REASON, \
	  "TCP sockets in FIN_WAIT1") \
	X("sockets.fin_wait2", VALUE_NUMBER, get_state, CENSUS_FIN_WAIT2, NO_REASON, \
	  "TCP sockets in FIN_WAIT2, including orphaned timewait minisockets") \
	X("sockets.time_wait", VALUE_NUMBER, get_state, CENSUS_TIME_WAIT, NO_REASON, \
	  "TCP sockets in TIME_WAIT") \
	X("sockets.close", VALUE_NUMBER, get_state, CENSUS_CLOSE, NO_REASON, \
	  "TCP sockets in CLOSE") \
	X("sockets.close_wait", VALUE_NUMBER, get_state, CENSUS_CLOSE_WAIT, NO_REASON, \
	  "TCP sockets in CLOSE_WAIT (peer closed, application has not)") \
	X("sockets.last_ack", VALUE_NUMBER, get_state, CENSUS_LAST_ACK, NO_REASON, \
	  "TCP sockets in LAST_ACK") \
	X("sockets.listen", VALUE_NUMBER, get_state, CENSUS_LISTEN, NO_REASON, \
	  "listening TCP sockets") \
	X("sockets.closing", VALUE_NUMBER, get_state, CENSUS_CLOSING, NO_REASON, \
	  "TCP sockets in CLOSING") \
	X("sockets.total", VALUE_NUMBER, get_census_u64, CEN(total), NO_REASON, \
	  "all TCP sockets counted") \
	X("sockets.source", VALUE_STRING, get_sockets_source, 0, NO_REASON, \
	  "where sockets were read: \"netlink\" or \"proc\"") \
	X("tw.active", VALUE_NUMBER, get_census_u64, CEN(tw_active), NO_REASON, \
	  "TIME_WAIT sockets this host initiated (local port is not a listening port)") \
	X("tw.passive", VALUE_NUMBER, get_census_u64, CEN(tw_passive), NO_REASON, \
	  "TIME_WAIT sockets on listening ports (peer connected to us)") \
	X("tw.destinations", VALUE_NUMBER, get_tw, TW_DESTINATIONS, NO_REASON, \
	  "distinct remote address:port of active TIME_WAIT sockets") \
	X("tw.max_per_destination", VALUE_NUMBER, get_tw, TW_MAX, NO_REASON, \
	  "most active TIME_WAIT sockets of one (local address, destination) pair; 0 when none") \
	X("tw.top.address", VALUE_STRING, get_tw, TW_ADDRESS, NO_REASON, \
	  "remote address of that pair") \
	X("tw.top.port", VALUE_NUMBER, get_tw, TW_PORT, NO_REASON, \
	  "remote port of that pair") \
	X("tw.top.count", VALUE_NUMBER, get_tw, TW_COUNT, NO_REASON, \
	  "active TIME_WAIT sockets of that pair") \
	X("closewait.max_per_process", VALUE_NUMBER, get_closewait, OFF(cw_max_per_process), OFF(cw_reason), \
	  "most CLOSE_WAIT sockets held by one process; 0 when there are none") \
	X("closewait.top.pid", VALUE_NUMBER, get_closewait, OFF(cw_top_pid), OFF(cw_reason), \
	  "pid of that process") \
	X("closewait.top.comm", VALUE_STRING, get_closewait, 0, OFF(cw_reason), \
	  "command name of that process (/proc/PID/comm)") \
	X("closewait.top.port", VALUE_NUMBER, get_closewait, OFF(cw_top_port), OFF(cw_reason), \
	  "port of that process's biggest CLOSE_WAIT group: the local listening port (server side) or the remote port (client side)") \
	X("closewait.top.side", VALUE_STRING, get_closewait_str, OFF(cw_top_side), OFF(cw_reason), \
	  "\"server\" when that group is on a listening port, \"client\" when the process connected out") \
	X("closewait.top.peer", VALUE_STRING, get_closewait_str, OFF(cw_top_peer), OFF(cw_reason), \
	  "client side: remote address:port of that group (\"10.0.0.5:8080\"), or \"several\" when its sockets go to several addresses; null on the server side") \
	X("closewait.top.where", VALUE_STRING, get_closewait_str, OFF(cw_top_where), OFF(cw_reason), \
	  "that group for summaries: \"on its listening port 7000\", \"connections to 10.0.0.5:8080\", prefixed by its count (\"1200 connections to ...\") when the process has other groups") \
	X("ports.low", VALUE_NUMBER, get_int, OFF(ports_low), OFF(ports_reason), \
	  "first port of net.ipv4.ip_local_port_range") \
	X("ports.high", VALUE_NUMBER, get_int, OFF(ports_high), OFF(ports_reason), \
	  "last port of net.ipv4.ip_local_port_range") \
	X("ports.reserved", VALUE_NUMBER, get_int, OFF(ports_reserved), OFF(ports_reason), \
	  "ports of net.ipv4.ip_local_reserved_ports inside the range") \
	X("ports.ephemeral", VALUE_NUMBER, get_int, OFF(ports_ephemeral), OFF(ports_reason), \
	  "usable ephemeral ports: high - low + 1 - reserved") \
	X("ports.listening_in_range", VALUE_NUMBER, get_int, OFF(ports_listening_in_range), OFF(ports_listening_reason), \
	  "distinct listening TCP ports (IPv4 and IPv6) inside the range and not in ip_local_reserved_ports") \
	X("ports.listening_in_range_list", VALUE_STRING, get_string, OFF(ports_listening_list), OFF(ports_listening_reason), \
	  "up to 10 of those ports, ascending, comma-separated (\"8080,9000\"); \"\" when none") \
	X("sockstat.tw", VALUE_NUMBER, get_int, OFF(sockstat_tw), OFF(sockstat_reason), \
	  "timewait minisockets, TIME_WAIT and orphaned FIN_WAIT2 (/proc/net/sockstat)") \
	X("sockstat.orphan", VALUE_NUMBER, get_int, OFF(sockstat_orphan), OFF(sockstat_reason), \
	  "orphaned TCP sockets (closed by the application, not yet gone)") \
	X("sockstat.inuse", VALUE_NUMBER, get_int, OFF(sockstat_inuse), OFF(sockstat_reason), \
	  "TCP sockets in use, not counting timewait minisockets") \
	X("sockstat.alloc", VALUE_NUMBER, get_int, OFF(sockstat_alloc), OFF(sockstat_reason), \
	  "TCP sockets allocated") \
	X("sockstat.mem", VALUE_NUMBER, get_int, OFF(sockstat_mem), OFF(sockstat_reason), \
	  "pages of memory used by TCP buffers") \
	X("conntrack.count", VALUE_NUMBER, get_int, OFF(conntrack_count), OFF(conntrack_reason), \
	  "connection tracking entries (nf_conntrack_count)") \
	X("conntrack.max", VALUE_NUMBER, get_int, OFF(conntrack_max), OFF(conntrack_reason), \
	  "size limit of the conntrack table (nf_conntrack_max)") \
	X("files.open", VALUE_NUMBER, get_int, OFF(files_open), OFF(files_reason), \
	  "file handles in use (fs.file-nr: allocated - unused)") \
	X("files.max", VALUE_NUMBER, get_int, OFF(files_max), OFF(files_reason), \
	  "system-wide file handle limit (fs.file-max)") \
	X("env.nat", VALUE_BOOL, get_env_nat, 0, NO_REASON, \
	  "whether this host translates addresses (nat table, or container bridge with forwarding)") \
	X("env.nat_reasons", VALUE_STRING, get_env_nat_reasons, 0, NO_REASON, \
	  "the evidence behind env.nat, joined with \"; \"") \
	X("env.forwarding", VALUE_BOOL, get_env_forwarding, 0, NO_REASON, \
	  "IPv4 or IPv6 forwarding is on") \
	X("env.container", VALUE_STRING, get_string, OFF(env_container), OFF(env_container_reason), \
	  "\"kubernetes\", \"docker\", \"podman\", \"lxc\" when twtune runs inside one, else \"none\"") \
	X("env.netns", VALUE_STRING, get_string, OFF(env_netns), OFF(env_netns_reason), \
	  "network namespace inspected, as \"net:[INODE]\"")

#define FACT_DEF(n, t, g, a, r, m) { n, t, g, a, r, m },
#define FACT_NAME(n, t, g, a, r, m) n,

static const struct fact_def fact_defs[] = { FACTS_TABLE(FACT_DEF) };
static const char *const fact_names[] = { FACTS_TABLE(FACT_NAME) NULL };

static const struct fact_def *fact_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < sizeof(fact_defs) / sizeof(fact_defs[0]); i++)
		if (strcmp(fact_defs[i].name, name) == 0)
			return &fact_defs[i];
	return NULL;
}

int facts_get(const struct facts *f, const char *name, struct value *ret)
{
	const struct fact_def *d = fact_find(name);

	if (!d)
		return -ENOENT;
	if (!f)
		return -EINVAL;
	return d->get(f, d, ret);
}

bool facts_name_valid(const char *name)
{
	return fact_find(name) != NULL;
}

const char *const *facts_names(void)
{
	return fact_names;
}

int facts_describe(const char *name, enum value_type *ret_type,
		   const char **ret_meaning)
{
	const struct fact_def *d = fact_find(name);

	if (!d)
		return -ENOENT;
	if (ret_type)
		*ret_type = d->type;
	if (ret_meaning)
		*ret_meaning = d->meaning;
	return 0;
}

/* Function-style facts. Their null reasons name the key, so they are made
 * here, in the scratch arena; on OOM a generic reason is used. */
static const char *reason(const struct facts *f, const char *fallback,
			  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static const char *reason(const struct facts *f, const char *fallback,
			  const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = arena_vprintf(f->scratch, fmt, ap);
	va_end(ap);
	return s ? s : fallback;
}

static const struct fact_sysctl *sysctl_find(const struct facts *f,
					     const char *key)
{
	const struct kb_entry *e = kb_lookup(key);
	size_t i;

	if (!e)
		return NULL;
	for (i = 0; i < f->n_sysctl; i++)
		if (f->sysctl[i].kb == e)
			return &f->sysctl[i];
	return NULL;
}

static const char *absent_reason(const struct facts *f,
				 const struct kb_entry *e, int error)
{
	char kv[32] = "", when[32];

	if (error != -ENOENT)
		return reason(f, "key could not be read", "'%s' could not be read: %s",
			      e->key, strerror(-error));
	if (f->kernel_known) {
		kversion_format(f->kernel_version, false, kv, sizeof(kv));
		switch (kb_presence_in(e, f->kernel_version)) {
		case KB_REMOVED:
			kversion_format(e->removed, true, when, sizeof(when));
			return reason(f, "key does not exist on this kernel",
				      "'%s' does not exist on kernel %s (removed in %s)",
				      e->key, kv, when);
		case KB_NOT_YET:
			kversion_format(e->added, true, when, sizeof(when));
			return reason(f, "key does not exist on this kernel",
				      "'%s' does not exist on kernel %s (added in %s)",
				      e->key, kv, when);
		case KB_PRESENT:
			break;
		}
	}
	/* A snapshot simply may not hold every file. */
	if (f->root && strcmp(f->root, "/") != 0)
		return reason(f, "key does not exist on this kernel",
			      "'%s' is not in %s/proc/sys", e->key, f->root);
	if (!f->kernel_known)
		return reason(f, "key does not exist on this kernel",
			      "'%s' does not exist on this kernel", e->key);
	if (e->needs_module)
		return reason(f, "key does not exist on this kernel",
			      "'%s' does not exist (its module is not loaded)",
			      e->key);
	if (e->scope == KB_SCOPE_GLOBAL)
		return reason(f, "key does not exist on this kernel",
			      "'%s' does not exist here (a global key, absent inside a child network namespace)",
			      e->key);
	return reason(f, "key does not exist on this kernel",
		      "'%s' does not exist on kernel %s", e->key, kv);
}

static bool kb_is_number(const struct kb_entry *e)
{
	return e->type == KB_INT || e->type == KB_BOOL || e->type == KB_ENUM;
}

/* A value typed by its knowledge entry: integers as numbers. */
static struct value typed(const struct facts *f, const struct kb_entry *e,
			  const char *key, const char *s)
{
	long long n;

	if (!e || !kb_is_number(e))
		return value_string(s);
	if (kb_parse_int(s, &n) < 0)
		return value_null(reason(f, "value is not a number",
					 "'%s' has a value that is not a number: '%.64s'",
					 key, s));
	return value_number((double)n);
}

int facts_sysctl(const struct facts *f, const char *key, struct value *ret)
{
	const struct kb_entry *e = kb_lookup(key);
	const struct fact_sysctl *s;

	if (!e)
		return -ENOENT;
	s = sysctl_find(f, key);
	if (!s) {
		*ret = value_null("the knowledge base keys were not read");
		return 0;
	}
	*ret = s->raw ? typed(f, e, e->key, s->raw) :
	       value_null(absent_reason(f, e, s->error));
	return 0;
}

const char *facts_sysctl_raw(const struct facts *f, const char *key)
{
	const struct fact_sysctl *s = sysctl_find(f, key);

	return s ? s->raw : NULL;
}

static int boot_lookup(const struct facts *f, const char *key,
		       const struct sysctld_key **ret_k, char *canon,
		       size_t canon_size, struct value *ret)
{
	if (sysctl_key_canonical(key, canon, canon_size) < 0 ||
	    !sysctl_key_is_safe(canon))
		return -EINVAL;
	*ret_k = NULL;
	if (!f->boot) {
		*ret = value_null(f->boot_reason ? f->boot_reason :
				  "the sysctl.d files were not read");
		return 0;
	}
	*ret_k = sysctld_lookup(f->boot, canon);
	if (!*ret_k) {
		*ret = value_null(reason(f, "no sysctl.d file sets the key",
					 "no sysctl.d file sets '%s'", canon));
		return 0;
	}
	return 0;
}

int facts_boot(const struct facts *f, const char *key, struct value *ret)
{
	char canon[SYSCTL_KEY_MAX + 1];
	const struct sysctld_key *k;
	int r;

	r = boot_lookup(f, key, &k, canon, sizeof(canon), ret);
	if (r < 0 || !k)
		return r;
	if (!k->value) {
		*ret = value_null(k->source ?
			reason(f, "the key is excluded", "'%s' is excluded by '-%s' at %s:%u",
			       canon, k->source->key, k->source->file, k->source->line) :
			reason(f, "the key is excluded", "'%s' is excluded", canon));
		return 0;
	}
	*ret = typed(f, kb_lookup(canon), canon, k->value);
	/* An unparsable boot value still says what the file holds. */
	if (ret->type == VALUE_NULL)
		*ret = value_string(k->value);
	return 0;
}

int facts_boot_source(const struct facts *f, const char *key, struct value *ret)
{
	char canon[SYSCTL_KEY_MAX + 1];
	const struct sysctld_key *k;
	const char *s;
	int r;

	r = boot_lookup(f, key, &k, canon, sizeof(canon), ret);
	if (r < 0 || !k)
		return r;
	if (!k->source) {
		*ret = value_null("the source line is unknown");
		return 0;
	}
	s = arena_printf(f->scratch, "%s:%u", k->source->file, k->source->line);
	*ret = s ? value_string(s) : value_null("out of memory");
	return 0;
}

bool facts_counter_name_valid(const char *name)
{
	const char *dot = name ? strchr(name, '.') : NULL;
	size_t i, len;

	if (!dot || dot == name || !dot[1])
		return false;
	len = strlen(name);
	if (len >= FACTS_COUNTER_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (name + i == dot)
			continue;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int counter_lookup(const struct facts *f, const char *name,
			  const struct fact_counter **ret_c, struct value *ret)
{
	char what[48];

	if (!facts_counter_name_valid(name))
		return -EINVAL;
	*ret_c = facts_counter_find(f->counters, f->n_counters, name);
	if (*ret_c)
		return 0;
	if (f->n_counters == 0) {
		*ret = value_null(f->counters_reason ? f->counters_reason :
				  "no counters were read");
		return 0;
	}
	if (f->kernel_known) {
		char kv[32];

		kversion_format(f->kernel_version, false, kv, sizeof(kv));
		snprintf(what, sizeof(what), "kernel %s", kv);
	} else {
		snprintf(what, sizeof(what), "this kernel");
	}
	*ret = value_null(f->counters_reason ?
		reason(f, "counter does not exist", "counter '%s' was not found (%s)",
		       name, f->counters_reason) :
		reason(f, "counter does not exist", "counter '%s' does not exist on %s",
		       name, what));
	return 0;
}

int facts_counter(const struct facts *f, const char *name, struct value *ret)
{
	const struct fact_counter *c;
	int r;

	r = counter_lookup(f, name, &c, ret);
	if (r < 0 || !c)
		return r;
	*ret = value_number(c->negative ? -(double)c->value : (double)c->value);
	return 0;
}

int facts_rate(const struct facts *f, const char *name, struct value *ret)
{
	const struct fact_counter *c;
	int r;

	r = counter_lookup(f, name, &c, ret);
	if (r < 0 || !c)
		return r;
	if (!(f->sample_seconds > 0))
		*ret = value_null("no --sample given");
	else if (c->negative)
		*ret = value_null(reason(f, "not a counter",
			"'%s' is a limit, not a counter", name));
	else if (isnan(c->rate))
		*ret = value_null(reason(f, "no rate for this counter",
			"counter '%s' went backwards or appeared during the sample (wrapped or reset)",
			name));
	else
		*ret = value_number(c->rate);
	return 0;
}
