/*
 * sockfix: puts real TCP sockets into known states over loopback, for
 * tests/root/census_real.sh (run in a private network namespace):
 *
 *   sockfix EST4 TW4 CW4 PTW4 EST6 TW6 CW6 CWC4
 *
 * IPv4: EST4 connected pairs to 127.0.0.1:5000 (2*EST4 ESTABLISHED),
 * TW4 connections to 127.0.0.2:5001 closed by the client first (TW4
 * active TIME_WAIT toward 127.0.0.2:5001), CW4 connections to
 * 127.0.0.1:5000 closed by the client only (CW4 CLOSE_WAIT owned by this
 * process, CW4 orphaned FIN_WAIT2), PTW4 connections to 127.0.0.1:5004
 * closed by the server first (PTW4 passive TIME_WAIT on port 5004).
 * IPv6 the same over ::1 with ports 5010 (listener) and 5011 (TIME_WAIT).
 * Client-side CLOSE_WAIT: CWC4 connections to 127.0.0.3:5020 closed by
 * the server only, so this process holds CWC4 CLOSE_WAIT sockets on
 * ephemeral local ports toward 127.0.0.3:5020 (and the server ends are
 * CWC4 orphaned FIN_WAIT2).
 * Listeners: 127.0.0.1:5000, 127.0.0.2:5001, 127.0.0.1:5004, [::1]:5010,
 * [::1]:5011, 127.0.0.3:5020.
 *
 * Prints "ready" and holds every socket until stdin closes (at most 120 s).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "sockfix: %s: %s\n", what, strerror(errno));
	exit(1);
}

static socklen_t make_addr(int family, const char *ip, int port,
			   struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, ip, &in->sin_addr) != 1)
			die("inet_pton");
		return sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, ip, &in6->sin6_addr) != 1)
			die("inet_pton");
		return sizeof(*in6);
	}
}

static int listener(int family, const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(family, ip, port, &ss);
	int one = 1, fd;

	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind");
	if (listen(fd, 4096) < 0)
		die("listen");
	return fd;
}

/* Connects to ip:port and accepts on lfd; returns both ends. */
static void pair(int family, const char *ip, int port, int lfd, int *cfd, int *sfd)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(family, ip, port, &ss);

	*cfd = socket(family, SOCK_STREAM, 0);
	if (*cfd < 0)
		die("socket");
	if (connect(*cfd, (struct sockaddr *)&ss, len) < 0)
		die("connect");
	*sfd = accept(lfd, NULL, NULL);
	if (*sfd < 0)
		die("accept");
}

static void wait_eof(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b;

	if (poll(&p, 1, 2000) != 1)
		die("no FIN from peer");
	if (read(fd, &b, 1) != 0)
		die("expected end of file");
}

static void family_states(int family, const char *ip, const char *tw_ip,
			  int lport, int tw_port, int ptw_port,
			  int est, int tw, int cw, int ptw)
{
	int l, ltw, lptw = -1, c, s, i;

	l = listener(family, ip, lport);
	ltw = listener(family, tw_ip, tw_port);
	if (ptw_port)
		lptw = listener(family, ip, ptw_port);
	for (i = 0; i < est; i++)
		pair(family, ip, lport, l, &c, &s);	/* kept open */
	for (i = 0; i < tw; i++) {
		pair(family, tw_ip, tw_port, ltw, &c, &s);
		close(c);	/* client first: its side ends in TIME_WAIT */
		wait_eof(s);
		close(s);
	}
	for (i = 0; i < cw; i++) {
		pair(family, ip, lport, l, &c, &s);
		close(c);	/* the server never closes s: CLOSE_WAIT */
		wait_eof(s);
	}
	for (i = 0; i < ptw; i++) {
		pair(family, ip, ptw_port, lptw, &c, &s);
		close(s);	/* server first: passive TIME_WAIT on ptw_port */
		wait_eof(c);
		close(c);
	}
}

/* The peer closes, we never do: CLOSE_WAIT on our (client) side. */
static void client_close_wait(const char *ip, int port, int n)
{
	int l = listener(AF_INET, ip, port), c, s, i;

	for (i = 0; i < n; i++) {
		pair(AF_INET, ip, port, l, &c, &s);
		close(s);
		wait_eof(c);
	}
}

int main(int argc, char **argv)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	int n[8], i;
	char b[16];

	if (argc != 9) {
		fprintf(stderr, "usage: sockfix EST4 TW4 CW4 PTW4 EST6 TW6 CW6 CWC4\n");
		return 2;
	}
	for (i = 0; i < 8; i++)
		n[i] = atoi(argv[i + 1]);
	family_states(AF_INET, "127.0.0.1", "127.0.0.2", 5000, 5001, 5004,
		      n[0], n[1], n[2], n[3]);
	family_states(AF_INET6, "::1", "::1", 5010, 5011, 0, n[4], n[5], n[6], 0);
	client_close_wait("127.0.0.3", 5020, n[7]);
	usleep(200 * 1000);	/* let the last ACKs land */
	printf("ready\n");
	fflush(stdout);
	/* Hold everything until stdin closes or two minutes pass. */
	while (poll(&p, 1, 120000) == 1 && read(0, b, sizeof(b)) > 0)
		;
	return 0;
}
