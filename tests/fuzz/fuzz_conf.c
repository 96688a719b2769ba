/* libFuzzer target for the twtune.conf loader: the input is the file,
 * handed over through a memfd so conf_load() reads it like any other. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena.h"
#include "conf.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct diag d;
	struct conf c;
	char path[64];
	int fd, r;

	fd = memfd_create("twtune.conf", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	arena_init(&a);
	diag_init(&d, &a);
	r = conf_load(path, true, false, &a, &d, &c);
	/* A refused file always says why. */
	if (r == -22 && !d.head)
		abort();
	arena_release(&a);
	close(fd);
	return 0;
}
