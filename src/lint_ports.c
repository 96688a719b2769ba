/*
 * lint_ports: the listening TCP ports under a root, from proc/net/tcp and
 * tcp6 (kernel format, SYSCTL.md 7.2), for the port-range rule. A tiny
 * reader of its own so lint needs neither netlink nor privileges.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "lint.h"
#include "rootfs.h"

#define PROC_NET_TCP_MAX (64 * 1024 * 1024)
#define TCP_LISTEN 0x0A

/* "  0: 0100007F:1F90 00000000:0000 0A ..." */
static void parse_table(const char *buf, uint8_t *bitmap)
{
	const char *p = buf, *nl, *colon;
	unsigned long port, st;
	char *end;

	for (; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		while (*p == ' ')
			p++;
		/* skip "sl:" */
		p = strchr(p, ':');
		if (!p || (nl && p > nl))
			continue;
		p++;
		while (*p == ' ')
			p++;
		colon = strchr(p, ':');
		if (!colon || (nl && colon > nl))
			continue;
		port = strtoul(colon + 1, &end, 16);
		if (end == colon + 1 || *end != ' ' || port > 65535)
			continue;
		p = end;
		while (*p == ' ')	/* remote address */
			p++;
		p = strchr(p, ' ');
		if (!p || (nl && p > nl))
			continue;
		st = strtoul(p, &end, 16);
		if (end == p || st != TCP_LISTEN)
			continue;
		bitmap[port / 8] |= (uint8_t)(1u << (port % 8));
	}
}

int lint_read_listening(int root_fd, struct arena *a, uint8_t *bitmap)
{
	static const char *const files[] = { "proc/net/tcp", "proc/net/tcp6" };
	size_t i, len;
	char *buf;
	int found = 0;

	for (i = 0; i < 2; i++) {
		if (root_read_file(root_fd, files[i], PROC_NET_TCP_MAX, a, &buf, &len) < 0)
			continue;
		found = 1;
		parse_table(buf, bitmap);
	}
	return found ? 0 : -ENOENT;
}
