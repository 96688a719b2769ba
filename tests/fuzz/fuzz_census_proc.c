/* libFuzzer target for the /proc/net/tcp{,6} parser: the input, split at
 * its first 0xff byte, becomes proc/net/tcp and proc/net/tcp6 of a
 * temporary root, and census_collect(--root) must either succeed with a
 * consistent census or fail with -EBADMSG naming a file and a line.
 *   ./configure CC=clang --enable-fuzzing && make tests/fuzz/fuzz_census_proc
 *   tests/fuzz/fuzz_census_proc -max_total_time=120 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "census.h"
#include "rootfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root_dir[64];
static int root_fd = -1;

static void setup(void)
{
	char path[128];

	snprintf(root_dir, sizeof(root_dir), "/tmp/twtune-fuzz.XXXXXX");
	if (!mkdtemp(root_dir))
		abort();
	snprintf(path, sizeof(path), "%s/proc", root_dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/net", root_dir);
	mkdir(path, 0755);
	if (root_dir_open(root_dir, &root_fd) < 0)
		abort();
}

static void put(const char *name, const uint8_t *p, size_t n)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/proc/net/%s", root_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || fd_write_all(fd, p, n) < 0)
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct census_options o = { .force_proc = true, .owners_threshold = UINT64_MAX };
	const uint8_t *split = memchr(data, 0xff, size);
	size_t n4 = split ? (size_t)(split - data) : size, i;
	uint64_t sum = 0;
	struct census c;
	int r;

	if (root_fd < 0)
		setup();
	put("tcp", data, n4);
	put("tcp6", split ? split + 1 : data, split ? size - n4 - 1 : 0);
	o.lport_top = size % 4;
	r = census_collect(root_fd, &o, &c);
	if (r == -EBADMSG) {
		if (!c.error[0] || !c.error_line || strncmp(c.error_file, "/proc/net/tcp", 13))
			abort();
	} else if (r != 0) {
		abort();
	} else {
		for (i = 0; i < _CENSUS_STATE_MAX; i++)
			sum += c.states[i];
		if (sum != c.total ||
		    c.tw_active + c.tw_passive != c.states[CENSUS_TIME_WAIT])
			abort();
		for (i = 1; i < c.n_tw_by_dest; i++)
			if (c.tw_by_dest[i - 1].count < c.tw_by_dest[i].count)
				abort();
		for (i = 1; i < c.n_tw_by_lport; i++)
			if (c.tw_by_lport[i - 1].count < c.tw_by_lport[i].count)
				abort();
	}
	census_release(&c);
	return 0;
}
