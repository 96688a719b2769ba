/* libFuzzer target for the facts /proc parsers (src/facts_proc.c). The
 * first byte picks the parser, the rest is the file. Each parser must
 * either succeed with consistent results or fail with -EBADMSG and exactly
 * one error naming the file; nothing else, and no crash.
 *   ./configure CC=clang --enable-fuzzing && make tests/fuzz/fuzz_facts_proc
 *   tests/fuzz/fuzz_facts_proc -max_total_time=120 tests/fixtures/roots/facts-host618/proc/net */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "facts_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_failure(int r, const struct diag *d)
{
	if (r != -EBADMSG || diag_errors(d) != 1 || !d->head->file ||
	    !d->head->message)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct facts_counter_set set = { 0 };
	struct facts_sockstat s;
	uint64_t a_, b_;
	unsigned lo, hi, n;
	struct arena a;
	struct diag d;
	char *buf;
	size_t i;
	int r;

	if (size < 1)
		return 0;
	arena_init(&a);
	diag_init(&d, &a);
	/* NUL-terminated copy: the string parsers stop at the first NUL, the
	 * buffer parsers see every byte. */
	buf = arena_strndup(&a, (const char *)data + 1, size - 1);
	if (!buf)
		abort();
	memcpy(buf, data + 1, size - 1);
	switch (data[0] % 6) {
	case 0:
		r = facts_parse_counters(buf, size - 1, "/proc/net/netstat", &a,
					 &d, &set);
		if (r < 0) {
			check_failure(r, &d);
			if (set.n != 0)
				abort();
			break;
		}
		facts_counters_sort(&set);
		for (i = 0; i < set.n; i++) {
			if (!strchr(set.items[i].name, '.'))
				abort();
			if (i && strcmp(set.items[i - 1].name, set.items[i].name) >= 0)
				abort();
		}
		break;
	case 1:
		r = facts_parse_sockstat(buf, size - 1, "/proc/net/sockstat", &d, &s);
		if (r < 0)
			check_failure(r, &d);
		else if ((s.tw.present && s.tw.value < 0) ||
			 (s.mem.present && s.mem.value < 0))
			abort();
		break;
	case 2:
		r = facts_parse_file_nr(buf, "/proc/sys/fs/file-nr", &d, &a_, &b_);
		if (r < 0)
			check_failure(r, &d);
		else if (a_ > INT64_MAX || b_ > INT64_MAX)
			abort();
		break;
	case 3:
		r = facts_parse_u64(buf, "/proc/sys/fs/file-max", &d, &a_);
		if (r < 0)
			check_failure(r, &d);
		break;
	case 4:
		r = facts_parse_port_range(buf, "/proc/sys/net/ipv4/ip_local_port_range",
					   &d, &lo, &hi);
		if (r < 0)
			check_failure(r, &d);
		else if (lo < 1 || lo > hi || hi > 65535)
			abort();
		break;
	default:
		r = facts_parse_reserved_ports(buf,
			"/proc/sys/net/ipv4/ip_local_reserved_ports", &d, 1024,
			60999, &n);
		if (r < 0)
			check_failure(r, &d);
		else if (n > 60999 - 1024 + 1)
			abort();
		break;
	}
	arena_release(&a);
	return 0;
}
