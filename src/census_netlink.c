/*
 * census_netlink: the NETLINK_SOCK_DIAG dump, as ss sends it, with the
 * state filter in idiag_states so the kernel skips unwanted sockets and
 * no extensions so each reply is the bare 72-byte inet_diag_msg. Every
 * message goes straight into the aggregator; nothing is kept per socket.
 */
#include "config.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "census_int.h"

/* The kernel fills one skb of up to 32 KiB per recvmsg for a dump; a
 * bigger buffer costs nothing and leaves room for larger pages. */
#define NL_BUF_SIZE (64 * 1024)

struct nl_pass {
	struct census_agg *agg;
	bool listen;		/* first pass: only learn listening ports */
};

static int nl_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nl_pass *p = data;
	const struct inet_diag_msg *m;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*m))
		return MNL_CB_OK;
	m = mnl_nlmsg_get_payload(nlh);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return MNL_CB_OK;
	if (p->listen) {
		if (m->idiag_state == CENSUS_LISTEN)
			agg_listen(p->agg, ntohs(m->id.idiag_sport));
		return MNL_CB_OK;
	}
	agg_sock(p->agg, m->idiag_state, m->idiag_family,
		 m->id.idiag_src, ntohs(m->id.idiag_sport),
		 m->id.idiag_dst, ntohs(m->id.idiag_dport), m->idiag_inode);
	if (p->agg->error) {
		errno = -p->agg->error;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int nl_dump(struct mnl_socket *nl, char *buf, uint32_t seq,
		   uint8_t family, uint32_t states, struct nl_pass *pass)
{
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int r;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_ext = 0;
	req->idiag_states = states;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, NL_BUF_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		r = mnl_cb_run(buf, (size_t)n, seq, portid, nl_msg_cb, pass);
		if (r == MNL_CB_STOP)
			return 0;
		if (r < 0)
			return errno ? -errno : -EIO;
	}
}

static bool refused(int err)
{
	return err == -EPERM || err == -EACCES || err == -EPROTONOSUPPORT ||
	       err == -EINVAL || err == -ENOENT || err == -EAFNOSUPPORT;
}

static const char *reason(const char *stage, int err)
{
	/* Static strings only: the census hands them out without copying. */
	static const struct {
		const char *stage;
		int err;
		const char *text;
	} table[] = {
#define R(st, e, name) { st, e, "netlink " st " refused (" name ")" }
		R("socket", EPERM, "EPERM"),
		R("socket", EACCES, "EACCES"),
		R("socket", EPROTONOSUPPORT, "EPROTONOSUPPORT"),
		R("socket", EAFNOSUPPORT, "EAFNOSUPPORT"),
		R("socket", EINVAL, "EINVAL"),
		R("socket", ENOENT, "ENOENT"),
		R("bind", EPERM, "EPERM"),
		R("bind", EACCES, "EACCES"),
		R("bind", EPROTONOSUPPORT, "EPROTONOSUPPORT"),
		R("bind", EAFNOSUPPORT, "EAFNOSUPPORT"),
		R("bind", EINVAL, "EINVAL"),
		R("bind", ENOENT, "ENOENT"),
		R("dump", EPERM, "EPERM"),
		R("dump", EACCES, "EACCES"),
		R("dump", EPROTONOSUPPORT, "EPROTONOSUPPORT"),
		R("dump", EAFNOSUPPORT, "EAFNOSUPPORT"),
		R("dump", EINVAL, "EINVAL"),
		R("dump", ENOENT, "ENOENT"),
#undef R
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].stage, stage) == 0 && table[i].err == -err)
			return table[i].text;
	return "netlink refused";
}

int census_netlink_collect(struct census_agg *a, bool *ret_refused,
			   const char **ret_reason)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	struct nl_pass pass = { .agg = a };
	struct mnl_socket *nl;
	uint32_t seq = 1, rest;
	const char *stage;
	char *buf;
	size_t i;
	int r = 0;

	*ret_refused = false;
	nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!nl) {
		r = -errno;
		stage = "socket";
		goto out_refused;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		stage = "bind";
		mnl_socket_close(nl);
		goto out_refused;
	}
	buf = malloc(NL_BUF_SIZE);
	if (!buf) {
		mnl_socket_close(nl);
		return -ENOMEM;
	}
	stage = "dump";

	/* Listening ports first: they decide whether a TIME_WAIT socket is
	 * active (we connected) or passive (a client of ours did), and
	 * which side of a CLOSE_WAIT socket we are. */
	if (a->mask & (CENSUS_STATE_BIT(CENSUS_LISTEN) |
		       CENSUS_STATE_BIT(CENSUS_TIME_WAIT) |
		       CENSUS_STATE_BIT(CENSUS_CLOSE_WAIT))) {
		pass.listen = true;
		for (i = 0; i < sizeof(families) && r >= 0; i++)
			r = nl_dump(nl, buf, seq++, families[i],
				    CENSUS_STATE_BIT(CENSUS_LISTEN), &pass);
	}
	rest = a->mask & ~CENSUS_STATE_BIT(CENSUS_LISTEN);
	if (a->mask & CENSUS_STATE_BIT(CENSUS_SYN_RECV))
		rest |= CENSUS_STATE_BIT(CENSUS_NEW_SYN_RECV);
	if (rest) {
		pass.listen = false;
		for (i = 0; i < sizeof(families) && r >= 0; i++)
			r = nl_dump(nl, buf, seq++, families[i], rest, &pass);
	}
	free(buf);
	mnl_socket_close(nl);
	if (r >= 0)
		return 0;
out_refused:
	if (refused(r)) {
		*ret_refused = true;
		*ret_reason = reason(stage, r);
		return 0;
	}
	return r;
}
