/*
 * netns: --netns NAME, entering /run/netns/NAME (as `ip netns exec` does)
 * before anything reads /proc/sys/net or opens a netlink socket.
 */
#ifndef TWTUNE_NETNS_H
#define TWTUNE_NETNS_H

#include <stdbool.h>

/* NAME must be a plain file name (no '/', not "." or ".."). */
bool netns_name_valid(const char *name);
int netns_enter(const char *name);

#endif
