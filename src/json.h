/*
 * json: a small streaming JSON writer for every command's --format json.
 * It keeps only a nesting stack; strings are escaped and invalid UTF-8 is
 * replaced by U+FFFD so the document stays valid whatever the input bytes.
 */
#ifndef TWTUNE_JSON_H
#define TWTUNE_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *f;
	unsigned depth;
	bool pretty;
	bool after_key;
	bool has_items[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f, bool pretty);
/* Ends the document with a newline. */
void json_finish(struct json *j);

void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);

void json_string(struct json *j, const char *s);	/* NULL writes null */
void json_stringn(struct json *j, const char *s, size_t n);
void json_int(struct json *j, long long v);
void json_uint(struct json *j, unsigned long long v);
void json_double(struct json *j, double v);		/* non-finite writes null */
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* key + value in one call */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, long long v);
void json_kv_uint(struct json *j, const char *key, unsigned long long v);
void json_kv_double(struct json *j, const char *key, double v);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_null(struct json *j, const char *key);

/* Escape into a FILE without the writer (used by SARIF/text helpers). */
void json_write_escaped(FILE *f, const char *s, size_t n);

#endif
