/*
 * loadgen: fills the current (private!) network namespace with TCP
 * sockets for `make bench`. Commands on stdin, one per line:
 *
 *   tw N    N more active TIME_WAIT sockets: 127.0.0.1 -> 127.0.0.2..17,
 *           client closes first; two worker processes (one per core)
 *   cw N    N CLOSE_WAIT sockets held by this process (peer closed)
 *   est N   N ESTABLISHED pairs held by this process
 *   quit
 *
 * Each command answers "ok" on stdout when done. Everything is released
 * when stdin closes, on "quit", or after 10 minutes at the latest.
 * Only run it inside `unshare -n` (bench/run.sh does): it needs
 * tcp_tw_reuse=0 and a wide ip_local_port_range there.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define NDEST 16	/* 127.0.0.2 .. 127.0.0.17: ~12,500 ports each at 200k */
#define WORKERS 2

static void die(const char *what)
{
	fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int listener(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind");
	if (listen(fd, 4096) < 0)
		die("listen");
	return fd;
}

static void pair(int lfd, uint32_t dst, uint16_t port, int *cfd, int *sfd)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(dst) };

	*cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (*cfd < 0)
		die("socket");
	if (connect(*cfd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect");
	*sfd = accept(lfd, NULL, NULL);
	if (*sfd < 0)
		die("accept");
}

static void worker(int w, long n)
{
	uint16_t port = (uint16_t)(9000 + w);
	int l = listener(port), c, s;
	long i;

	for (i = 0; i < n; i++) {
		pair(l, 0x7f000002u + (uint32_t)((i * WORKERS + w) % NDEST), port, &c, &s);
		close(c);	/* client first: the client side ends in TIME_WAIT */
		close(s);
	}
	close(l);
}

static void make_tw(long n)
{
	pid_t pids[WORKERS];
	int w, status, failed = 0;

	for (w = 0; w < WORKERS; w++) {
		pids[w] = fork();
		if (pids[w] < 0)
			die("fork");
		if (pids[w] == 0) {
			alarm(300);
			worker(w, n / WORKERS + (w < n % WORKERS));
			_exit(0);
		}
	}
	for (w = 0; w < WORKERS; w++)
		if (waitpid(pids[w], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed = 1;
	if (failed) {
		fprintf(stderr, "loadgen: a worker failed\n");
		exit(1);
	}
}

int main(void)
{
	struct rlimit rl = { 65536, 65536 };
	char line[128];
	int lcw = -1, lest = -1, c, s;
	long n, i;

	alarm(600);
	setrlimit(RLIMIT_NOFILE, &rl);	/* held sockets; best effort */
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "tw %ld", &n) == 1 && n > 0) {
			make_tw(n);
		} else if (sscanf(line, "cw %ld", &n) == 1 && n > 0) {
			if (lcw < 0)
				lcw = listener(7000);
			for (i = 0; i < n; i++) {
				pair(lcw, 0x7f000001u, 7000, &c, &s);
				close(c);	/* s stays open: CLOSE_WAIT */
			}
		} else if (sscanf(line, "est %ld", &n) == 1 && n > 0) {
			if (lest < 0)
				lest = listener(7001);
			for (i = 0; i < n; i++)
				pair(lest, 0x7f000001u, 7001, &c, &s);
		} else if (strncmp(line, "quit", 4) == 0) {
			break;
		} else {
			fprintf(stderr, "loadgen: bad command '%s'\n", line);
			return 2;
		}
		printf("ok\n");
	}
	return 0;
}
