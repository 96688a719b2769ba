/*
 * `twtune check --format json`, schema 1 (PRODUCT.md section 7): status,
 * kernel, profile, every named fact with its value, the findings, and the
 * socket tables. Member names are stable once released (twtune-check(8)).
 */
#include "config.h"

#include <math.h>
#include <sys/socket.h>

#include "arena.h"
#include "census.h"
#include "facts.h"
#include "findings.h"
#include "json.h"
#include "kb.h"
#include "report_check.h"

static void json_value(struct json *j, const struct value *v)
{
	char buf[64];

	switch (v->type) {
	case VALUE_NULL:
		json_null(j);
		break;
	case VALUE_BOOL:
		json_bool(j, v->boolean);
		break;
	case VALUE_NUMBER:
		if (isfinite(v->number) && v->number == (double)(long long)v->number &&
		    fabs(v->number) < 9007199254740992.0)
			json_int(j, (long long)v->number);
		else
			json_double(j, v->number);
		break;
	case VALUE_STRING:
		json_string(j, v->string);
		break;
	case VALUE_VERSION:
		kversion_format(v->version, false, buf, sizeof(buf));
		json_string(j, buf);
		break;
	}
}

static void json_kvs(struct json *j, const char *key, const struct finding_kv *kv,
		     size_t n)
{
	size_t i;

	json_key(j, key);
	json_object_begin(j);
	for (i = 0; i < n; i++)
		json_kv_string(j, kv[i].key, kv[i].value);
	json_object_end(j);
}

static void json_strings(struct json *j, const char *key, const char *const *s, size_t n)
{
	size_t i;

	json_key(j, key);
	json_array_begin(j);
	for (i = 0; i < n; i++)
		json_string(j, s[i]);
	json_array_end(j);
}

static void json_finding(struct json *j, const struct finding *fd)
{
	size_t i;

	json_object_begin(j);
	json_kv_string(j, "id", fd->id);
	json_kv_string(j, "severity", severity_name(fd->severity));
	json_kv_string(j, "summary", fd->summary);
	json_kv_string(j, "advice", fd->advice);
	json_kv_string(j, "reason", fd->reason);
	json_strings(j, "keys", fd->keys, fd->n_keys);
	json_kvs(j, "current", fd->current, fd->n_current);
	json_kvs(j, "recommended", fd->recommended, fd->n_recommended);
	json_key(j, "evidence");
	json_object_begin(j);
	for (i = 0; i < fd->n_evidence; i++) {
		json_key(j, fd->evidence[i].name);
		json_value(j, &fd->evidence[i].value);
	}
	json_object_end(j);
	json_strings(j, "refs", fd->refs, fd->n_refs);
	if (fd->rule) {
		json_kv_string(j, "file", fd->rule->file);
		json_kv_uint(j, "line", fd->rule->line);
	}
	json_object_end(j);
}

static void json_addr(struct json *j, const char *key, const struct census_addr *a)
{
	char buf[64];

	census_addr_format(a, buf, sizeof(buf));
	json_kv_string(j, key, buf);
}

static void json_sockets(struct json *j, const struct check_report *r)
{
	const struct census *c = &r->facts->census;
	size_t i;

	json_key(j, "time_wait_by_destination");
	json_array_begin(j);
	for (i = 0; r->facts->sockets_collected && i < c->n_tw_by_dest && i < r->top; i++) {
		json_object_begin(j);
		json_addr(j, "address", &c->tw_by_dest[i].addr);
		json_kv_uint(j, "port", c->tw_by_dest[i].port);
		json_kv_uint(j, "count", c->tw_by_dest[i].count);
		json_object_end(j);
	}
	json_array_end(j);
	json_key(j, "close_wait_by_process");
	json_array_begin(j);
	for (i = 0; r->facts->sockets_collected && c->owners_resolved &&
		    i < c->n_cw_by_owner && i < r->top; i++) {
		const struct census_owner *o = &c->cw_by_owner[i];
		char peer[64];

		json_object_begin(j);
		if (o->pid)
			json_kv_int(j, "pid", o->pid);
		else
			json_kv_null(j, "pid");
		json_kv_string(j, "comm", o->pid ? o->comm : NULL);
		json_kv_uint(j, "port", o->port);
		json_kv_uint(j, "count", o->count);
		json_kv_string(j, "side", o->client ? "client" : "server");
		if (census_owner_peer(o, peer, sizeof(peer)))
			json_kv_string(j, "peer", peer);
		else
			json_kv_null(j, "peer");
		json_object_end(j);
	}
	json_array_end(j);
}

void report_check_json(FILE *f, const struct check_report *r, struct arena *a)
{
	const struct findings *fs = r->findings;
	const struct profile *p = r->profile;
	const char *const *names;
	struct json j;
	size_t i;

	json_init(&j, f, true);
	json_object_begin(&j);
	json_kv_int(&j, "schema", 1);
	json_kv_string(&j, "status", severity_name(fs->status));
	json_kv_string(&j, "kernel", r->facts->kernel_release);
	json_key(&j, "profile");
	json_object_begin(&j);
	json_kv_string(&j, "name", p->name);
	json_kv_string(&j, "path", p->path);
	json_kv_string(&j, "sha256", p->sha256);
	json_strings(&j, "chain", p->chain, p->n_chain);
	json_object_end(&j);
	json_key(&j, "counts");
	json_object_begin(&j);
	json_kv_uint(&j, "critical", fs->count[SEVERITY_CRITICAL]);
	json_kv_uint(&j, "warning", fs->count[SEVERITY_WARNING]);
	json_kv_uint(&j, "info", fs->count[SEVERITY_INFO]);
	json_kv_uint(&j, "unknown", fs->count[SEVERITY_UNKNOWN]);
	json_object_end(&j);

	json_key(&j, "facts");
	json_object_begin(&j);
	for (names = facts_names(); *names; names++) {
		struct value v = value_null(NULL);

		if (facts_get(r->facts, *names, &v) < 0)
			v = value_null(NULL);
		json_key(&j, *names);
		json_value(&j, &v);
	}
	json_object_end(&j);

	/* Live values of every key twtune knows, null where absent. */
	json_key(&j, "sysctl");
	json_object_begin(&j);
	for (i = 0; i < r->facts->n_sysctl; i++)
		json_kv_string(&j, r->facts->sysctl[i].kb->key, r->facts->sysctl[i].raw);
	json_object_end(&j);

	json_key(&j, "findings");
	json_array_begin(&j);
	for (i = 0; i < fs->n; i++)
		json_finding(&j, &fs->items[i]);
	json_array_end(&j);
	json_sockets(&j, r);
	json_object_end(&j);
	json_finish(&j);
}
