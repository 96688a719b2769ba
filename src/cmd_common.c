#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_common.h"
#include "netns.h"
#include "out.h"
#include "rootfs.h"

int cmd_format(const char *arg, const char *const *names, int *ret)
{
	char expected[128] = "";
	size_t i, n, len = 0;

	for (n = 0; names[n]; n++)
		if (strcmp(arg, names[n]) == 0) {
			*ret = (int)n;
			return 0;
		}
	for (i = 0; i < n && len < sizeof(expected); i++)
		len += (size_t)snprintf(expected + len, sizeof(expected) - len, "%s%s",
					i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
	out_error("invalid --format '%s' (expected %s)", arg, expected);
	return -EINVAL;
}

int cmd_format_json(const char *arg, bool *ret_json)
{
	static const char *const names[] = { "text", "json", NULL };
	int i, r;

	r = cmd_format(arg, names, &i);
	if (r < 0)
		return r;
	*ret_json = i == 1;
	return 0;
}

int cmd_seconds_ms(const char *opt, const char *arg, unsigned max, unsigned *ret_ms)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || !*arg || *end || arg[0] == '-' || v > max) {
		out_error("invalid --%s '%s' (expected 0 to %u seconds)", opt, arg, max);
		return -EINVAL;
	}
	*ret_ms = (unsigned)v * 1000;
	return 0;
}

int cmd_no_operands(int argc, char **argv)
{
	if (optind < argc) {
		out_error("unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

int cmd_open_target(const char *root, const char *netns, int *ret_root_fd)
{
	int r;

	if (netns) {
		r = netns_enter(netns);
		if (r < 0) {
			out_error("cannot enter network namespace '%s': %s", netns,
				  r == -EINVAL ? "not a namespace name" : strerror(-r));
			return r;
		}
	}
	r = root_dir_open(root, ret_root_fd);
	if (r < 0) {
		out_error("cannot open root directory '%s': %s", root ? root : "/",
			  strerror(-r));
		return r;
	}
	return 0;
}
