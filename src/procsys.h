/*
 * procsys: sysctl key spelling and the one place that reads and writes
 * /proc/sys under a root fd. Keys are shown dotted
 * ("net.ipv4.conf.eth0/100.rp_filter") and stored as /proc/sys paths
 * ("net/ipv4/conf/eth0.100/rp_filter"), converted exactly as
 * systemd-sysctl's sysctl_normalize() does.
 */
#ifndef TWTUNE_PROCSYS_H
#define TWTUNE_PROCSYS_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

#define SYSCTL_KEY_MAX 256

/* Any spelling -> path form (systemd rules: if the first separator is '.',
 * swap every '.' and '/'; collapse "//" and "/./", drop leading and
 * trailing '/'). -ENAMETOOLONG when it does not fit. */
int sysctl_key_to_path(const char *key, char *buf, size_t size);
/* Path form -> dotted display form. */
int sysctl_path_to_key(const char *path, char *buf, size_t size);
/* Any spelling -> dotted canonical form (to_path then to_key). */
int sysctl_key_canonical(const char *key, char *buf, size_t size);

/* The strict form apply and explain accept: [a-z0-9_.-/] only, no empty
 * component, no "..", at most SYSCTL_KEY_MAX bytes. */
bool sysctl_key_is_safe(const char *key);

/* Reads /proc/sys/<key> under root_fd; trailing newline removed, a tab
 * between vector elements kept as the kernel prints it. -ENOENT when the
 * key does not exist on this kernel (or in this netns). */
int procsys_read(int root_fd, const char *key, struct arena *a, char **ret_value);
/* Writes value + "\n" in one write(2), as systemd-sysctl does; returns the
 * kernel's negative errno (EINVAL for a refused value). */
int procsys_write(int root_fd, const char *key, const char *value);

#endif
