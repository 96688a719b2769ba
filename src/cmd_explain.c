/*
 * explain: everything twtune knows about one sysctl key (knowledge base),
 * next to what the system says: the live value under --root and the value
 * the sysctl.d tree will set at the next boot.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "cmd.h"
#include "cmd_common.h"
#include "ctx.h"
#include "diag.h"
#include "json.h"
#include "kb.h"
#include "kversion.h"
#include "out.h"
#include "procsys.h"
#include "sysctld.h"

#define EXPLAIN_USAGE "usage: twtune explain KEY [--root DIR] [--format text|json]\n"

struct explain {
	char key[SYSCTL_KEY_MAX + 1];	/* dotted canonical form */
	const struct kb_entry *e;	/* NULL: a kernel key twtune has no entry for */
	const char *osrelease;		/* NULL when unknown */
	bool have_version;
	struct kversion version;
	const char *live;
	int live_err;
	bool boot_ok;			/* the sysctl.d tree could be resolved */
	const struct sysctld_key *boot;	/* NULL: no file sets the key */
};

static const char *presence_name(enum kb_presence p)
{
	switch (p) {
	case KB_PRESENT:
		return "present";
	case KB_NOT_YET:
		return "not_yet";
	case KB_REMOVED:
		return "removed";
	}
	return "unknown";
}

/* "0 to 2", "any 32-bit integer", ...; NULL for strings. */
static const char *range_text(const struct kb_entry *e, struct arena *a)
{
	switch (e->type) {
	case KB_STRING:
		return NULL;
	case KB_PORT_LIST:
		return "ports and ranges 'a,b-c' (each 0 to 65535, no blanks); empty clears the list";
	case KB_INT_PAIR:
		return arena_printf(a, "two numbers 'low high', each %lld to %lld, high >= low",
				    e->min, e->max);
	default:
		if (e->min == INT_MIN && e->max == INT_MAX)
			return "any 32-bit integer";
		return arena_printf(a, "%lld to %lld", e->min, e->max);
	}
}

static const char *history_text(const struct kb_entry *e, struct arena *a)
{
	char added[32], removed[32];
	const char *s = "";

	if (kversion_is_set(e->added)) {
		kversion_format(e->added, true, added, sizeof(added));
		s = arena_printf(a, "added in %s", added);
	}
	if (kversion_is_set(e->removed)) {
		kversion_format(e->removed, true, removed, sizeof(removed));
		s = arena_printf(a, "%s%sremoved in %s", s, *s ? "; " : "", removed);
	}
	if (e->history)
		s = arena_printf(a, "%s%s%s", s, *s ? "; " : "", e->history);
	return s && *s ? s : NULL;
}

static const char *kernel_text(const struct explain *x, struct arena *a)
{
	char v[32];

	if (!x->osrelease)
		return "unknown (cannot read proc/sys/kernel/osrelease)";
	if (!x->e || !x->have_version)
		return x->osrelease;
	switch (kb_presence_in(x->e, x->version)) {
	case KB_PRESENT:
		return arena_printf(a, "%s (has this key)", x->osrelease);
	case KB_NOT_YET:
		kversion_format(x->e->added, true, v, sizeof(v));
		return arena_printf(a, "%s (too old: the key appeared in %s)", x->osrelease, v);
	case KB_REMOVED:
		kversion_format(x->e->removed, true, v, sizeof(v));
		return arena_printf(a, "%s (the key was removed in %s)", x->osrelease, v);
	}
	return x->osrelease;
}

/* The kernel prints vector elements separated by tabs. */
static const char *display_value(const char *v, struct arena *a)
{
	char *s = arena_strdup(a, v), *p;

	if (!s)
		return v;
	for (p = s; *p; p++)
		if (*p == '\t')
			*p = ' ';
	return s;
}

static const char *value_meaning(const struct kb_entry *e, const char *v)
{
	long long n;

	if (!e || (e->type != KB_ENUM && e->type != KB_BOOL) || kb_parse_int(v, &n) < 0)
		return NULL;
	return kb_enum_meaning(e, n);
}

static const char *absent_hint(const struct explain *x)
{
	if (!x->e)
		return "";
	if (x->have_version && kb_presence_in(x->e, x->version) != KB_PRESENT)
		return "";
	if (x->e->needs_module)
		return " (its kernel module is not loaded)";
	if (x->e->scope == KB_SCOPE_GLOBAL)
		return " (a global key: absent inside a child network namespace)";
	return "";
}

static void print_text(const struct explain *x, struct ctx *ctx)
{
	const struct kb_entry *e = x->e;
	struct arena *a = &ctx->arena;
	bool color = ctx_color(ctx, stdout);
	const char *s;

	printf("%s%s%s\n", out_sgr(color, SGR_BOLD), x->key, out_sgr(color, SGR_RESET));
	if (!e) {
		printf("  twtune has no knowledge entry for this key; it is a kernel sysctl\n");
	} else {
		const struct kb_enum_value *ev;
		long long def;

		printf("  meaning:  %s\n", e->meaning);
		printf("  type:     %s%s\n", kb_type_name(e->type),
		       e->read_only ? ", read-only" : "");
		s = range_text(e, a);
		if (s)
			printf("  valid:    %s\n", s);
		for (ev = e->enum_values; ev && ev->meaning; ev++)
			printf("  %s %3lld = %s%s\n", ev == e->enum_values ? "values:" : "       ",
			       ev->value, ev->meaning,
			       !e->default_derived && kb_parse_int(e->default_text, &def) == 0 &&
			       def == ev->value ? " (default)" : "");
		printf("  default:  %s%s\n", *e->default_text ? e->default_text : "(empty)",
		       e->default_derived ? " (depends on the host)" : "");
		if (e->unit)
			printf("  unit:     %s\n", e->unit);
		s = history_text(e, a);
		if (s)
			printf("  history:  %s\n", s);
		printf("  scope:    %s%s\n", kb_scope_name(e->scope),
		       e->needs_module ? ", exists only while its module is loaded" : "");
	}
	printf("  kernel:   %s\n", kernel_text(x, a));
	if (x->live_err == 0) {
		const char *m = value_meaning(e, x->live);

		printf("  live:     %s%s%s%s\n", *x->live ? display_value(x->live, a) : "(empty)",
		       m ? " (" : "", m ? m : "", m ? ")" : "");
	} else if (x->live_err == -ENOENT) {
		printf("  live:     absent on this kernel%s\n", absent_hint(x));
	} else {
		printf("  live:     cannot read (%s)\n", strerror(-x->live_err));
	}
	if (!x->boot_ok)
		printf("  boot:     unknown (the sysctl.d tree could not be read)\n");
	else if (!x->boot)
		printf("  boot:     not set by any sysctl.d file (the kernel default stays)\n");
	else if (!x->boot->value)
		printf("  boot:     excluded by '-%s' (%s:%u)\n", x->boot->source->key,
		       x->boot->source->file, x->boot->source->line);
	else
		printf("  boot:     %s (%s:%u%s%s)\n",
		       *x->boot->value ? display_value(x->boot->value, a) : "(empty)",
		       x->boot->source->file, x->boot->source->line,
		       x->boot->from_glob ? ", from pattern " : "",
		       x->boot->from_glob ? x->boot->from_glob : "");
}

static void print_json(const struct explain *x)
{
	const struct kb_entry *e = x->e;
	struct json j;
	char v[32];

	json_init(&j, stdout, true);
	json_object_begin(&j);
	json_kv_int(&j, "schema", 1);
	json_kv_string(&j, "key", x->key);
	json_kv_bool(&j, "known", e != NULL);
	json_kv_string(&j, "meaning", e ? e->meaning : NULL);
	json_kv_string(&j, "type", e ? kb_type_name(e->type) : NULL);
	if (e && e->type != KB_STRING) {
		json_kv_int(&j, "min", e->min);
		json_kv_int(&j, "max", e->max);
	} else {
		json_kv_null(&j, "min");
		json_kv_null(&j, "max");
	}
	json_key(&j, "values");
	if (e && e->enum_values) {
		const struct kb_enum_value *ev;

		json_array_begin(&j);
		for (ev = e->enum_values; ev->meaning; ev++) {
			json_object_begin(&j);
			json_kv_int(&j, "value", ev->value);
			json_kv_string(&j, "meaning", ev->meaning);
			json_object_end(&j);
		}
		json_array_end(&j);
	} else {
		json_null(&j);
	}
	json_kv_string(&j, "default", e ? e->default_text : NULL);
	if (e)
		json_kv_bool(&j, "default_derived", e->default_derived);
	else
		json_kv_null(&j, "default_derived");
	json_kv_string(&j, "unit", e ? e->unit : NULL);
	if (e && kversion_is_set(e->added)) {
		kversion_format(e->added, true, v, sizeof(v));
		json_kv_string(&j, "added", v);
	} else {
		json_kv_null(&j, "added");
	}
	if (e && kversion_is_set(e->removed)) {
		kversion_format(e->removed, true, v, sizeof(v));
		json_kv_string(&j, "removed", v);
	} else {
		json_kv_null(&j, "removed");
	}
	json_kv_string(&j, "history", e ? e->history : NULL);
	json_kv_string(&j, "scope", e ? kb_scope_name(e->scope) : NULL);
	if (e) {
		json_kv_bool(&j, "read_only", e->read_only);
		json_kv_bool(&j, "needs_module", e->needs_module);
	} else {
		json_kv_null(&j, "read_only");
		json_kv_null(&j, "needs_module");
	}
	json_key(&j, "kernel");
	json_object_begin(&j);
	json_kv_string(&j, "release", x->osrelease);
	json_kv_string(&j, "presence", e && x->have_version ?
		       presence_name(kb_presence_in(e, x->version)) : NULL);
	json_object_end(&j);
	json_kv_string(&j, "live", x->live_err == 0 ? x->live : NULL);
	json_kv_string(&j, "live_status", x->live_err == 0 ? "present" :
		       x->live_err == -ENOENT ? "absent" : "error");
	json_key(&j, "boot");
	if (x->boot_ok && x->boot) {
		json_object_begin(&j);
		json_kv_string(&j, "value", x->boot->value);
		json_kv_string(&j, "file", x->boot->source->file);
		json_kv_uint(&j, "line", x->boot->source->line);
		json_kv_string(&j, "from_glob", x->boot->from_glob);
		json_object_end(&j);
	} else {
		json_null(&j);
	}
	json_kv_bool(&j, "boot_known", x->boot_ok);
	json_object_end(&j);
	json_finish(&j);
}

static void explain_collect(struct explain *x, int root_fd, struct ctx *ctx)
{
	struct sysctld_result *res = NULL;
	struct diag diag;
	char *buf;
	int r;

	r = procsys_read(root_fd, "kernel.osrelease", &ctx->arena, &buf);
	if (r == 0) {
		x->osrelease = buf;
		x->have_version = kversion_parse(buf, &x->version) == 0;
	}
	x->live_err = procsys_read(root_fd, x->key, &ctx->arena, &buf);
	if (x->live_err == 0)
		x->live = buf;

	/* As systemd-sysctl would apply it at boot. Problems in the files
	 * are lint's business, not explain's: a tree with a broken file still
	 * resolves, and an unresolvable tree only loses the boot line. */
	diag_init(&diag, &ctx->arena);
	r = sysctld_resolve(root_fd, SYSCTLD_SYSTEMD, &ctx->arena, &diag, &res);
	if (r == 0 && res) {
		x->boot_ok = true;
		x->boot = sysctld_lookup(res, x->key);
	}
}

int cmd_explain(int argc, char **argv, struct ctx *ctx)
{
	static const struct option options[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct explain x = { .live_err = -ENOENT };
	const char *root = NULL, *key;
	bool json = false, safe;
	int c, root_fd, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'f':
			if (cmd_format_json(optarg, &json) < 0) {
				fputs(EXPLAIN_USAGE, stderr);
				return TW_EXIT_UNKNOWN;
			}
			break;
		default:
			if (optopt == 'r' || optopt == 'f')
				out_error("option '%s' needs an argument", argv[optind - 1]);
			else if (optopt)
				out_error("unknown option '-%c'", optopt);
			else
				out_error("unknown option '%s'", argv[optind - 1]);
			fputs(EXPLAIN_USAGE, stderr);
			return TW_EXIT_UNKNOWN;
		}
	}
	if (optind >= argc) {
		out_error("no key given");
		fputs(EXPLAIN_USAGE, stderr);
		return TW_EXIT_UNKNOWN;
	}
	if (argc - optind > 1) {
		out_error("too many arguments: '%s'", argv[optind + 1]);
		fputs(EXPLAIN_USAGE, stderr);
		return TW_EXIT_UNKNOWN;
	}
	key = argv[optind];

	safe = sysctl_key_is_safe(key) &&
	       sysctl_key_canonical(key, x.key, sizeof(x.key)) == 0 && *x.key;
	if (!safe)
		snprintf(x.key, sizeof(x.key), "%s", key);

	r = cmd_open_target(root, NULL, &root_fd);
	if (r < 0)
		return TW_EXIT_UNKNOWN;
	x.e = safe ? kb_lookup(x.key) : NULL;
	if (safe)
		explain_collect(&x, root_fd, ctx);
	close(root_fd);

	/* A key is real when twtune knows it, the kernel has it under this
	 * name anywhere, or it exists here and now. */
	if (!x.e && !(safe && (kb_name_known(x.key) || x.live_err != -ENOENT))) {
		const char *s = kb_suggest(key);

		if (s)
			out_error("unknown key '%s' (did you mean '%s'?)", key, s);
		else
			out_error("unknown key '%s'", key);
		return TW_EXIT_UNKNOWN;
	}
	if (json)
		print_json(&x);
	else
		print_text(&x, ctx);
	return TW_EXIT_OK;
}
