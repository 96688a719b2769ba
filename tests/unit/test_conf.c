/* Unit tests for twtune.conf loading: a good file, every kind of error with
 * its exact line:column, size limit, missing files, trust check. */
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

#include "arena.h"
#include "conf.h"
#include "diag.h"

struct fixture {
	char dir[64];
	char path[128];
	struct arena a;
	struct diag d;
	struct conf c;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/twtune-test-conf.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/twtune.conf", f->dir);
	arena_init(&f->a);
	diag_init(&f->d, &f->a);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->dir);
	arena_release(&f->a);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* Loads text; returns conf_load's result. */
static int load(struct fixture *f, const char *text)
{
	write_file(f->path, text, 0644);
	diag_init(&f->d, &f->a);
	memset(&f->c, 0, sizeof(f->c));
	return conf_load(f->path, true, true, &f->a, &f->d, &f->c);
}

/* Diagnostics as "line:col id: message" lines, in order. */
static const char *diag_text(struct fixture *f)
{
	static char buf[4096];
	const struct diag_entry *e;
	size_t o = 0;

	buf[0] = '\0';
	for (e = f->d.head; e; e = e->next)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%u:%u %s: %s\n", e->line,
				      e->column, e->id ? e->id : "-", e->message);
	return buf;
}

static void test_good(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f,
		"# site settings\n"
		"default_profile: web-proxy\n"
		"profile_path:\n"
		"  - /srv/twtune/profiles\n"
		"  - \"/etc/twtune/profiles\"\n"
		"fragment: /run/sysctl.d/95-tw.conf\n"
		"state_dir: /var/lib/twtune-test\n"), 0);
	assert_null(f->d.head);
	assert_string_equal(f->c.path, f->path);
	assert_string_equal(f->c.default_profile, "web-proxy");
	assert_int_equal(f->c.n_profile_path, 2);
	assert_string_equal(f->c.profile_path[0], "/srv/twtune/profiles");
	assert_string_equal(f->c.profile_path[1], "/etc/twtune/profiles");
	assert_string_equal(f->c.fragment, "/run/sysctl.d/95-tw.conf");
	assert_string_equal(f->c.state_dir, "/var/lib/twtune-test");
}

static void test_partial_keeps_defaults(void **state)
{
	struct fixture *f = *state;
	struct conf def;

	conf_defaults(&def);
	assert_int_equal(load(f, "fragment: /etc/sysctl.d/80-tw.conf\n"), 0);
	assert_string_equal(f->c.fragment, "/etc/sysctl.d/80-tw.conf");
	assert_string_equal(f->c.default_profile, def.default_profile);
	assert_string_equal(f->c.state_dir, def.state_dir);
	assert_int_equal(f->c.n_profile_path, def.n_profile_path);

	/* empty file, only comments, a bare "---": all defaults */
	assert_int_equal(load(f, ""), 0);
	assert_string_equal(f->c.fragment, def.fragment);
	assert_int_equal(load(f, "# nothing\n"), 0);
	assert_int_equal(load(f, "---\n"), 0);
	assert_null(f->d.head);
}

static void test_installed_file(void **state)
{
	struct fixture *f = *state;
	const char *src = getenv("TWTUNE_SRCDIR");
	char path[4096];

	if (!src)
		skip();
	snprintf(path, sizeof(path), "%s/etc/twtune.conf", src);
	diag_init(&f->d, &f->a);
	assert_int_equal(conf_load(path, true, false, &f->a, &f->d, &f->c), 0);
	assert_null(f->d.head);
	assert_string_equal(f->c.default_profile, "default");
	assert_string_equal(f->c.fragment, "/etc/sysctl.d/90-twtune.conf");
	assert_string_equal(f->c.state_dir, "/var/lib/twtune");
}

static const struct {
	const char *text;
	int ret;
	const char *diags;
} error_cases[] = {
	{
		/* every error of the file at once */
		"default_profile: web-proxy\n"
		"fragmnet: /etc/sysctl.d/x.conf\n"
		"state_dir: var/lib/twtune\n"
		"default_profile: other\n"
		"profile_path: /etc/x\n"
		"fragment: /etc/other/x.conf\n"
		"colour: [a, b]\n"
		"fragment: {a: b}\n",
		-EINVAL,
		"2:1 conf-unknown-key: unknown setting 'fragmnet' (did you mean 'fragment'?)\n"
		"3:12 conf-value: state_dir 'var/lib/twtune' must be an absolute path\n"
		"4:1 conf-duplicate: duplicate setting 'default_profile' (first set on line 1)\n"
		"5:15 conf-type: 'profile_path' must be a list of directories, not a string\n"
		"6:11 conf-value: fragment '/etc/other/x.conf' must be in /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d or /usr/lib/sysctl.d\n"
		"7:1 conf-unknown-key: unknown setting 'colour' (known: default_profile, profile_path, fragment, state_dir)\n"
		"8:1 conf-duplicate: duplicate setting 'fragment' (first set on line 6)\n"
		"8:11 conf-type: 'fragment' must be a string, not a mapping\n",
	},
	{
		"fragment: /etc/sysctl.d/.hidden.conf\n"
		"state_dir: /var/lib/../tmp\n"
		"default_profile: ../etc/passwd\n",
		-EINVAL,
		"1:11 conf-value: fragment '/etc/sysctl.d/.hidden.conf' must not be a hidden file (systemd-sysctl ignores those)\n"
		"2:12 conf-value: state_dir '/var/lib/../tmp' must not contain '..'\n"
		"3:18 conf-value: default_profile '../etc/passwd' must not start with '.' or '-'\n",
	},
	{
		"fragment: /etc/sysctl.d/90-twtune.txt\n",
		-EINVAL,
		"1:11 conf-value: fragment '/etc/sysctl.d/90-twtune.txt' must name a file ending in '.conf'\n",
	},
	{
		"fragment: /etc/sysctl.d/sub/90-twtune.conf\n",
		-EINVAL,
		"1:11 conf-value: fragment '/etc/sysctl.d/sub/90-twtune.conf' must be in /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d or /usr/lib/sysctl.d\n",
	},
	{
		"fragment:\n"
		"default_profile: a b\n",
		-EINVAL,
		"1:10 conf-type: 'fragment' is empty (expected a string)\n"
		"2:18 conf-value: default_profile 'a b' may contain only letters, digits, '_', '-' and '.'\n",
	},
	{
		"profile_path:\n"
		"  - relative/dir\n"
		"  - [nested]\n"
		"  - /ok\n",
		-EINVAL,
		"2:5 conf-value: profile_path entry 'relative/dir' must be an absolute path\n"
		"3:5 conf-type: 'profile_path' entries must be directory paths, not a list\n",
	},
	{
		"profile_path: []\n",
		-EINVAL,
		"1:15 conf-value: 'profile_path' must list at least one directory\n",
	},
	{
		"profile_path: [/1, /2, /3, /4, /5, /6, /7, /8, /9, /10, /11, /12, /13, /14, /15, /16, /17, /18]\n",
		-EINVAL,
		"1:87 conf-value: 'profile_path' has more than 16 entries\n",
	},
	{
		/* a YAML syntax error after a semantic one: both reported */
		"state_dir: relative\n"
		"default_profile: [unclosed\n"
		"fragment: /etc/sysctl.d/x.conf\n",
		-EINVAL,
		"1:12 conf-value: state_dir 'relative' must be an absolute path\n"
		"2:18 conf-type: 'default_profile' must be a string, not a list\n"
		"3:9 conf-syntax: invalid YAML: did not find expected ',' or ']' while parsing a flow sequence\n",
	},
	{
		"default_profile: \"abc\n",
		-EINVAL,
		"2:1 conf-syntax: invalid YAML: found unexpected end of stream while scanning a quoted scalar\n",
	},
	{
		"state_dir: /x\n"
		"\tfragment: y\n",
		-EINVAL,
		"2:1 conf-syntax: invalid YAML: found a tab character that violates indentation while scanning a plain scalar\n",
	},
	{
		"- default_profile: x\n",
		-EINVAL,
		"1:1 conf-type: the file must be a mapping of settings (key: value), not a list\n",
	},
	{
		"just a string\n",
		-EINVAL,
		"1:1 conf-type: the file must be a mapping of settings (key: value), not a string\n",
	},
	{
		"default_profile: a\n"
		"---\n"
		"default_profile: b\n",
		-EINVAL,
		"2:1 conf-syntax: more than one YAML document\n",
	},
	{
		"? [a]\n"
		": b\n"
		"state_dir: /ok\n",
		-EINVAL,
		"1:3 conf-type: setting names must be strings, not a list\n",
	},
};

static void test_errors(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		int r = load(f, error_cases[i].text);
		const char *got = diag_text(f);

		if (r != error_cases[i].ret || strcmp(got, error_cases[i].diags) != 0)
			fail_msg("case %zu: returned %d, diagnostics:\n%s--- want %d:\n%s", i,
				 r, got, error_cases[i].ret, error_cases[i].diags);
	}
}

static void test_deep_nesting(void **state)
{
	struct fixture *f = *state;
	char text[512];
	size_t o;
	int i;

	o = (size_t)snprintf(text, sizeof(text), "colour: ");
	for (i = 0; i < 100; i++)
		text[o++] = '[';
	for (i = 0; i < 100; i++)
		text[o++] = ']';
	text[o++] = '\n';
	text[o] = '\0';
	assert_int_equal(load(f, text), -EINVAL);
	assert_non_null(strstr(diag_text(f), "1:73 conf-syntax: nesting deeper than 64 levels\n"));
}

static void test_too_large(void **state)
{
	struct fixture *f = *state;
	char *text = malloc(70000);

	assert_non_null(text);
	memset(text, '#', 69999);
	text[69999] = '\0';
	assert_int_equal(load(f, text), -EFBIG);
	free(text);
	assert_string_equal(diag_text(f),
			    "0:0 conf-too-large: file is too large (69999 bytes, limit 65536)\n");
}

static void test_missing(void **state)
{
	struct fixture *f = *state;
	struct conf def;
	char path[160];

	snprintf(path, sizeof(path), "%s/absent.conf", f->dir);
	conf_defaults(&def);
	memset(&f->c, 0, sizeof(f->c));
	assert_int_equal(conf_load(path, false, true, &f->a, &f->d, &f->c), 0);
	assert_null(f->c.path);
	assert_string_equal(f->c.fragment, def.fragment);
	assert_int_equal(f->c.n_profile_path, def.n_profile_path);
	assert_int_equal(conf_load(path, true, true, &f->a, &f->d, &f->c), -ENOENT);
	assert_null(f->d.head);
	/* a directory is not a config file */
	assert_int_equal(conf_load(f->dir, true, true, &f->a, &f->d, &f->c), -EINVAL);
	assert_non_null(strstr(diag_text(f), "not a regular file"));
}

static void test_untrusted(void **state)
{
	struct fixture *f = *state;

	if (geteuid() != 0)
		skip();
	write_file(f->path, "default_profile: evil\n", 0666);
	diag_init(&f->d, &f->a);
	assert_int_equal(conf_load(f->path, true, true, &f->a, &f->d, &f->c), -EPERM);
	assert_string_equal(diag_text(f),
		"0:0 conf-untrusted: refusing to read config that is writable by everyone (mode 0666) (fix its owner/mode, or use --allow-untrusted)\n");
	/* group-writable too */
	assert_int_equal(chmod(f->path, 0664), 0);
	diag_init(&f->d, &f->a);
	assert_int_equal(conf_load(f->path, true, true, &f->a, &f->d, &f->c), -EPERM);
	/* --allow-untrusted */
	diag_init(&f->d, &f->a);
	assert_int_equal(conf_load(f->path, true, false, &f->a, &f->d, &f->c), 0);
	assert_string_equal(f->c.default_profile, "evil");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_keeps_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_installed_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deep_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untrusted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
