/* libFuzzer target for the knowledge base's value parser and key lookup.
 * Input: first byte picks the entry, the rest is the value (and, as a
 * whole, a key for kb_lookup / kb_name_known / kb_suggest). Checks that a
 * value accepted is canonicalised, and that the canonical text is itself
 * valid and canonical (parse -> print -> parse is stable). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char canon[512 * 1024], canon2[512 * 1024];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kb_entry *e;
	char msg[256], *value;
	long long v;

	if (size == 0 || size > 4096)
		return 0;
	value = malloc(size);
	if (!value)
		return 0;
	memcpy(value, data + 1, size - 1);
	value[size - 1] = '\0';

	e = kb_at(data[0] % kb_count());
	if (kb_check_value(e, value, msg, sizeof(msg)) == 0) {
		if (kb_canonical_value(e, value, canon, sizeof(canon)) != 0)
			abort();
		if (kb_check_value(e, canon, msg, sizeof(msg)) != 0)
			abort();
		if (kb_canonical_value(e, canon, canon2, sizeof(canon2)) != 0 ||
		    strcmp(canon, canon2) != 0)
			abort();
	} else if (!msg[0]) {
		abort();	/* every refusal says why */
	}
	(void)kb_parse_int(value, &v);
	if (strlen(value) < 300) {
		(void)kb_lookup(value);
		(void)kb_name_known(value);
		(void)kb_suggest(value);
	}
	free(value);
	return 0;
}
