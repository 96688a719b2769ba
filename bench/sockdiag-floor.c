/*
 * sockdiag-floor: the kernel floor for the census benchmark. A bare
 * libmnl NETLINK_SOCK_DIAG dump of every TCP state (AF_INET, then
 * AF_INET6, no extensions, same buffer size as the census) that only
 * counts the messages: no parsing, no aggregation, no output but the
 * count. Whatever twtune spends beyond this is its own cost.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define BUF_SIZE (64 * 1024)

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(unsigned long *)data)++;
	return MNL_CB_OK;
}

static int dump(struct mnl_socket *nl, char *buf, unsigned seq, int family,
		unsigned long *count)
{
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int r;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (unsigned char)family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = 0x1ffe;	/* ESTABLISHED .. NEW_SYN_RECV */
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	while ((n = mnl_socket_recvfrom(nl, buf, BUF_SIZE)) > 0) {
		r = mnl_cb_run(buf, (size_t)n, seq, portid, count_cb, count);
		if (r <= MNL_CB_STOP)
			return r;
	}
	return -1;
}

int main(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	unsigned long count = 0;
	char *buf = malloc(BUF_SIZE);

	if (!nl || !buf || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    dump(nl, buf, 1, AF_INET, &count) < 0 ||
	    dump(nl, buf, 2, AF_INET6, &count) < 0) {
		fprintf(stderr, "sockdiag-floor: %s\n", strerror(errno));
		return 1;
	}
	printf("%lu\n", count);
	mnl_socket_close(nl);
	free(buf);
	return 0;
}
