#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileperm.h"

int fileperm_check_trusted(int fd, char *why, size_t why_size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (geteuid() != 0)
		return 0;
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, why_size, "not a regular file");
		return -EPERM;
	}
	if (st.st_uid != 0) {
		snprintf(why, why_size, "owned by uid %u, not root", (unsigned)st.st_uid);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, why_size, "writable by %s (mode %04o)",
			 (st.st_mode & S_IWOTH) ? "everyone" : "its group",
			 (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}
