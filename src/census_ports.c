/*
 * census_ports: how many ephemeral ports connect() can pick from, the
 * denominator of every "share of ports" figure.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "census.h"
#include "procsys.h"

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	return s;
}

static int parse_port(const char **s, unsigned *ret)
{
	unsigned v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned)(*p++ - '0');
		if (v > 65535)
			return -EINVAL;
	}
	*s = p;
	*ret = v;
	return 0;
}

int census_ports_parse(const char *range, const char *reserved,
		       struct census_ports *ret)
{
	struct census_ports p = { 0 };
	const char *s = skip_blank(range);
	unsigned lo, hi;

	if (parse_port(&s, &p.low) < 0)
		return -EINVAL;
	if (*s != ' ' && *s != '\t')
		return -EINVAL;
	s = skip_blank(s);
	if (parse_port(&s, &p.high) < 0 || *skip_blank(s) || p.high < p.low)
		return -EINVAL;

	s = reserved ? skip_blank(reserved) : "";
	while (*s) {
		if (parse_port(&s, &lo) < 0)
			return -EINVAL;
		hi = lo;
		if (*s == '-') {
			s++;
			if (parse_port(&s, &hi) < 0 || hi < lo)
				return -EINVAL;
		}
		if (hi >= p.low && lo <= p.high)
			p.reserved += (hi < p.high ? hi : p.high) -
				      (lo > p.low ? lo : p.low) + 1;
		if (*s == ',')
			s++;
		else if (*skip_blank(s))
			return -EINVAL;
		else
			break;
	}
	if (p.reserved > p.high - p.low + 1)
		p.reserved = p.high - p.low + 1;
	p.ephemeral = p.high - p.low + 1 - p.reserved;
	*ret = p;
	return 0;
}

int census_ports_read(int root_fd, struct census_ports *ret)
{
	struct arena a;
	char *range, *reserved = NULL;
	int r;

	arena_init(&a);
	r = procsys_read(root_fd, "net.ipv4.ip_local_port_range", &a, &range);
	if (r >= 0) {
		if (procsys_read(root_fd, "net.ipv4.ip_local_reserved_ports", &a,
				 &reserved) < 0)
			reserved = NULL;
		r = census_ports_parse(range, reserved, ret);
	}
	arena_release(&a);
	return r;
}
