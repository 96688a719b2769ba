/* libFuzzer target for the profile loader: arbitrary bytes as a profile
 * file (YAML walking, schema, expressions, extends lookups next to it),
 * validated twice to check that the diagnostics are deterministic.
 *   ./configure CC=clang CFLAGS='-g -fsanitize=fuzzer-no-link,address' \
 *       --enable-fuzzing && make tests/fuzz/fuzz_profile
 *   tests/fuzz/fuzz_profile -max_total_time=120 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "conf.h"
#include "diag.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static char path[96];

static unsigned validate(const struct conf *cfg, unsigned *ret_errors)
{
	struct arena a;
	struct diag d;
	const struct diag_entry *e;
	unsigned n = 0;
	int r;

	arena_init(&a);
	diag_init(&d, &a);
	r = profile_validate_file(path, cfg, false, &a, &d);
	for (e = d.head; e; e = e->next) {
		n++;
		if (!e->message || (e->source && e->caret_start > strlen(e->source)))
			abort();
	}
	if ((r == 0) != (diag_errors(&d) == 0) && !d.oom)
		abort();
	*ret_errors = diag_errors(&d);
	arena_release(&a);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf cfg = { .default_profile = "f" };
	unsigned n1, n2, e1, e2;
	FILE *f;

	if (!*dir) {
		snprintf(dir, sizeof(dir), "/tmp/twtune-fuzz-%d", (int)getpid());
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			abort();
		snprintf(path, sizeof(path), "%s/f.yaml", dir);
	}
	cfg.profile_path[cfg.n_profile_path++] = dir;
	f = fopen(path, "w");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	n1 = validate(&cfg, &e1);
	n2 = validate(&cfg, &e2);
	if (n1 != n2 || e1 != e2)
		abort();
	return 0;
}
