/*
 * benchtime: times whole processes, interleaved so that background load
 * hits every command alike.
 *
 *   benchtime RUNS COMMAND [ARGS...] [::: COMMAND [ARGS...]]...
 *
 * Each round runs every command once, in order (stdout to /dev/null).
 * Prints one line per command: "MAX_RSS_KB MS MS ..." with the wall time
 * of each round (fork to wait4) and the peak RSS from wait4's rusage of
 * that very child, so the shell's or earlier children's never leak in.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 8
#define MAX_RUNS 101

static double run(char **argv, long *rss)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status, fd;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		exit(1);
	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		exit(1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "benchtime: '%s' failed (status %d)\n", argv[0], status);
		exit(1);
	}
	if (ru.ru_maxrss > *rss)
		*rss = ru.ru_maxrss;
	return (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

int main(int argc, char **argv)
{
	static double ms[MAX_CMDS][MAX_RUNS];
	char **cmds[MAX_CMDS];
	long rss[MAX_CMDS] = { 0 };
	int runs, n = 0, i, k;

	if (argc < 3 || (runs = atoi(argv[1])) < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: benchtime RUNS COMMAND [ARGS...] [::: COMMAND...]\n");
		return 2;
	}
	cmds[n++] = argv + 2;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], ":::") != 0)
			continue;
		argv[i] = NULL;
		if (n == MAX_CMDS || i + 1 >= argc) {
			fprintf(stderr, "benchtime: bad command list\n");
			return 2;
		}
		cmds[n++] = argv + i + 1;
	}
	for (k = 0; k < n; k++)
		run(cmds[k], &(long){ 0 });	/* warm-up, not counted */
	for (i = 0; i < runs; i++)
		for (k = 0; k < n; k++)
			ms[k][i] = run(cmds[k], &rss[k]);
	for (k = 0; k < n; k++) {
		printf("%ld", rss[k]);
		for (i = 0; i < runs; i++)
			printf(" %.3f", ms[k][i]);
		printf("\n");
	}
	return 0;
}
