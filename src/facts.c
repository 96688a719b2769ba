/*
 * facts_collect: the one pass that reads the system. Each group of facts is
 * read independently; a missing file leaves its facts null with a reason, a
 * malformed one is reported (diag) and makes the whole collection fail with
 * -EBADMSG once every group has been looked at, so the user sees all bad
 * files at once.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "census.h"
#include "diag.h"
#include "facts.h"
#include "facts_parse.h"
#include "kb.h"
#include "procsys.h"
#include "rootfs.h"
#include "sysctld.h"

/* A /proc file that may be missing: *ret NULL then. Unreadable files are
 * treated as missing with a warning; oversized ones are malformed. */
static int read_proc_file(int root_fd, const char *path, struct facts *f,
			  struct diag *diag, char **ret, size_t *ret_len)
{
	int r;

	*ret = NULL;
	r = root_read_file(root_fd, path, FACTS_PROC_FILE_MAX, &f->arena, ret,
			   ret_len);
	if (r == 0 || r == -ENOENT || r == -ENOTDIR)
		return 0;
	if (r == -ENOMEM)
		return r;
	*ret = NULL;
	if (r == -EFBIG) {
		diag_add(diag, DIAG_ERROR, arena_printf(&f->arena, "/%s", path),
			 0, 0, FACTS_DIAG_ID, NULL, "file is larger than %d bytes",
			 FACTS_PROC_FILE_MAX);
		return -EBADMSG;
	}
	diag_add(diag, DIAG_WARNING, arena_printf(&f->arena, "/%s", path), 0, 0,
		 FACTS_DIAG_ID, NULL, "cannot read file: %s", strerror(-r));
	return 0;
}

/* A sysctl read through procsys: NULL when absent or unreadable. */
static int read_sysctl(int root_fd, const char *key, struct facts *f,
		       char **ret)
{
	int r;

	*ret = NULL;
	r = procsys_read(root_fd, key, &f->arena, ret);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		*ret = NULL;
	return 0;
}

static int collect_kernel(int root_fd, struct facts *f, struct diag *diag)
{
	char *rel;
	int r;

	r = read_sysctl(root_fd, "kernel.osrelease", f, &rel);
	if (r < 0)
		return r;
	if (!rel) {
		f->kernel_reason =
			"kernel release unknown (/proc/sys/kernel/osrelease is missing)";
		return 0;
	}
	if (kversion_parse(rel, &f->kernel_version) < 0) {
		diag_add(diag, DIAG_ERROR, "/proc/sys/kernel/osrelease", 1, 0,
			 FACTS_DIAG_ID, NULL, "'%.64s' is not a kernel release",
			 rel);
		return -EBADMSG;
	}
	f->kernel_release = rel;
	f->kernel_known = true;
	return 0;
}

static int collect_sysctls(int root_fd, struct facts *f)
{
	size_t n = kb_count(), i;

	f->sysctl = arena_calloc(&f->arena, n ? n : 1, sizeof(*f->sysctl));
	if (!f->sysctl)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct fact_sysctl *s = &f->sysctl[i];
		char *raw;
		int r;

		s->kb = kb_at(i);
		r = procsys_read(root_fd, s->kb->key, &f->arena, &raw);
		if (r == -ENOMEM)
			return r;
		if (r == -ENOTDIR || r == -EISDIR)
			r = -ENOENT;
		s->error = r < 0 ? r : 0;
		s->raw = r < 0 ? NULL : raw;
	}
	f->n_sysctl = n;
	return 0;
}

/* netstat + snmp into one sorted set; *ret_missing names what is absent. */
static int read_counters(int root_fd, struct facts *f, struct diag *diag,
			 struct facts_counter_set *set, const char **ret_missing)
{
	static const char *const files[] = { "proc/net/netstat", "proc/net/snmp" };
	const char *missing[2];
	size_t n_missing = 0, i, len;
	bool bad = false;
	char *buf;
	int r;

	memset(set, 0, sizeof(*set));
	for (i = 0; i < 2; i++) {
		r = read_proc_file(root_fd, files[i], f, diag, &buf, &len);
		if (r == -EBADMSG) {
			bad = true;
			continue;
		}
		if (r < 0)
			return r;
		if (!buf) {
			missing[n_missing++] = files[i];
			continue;
		}
		r = facts_parse_counters(buf, len, i ? "/proc/net/snmp" :
					 "/proc/net/netstat", &f->arena, diag, set);
		if (r == -EBADMSG)
			bad = true;
		else if (r < 0)
			return r;
	}
	facts_counters_sort(set);
	*ret_missing = n_missing == 2 ? "/proc/net/netstat and /proc/net/snmp are missing" :
		       n_missing == 1 ? arena_printf(&f->arena, "/%s is missing",
						     missing[0]) : NULL;
	if (n_missing == 1 && !*ret_missing)
		return -ENOMEM;
	return bad ? -EBADMSG : 0;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_seconds(unsigned seconds)
{
	struct timespec req = { .tv_sec = seconds }, rem;

	/* Restart after signals with what is left; bounded by the request. */
	while (nanosleep(&req, &rem) < 0 && errno == EINTR)
		req = rem;
}

static int collect_counters(int root_fd, const struct facts_options *opt,
			    struct facts *f, struct diag *diag)
{
	struct facts_counter_set before, after;
	const char *missing;
	double t0, elapsed;
	int r;

	r = read_counters(root_fd, f, diag, &before, &missing);
	if (r < 0)
		return r;
	if (opt->sample_seconds && before.n) {
		t0 = now_seconds();
		sleep_seconds(opt->sample_seconds);
		r = read_counters(root_fd, f, diag, &after, &missing);
		if (r < 0)
			return r;
		elapsed = now_seconds() - t0;
		if (!(elapsed > 0))
			elapsed = opt->sample_seconds;
		facts_counters_rates(before.items, before.n, after.items, after.n,
				     elapsed);
		f->sample_seconds = elapsed;
		before = after;
	}
	f->counters = before.items;
	f->n_counters = before.n;
	f->counters_reason = missing;
	return 0;
}

static int collect_sockstat(int root_fd, struct facts *f, struct diag *diag)
{
	struct facts_sockstat s;
	size_t len;
	char *buf;
	int r;

	r = read_proc_file(root_fd, "proc/net/sockstat", f, diag, &buf, &len);
	if (r < 0)
		return r;
	if (!buf) {
		f->sockstat_reason = "/proc/net/sockstat is missing";
		return 0;
	}
	r = facts_parse_sockstat(buf, len, "/proc/net/sockstat", diag, &s);
	if (r < 0)
		return r;
	f->sockstat_inuse = s.inuse;
	f->sockstat_orphan = s.orphan;
	f->sockstat_tw = s.tw;
	f->sockstat_alloc = s.alloc;
	f->sockstat_mem = s.mem;
	f->sockstat_reason = "not in the 'TCP:' line of /proc/net/sockstat";
	return 0;
}

/* A one-number sysctl into a fact_int; absent leaves it not present. */
static int read_number(int root_fd, const char *key, const char *file,
		       struct facts *f, struct diag *diag, struct fact_int *ret)
{
	uint64_t v;
	char *s;
	int r;

	r = read_sysctl(root_fd, key, f, &s);
	if (r < 0 || !s)
		return r;
	r = facts_parse_u64(s, file, diag, &v);
	if (r < 0)
		return r;
	ret->present = true;
	ret->value = (int64_t)v;
	return 0;
}

static int collect_conntrack(int root_fd, struct facts *f, struct diag *diag)
{
	int r, r2;

	r = read_number(root_fd, "net.netfilter.nf_conntrack_count",
			"/proc/sys/net/netfilter/nf_conntrack_count", f, diag,
			&f->conntrack_count);
	if (r == -ENOMEM)
		return r;
	r2 = read_number(root_fd, "net.netfilter.nf_conntrack_max",
			 "/proc/sys/net/netfilter/nf_conntrack_max", f, diag,
			 &f->conntrack_max);
	if (r2 == -ENOMEM)
		return r2;
	f->conntrack_reason = "nf_conntrack is not loaded";
	return r < 0 ? r : r2;
}

static int collect_files(int root_fd, struct facts *f, struct diag *diag)
{
	uint64_t open, max;
	char *s;
	int r;

	f->files_reason = "/proc/sys/fs/file-nr is missing";
	r = read_sysctl(root_fd, "fs.file-nr", f, &s);
	if (r < 0)
		return r;
	if (s) {
		r = facts_parse_file_nr(s, "/proc/sys/fs/file-nr", diag, &open, &max);
		if (r < 0)
			return r;
		f->files_open = (struct fact_int){ true, (int64_t)open };
		f->files_max = (struct fact_int){ true, (int64_t)max };
	}
	/* file-max is the setting; file-nr repeats it. */
	r = read_number(root_fd, "fs.file-max", "/proc/sys/fs/file-max", f, diag,
			&f->files_max);
	if (r < 0)
		return r;
	if (!f->files_max.present)
		f->files_reason = "/proc/sys/fs/file-nr and /proc/sys/fs/file-max are missing";
	return 0;
}

static int collect_ports(int root_fd, struct facts *f, struct diag *diag)
{
	unsigned low, high, reserved = 0;
	char *s;
	int r;

	f->ports_reason = "'net.ipv4.ip_local_port_range' does not exist";
	r = read_sysctl(root_fd, "net.ipv4.ip_local_port_range", f, &s);
	if (r < 0 || !s)
		return r;
	r = facts_parse_port_range(s, "/proc/sys/net/ipv4/ip_local_port_range",
				   diag, &low, &high);
	if (r < 0)
		return r;
	/* Absent reserved ports (kernels before 2.6.35): nothing reserved. */
	r = read_sysctl(root_fd, "net.ipv4.ip_local_reserved_ports", f, &s);
	if (r < 0)
		return r;
	if (s) {
		uint8_t *bits = arena_alloc(&f->arena, FACTS_PORT_BITS_SIZE);

		if (!bits)
			return -ENOMEM;
		r = facts_parse_reserved_set(s,
			"/proc/sys/net/ipv4/ip_local_reserved_ports", diag, low,
			high, bits, &reserved);
		if (r < 0)
			return r;
		f->ports_reserved_bits = reserved ? bits : NULL;
	}
	f->ports_low = (struct fact_int){ true, low };
	f->ports_high = (struct fact_int){ true, high };
	f->ports_reserved = (struct fact_int){ true, reserved };
	f->ports_ephemeral = (struct fact_int){ true, (int64_t)high - low + 1 - reserved };
	return 0;
}

static bool proc_exists(int root_fd, const char *path)
{
	int fd = root_open(root_fd, path, O_PATH, 0);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int owner_pid_cmp(const void *a, const void *b)
{
	const struct census_owner *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->client != y->client)
		return x->client ? 1 : -1;
	return (x->port > y->port) - (x->port < y->port);
}

/* closewait.top.side, .peer, .where from the process's biggest group g
 * of its total sockets. where names the group's share when the process
 * has others: "1200 on its listening port 7000". */
static int closewait_top_group(struct facts *f, const struct census_owner *g,
			       uint64_t total)
{
	char peer[64], share[32] = "";
	const char *what;

	if (g->count < total)
		snprintf(share, sizeof(share), "%llu ", (unsigned long long)g->count);
	if (!g->client) {
		f->cw_top_side = "server";
		f->cw_peer_reason = "the sockets are on a listening port (server side)";
		f->cw_top_where = arena_printf(&f->arena, "%son its listening port %u",
					       share, (unsigned)g->port);
		return f->cw_top_where ? 0 : -ENOMEM;
	}
	f->cw_top_side = "client";
	if (census_owner_peer(g, peer, sizeof(peer))) {
		f->cw_top_peer = arena_strdup(&f->arena, peer);
		what = f->cw_top_peer;
	} else {
		f->cw_top_peer = "several";
		what = arena_printf(&f->arena, "several hosts on port %u",
				    (unsigned)g->port);
	}
	if (!what)
		return -ENOMEM;
	f->cw_top_where = arena_printf(&f->arena, "%sconnections to %s", share, what);
	return f->cw_top_where ? 0 : -ENOMEM;
}

/* closewait.*: per process, summed over its groups (ports and sides). */
static int derive_closewait(struct facts *f)
{
	const struct census *c = &f->census;
	struct census_owner *v;
	const struct census_owner *best = NULL;
	uint64_t best_sum = 0;
	size_t i, j;

	if (c->states[CENSUS_CLOSE_WAIT] == 0) {
		f->cw_max_per_process = (struct fact_int){ true, 0 };
		f->cw_reason = "no CLOSE_WAIT sockets";
		return 0;
	}
	if (!c->owners_resolved) {
		f->cw_reason = c->states[CENSUS_CLOSE_WAIT] < FACTS_OWNERS_THRESHOLD ?
			arena_printf(&f->arena,
				"CLOSE_WAIT owners were not looked up (fewer than %d sockets; use --owners)",
				FACTS_OWNERS_THRESHOLD) :
			"CLOSE_WAIT owners could not be looked up";
		return f->cw_reason ? 0 : -ENOMEM;
	}
	v = arena_calloc(&f->arena, c->n_cw_by_owner ? c->n_cw_by_owner : 1,
			 sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (c->n_cw_by_owner)
		memcpy(v, c->cw_by_owner, c->n_cw_by_owner * sizeof(*v));
	qsort(v, c->n_cw_by_owner, sizeof(*v), owner_pid_cmp);
	for (i = 0; i < c->n_cw_by_owner; i = j) {
		uint64_t sum = 0;

		for (j = i; j < c->n_cw_by_owner && v[j].pid == v[i].pid; j++)
			sum += v[j].count;
		/* pid 0: the inode has no owner we could see. */
		if (v[i].pid == 0 || sum <= best_sum)
			continue;
		best_sum = sum;
		best = &v[i];	/* its largest port comes first */
	}
	if (!best) {
		f->cw_reason = "no process owning a CLOSE_WAIT socket was found";
		return 0;
	}
	f->cw_max_per_process = (struct fact_int){ true, (int64_t)best_sum };
	f->cw_top_pid = (struct fact_int){ true, best->pid };
	f->cw_top_port = (struct fact_int){ true, best->port };
	f->cw_top_comm = arena_strdup(&f->arena, best->comm);
	if (!f->cw_top_comm)
		return -ENOMEM;
	return closewait_top_group(f, best, best_sum);
}

static int collect_sockets(int root_fd, const struct facts_options *opt,
			   struct facts *f, struct diag *diag)
{
	struct census_options copt = {
		.force_proc = opt->force_proc,
		.owners = opt->owners,
		.owners_threshold = FACTS_OWNERS_THRESHOLD,
	};
	char addr[64];
	int r;

	if (!opt->sockets) {
		f->sockets_reason = "sockets were not counted (--no-sockets)";
		return 0;
	}
	/* A snapshot without socket tables has no sockets to count, which
	 * is not the same as having none. */
	if (opt->force_proc && !proc_exists(root_fd, "proc/net/tcp") &&
	    !proc_exists(root_fd, "proc/net/tcp6")) {
		f->sockets_reason = "sockets could not be counted (/proc/net/tcp is missing)";
		return 0;
	}
	r = census_collect(root_fd, &copt, &f->census);
	if (r == -ENOMEM)
		return r;
	if (r == -EBADMSG) {
		/* The census names the file and line it choked on. */
		diag_add(diag, DIAG_ERROR,
			 f->census.error_file[0] ? f->census.error_file : "/proc/net/tcp",
			 f->census.error_line, 0, FACTS_DIAG_ID, NULL, "%s",
			 f->census.error[0] ? f->census.error :
			 "malformed socket table");
		return r;
	}
	if (r < 0) {
		f->sockets_reason = r == -ENOENT ?
			"sockets could not be counted (/proc/net/tcp is missing)" :
			arena_printf(&f->arena, "sockets could not be counted: %s",
				     strerror(-r));
		return f->sockets_reason ? 0 : -ENOMEM;
	}
	f->sockets_collected = true;
	if (f->census.n_tw_by_pair) {
		census_addr_format(&f->census.tw_by_pair[0].addr, addr, sizeof(addr));
		f->tw_top_address = arena_strdup(&f->arena, addr);
		if (!f->tw_top_address)
			return -ENOMEM;
	}
	return derive_closewait(f);
}

/* ports.listening_in_range*: needs the range (collect_ports) and the
 * census (collect_sockets). The census lists each listening port once,
 * whatever the address family. */
static int derive_listening(struct facts *f)
{
	const struct census *c = &f->census;
	char list[FACTS_LISTEN_LIST_MAX * 6 + 1];
	size_t len = 0, i;
	int64_t n = 0;

	if (!f->ports_low.present) {
		f->ports_listening_reason = f->ports_reason;
		return 0;
	}
	if (!f->sockets_collected) {
		f->ports_listening_reason = f->sockets_reason ? f->sockets_reason :
			"sockets were not counted";
		return 0;
	}
	list[0] = '\0';
	for (i = 0; i < c->n_listen_ports; i++) {
		unsigned port = c->listen_ports[i];

		if (port < f->ports_low.value || port > f->ports_high.value ||
		    (f->ports_reserved_bits &&
		     facts_port_bit(f->ports_reserved_bits, port)))
			continue;
		if (n++ < FACTS_LISTEN_LIST_MAX)
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						"%s%u", len ? "," : "", port);
	}
	f->ports_listening_in_range = (struct fact_int){ true, n };
	f->ports_listening_list = arena_strdup(&f->arena, list);
	return f->ports_listening_list ? 0 : -ENOMEM;
}

static int collect_boot(int root_fd, const struct facts_options *opt,
			struct facts *f, struct diag *diag)
{
	int r;

	if (!opt->boot) {
		f->boot_reason = "the sysctl.d files were not read";
		return 0;
	}
	r = sysctld_resolve(root_fd, opt->boot_mode, &f->arena, diag, &f->boot);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		f->boot = NULL;
		f->boot_reason = arena_printf(&f->arena,
			"the sysctl.d files could not be resolved: %s", strerror(-r));
		return f->boot_reason ? 0 : -ENOMEM;
	}
	return 0;
}

int facts_collect(int root_fd, const char *root_name,
		  const struct facts_options *opt, struct diag *diag,
		  struct facts **ret)
{
	static const struct facts_options no_options;
	bool host_root = !root_name || !*root_name || strcmp(root_name, "/") == 0;
	bool bad = false;
	struct facts *f;
	int r = 0;

	if (!opt)
		opt = &no_options;
	if (opt->sample_seconds > FACTS_SAMPLE_MAX)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	arena_init(&f->arena);
	census_init(&f->census);
	f->scratch = &f->arena;
	f->env_nat = f->env_forwarding = -1;
	f->root = arena_strdup(&f->arena, host_root ? "/" : root_name);
	if (!f->root) {
		r = -ENOMEM;
		goto fail;
	}

#define STEP(call) do { \
		r = (call); \
		if (r == -EBADMSG) \
			bad = true; \
		else if (r < 0) \
			goto fail; \
	} while (0)
	STEP(collect_kernel(root_fd, f, diag));
	STEP(collect_counters(root_fd, opt, f, diag));
	STEP(collect_sysctls(root_fd, f));
	STEP(collect_sockstat(root_fd, f, diag));
	STEP(collect_conntrack(root_fd, f, diag));
	STEP(collect_files(root_fd, f, diag));
	STEP(collect_ports(root_fd, f, diag));
	STEP(facts_env_collect(root_fd, host_root, f, diag));
	STEP(collect_sockets(root_fd, opt, f, diag));
	STEP(derive_listening(f));
	STEP(collect_boot(root_fd, opt, f, diag));
#undef STEP
	if (bad) {
		r = -EBADMSG;
		goto fail;
	}
	*ret = f;
	return 0;
fail:
	facts_free(f);
	return r;
}

void facts_free(struct facts *f)
{
	if (!f)
		return;
	census_release(&f->census);
	arena_release(&f->arena);
	free(f);
}
