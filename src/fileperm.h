/*
 * fileperm: refuse input files that someone other than root could have
 * written, when twtune itself runs as root (as sudo and sshd do with their
 * configuration). Checked on the opened fd, so there is no race between
 * the check and the read.
 */
#ifndef TWTUNE_FILEPERM_H
#define TWTUNE_FILEPERM_H

#include <stddef.h>

/* 0 when fd is acceptable input for a process running with euid 0:
 * a regular file owned by root (or by the invoking user when that user is
 * not root), not group- or world-writable. -EPERM with a reason in why
 * otherwise. When the process is not root, every file is acceptable. */
int fileperm_check_trusted(int fd, char *why, size_t why_size);

#endif
