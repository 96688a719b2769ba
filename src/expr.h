/*
 * expr: the profile expression language (PRODUCT.md section 3): a lexer
 * with byte offsets, a precedence-climbing parser producing an AST in an
 * arena, load-time checks (names, functions, arity, arguments, types known
 * before any fact is) and typed evaluation over values supplied by
 * callbacks, so the module knows nothing of facts (src/factenv.h adapts
 * them). Also "{expr}" templates used by rule summaries. Everything parsed
 * or computed lives in the arena the caller passes.
 */
#ifndef TWTUNE_EXPR_H
#define TWTUNE_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "value.h"

struct arena;
struct diag;

#define EXPR_MAX_LENGTH 4096
#define EXPR_MAX_DEPTH 64

struct expr;
struct expr_template;

/* Where the expression text sits in its file, for diagnostics: line and
 * column (1-based) of its first byte. Text after a newline in the
 * expression starts at continuation_column (a YAML block scalar's
 * indentation + 1; 0 means column 1). */
struct expr_origin {
	const char *file;
	unsigned line;
	unsigned column;
	unsigned continuation_column;
};

/* Load-time knowledge: which names exist. Functions built into expr (min,
 * max, pct, defined) and the fact functions (sysctl, boot, boot_source,
 * counter, rate) have fixed arity and are checked here. */
struct expr_names {
	bool (*name_valid)(void *userdata, const char *name);
	void *userdata;
	/* Optional: the type a valid name always has when it has a value
	 * (kernel.version: VALUE_VERSION), so that misuse such as
	 * `kernel.version >= 4.12` is a load-time error. false: not fixed. */
	bool (*name_type)(void *userdata, const char *name, enum value_type *ret);
	/* Optional: a close valid name for "did you mean", or NULL; may
	 * allocate the answer in a. */
	const char *(*suggest)(void *userdata, const char *name, struct arena *a);
	/* Optional: checks a fact function's argument at load time (an
	 * unknown sysctl key, a malformed counter name). NULL when fine, else
	 * the message, which may live in a ("unknown sysctl key 'x'"). */
	const char *(*check_arg)(void *userdata, const char *function,
				 const char *arg, struct arena *a);
};

/* "Did you mean": feed candidates, get the one closest to word by edit
 * distance if it is a plausible typo (at most 2 edits and fewer than half
 * of word's length), else NULL. Ties go to the first candidate. */
struct expr_closest {
	const char *word;
	const char *best;
	unsigned best_distance;
};
void expr_closest_init(struct expr_closest *c, const char *word);
void expr_closest_add(struct expr_closest *c, const char *candidate);
static inline const char *expr_closest_result(const struct expr_closest *c)
{
	return c->best;
}

/* Evaluation-time callbacks. lookup: a dotted name ("sockets.time_wait",
 * "thresholds.x"). call: one of the fact functions with its string
 * argument. Both return 0 or a negative errno; VALUE_NULL results carry a
 * reason. */
struct expr_env {
	int (*lookup)(void *userdata, const char *name, struct value *ret);
	int (*call)(void *userdata, const char *function, const char *arg,
		    struct value *ret);
	void *userdata;
};

/* Parses src. Errors (with line:col and a caret excerpt) go to diag;
 * returns -EINVAL when there were any. A lexer or syntax error stops at the
 * first; unknown names, arity and type errors are all reported. names may
 * be NULL (every name valid); origin may be NULL (line 1, column 1);
 * diag may be NULL (errors only counted). */
int expr_parse(const char *src, const struct expr_origin *origin,
	       const struct expr_names *names, struct arena *a,
	       struct diag *diag, struct expr **ret);

/* expr_parse() for a `when:` condition: also rejects, at load time, an
 * expression whose type is statically known not to be bool
 * ("condition is a number, not a bool"). */
int expr_parse_condition(const char *src, const struct expr_origin *origin,
			 const struct expr_names *names, struct arena *a,
			 struct diag *diag, struct expr **ret);

/* The expression's source text. */
const char *expr_text(const struct expr *e);

/* Evaluates to a value. 0 on success. -EDOM when the result is unknown
 * (a null operand where a value was needed, division by zero, a type
 * mismatch only visible at run time, a callback failing): *ret_reason
 * then says why ("'tw.top.count' is null: no TIME_WAIT sockets"). An
 * expression that is itself null (a bare name) yields 0 and VALUE_NULL.
 * Other negative errnos (-ENOMEM) are real failures. */
int expr_eval(const struct expr *e, const struct expr_env *env,
	      struct arena *a, struct value *ret, const char **ret_reason);

/* Truthiness for `when:`: bool as is; anything else is a type error
 * reported at load time where it can be known, -EDOM at run time. */
int expr_eval_bool(const struct expr *e, const struct expr_env *env,
		   struct arena *a, bool *ret, const char **ret_reason);

/* The names (facts, thresholds and "fn(\"arg\")" calls) an expression
 * reads, for a finding's evidence: each once, in order of appearance.
 * NULL-terminated array in a; NULL on OOM. */
const char **expr_names_used(const struct expr *e, struct arena *a);

/* "text {expr} text"; "{{" and "}}" are literal braces. */
int expr_template_parse(const char *src, const struct expr_origin *origin,
			const struct expr_names *names, struct arena *a,
			struct diag *diag, struct expr_template **ret);
/* Renders; a failing or null placeholder renders as "?". NULL on OOM. */
char *expr_template_render(const struct expr_template *t,
			   const struct expr_env *env, struct arena *a);

/* Formats a value for display: integers as integers, other numbers with
 * at most 4 significant digits below 1 and 2 decimals above (trailing zeros
 * dropped), versions as "6.8" / "6.8.12", null as "null". */
char *expr_value_format(const struct value *v, struct arena *a);

#endif
