/*
 * kb_internal: the data behind kb.h, shared by kb.c, kb_table.c,
 * kb_suggest.c and the generated kb_names.c. Not for other modules.
 */
#ifndef TWTUNE_KB_INTERNAL_H
#define TWTUNE_KB_INTERNAL_H

#include <stddef.h>

#include "kb.h"

/* Knowledge entries, sorted by key (strcmp). */
extern const struct kb_entry kb_table[];
extern const size_t kb_table_count;

/* Every sysctl name a mainline kernel is known to have, dotted, sorted by
 * strcmp. The interface component of net.ipv[46].{conf,neigh}.IFACE.* is
 * written "*" (tools/gen-kb-names writes src/kb_names.c). */
extern const char *const kb_names[];
extern const size_t kb_names_count;

#endif
