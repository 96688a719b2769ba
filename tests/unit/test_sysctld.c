/* Unit tests for the sysctl.d model: SYSCTL.md section 8 (T1-T10 and the
 * extra cases) in both modes, on fixture trees built in a temporary
 * directory, plus parser details (columns, diagnostics, bounds). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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
#include "diag.h"
#include "rootfs.h"
#include "sysctld.h"

#define UNSET ((const char *)1)	/* no file sets the key */
#define EXCL ((const char *)2)	/* "-key" won: not written */

struct tfile {
	const char *path;
	const char *content;	/* NULL with link: a symlink */
	const char *link;
};

struct texpect {
	const char *key;
	const char *systemd;
	const char *procps;
};

struct tcase {
	const char *name;
	struct tfile files[8];
	struct texpect expect[8];
	/* rule ids that must appear among the diagnostics, ',' separated */
	const char *systemd_diag;
	const char *procps_diag;
};

static const struct tcase cases[] = {
	{ "T1 semicolon comments",
	  { { "etc/sysctl.d/10-a.conf",
	      "; net.ipv4.tcp_fin_timeout = 5\n;just a note\nnet.ipv4.tcp_fin_timeout = 25\n" } },
	  { { "net.ipv4.tcp_fin_timeout", "25", "25" } },
	  "semicolon-comment", NULL },
	{ "T2 dash and blank",
	  { { "etc/sysctl.d/10-a.conf", "- net.ipv4.tcp_fin_timeout = 21\n" } },
	  { { "net.ipv4.tcp_fin_timeout", "21", UNSET } },
	  "dash-blank", "dash-blank" },
	{ "T3 hidden file",
	  { { "etc/sysctl.d/.hidden.conf", "net.ipv4.tcp_keepalive_probes = 3\n" } },
	  { { "net.ipv4.tcp_keepalive_probes", UNSET, "3" } } },
	{ "T4a sysctl.conf with the Debian symlink",
	  { { "etc/sysctl.conf", "net.ipv4.tcp_fin_timeout = 44\n" },
	    { "etc/sysctl.d/99-sysctl.conf", NULL, "../sysctl.conf" },
	    { "usr/lib/sysctl.d/99-zzz.conf", "net.ipv4.tcp_fin_timeout = 55\n" } },
	  { { "net.ipv4.tcp_fin_timeout", "55", "44" } } },
	{ "T4b sysctl.conf without symlink",
	  { { "etc/sysctl.conf", "net.ipv4.tcp_fin_timeout = 44\n" },
	    { "usr/lib/sysctl.d/99-zzz.conf", "net.ipv4.tcp_fin_timeout = 55\n" } },
	  { { "net.ipv4.tcp_fin_timeout", "55", "44" } } },
	{ "T5 late negative match",
	  { { "etc/sysctl.d/10-a.conf", "net.ipv4.conf.lo.rp_filter = 1\n" },
	    { "etc/sysctl.d/20-b.conf", "-net.ipv4.conf.lo.rp_filter\n" } },
	  { { "net.ipv4.conf.lo.rp_filter", EXCL, "1" } } },
	{ "T6 glob and pattern exclusion",
	  { { "etc/sysctl.d/10-a.conf",
	      "net.ipv4.conf.[al]*.rp_filter = 2\n-net.ipv4.conf.l*.rp_filter\n" },
	    { "proc/sys/net/ipv4/conf/all/rp_filter", "0\n" },
	    { "proc/sys/net/ipv4/conf/default/rp_filter", "0\n" },
	    { "proc/sys/net/ipv4/conf/lo/rp_filter", "0\n" },
	    { "proc/sys/net/ipv4/conf/eth0/rp_filter", "0\n" } },
	  { { "net.ipv4.conf.all.rp_filter", "2", "2" },
	    { "net.ipv4.conf.lo.rp_filter", "2", "2" },
	    { "net.ipv4.conf.default.rp_filter", UNSET, UNSET },
	    { "net.ipv4.conf.eth0.rp_filter", UNSET, UNSET } } },
	{ "T8 values are passed verbatim",
	  { { "etc/sysctl.d/10-a.conf",
	      "net.ipv4.tcp_fin_timeout = 30 # c\nnet.ipv4.tcp_max_syn_backlog = 010\n"
	      "net.ipv4.tcp_keepalive_probes = 08\n" } },
	  { { "net.ipv4.tcp_fin_timeout", "30 # c", "30 # c" },
	    { "net.ipv4.tcp_max_syn_backlog", "010", "010" },
	    { "net.ipv4.tcp_keepalive_probes", "08", "08" } } },
	{ "T9 empty values",
	  { { "etc/sysctl.d/10-a.conf", "net.ipv4.ip_local_reserved_ports = 8080,9000-9001\n" },
	    { "etc/sysctl.d/20-b.conf", "net.ipv4.ip_local_reserved_ports =\n" },
	    { "etc/sysctl.d/30-c.conf", "net.ipv4.tcp_fin_timeout =\n" } },
	  { { "net.ipv4.ip_local_reserved_ports", "", "" },
	    { "net.ipv4.tcp_fin_timeout", "", "" } } },
	{ "T10 ignore failure",
	  { { "etc/sysctl.d/10-a.conf",
	      "-net.ipv4.tcp_fin_timeout = bogus\n-no.such.key = 1\n" } },
	  { { "net.ipv4.tcp_fin_timeout", "bogus", "bogus" },
	    { "no.such.key", "1", "1" } } },
	{ "line without '='",
	  { { "etc/sysctl.d/10-a.conf", "net.ipv4.tcp_fin_timeout\n" } },
	  { { "net.ipv4.tcp_fin_timeout", UNSET, UNSET } },
	  "not-assignment", "not-assignment" },
	{ "trailing separator",
	  { { "etc/sysctl.d/10-a.conf", "net.ipv4.tcp_fin_timeout. = 14\n" } },
	  { { "net.ipv4.tcp_fin_timeout", "14", UNSET } },
	  NULL, "trailing-separator" },
	{ "dot and slash spellings",
	  { { "etc/sysctl.d/10-a.conf",
	      "net.ipv4.tcp_fin_timeout = 11\nnet/ipv4/tcp_fin_timeout = 12\n" } },
	  { { "net.ipv4.tcp_fin_timeout", "12", "12" },
	    { "net/ipv4/tcp_fin_timeout", "12", "12" } } },
	{ "same basename: lower file ignored entirely",
	  { { "usr/lib/sysctl.d/50-x.conf",
	      "net.ipv4.tcp_fin_timeout = 1\nnet.ipv4.tcp_syn_retries = 2\n" },
	    { "etc/sysctl.d/50-x.conf", "net.ipv4.tcp_fin_timeout = 3\n" } },
	  { { "net.ipv4.tcp_fin_timeout", "3", "3" },
	    { "net.ipv4.tcp_syn_retries", UNSET, UNSET } } },
	{ "CRLF line endings",
	  { { "etc/sysctl.d/10-a.conf",
	      "# c\r\nnet.ipv4.tcp_fin_timeout = 33\r\n-net.ipv4.conf.lo.rp_filter\r\n" } },
	  { { "net.ipv4.tcp_fin_timeout", "33", "33" },
	    { "net.ipv4.conf.lo.rp_filter", EXCL, EXCL } } },
	{ "mask with /dev/null",
	  { { "usr/lib/sysctl.d/50-x.conf", "net.ipv4.tcp_fin_timeout = 7\n" },
	    { "etc/sysctl.d/50-x.conf", NULL, "/dev/null" } },
	  { { "net.ipv4.tcp_fin_timeout", UNSET, UNSET } } },
	{ "mask with an empty file",
	  { { "usr/lib/sysctl.d/50-x.conf", "net.ipv4.tcp_fin_timeout = 7\n" },
	    { "run/sysctl.d/50-x.conf", "" } },
	  { { "net.ipv4.tcp_fin_timeout", UNSET, UNSET } } },
	{ "dangling symlink masks (systemd) or fails (procps)",
	  { { "usr/lib/sysctl.d/50-x.conf", "net.ipv4.tcp_fin_timeout = 7\n" },
	    { "etc/sysctl.d/50-x.conf", NULL, "/nonexistent" } },
	  { { "net.ipv4.tcp_fin_timeout", UNSET, UNSET } },
	  "dangling-symlink", "unreadable" },
	{ "byte-order sort by basename across directories",
	  { { "etc/sysctl.d/9-x.conf", "net.ipv4.tcp_fin_timeout = 9\n" },
	    { "usr/lib/sysctl.d/10-x.conf", "net.ipv4.tcp_fin_timeout = 10\n" },
	    { "etc/sysctl.d/a.conf", "net.ipv4.tcp_syn_retries = 4\n" },
	    { "usr/local/lib/sysctl.d/A.conf", "net.ipv4.tcp_syn_retries = 3\n" },
	    { "etc/sysctl.d/x.conf.bak", "net.ipv4.tcp_keepalive_time = 1\n" } },
	  { { "net.ipv4.tcp_fin_timeout", "9", "9" },
	    { "net.ipv4.tcp_syn_retries", "4", "4" },
	    { "net.ipv4.tcp_keepalive_time", UNSET, UNSET } } },
	{ "procps also reads /lib/sysctl.d",
	  { { "lib/sysctl.d/20-l.conf", "net.ipv4.tcp_syn_retries = 5\n" } },
	  { { "net.ipv4.tcp_syn_retries", UNSET, "5" } } },
	{ "explicit key beats a glob in any order; '-key' shields from globs",
	  { { "etc/sysctl.d/10-a.conf",
	      "net.ipv4.conf.lo.rp_filter = 1\nnet.ipv4.conf.*.rp_filter = 2\n"
	      "-net.ipv4.conf.eth0.rp_filter\n" },
	    { "proc/sys/net/ipv4/conf/all/rp_filter", "0\n" },
	    { "proc/sys/net/ipv4/conf/lo/rp_filter", "0\n" },
	    { "proc/sys/net/ipv4/conf/eth0/rp_filter", "0\n" } },
	  { { "net.ipv4.conf.lo.rp_filter", "1", "1" },
	    { "net.ipv4.conf.all.rp_filter", "2", "2" },
	    { "net.ipv4.conf.eth0.rp_filter", EXCL, EXCL } } },
	{ "assignment after '-key' is written",
	  { { "etc/sysctl.d/10-a.conf",
	      "-net.ipv4.tcp_fin_timeout\nnet.ipv4.tcp_fin_timeout = 5\n" } },
	  { { "net.ipv4.tcp_fin_timeout", "5", "5" } } },
	{ "first '=' splits, blanks kept inside values",
	  { { "etc/sysctl.d/10-a.conf",
	      "  a.b  =  c = d  \nnet.ipv4.ip_local_port_range =\t20000\t  50001 \n" } },
	  { { "a.b", "c = d", "c = d" },
	    { "net.ipv4.ip_local_port_range", "20000\t  50001", "20000\t  50001" } } },
	{ "lone CR and NUL end a line for systemd only",
	  { { "etc/sysctl.d/10-a.conf", "a.b = 1\rc.d = 2\n" } },
	  { { "a.b", "1", "1\rc.d = 2" },
	    { "c.d", "2", UNSET } } },
	{ "empty key",
	  { { "etc/sysctl.d/10-a.conf", "= 5\n" } },
	  { { "net.ipv4.tcp_fin_timeout", UNSET, UNSET } },
	  "empty-key", "empty-key" },
	{ "one-character lines: procps skips silently",
	  { { "etc/sysctl.d/10-a.conf", "x\n" } },
	  { { "x", UNSET, UNSET } },
	  "not-assignment", NULL },
	{ "read-only and unknown keys are still resolved",
	  { { "etc/sysctl.d/10-a.conf", "net.ipv4.tcp_ehash_entries = 5\n" } },
	  { { "net.ipv4.tcp_ehash_entries", "5", "5" } } },
};

static char *make_tree(const struct tcase *c)
{
	char tmpl[] = "/tmp/twtune-sysctld.XXXXXX", *root, *path, *p;
	const struct tfile *f;
	size_t i;
	int fd;

	root = mkdtemp(tmpl);
	assert_non_null(root);
	root = strdup(root);
	for (i = 0; i < 8 && c->files[i].path; i++) {
		f = &c->files[i];
		assert_true(asprintf(&path, "%s/%s", root, f->path) > 0);
		for (p = strchr(path + strlen(root) + 1, '/'); p; p = strchr(p + 1, '/')) {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
		if (!f->content) {
			assert_int_equal(symlink(f->link, path), 0);
		} else {
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			assert_true(fd >= 0);
			assert_int_equal(fd_write_all(fd, f->content, strlen(f->content)), 0);
			close(fd);
		}
		free(path);
	}
	return root;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_tree(char *root)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

static bool has_diag(const struct diag *d, const char *id)
{
	const struct diag_entry *e;

	for (e = d->head; e; e = e->next)
		if (e->id && strcmp(e->id, id) == 0)
			return true;
	return false;
}

static void check_diag_ids(const struct diag *d, const char *ids, const char *name)
{
	char buf[256], *tok, *save = NULL;

	if (!ids)
		return;
	snprintf(buf, sizeof(buf), "%s", ids);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!has_diag(d, tok))
			fail_msg("%s: expected diagnostic '%s'", name, tok);
}

static void run_case(const struct tcase *c, enum sysctld_mode mode)
{
	const char *want, *got;
	const struct sysctld_key *k;
	struct sysctld_result *res;
	struct arena a;
	struct diag d;
	char *root;
	int fd;
	size_t i;

	root = make_tree(c);
	arena_init(&a);
	diag_init(&d, &a);
	assert_int_equal(root_dir_open(root, &fd), 0);
	assert_int_equal(sysctld_resolve(fd, mode, &a, &d, &res), 0);
	for (i = 0; i < 8 && c->expect[i].key; i++) {
		want = mode == SYSCTLD_SYSTEMD ? c->expect[i].systemd : c->expect[i].procps;
		k = sysctld_lookup(res, c->expect[i].key);
		got = !k ? UNSET : !k->value ? EXCL : k->value;
		if (want == UNSET || want == EXCL || got == UNSET || got == EXCL) {
			if (want != got)
				fail_msg("%s (%s): key '%s': want %s, got %s", c->name,
					 mode == SYSCTLD_SYSTEMD ? "systemd" : "procps",
					 c->expect[i].key,
					 want == UNSET ? "unset" : want == EXCL ? "excluded" : want,
					 got == UNSET ? "unset" : got == EXCL ? "excluded" : got);
		} else if (strcmp(want, got) != 0) {
			fail_msg("%s (%s): key '%s': want '%s', got '%s'", c->name,
				 mode == SYSCTLD_SYSTEMD ? "systemd" : "procps",
				 c->expect[i].key, want, got);
		}
	}
	check_diag_ids(&d, mode == SYSCTLD_SYSTEMD ? c->systemd_diag : c->procps_diag,
		       c->name);
	close(fd);
	arena_release(&a);
	remove_tree(root);
}

static void test_cases(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_case(&cases[i], SYSCTLD_SYSTEMD);
		run_case(&cases[i], SYSCTLD_PROCPS);
	}
}

static size_t key_index(const struct sysctld_result *r, const char *key)
{
	const struct sysctld_key *k = sysctld_lookup(r, key);

	assert_non_null(k);
	return (size_t)(k - r->keys);
}

/* T7: the order of writes decides whether the range write succeeds. */
static void test_t7_order(void **state)
{
	static const char *const third[] = { "800 61001", "800 60999" };
	struct tcase c = { "T7",
		{ { "etc/sysctl.d/10-range.conf", "net.ipv4.ip_local_port_range = 800 60999\n" },
		  { "etc/sysctl.d/20-priv.conf", "net.ipv4.ip_unprivileged_port_start = 800\n" },
		  { "etc/sysctl.d/30-range-again.conf", NULL } } };
	const struct sysctld_key *k;
	struct sysctld_result *res;
	char buf[128], *root;
	struct arena a;
	int v, m, fd;

	for (v = 0; v < 2; v++)
		for (m = 0; m < 2; m++) {
			snprintf(buf, sizeof(buf), "net.ipv4.ip_local_port_range = %s\n", third[v]);
			c.files[2].content = buf;
			root = make_tree(&c);
			arena_init(&a);
			assert_int_equal(root_dir_open(root, &fd), 0);
			assert_int_equal(sysctld_resolve(fd, m ? SYSCTLD_PROCPS : SYSCTLD_SYSTEMD,
							 &a, NULL, &res), 0);
			k = sysctld_lookup(res, "net.ipv4.ip_local_port_range");
			assert_string_equal(k->value, third[v]);
			if (m == 0 && v == 1) {
				/* identical value: keeps the first position */
				assert_true(key_index(res, "net.ipv4.ip_local_port_range") <
					    key_index(res, "net.ipv4.ip_unprivileged_port_start"));
				assert_string_equal(k->source->file,
						    "/etc/sysctl.d/10-range.conf");
				assert_int_equal(k->n_repeats, 1);
				assert_int_equal(k->n_overridden, 0);
			} else {
				assert_true(key_index(res, "net.ipv4.ip_local_port_range") >
					    key_index(res, "net.ipv4.ip_unprivileged_port_start"));
				assert_string_equal(k->source->file,
						    "/etc/sysctl.d/30-range-again.conf");
				assert_int_equal(k->n_overridden, 1);
				assert_string_equal(k->overridden[0]->file,
						    "/etc/sysctl.d/10-range.conf");
			}
			close(fd);
			arena_release(&a);
			remove_tree(root);
		}
}

/* Parser details: columns, flags, masks, comments, bounds. */
static void test_parse_columns(void **state)
{
	static const char buf[] = "\t- net.ipv4.tcp_fin_timeout =  30\n-x.y\n  a/b.c=1\n";
	struct sysctld_file f;
	struct arena a;
	struct diag d;

	arena_init(&a);
	diag_init(&d, &a);
	assert_int_equal(sysctld_parse(buf, sizeof(buf) - 1, "/etc/sysctl.d/x.conf",
				       SYSCTLD_SYSTEMD, &a, &d, &f), 0);
	assert_string_equal(f.name, "x.conf");
	assert_int_equal(f.n_lines, 3);
	assert_string_equal(f.lines[0].key, "net.ipv4.tcp_fin_timeout");
	assert_string_equal(f.lines[0].path, "net/ipv4/tcp_fin_timeout");
	assert_int_equal(f.lines[0].key_column, 4);
	assert_int_equal(f.lines[0].value_column, 32);
	assert_true(f.lines[0].ignore_failure);
	assert_null(f.lines[1].value);
	assert_false(f.lines[1].ignore_failure);
	assert_string_equal(f.lines[1].path, "x/y");
	assert_int_equal(f.lines[1].value_column, 0);
	assert_int_equal(f.lines[2].line, 3);
	assert_string_equal(f.lines[2].path, "a/b.c");
	assert_int_equal(f.lines[2].key_column, 3);
	arena_release(&a);
}

static void test_parse_bounds(void **state)
{
	struct sysctld_file f;
	struct arena a;
	struct diag d;
	size_t len = SYSCTLD_MAX_LINE + 100, i;
	char *buf = malloc(len + 64);

	/* a line over 1 MiB stops the file for systemd, not for procps */
	strcpy(buf, "a.b = 1\n");
	for (i = 8; i < len; i++)
		buf[i] = 'x';
	memcpy(buf + len, "\nc.d = 2\n", 9);
	arena_init(&a);
	diag_init(&d, &a);
	assert_int_equal(sysctld_parse(buf, len + 9, "f", SYSCTLD_SYSTEMD, &a, &d, &f), 0);
	assert_int_equal(f.n_lines, 1);
	assert_true(has_diag(&d, "line-too-long"));
	diag_init(&d, &a);
	assert_int_equal(sysctld_parse(buf, len + 9, "f", SYSCTLD_PROCPS, &a, &d, &f), 0);
	assert_int_equal(f.n_lines, 2);
	/* a key too long for a path is refused with a diagnostic */
	diag_init(&d, &a);
	memset(buf, 'k', 600);
	memcpy(buf + 600, "=1\n", 3);
	assert_int_equal(sysctld_parse(buf, 603, "f", SYSCTLD_SYSTEMD, &a, &d, &f), 0);
	assert_int_equal(f.n_lines, 0);
	assert_true(has_diag(&d, "invalid-key"));
	/* ".." is reported, and still modelled */
	diag_init(&d, &a);
	assert_int_equal(sysctld_parse("net/../x = 1\n", 13, "f", SYSCTLD_SYSTEMD, &a, &d, &f), 0);
	assert_true(has_diag(&d, "invalid-key"));
	/* NUL bytes: systemd ends the line, procps ends the C string */
	diag_init(&d, &a);
	assert_int_equal(sysctld_parse("a.b = 1\0c.d = 2\n", 16, "f", SYSCTLD_SYSTEMD,
				       &a, &d, &f), 0);
	assert_int_equal(f.n_lines, 2);
	assert_int_equal(sysctld_parse("a.b = 1\0c.d = 2\n", 16, "f", SYSCTLD_PROCPS,
				       &a, &d, &f), 0);
	assert_int_equal(f.n_lines, 1);
	assert_string_equal(f.lines[0].value, "1");
	/* an empty buffer is an empty file */
	assert_int_equal(sysctld_parse(NULL, 0, "f", SYSCTLD_SYSTEMD, &a, &d, &f), 0);
	assert_int_equal(f.n_lines, 0);
	free(buf);
	arena_release(&a);
}

/* Files in application order, masks and shadows recorded. */
static void test_tree_files(void **state)
{
	static const struct tcase c = { "files",
		{ { "usr/lib/sysctl.d/50-x.conf", "a.b = 1\n" },
		  { "etc/sysctl.d/50-x.conf", NULL, "/dev/null" },
		  { "run/sysctl.d/10-y.conf", "a.b = 2\n" },
		  { "etc/sysctl.d/.h.conf", "a.b = 3\n" },
		  { "etc/sysctl.d/notconf", "a.b = 4\n" } } };
	struct sysctld_result *res;
	struct arena a;
	char *root;
	int fd;

	root = make_tree(&c);
	arena_init(&a);
	assert_int_equal(root_dir_open(root, &fd), 0);
	assert_int_equal(sysctld_resolve(fd, SYSCTLD_SYSTEMD, &a, NULL, &res), 0);
	assert_int_equal(res->n_files, 2);
	assert_string_equal(res->files[0].path, "/run/sysctl.d/10-y.conf");
	assert_string_equal(res->files[1].path, "/etc/sysctl.d/50-x.conf");
	assert_true(res->files[1].masked);
	assert_string_equal(res->files[1].shadows, "/usr/lib/sysctl.d/50-x.conf");
	assert_int_equal(res->n_keys, 1);
	assert_string_equal(res->keys[0].key, "a.b");
	assert_string_equal(res->keys[0].value, "2");
	arena_release(&a);
	assert_int_equal(sysctld_resolve(fd, SYSCTLD_PROCPS, &a, NULL, &res), 0);
	assert_int_equal(res->n_files, 3);
	assert_string_equal(res->files[0].path, "/etc/sysctl.d/.h.conf");
	assert_string_equal(sysctld_lookup(res, "a/b")->value, "2");
	close(fd);
	arena_release(&a);
	remove_tree(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_t7_order),
		cmocka_unit_test(test_parse_columns),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_tree_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
