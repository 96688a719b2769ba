/* libFuzzer target: the journal parser (and a round trip through the
 * serializer of whatever parses), plus udiff of the two halves of the
 * input. Build with ./configure --enable-fuzzing CC=clang. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "journal.h"
#include "udiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal j, k;
	struct arena a;
	struct diag d;
	size_t len;
	char *buf, *diff;

	arena_init(&a);
	diag_init(&d, &a);
	if (journal_parse((const char *)data, size, "fuzz.journal", &a, &d, &j) == 0 &&
	    journal_serialize(&j, &a, &buf, &len) == 0) {
		/* What parses must survive serializing and parsing again. */
		if (journal_parse(buf, len, "again.journal", &a, &d, &k) != 0 ||
		    k.generation != j.generation || k.n_keys != j.n_keys ||
		    k.n_fragments != j.n_fragments)
			abort();
	}
	(void)udiff((const char *)data, size / 2, "a", (const char *)data + size / 2,
		    size - size / 2, "b", &a, &diff);
	arena_release(&a);
	return 0;
}
