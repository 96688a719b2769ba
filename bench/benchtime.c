/*
 * benchtime: runs a command RUNS times (stdout to /dev/null) and prints
 * "MEDIAN_MS MIN_MS MAX_RSS_KB" for the whole process: wall time from
 * fork to wait4, peak RSS from wait4's rusage of that one child (so the
 * RSS of earlier children or of the shell never leaks in).
 *
 *   benchtime RUNS COMMAND [ARGS...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	double ms[101];
	long rss = 0;
	int runs, i, status;
	pid_t pid;

	if (argc < 3 || (runs = atoi(argv[1])) < 1 || runs > 101) {
		fprintf(stderr, "usage: benchtime RUNS COMMAND [ARGS...]\n");
		return 2;
	}
	for (i = 0; i < runs; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0)
				dup2(fd, 1);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) < 0)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "benchtime: '%s' failed (status %d)\n", argv[2], status);
			return 1;
		}
		ms[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		if (ru.ru_maxrss > rss)
			rss = ru.ru_maxrss;
	}
	qsort(ms, (size_t)runs, sizeof(ms[0]), cmp_double);
	printf("%.2f %.2f %ld\n", ms[runs / 2], ms[0], rss);
	return 0;
}
