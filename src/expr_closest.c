/* "Did you mean" for names and functions: edit distance over short
 * words, keeping the best candidate seen. */
#include "config.h"

#include <string.h>

#include "expr.h"

#define CLOSEST_MAX_LEN 128

void expr_closest_init(struct expr_closest *c, const char *word)
{
	c->word = word;
	c->best = NULL;
	c->best_distance = 0;
}

/* Optimal string alignment distance: insertions, deletions, substitutions
 * and transpositions of neighbours ("mni" -> "min") each cost 1. */
static unsigned distance(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned rows[3][CLOSEST_MAX_LEN + 1];
	unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *tmp;

	for (size_t j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned best = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		tmp = prev2;
		prev2 = prev;
		prev = cur;
		cur = tmp;
	}
	return prev[lb];
}

void expr_closest_add(struct expr_closest *c, const char *candidate)
{
	size_t lw, lc;
	unsigned d;

	if (!candidate || !c->word)
		return;
	lw = strlen(c->word);
	lc = strlen(candidate);
	if (lw > CLOSEST_MAX_LEN || lc > CLOSEST_MAX_LEN)
		return;
	/* The distance is at least the length difference. */
	if (lw > lc + 2 || lc > lw + 2)
		return;
	d = distance(c->word, lw, candidate, lc);
	if (d == 0 || d > 2 || 2 * d >= lw)
		return;
	if (!c->best || d < c->best_distance) {
		c->best = candidate;
		c->best_distance = d;
	}
}
