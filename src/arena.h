/*
 * arena: per-run bump allocator. Everything parsed or collected in one run
 * lives in an arena and is freed at once by arena_release(). Allocation
 * failure returns NULL; callers turn that into -ENOMEM.
 */
#ifndef TWTUNE_ARENA_H
#define TWTUNE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t bytes;		/* total bytes handed out, for tests and bench */
};

void arena_init(struct arena *a);
/* Frees every allocation; the arena can be used again afterwards. */
void arena_release(struct arena *a);

/* Zero-filled, aligned for any type. NULL on overflow or OOM. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_calloc(struct arena *a, size_t n, size_t size);
/* Makes room for one more element in an arena array: when n == *cap, the
 * array *itemsp (elements of size bytes) moves to a block twice as large
 * (first elements the first time). 0, or -ENOMEM with the array unchanged.
 * Use ARENA_GROW for the type-checked form. */
int arena_grow_array(struct arena *a, void *itemsp, size_t n, size_t *cap,
		     size_t size, size_t first);
#define ARENA_GROW(a, items, n, cap, first) \
	arena_grow_array((a), &(items), (n), &(cap), sizeof(*(items)), (first))
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
