/*
 * value: the typed values that facts produce and expressions compute with.
 * Strings point into an arena owned by whoever produced the value.
 */
#ifndef TWTUNE_VALUE_H
#define TWTUNE_VALUE_H

#include <stdbool.h>

#include "kversion.h"

enum value_type {
	VALUE_NULL,
	VALUE_BOOL,
	VALUE_NUMBER,
	VALUE_STRING,
	VALUE_VERSION,
};

struct value {
	enum value_type type;
	union {
		bool boolean;
		double number;
		const char *string;
		struct kversion version;
	};
	/* For VALUE_NULL: why there is no value ("'net.ipv4.tcp_tw_recycle'
	 * does not exist on this kernel", "no --sample given"). May be NULL. */
	const char *null_reason;
};

static inline struct value value_null(const char *reason)
{
	return (struct value){ .type = VALUE_NULL, .null_reason = reason };
}
static inline struct value value_bool(bool b)
{
	return (struct value){ .type = VALUE_BOOL, .boolean = b };
}
static inline struct value value_number(double n)
{
	return (struct value){ .type = VALUE_NUMBER, .number = n };
}
static inline struct value value_string(const char *s)
{
	return (struct value){ .type = VALUE_STRING, .string = s };
}
static inline struct value value_version(struct kversion v)
{
	return (struct value){ .type = VALUE_VERSION, .version = v };
}

const char *value_type_name(enum value_type t);

#endif
