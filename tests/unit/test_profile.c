/* Unit tests for the profile loader: schema errors with their line:col
 * (table-driven), merge semantics of extends/disable, limits, sha256. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tmptree.h"

#include "arena.h"
#include "conf.h"
#include "diag.h"
#include "profile.h"
#include "sha256.h"

struct tfile {
	const char *name;	/* file name in the test directory */
	const char *text;
};

struct error_case {
	const char *what;
	struct tfile files[3];	/* files[0] is validated */
	unsigned line, column;	/* expected position (0 = whole file) */
	const char *message;	/* substring of the message */
	const char *in_file;	/* file of the entry, default files[0] */
	bool caret;		/* entry carries a source excerpt */
};

#define HEAD "twtune: 1\nname: t\n"
#define RULE(extra) "rules:\n  - id: r\n    severity: info\n    when: tw.active > 1\n" \
	"    summary: s\n" extra

static const struct error_case error_cases[] = {
	{ "unknown top-level field", { { "t.yaml", HEAD "colour: red\n" } },
	  3, 1, "unknown field 'colour' in profile" },
	{ "unknown rule field", { { "t.yaml", HEAD RULE("    sevrity: info\n") } },
	  8, 5, "unknown field 'sevrity' in rule" },
	{ "unknown setting field",
	  { { "t.yaml", HEAD "settings:\n  net.ipv4.tcp_tw_reuse: { valu: 1 }\n" } },
	  4, 28, "unknown field 'valu' in setting" },
	{ "duplicate rule id",
	  { { "t.yaml", HEAD RULE("  - id: r\n    severity: info\n    when: tw.active > 2\n"
				  "    summary: again\n") } },
	  8, 9, "duplicate rule id 'r' (first defined at line 4)" },
	{ "duplicate mapping key", { { "t.yaml", HEAD "description: a\ndescription: b\n" } },
	  4, 1, "duplicate key 'description' (first defined at line 3)" },
	{ "duplicate key in two spellings",
	  { { "t.yaml", HEAD "settings:\n  net.ipv4.tcp_tw_reuse: 1\n"
		      "  net/ipv4/tcp_tw_reuse: 1\n" } },
	  5, 3, "key 'net.ipv4.tcp_tw_reuse' is set twice" },
	{ "rules of the wrong type", { { "t.yaml", HEAD "rules: {}\n" } },
	  3, 8, "'rules' must be a list, not a mapping" },
	{ "extends of the wrong type", { { "t.yaml", HEAD "extends: default\n" } },
	  3, 10, "'extends' must be a list, not a scalar" },
	{ "threshold not a number", { { "t.yaml", HEAD "thresholds:\n  x: high\n" } },
	  4, 6, "threshold 'x' must be a number, not 'high'" },
	{ "bad severity",
	  { { "t.yaml", HEAD "rules:\n  - id: r\n    severity: high\n    when: true\n"
		      "    summary: s\n" } },
	  5, 15, "invalid severity 'high' (expected info, warning or critical)" },
	{ "missing rule field",
	  { { "t.yaml", HEAD "rules:\n  - id: r\n    severity: info\n    summary: s\n" } },
	  4, 5, "rule 'r' is missing field 'when'" },
	{ "setting not in the knowledge base",
	  { { "t.yaml", HEAD "settings:\n  net.ipv4.tcp_tw_resuse: 1\n" } },
	  4, 3, "unknown key 'net.ipv4.tcp_tw_resuse' (did you mean 'net.ipv4.tcp_tw_reuse'?)" },
	{ "setting outside net.",
	  { { "t.yaml", HEAD "settings:\n  kernel.core_pattern: '|/tmp/x'\n" } },
	  4, 3, "key 'kernel.core_pattern' is outside 'net.'" },
	{ "unsafe key", { { "t.yaml", HEAD "settings:\n  net.ipv4..x: 1\n" } },
	  4, 3, "invalid sysctl key 'net.ipv4..x'" },
	{ "value out of range", { { "t.yaml", HEAD "settings:\n  net.ipv4.tcp_tw_reuse: 7\n" } },
	  4, 26, "'7' is out of range for 'net.ipv4.tcp_tw_reuse'" },
	{ "read-only key",
	  { { "t.yaml", HEAD "settings:\n  net.netfilter.nf_conntrack_count: 1\n" } },
	  4, 3, "key 'net.netfilter.nf_conntrack_count' is read-only" },
	{ "recommend outside the knowledge base",
	  { { "t.yaml", HEAD RULE("    recommend: { net.ipv4.tcp_nope: 1 }\n") } },
	  8, 18, "key 'net.ipv4.tcp_nope' is not in twtune's knowledge base" },
	{ "keys with a bad entry",
	  { { "t.yaml", HEAD RULE("    keys: [net.ipv4.tcp_tw_reuse, 42]\n") } },
	  8, 35, "key '42' is not in twtune's knowledge base" },
	{ "value with a newline",
	  { { "t.yaml", HEAD "settings:\n  net.ipv4.tcp_fin_timeout: \"30\\n\"\n" } },
	  4, 29, "value of 'net.ipv4.tcp_fin_timeout' must be one line" },
	{ "at_least on an enum",
	  { { "t.yaml", HEAD "settings:\n  net.ipv4.tcp_tw_reuse: { at_least: 1 }\n" } },
	  4, 38, "'at_least' needs a numeric key" },
	{ "value and at_least together",
	  { { "t.yaml", HEAD "settings:\n  net.ipv4.tcp_fin_timeout: { value: 30, at_least: 20 }\n" } },
	  4, 42, "'at_least' conflicts with 'value'" },
	{ "bad when expression",
	  { { "t.yaml", HEAD "rules:\n  - id: r\n    severity: info\n"
		      "    when: tw.active >\n    summary: s\n" } },
	  6, 22, "unexpected end of expression", NULL, true },
	{ "unknown name in when",
	  { { "t.yaml", HEAD "rules:\n  - id: r\n    severity: info\n"
		      "    when: tw.activ > 1\n    summary: s\n" } },
	  6, 11, "tw.activ", NULL, true },
	{ "unknown name on the second line of a block when",
	  { { "t.yaml", HEAD "rules:\n  - id: r\n    severity: info\n"
		      "    when: |\n      tw.active > 1 &&\n      tw.bogus\n    summary: s\n" } },
	  8, 7, "unknown name 'tw.bogus'", NULL, true },
	{ "when that is not a condition",
	  { { "t.yaml", HEAD "rules:\n  - id: r\n    severity: info\n"
		      "    when: tw.active + 1\n    summary: s\n" } },
	  6, 11, "not a bool", NULL, false },
	{ "unknown threshold in when",
	  { { "t.yaml", HEAD "rules:\n  - id: r\n    severity: info\n"
		      "    when: 'tw.active > thresholds.nope'\n    summary: s\n" } },
	  6, 24, "thresholds.nope", NULL, true },
	{ "unknown name in summary",
	  { { "t.yaml", HEAD "rules:\n  - id: r\n    severity: info\n"
		      "    when: tw.active > 1\n    summary: \"{tw.bogus} sockets\"\n" } },
	  7, 16, "unknown name 'tw.bogus'", NULL, true },
	{ "extends cycle",
	  { { "a.yaml", "twtune: 1\nname: a\nextends: [b]\n" },
	    { "b.yaml", "twtune: 1\nname: b\nextends: [a]\n" } },
	  3, 11, "extends cycle: a -> b -> a", "b.yaml" },
	{ "extends itself", { { "t.yaml", HEAD "extends: [t]\n" } },
	  3, 11, "extends cycle: t -> t" },
	{ "missing parent", { { "t.yaml", HEAD "extends: [nosuch]\n" } },
	  3, 11, "unknown profile 'nosuch' in extends (searched /tmp/" },
	{ "invalid parent",
	  { { "t.yaml", HEAD "extends: [p]\n" }, { "p.yaml", "twtune: 1\nname: p\nbogus: 1\n" } },
	  3, 11, "parent profile 'p'" },
	{ "disable of an unknown id",
	  { { "t.yaml", HEAD "extends: [p]\ndisable: [nope]\n" },
	    { "p.yaml", "twtune: 1\nname: p\n" RULE("") } },
	  4, 11, "cannot disable unknown rule 'nope'" },
	{ "name does not match the file", { { "t.yaml", "twtune: 1\nname: other\n" } },
	  2, 7, "profile name 'other' does not match its file name 't'" },
	{ "unsupported schema version", { { "t.yaml", "twtune: 2\nname: t\n" } },
	  1, 9, "unsupported schema version '2'" },
	{ "missing schema version", { { "t.yaml", "name: t\n" } },
	  1, 1, "missing field 'twtune'" },
	{ "reserved rule id",
	  { { "t.yaml", HEAD "rules:\n  - id: drift-boot\n    severity: info\n"
		      "    when: true\n    summary: s\n" } },
	  4, 9, "rule id 'drift-boot' is reserved" },
	{ "YAML syntax error", { { "t.yaml", HEAD "rules: [a, b\n" } },
	  4, 1, "invalid YAML" },
	{ "YAML alias", { { "t.yaml", HEAD "description: &d x\nrules: *d\n" } },
	  4, 8, "YAML aliases are not supported" },
	{ "too deep nesting", { { "t.yaml", HEAD "description: [[[[[[[[[[1]]]]]]]]]]\n" } },
	  3, 21, "nesting too deep (more than 8 levels)" },
	{ "empty file", { { "t.yaml", "" } }, 0, 0, "empty profile" },
};

struct fixture {
	struct arena a;
	char dir[64];
	struct conf cfg;
};

static int fixture_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	arena_init(&fx->a);
	strcpy(fx->dir, "/tmp/twtune-profile-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	memset(&fx->cfg, 0, sizeof(fx->cfg));
	fx->cfg.default_profile = "default";
	fx->cfg.profile_path[fx->cfg.n_profile_path++] = fx->dir;
	*state = fx;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *fx = *state;
	assert_int_equal(tmptree_remove(fx->dir), 0);
	arena_release(&fx->a);
	free(fx);
	return 0;
}

static char *write_file(struct fixture *fx, const char *name, const char *text, size_t len)
{
	char *path = arena_printf(&fx->a, "%s/%s", fx->dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void dump_diag(const struct diag *d)
{
	const struct diag_entry *e;

	for (e = d->head; e; e = e->next)
		fprintf(stderr, "  got %s:%u:%u: %s\n", e->file ? e->file : "-", e->line,
			e->column, e->message);
}

static void test_errors(void **state)
{
	struct fixture *fx = *state;
	size_t i, k;

	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const struct error_case *c = &error_cases[i];
		const struct diag_entry *e;
		char *paths[3] = { NULL };
		const char *want_file;
		struct diag d;
		bool found = false;
		int r;

		for (k = 0; k < 3 && c->files[k].name; k++)
			paths[k] = write_file(fx, c->files[k].name, c->files[k].text,
					      strlen(c->files[k].text));
		want_file = c->in_file ? arena_printf(&fx->a, "%s/%s", fx->dir, c->in_file) :
					 paths[0];
		diag_init(&d, &fx->a);
		r = profile_validate_file(paths[0], &fx->cfg, false, &fx->a, &d);
		for (e = d.head; e; e = e->next) {
			if (e->severity == DIAG_ERROR && e->file &&
			    strcmp(e->file, want_file) == 0 && e->line == c->line &&
			    (c->column == 0 || e->column == c->column) &&
			    strstr(e->message, c->message) && (!c->caret || e->source))
				found = true;
		}
		if (r != -EINVAL || !found) {
			fprintf(stderr, "case '%s': r=%d, want %s:%u:%u '%s'\n", c->what, r,
				want_file, c->line, c->column, c->message);
			dump_diag(&d);
			fail();
		}
		for (k = 0; k < 3 && paths[k]; k++)
			unlink(paths[k]);
	}
}

/* Every error of a file in one run, not just the first. */
static void test_all_errors_reported(void **state)
{
	struct fixture *fx = *state;
	static const char text[] =
		"twtune: 1\nname: t\nfoo: 1\n"
		"settings:\n  net.ipv4.tcp_tw_reuse: 9\n  kernel.shmmax: 1\n"
		"rules:\n  - id: a\n    severity: bad\n    when: true\n    summary: s\n"
		"  - id: b\n    severity: info\n    when: tw.nope\n    summary: s\n";
	char *path = write_file(fx, "t.yaml", text, strlen(text));
	struct diag d;

	diag_init(&d, &fx->a);
	assert_int_equal(profile_validate_file(path, &fx->cfg, false, &fx->a, &d), -EINVAL);
	if (diag_errors(&d) < 5)
		dump_diag(&d);
	assert_true(diag_errors(&d) >= 5);
}

static void test_oversized(void **state)
{
	struct fixture *fx = *state;
	size_t len = PROFILE_MAX_FILE_SIZE + 100;
	char *text = malloc(len), *path;
	struct diag d;

	assert_non_null(text);
	memset(text, '#', len);
	memcpy(text, "twtune: 1\nname: t\n", 18);
	text[len - 1] = '\n';
	path = write_file(fx, "t.yaml", text, len);
	free(text);
	diag_init(&d, &fx->a);
	assert_int_equal(profile_validate_file(path, &fx->cfg, false, &fx->a, &d), -EINVAL);
	assert_non_null(d.head);
	assert_non_null(strstr(d.head->message, "profile is too large"));
}

static void test_too_many_rules(void **state)
{
	struct fixture *fx = *state;
	size_t cap = 64 * (PROFILE_MAX_RULES + 2), len;
	char *text = malloc(cap), *path;
	struct diag d;
	int i;

	assert_non_null(text);
	len = (size_t)snprintf(text, cap, "twtune: 1\nname: t\nrules:\n");
	for (i = 0; i <= PROFILE_MAX_RULES; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"  - {id: r%d, severity: info, when: 'true', summary: s}\n", i);
	path = write_file(fx, "t.yaml", text, len);
	free(text);
	diag_init(&d, &fx->a);
	assert_int_equal(profile_validate_file(path, &fx->cfg, false, &fx->a, &d), -EINVAL);
	assert_non_null(d.head);
	assert_int_equal(d.head->line, 4);
	assert_non_null(strstr(d.head->message, "too many rules (257, at most 256)"));
}

static void test_untrusted(void **state)
{
	struct fixture *fx = *state;
	static const char text[] = "twtune: 1\nname: t\n";
	char *path = write_file(fx, "t.yaml", text, strlen(text));
	struct profile *p = NULL;
	struct diag d;

	if (geteuid() != 0)
		skip();
	assert_int_equal(chmod(path, 0666), 0);
	diag_init(&d, &fx->a);
	assert_int_equal(profile_load(path, &fx->cfg, true, &fx->a, &d, &p), -EINVAL);
	assert_non_null(strstr(d.head->message, "refusing untrusted profile"));
	diag_init(&d, &fx->a);
	assert_int_equal(profile_load(path, &fx->cfg, false, &fx->a, &d, &p), 0);
}

static const char merge_base[] =
	"twtune: 1\nname: base\ndescription: the base\n"
	"thresholds:\n  x: 0.5\n  y: 10\n"
	"settings:\n  net.ipv4.tcp_tw_reuse: 2\n  net.ipv4.tcp_fin_timeout: 60\n"
	"rules:\n"
	"  - {id: r1, severity: info, when: 'tw.active > thresholds.y', summary: one}\n"
	"  - {id: r2, severity: warning, when: 'true', summary: two}\n"
	"  - {id: r3, severity: critical, when: 'false', summary: three}\n";
static const char merge_child[] =
	"twtune: 1\nname: child\nextends: [base]\ndisable: [r2]\n"
	"thresholds:\n  x: 0.8\n"
	"settings:\n"
	"  net.ipv4.tcp_fin_timeout: 30\n"
	"  net.ipv4.tcp_max_tw_buckets: { at_least: 262144 }\n"
	"  net.ipv4.ip_local_port_range: { value: '10240 65535', when: 'kernel.version >= \"4.6\"' }\n"
	"rules:\n"
	"  - id: r4\n    severity: info\n    when: tw.active > thresholds.x\n    summary: four\n"
	"  - id: r1\n    severity: critical\n    when: tw.active > 0\n    summary: one again\n";

static void test_merge(void **state)
{
	struct fixture *fx = *state;
	struct profile *p = NULL;
	struct diag d;
	bool found;
	char hex[SHA256_HEX_SIZE];

	write_file(fx, "base.yaml", merge_base, strlen(merge_base));
	write_file(fx, "child.yaml", merge_child, strlen(merge_child));
	diag_init(&d, &fx->a);
	if (profile_load("child", &fx->cfg, false, &fx->a, &d, &p) < 0) {
		dump_diag(&d);
		fail();
	}
	assert_string_equal(p->name, "child");
	assert_null(p->description);
	assert_int_equal(p->n_chain, 2);
	assert_string_equal(p->chain[0], "base");
	assert_string_equal(p->chain[1], "child");
	sha256_hex(merge_child, strlen(merge_child), hex);
	assert_string_equal(p->sha256, hex);

	/* settings: by key, sorted, child wins */
	assert_int_equal(p->n_settings, 4);
	assert_string_equal(p->settings[0].key, "net.ipv4.ip_local_port_range");
	assert_non_null(p->settings[0].when);
	assert_string_equal(p->settings[1].key, "net.ipv4.tcp_fin_timeout");
	assert_string_equal(p->settings[1].value, "30");
	assert_non_null(strstr(p->settings[1].file, "child.yaml"));
	assert_string_equal(p->settings[2].key, "net.ipv4.tcp_max_tw_buckets");
	assert_int_equal(p->settings[2].kind, SETTING_AT_LEAST);
	assert_string_equal(p->settings[3].key, "net.ipv4.tcp_tw_reuse");
	assert_string_equal(p->settings[3].value, "2");
	assert_non_null(strstr(p->settings[3].file, "base.yaml"));
	assert_non_null(profile_setting_find(p, "net.ipv4.tcp_tw_reuse"));
	assert_null(profile_setting_find(p, "net.ipv4.tcp_timestamps"));

	/* thresholds: by name */
	assert_true(profile_threshold(p, "x", &found) == 0.8 && found);
	assert_true(profile_threshold(p, "y", &found) == 10 && found);
	profile_threshold(p, "z", &found);
	assert_false(found);

	/* rules: r2 disabled, r1 overridden in place, r4 appended */
	assert_int_equal(p->n_rules, 3);
	assert_string_equal(p->rules[0].id, "r1");
	assert_int_equal(p->rules[0].severity, SEVERITY_CRITICAL);
	assert_string_equal(p->rules[0].summary_text, "one again");
	assert_int_equal(p->rules[0].line, 16);
	assert_non_null(strstr(p->rules[0].file, "child.yaml"));
	assert_string_equal(p->rules[1].id, "r3");
	assert_non_null(strstr(p->rules[1].file, "base.yaml"));
	assert_string_equal(p->rules[2].id, "r4");
	assert_null(profile_rule_find(p, "r2"));
}

/* A diamond (two parents sharing a grandparent) is not a cycle. */
static void test_diamond(void **state)
{
	struct fixture *fx = *state;
	static const char g[] = "twtune: 1\nname: g\nthresholds: {a: 1}\n";
	static const char l[] = "twtune: 1\nname: l\nextends: [g]\nthresholds: {b: 2}\n";
	static const char r[] = "twtune: 1\nname: r\nextends: [g]\nthresholds: {a: 3}\n";
	static const char top[] = "twtune: 1\nname: top\nextends: [l, r]\n";
	struct profile *p = NULL;
	struct diag d;
	bool found;

	write_file(fx, "g.yaml", g, strlen(g));
	write_file(fx, "l.yaml", l, strlen(l));
	write_file(fx, "r.yaml", r, strlen(r));
	write_file(fx, "top.yaml", top, strlen(top));
	diag_init(&d, &fx->a);
	if (profile_load("top", &fx->cfg, false, &fx->a, &d, &p) < 0) {
		dump_diag(&d);
		fail();
	}
	assert_true(profile_threshold(p, "a", &found) == 3 && found);
	assert_true(profile_threshold(p, "b", &found) == 2 && found);
	assert_int_equal(p->n_chain, 4);
	assert_string_equal(p->chain[0], "g");
	assert_string_equal(p->chain[3], "top");
}

static void test_not_found(void **state)
{
	struct fixture *fx = *state;
	struct profile *p = NULL;
	struct diag d;

	diag_init(&d, &fx->a);
	assert_int_equal(profile_load("nosuch", &fx->cfg, false, &fx->a, &d, &p), -ENOENT);
	assert_non_null(strstr(d.head->message, "profile 'nosuch' not found"));
}

static void test_list(void **state)
{
	struct fixture *fx = *state;
	static const char a[] = "twtune: 1\nname: a\ndescription: first\n";
	struct profile_info *list;
	char *dir2;
	size_t n;

	write_file(fx, "a.yaml", a, strlen(a));
	write_file(fx, "b.yml", "twtune: 1\nname: b\n", 18);
	dir2 = arena_printf(&fx->a, "%s/sub", fx->dir);
	assert_int_equal(mkdir(dir2, 0755), 0);
	write_file(fx, "sub/a.yaml", a, strlen(a));
	fx->cfg.profile_path[fx->cfg.n_profile_path++] = dir2;
	assert_int_equal(profile_list(&fx->cfg, &fx->a, &list, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(list[0].name, "a");
	assert_false(list[0].shadowed);
	assert_string_equal(list[0].description, "first");
	assert_string_equal(list[1].name, "a");
	assert_true(list[1].shadowed);
	assert_non_null(strstr(list[1].path, "/sub/a.yaml"));
	assert_string_equal(list[2].name, "b");
	assert_null(list[2].description);
}

struct sha_vector {
	const char *input;
	size_t repeat;
	const char *hex;
};

/* FIPS 180-4 examples (NIST CSRC) and the one-million-'a' vector. */
static const struct sha_vector sha_vectors[] = {
	{ "", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
	  "klmnopqrlmnopqrsmnopqrstnopqrstu", 1,
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	{ "a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
	{ "0123456701234567012345670123456701234567012345670123456701234567", 10,
	  "594847328451bdfa85056225462cc1d867d877fb388df0ce35f25ab5562bfbb5" },
};

static void test_sha256(void **state)
{
	size_t i, k, chunk;
	char hex[SHA256_HEX_SIZE];

	for (i = 0; i < sizeof(sha_vectors) / sizeof(sha_vectors[0]); i++) {
		const struct sha_vector *v = &sha_vectors[i];
		size_t len = strlen(v->input);
		uint8_t d[SHA256_DIGEST_SIZE];
		struct sha256 s;

		/* Fed in uneven pieces to cross block boundaries. */
		for (chunk = 1; chunk <= 67; chunk += 33) {
			sha256_init(&s);
			for (k = 0; k < v->repeat; k++) {
				size_t off = 0;

				while (off < len) {
					size_t n = len - off < chunk ? len - off : chunk;

					sha256_update(&s, v->input + off, n);
					off += n;
				}
			}
			sha256_final(&s, d);
			for (k = 0; k < SHA256_DIGEST_SIZE; k++)
				sprintf(hex + 2 * k, "%02x", d[k]);
			assert_string_equal(hex, v->hex);
		}
		if (v->repeat == 1) {
			sha256_hex(v->input, len, hex);
			assert_string_equal(hex, v->hex);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_errors, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_all_errors_reported, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_oversized, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_too_many_rules, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_untrusted, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_merge, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_diamond, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_not_found, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_list, fixture_setup, fixture_teardown),
		cmocka_unit_test(test_sha256),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
