#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"

#define LOCK_POLL_MS 10

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int lock_acquire(int state_fd, unsigned timeout_ms, int *ret_fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct timespec pause = { 0, LOCK_POLL_MS * 1000000L };
	long long deadline = now_ms() + timeout_ms;
	struct stat st;
	int fd, r;

	fd = openat(state_fd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	/* Polling rather than F_OFD_SETLKW: a bounded wait needs no signal
	 * handler, and ten waiters at 10 ms cost nothing. */
	for (;;) {
		if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
			break;
		r = -errno;
		if (r != -EAGAIN && r != -EACCES && r != -EINTR) {
			close(fd);
			return r;
		}
		if (now_ms() >= deadline) {
			close(fd);
			return -EAGAIN;
		}
		nanosleep(&pause, NULL);
	}
	*ret_fd = fd;
	return 0;
}

void lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
