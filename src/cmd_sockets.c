/*
 * twtune sockets: the census on its own, for a person (a state table and
 * one breakdown) or a program (--format json, PRODUCT.md section 7).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "census.h"
#include "cmd.h"
#include "cmd_common.h"
#include "ctx.h"
#include "json.h"
#include "out.h"

/* Without --owners, look for CLOSE_WAIT owners only when there are this
 * many: a pile worth explaining, and a /proc scan worth its cost. */
#define SOCKETS_OWNERS_THRESHOLD 100
#define SOCKETS_TOP_DEFAULT 10

enum sockets_by {
	BY_DESTINATION,
	BY_LOCAL_PORT,
	BY_PROCESS,
};

struct sockets_opts {
	uint32_t mask;
	enum sockets_by by;
	size_t top;		/* 0 = all */
	bool json;
	bool owners;
	const char *root;
	const char *netns;
	bool have_ports;
	struct census_ports ports;
};

static size_t top_n(const struct sockets_opts *o, size_t n)
{
	return o->top && o->top < n ? o->top : n;
}

/* "10.0.0.1:80", "[2001:db8::1]:443" */
static void endpoint_format(const struct census_addr *a, uint16_t port,
			    char *buf, size_t size)
{
	char addr[64];

	census_addr_format(a, addr, sizeof(addr));
	if (a->family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", addr, port);
	else
		snprintf(buf, size, "%s:%u", addr, port);
}

static bool is_listening(const struct census *c, uint16_t port)
{
	size_t lo = 0, hi = c->n_listen_ports;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c->listen_ports[mid] == port)
			return true;
		if (c->listen_ports[mid] < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool wanted(const struct census *c, unsigned s)
{
	return c->states_mask & CENSUS_STATE_BIT(s);
}

static void print_share(const struct sockets_opts *o, uint64_t count)
{
	if (o->have_ports && o->ports.ephemeral)
		printf(" %6.2f%%", 100.0 * (double)count / o->ports.ephemeral);
	else
		printf(" %7s", "-");
}

static void text_destinations(const struct census *c, const struct sockets_opts *o)
{
	char ep[80], local[64];
	size_t i, n = top_n(o, c->n_tw_by_dest);

	printf("\nactive TIME_WAIT by destination (%zu of %zu)\n", n, c->n_tw_by_dest);
	if (!n) {
		printf("  none\n");
		return;
	}
	if (o->have_ports)
		printf("  ephemeral ports %u-%u: %u usable (%u reserved)\n",
		       o->ports.low, o->ports.high, o->ports.ephemeral,
		       o->ports.reserved);
	printf("  %10s %7s  %s\n", "count", "share", "destination");
	for (i = 0; i < n; i++) {
		endpoint_format(&c->tw_by_dest[i].addr, c->tw_by_dest[i].port,
				ep, sizeof(ep));
		printf("  %10" PRIu64, c->tw_by_dest[i].count);
		print_share(o, c->tw_by_dest[i].count);
		printf("  %s\n", ep);
	}
	if (c->n_tw_by_pair) {
		/* Ports run out per (local address, destination). */
		const struct census_pair *p = &c->tw_by_pair[0];

		census_addr_format(&p->local, local, sizeof(local));
		endpoint_format(&p->addr, p->port, ep, sizeof(ep));
		printf("  busiest pair: %s -> %s: %" PRIu64, local, ep, p->count);
		if (o->have_ports && o->ports.ephemeral)
			printf(" (%.2f%% of its ports)",
			       100.0 * (double)p->count / o->ports.ephemeral);
		printf("\n");
	}
}

static void text_local_ports(const struct census *c, const struct sockets_opts *o)
{
	size_t i, n = top_n(o, c->n_tw_by_lport);

	printf("\nTIME_WAIT by local port (%zu of %zu)\n", n, c->n_tw_lports);
	if (!n) {
		printf("  none\n");
		return;
	}
	printf("  %10s %6s\n", "count", "port");
	for (i = 0; i < n; i++)
		printf("  %10" PRIu64 " %6u%s\n", c->tw_by_lport[i].count,
		       c->tw_by_lport[i].port,
		       is_listening(c, c->tw_by_lport[i].port) ? "  listening" : "");
}

static void text_processes(const struct census *c, const struct sockets_opts *o)
{
	size_t i, n = top_n(o, c->n_cw_by_owner);

	printf("\nCLOSE_WAIT by process (%zu of %zu)\n", n, c->n_cw_by_owner);
	if (!c->owners_resolved) {
		printf("  not looked up\n");
		return;
	}
	if (!n) {
		printf("  none\n");
		return;
	}
	/* Server side: the listening port; client side: the remote end
	 * (every socket has its own local port, so that says nothing). */
	printf("  %10s %8s  %-16s %s\n", "count", "pid", "command", "where");
	for (i = 0; i < n; i++) {
		const struct census_owner *w = &c->cw_by_owner[i];
		char where[80];

		census_owner_where(w, where, sizeof(where));
		printf("  %10" PRIu64 " %8ld  %-16s %s\n", w->count, (long)w->pid,
		       w->comm, where);
	}
	if (c->cw_unresolved)
		printf("  %" PRIu64 " socket%s without a known owner (pid 0 '?'): "
		       "process not visible to us, or closed meanwhile\n",
		       c->cw_unresolved, c->cw_unresolved == 1 ? "" : "s");
}

static void print_text(const struct census *c, const struct sockets_opts *o)
{
	unsigned s;

	printf("TCP sockets from %s", c->source == CENSUS_SOURCE_NETLINK ?
	       "netlink" : "/proc/net/tcp{,6}");
	if (c->source == CENSUS_SOURCE_PROC && c->fallback_reason)
		printf(": %s", c->fallback_reason);
	printf("\n");
	for (s = 1; s < CENSUS_NEW_SYN_RECV; s++)
		if (wanted(c, s))
			printf("  %-12s %10" PRIu64 "\n", census_state_name(s), c->states[s]);
	printf("  %-12s %10" PRIu64 "\n", "total", c->total);
	if (wanted(c, CENSUS_TIME_WAIT))
		printf("TIME_WAIT: %" PRIu64 " active (this host connected), %"
		       PRIu64 " passive (to a listening port)\n",
		       c->tw_active, c->tw_passive);

	switch (o->by) {
	case BY_DESTINATION:
		text_destinations(c, o);
		break;
	case BY_LOCAL_PORT:
		text_local_ports(c, o);
		break;
	case BY_PROCESS:
		text_processes(c, o);
		break;
	}
}

static void json_addr(struct json *j, const char *key, const struct census_addr *a)
{
	char buf[64];

	census_addr_format(a, buf, sizeof(buf));
	json_kv_string(j, key, buf);
}

static void print_json(const struct census *c, const struct sockets_opts *o)
{
	char peer[64];
	struct json j;
	size_t i;
	unsigned s;

	json_init(&j, stdout, true);
	json_object_begin(&j);
	json_kv_int(&j, "schema", 1);
	json_kv_string(&j, "source", c->source == CENSUS_SOURCE_NETLINK ?
		       "netlink" : "proc");
	if (c->source == CENSUS_SOURCE_PROC)
		json_kv_string(&j, "fallback_reason", c->fallback_reason);
	json_kv_uint(&j, "total", c->total);
	json_key(&j, "states");
	json_object_begin(&j);
	for (s = 1; s < CENSUS_NEW_SYN_RECV; s++)
		if (wanted(c, s))
			json_kv_uint(&j, census_state_name(s), c->states[s]);
	json_object_end(&j);
	json_kv_uint(&j, "time_wait_active", c->tw_active);
	json_kv_uint(&j, "time_wait_passive", c->tw_passive);
	json_kv_uint(&j, "time_wait_destinations", c->n_tw_by_dest);
	json_kv_uint(&j, "time_wait_local_ports", c->n_tw_lports);

	json_key(&j, "ephemeral_ports");
	if (o->have_ports) {
		json_object_begin(&j);
		json_kv_uint(&j, "low", o->ports.low);
		json_kv_uint(&j, "high", o->ports.high);
		json_kv_uint(&j, "reserved", o->ports.reserved);
		json_kv_uint(&j, "usable", o->ports.ephemeral);
		json_object_end(&j);
	} else {
		json_null(&j);
	}

	json_key(&j, "time_wait_by_destination");
	json_array_begin(&j);
	for (i = 0; i < top_n(o, c->n_tw_by_dest); i++) {
		const struct census_dest *d = &c->tw_by_dest[i];

		json_object_begin(&j);
		json_addr(&j, "address", &d->addr);
		json_kv_uint(&j, "port", d->port);
		json_kv_uint(&j, "count", d->count);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "time_wait_by_pair");
	json_array_begin(&j);
	for (i = 0; i < top_n(o, c->n_tw_by_pair); i++) {
		const struct census_pair *p = &c->tw_by_pair[i];

		json_object_begin(&j);
		json_addr(&j, "local_address", &p->local);
		json_addr(&j, "address", &p->addr);
		json_kv_uint(&j, "port", p->port);
		json_kv_uint(&j, "count", p->count);
		json_object_end(&j);
	}
	json_array_end(&j);

	json_key(&j, "time_wait_by_local_port");
	json_array_begin(&j);
	for (i = 0; i < top_n(o, c->n_tw_by_lport); i++) {
		json_object_begin(&j);
		json_kv_uint(&j, "port", c->tw_by_lport[i].port);
		json_kv_uint(&j, "count", c->tw_by_lport[i].count);
		json_kv_bool(&j, "listening", is_listening(c, c->tw_by_lport[i].port));
		json_object_end(&j);
	}
	json_array_end(&j);

	json_kv_bool(&j, "owners_resolved", c->owners_resolved);
	json_kv_uint(&j, "close_wait_unresolved", c->cw_unresolved);
	json_key(&j, "close_wait_by_process");
	json_array_begin(&j);
	for (i = 0; i < top_n(o, c->n_cw_by_owner); i++) {
		const struct census_owner *w = &c->cw_by_owner[i];

		json_object_begin(&j);
		json_kv_int(&j, "pid", w->pid);
		json_kv_string(&j, "comm", w->comm);
		json_kv_uint(&j, "port", w->port);
		json_kv_uint(&j, "count", w->count);
		json_kv_string(&j, "side", w->client ? "client" : "server");
		if (census_owner_peer(w, peer, sizeof(peer)))
			json_kv_string(&j, "peer", peer);
		else
			json_kv_null(&j, "peer");
		json_kv_bool(&j, "peer_many", w->peer_many);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
}

/* "time-wait", "time-wait,close-wait" */
static int parse_states(const char *arg, uint32_t *mask)
{
	char buf[256], *tok, *save = NULL;
	enum census_state s;

	if (strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (census_state_parse(tok, &s) < 0 || s == CENSUS_NEW_SYN_RECV) {
			out_error("unknown state '%s' (expected e.g. time-wait, close-wait, established)", tok);
			return -EINVAL;
		}
		*mask |= CENSUS_STATE_BIT(s);
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct sockets_opts *o)
{
	static const struct option options[] = {
		{ "state", required_argument, NULL, 's' },
		{ "by", required_argument, NULL, 'b' },
		{ "top", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'r' },
		{ "netns", required_argument, NULL, 'N' },
		{ "owners", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	unsigned long v;
	int c;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_states(optarg, &o->mask) < 0)
				return -EINVAL;
			break;
		case 'b':
			if (strcmp(optarg, "destination") == 0)
				o->by = BY_DESTINATION;
			else if (strcmp(optarg, "local-port") == 0)
				o->by = BY_LOCAL_PORT;
			else if (strcmp(optarg, "process") == 0)
				o->by = BY_PROCESS;
			else {
				out_error("invalid --by '%s' (expected destination, local-port or process)", optarg);
				return -EINVAL;
			}
			break;
		case 'n':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' || v > 1000000) {
				out_error("invalid --top '%s' (expected 0 to 1000000; 0 = all)", optarg);
				return -EINVAL;
			}
			o->top = v;
			break;
		case 'f':
			if (cmd_format_json(optarg, &o->json) < 0)
				return -EINVAL;
			break;
		case 'r':
			o->root = optarg;
			break;
		case 'N':
			o->netns = optarg;
			break;
		case 'o':
			o->owners = true;
			break;
		default:
			return -EINVAL;	/* getopt printed why */
		}
	}
	if (cmd_no_operands(argc, argv) < 0)
		return -EINVAL;
	return 0;
}

int cmd_sockets(int argc, char **argv, struct ctx *ctx)
{
	struct sockets_opts o = { .by = BY_DESTINATION, .top = SOCKETS_TOP_DEFAULT };
	struct census_options copt = { .owners_threshold = SOCKETS_OWNERS_THRESHOLD };
	struct census c;
	int root_fd = -1, r;

	if (parse_args(argc, argv, &o) < 0)
		return TW_EXIT_UNKNOWN;
	r = cmd_open_target(o.root, o.netns, &root_fd);
	if (r < 0)
		return TW_EXIT_UNKNOWN;
	copt.force_proc = o.root != NULL;
	copt.owners = o.owners || o.by == BY_PROCESS;
	copt.states_mask = o.mask;
	copt.lport_top = o.top;
	r = census_collect(root_fd, &copt, &c);
	if (r == -EBADMSG) {
		size_t rl = o.root ? strlen(o.root) : 0;

		while (rl > 1 && o.root[rl - 1] == '/')
			rl--;
		out_error("%.*s%s:%u: %s", (int)rl, o.root ? o.root : "",
			  c.error_file, c.error_line, c.error);
	} else if (r < 0) {
		out_error("cannot count sockets: %s", strerror(-r));
	}
	if (r >= 0) {
		o.have_ports = census_ports_read(root_fd, &o.ports) >= 0;
		if (o.json)
			print_json(&c, &o);
		else
			print_text(&c, &o);
	}
	census_release(&c);
	close(root_fd);
	(void)ctx;
	return r < 0 ? TW_EXIT_UNKNOWN : TW_EXIT_OK;
}
