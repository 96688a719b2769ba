/*
 * killshim: an LD_PRELOAD library for tests/root/apply_kill.sh. It counts
 * the calls that make a commit durable or visible (write to a file,
 * fsync, fdatasync, rename*, unlink*) and raises SIGKILL just before the
 * Nth one, N from TWTUNE_KILL_AT, so a test can stop twtune at every step
 * of a commit. TWTUNE_KILL_COUNT=FILE writes the number of calls seen to
 * FILE at exit (for a run that was not killed). Writes to fds 0-2 are not
 * counted: they are the report, not the commit.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long calls;
static long kill_at = -2;

static void step(void)
{
	if (kill_at == -2) {
		const char *s = getenv("TWTUNE_KILL_AT");

		kill_at = s && *s ? atol(s) : -1;
	}
	if (++calls == kill_at)
		raise(SIGKILL);
}

#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(write);
	if (fd > 2)
		step();
	return real_write(fd, buf, n);
}

int fsync(int fd)
{
	REAL(fsync);
	step();
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	REAL(fdatasync);
	step();
	return real_fdatasync(fd);
}

int rename(const char *a, const char *b)
{
	REAL(rename);
	step();
	return real_rename(a, b);
}

int renameat(int fa, const char *a, int fb, const char *b)
{
	REAL(renameat);
	step();
	return real_renameat(fa, a, fb, b);
}

int renameat2(int fa, const char *a, int fb, const char *b, unsigned flags)
{
	REAL(renameat2);
	step();
	return real_renameat2(fa, a, fb, b, flags);
}

int unlinkat(int fd, const char *p, int flags)
{
	REAL(unlinkat);
	step();
	return real_unlinkat(fd, p, flags);
}

__attribute__((destructor)) static void report(void)
{
	const char *f = getenv("TWTUNE_KILL_COUNT");
	char buf[32];
	int fd, n;

	if (!f || !*f)
		return;
	fd = open(f, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%ld\n", calls);
	if (n > 0) {
		ssize_t (*w)(int, const void *, size_t) = dlsym(RTLD_NEXT, "write");

		if (w)
			(void)w(fd, buf, (size_t)n);
	}
	close(fd);
}
