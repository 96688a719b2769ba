/*
 * census: runs the collectors in order (netlink, else /proc), the owner
 * scan when it is worth it, and hands out the sorted results. Also the
 * small vocabulary every user of the census needs: state names and
 * address formatting.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "census.h"
#include "census_int.h"

static const char *const state_names[_CENSUS_STATE_MAX] = {
	[CENSUS_ESTABLISHED] = "ESTABLISHED",
	[CENSUS_SYN_SENT] = "SYN_SENT",
	[CENSUS_SYN_RECV] = "SYN_RECV",
	[CENSUS_FIN_WAIT1] = "FIN_WAIT1",
	[CENSUS_FIN_WAIT2] = "FIN_WAIT2",
	[CENSUS_TIME_WAIT] = "TIME_WAIT",
	[CENSUS_CLOSE] = "CLOSE",
	[CENSUS_CLOSE_WAIT] = "CLOSE_WAIT",
	[CENSUS_LAST_ACK] = "LAST_ACK",
	[CENSUS_LISTEN] = "LISTEN",
	[CENSUS_CLOSING] = "CLOSING",
	[CENSUS_NEW_SYN_RECV] = "NEW_SYN_RECV",
};

void census_init(struct census *c)
{
	memset(c, 0, sizeof(*c));
}

void census_release(struct census *c)
{
	if (!c)
		return;
	free(c->tw_by_dest);
	free(c->tw_by_pair);
	free(c->tw_by_lport);
	free(c->cw_by_owner);
	free(c->listen_ports);
	census_init(c);
}

int census_collect(int root_fd, const struct census_options *opt, struct census *c)
{
	struct census_agg agg;
	uint32_t mask = opt->states_mask & CENSUS_STATES_ALL;
	bool refused = false, cw;
	const char *reason = NULL;
	int r = 0;

	census_init(c);
	if (!mask)
		mask = CENSUS_STATES_ALL;
	c->states_mask = mask;
	cw = mask & CENSUS_STATE_BIT(CENSUS_CLOSE_WAIT);
	agg_init(&agg, mask, cw);
	agg.lport_top = opt->lport_top;

	if (!opt->force_proc) {
		r = census_netlink_collect(&agg, &refused, &reason);
		if (r >= 0 && !refused) {
			c->source = CENSUS_SOURCE_NETLINK;
		} else if (r >= 0) {
			/* Start over: the refused dump may have counted part. */
			agg_release(&agg);
			agg_init(&agg, mask, cw);
			agg.lport_top = opt->lport_top;
			c->fallback_reason = reason;
		}
	}
	if (r >= 0 && (opt->force_proc || refused)) {
		c->source = CENSUS_SOURCE_PROC;
		if (opt->force_proc)
			c->fallback_reason = "root directory given with --root";
		r = census_proc_collect(root_fd, &agg, c);
	}
	if (r >= 0)
		r = agg_finish(&agg, c);
	if (r >= 0 && cw && (opt->owners ||
			     c->states[CENSUS_CLOSE_WAIT] >= opt->owners_threshold)) {
		if (c->states[CENSUS_CLOSE_WAIT] > 0)
			r = census_owner_scan(root_fd, &agg, c);
		else
			c->owners_resolved = true;	/* nothing to look up */
	}
	agg_release(&agg);
	if (r < 0) {
		char file[sizeof(c->error_file)], msg[sizeof(c->error)];
		unsigned line = c->error_line;

		memcpy(file, c->error_file, sizeof(file));
		memcpy(msg, c->error, sizeof(msg));
		census_release(c);
		memcpy(c->error_file, file, sizeof(file));
		memcpy(c->error, msg, sizeof(msg));
		c->error_line = line;
	}
	return r;
}

const char *census_state_name(enum census_state s)
{
	if ((unsigned)s >= _CENSUS_STATE_MAX || !state_names[s])
		return "UNKNOWN";
	return state_names[s];
}

int census_state_parse(const char *s, enum census_state *ret)
{
	char norm[24];
	size_t i, n = 0;
	unsigned st;

	if (!s)
		return -EINVAL;
	/* Case, '-' and '_' do not matter: "time-wait" = "TIME_WAIT" =
	 * "timewait"; ss spells "fin-wait-1", we print "FIN_WAIT1". */
	for (i = 0; s[i]; i++) {
		if (s[i] == '-' || s[i] == '_')
			continue;
		if (n + 1 >= sizeof(norm) || !isalnum((unsigned char)s[i]))
			return -EINVAL;
		norm[n++] = (char)toupper((unsigned char)s[i]);
	}
	norm[n] = '\0';
	for (st = 1; st < _CENSUS_STATE_MAX; st++) {
		const char *name = state_names[st];
		char cand[24];
		size_t k = 0;

		for (i = 0; name[i]; i++)
			if (name[i] != '_')
				cand[k++] = name[i];
		cand[k] = '\0';
		if (strcmp(cand, norm) == 0) {
			*ret = (enum census_state)st;
			return 0;
		}
	}
	return -EINVAL;
}

void census_addr_format(const struct census_addr *a, char *buf, size_t size)
{
	char tmp[INET6_ADDRSTRLEN];

	if (!size)
		return;
	if (!inet_ntop(a->family == AF_INET ? AF_INET : AF_INET6, a->bytes,
		       tmp, sizeof(tmp)))
		strcpy(tmp, "?");
	snprintf(buf, size, "%s", tmp);
}

bool census_owner_peer(const struct census_owner *o, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	if (size)
		buf[0] = '\0';
	if (!o->client || o->peer_many || !size)
		return false;
	census_addr_format(&o->peer, addr, sizeof(addr));
	if (o->peer.family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", addr, (unsigned)o->port);
	else
		snprintf(buf, size, "%s:%u", addr, (unsigned)o->port);
	return true;
}

void census_owner_where(const struct census_owner *o, char *buf, size_t size)
{
	char peer[INET6_ADDRSTRLEN + 8];

	if (!o->client)
		snprintf(buf, size, "listen %u", (unsigned)o->port);
	else if (census_owner_peer(o, peer, sizeof(peer)))
		snprintf(buf, size, "to %s", peer);
	else
		snprintf(buf, size, "to (several):%u", (unsigned)o->port);
}
