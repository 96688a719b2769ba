/* Unit tests for apply's transactional core: udiff, fragment rendering and
 * atomic writes, the journal format, the lock, commit/restore on a fixture
 * root whose proc/sys is a plain directory tree, and rollback targets. */
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
#include "diag.h"
#include "fragment.h"
#include "journal.h"
#include "lock.h"
#include "rollback.h"
#include "rootfs.h"
#include "txn.h"
#include "udiff.h"

/* ---- helpers: a temporary root tree ---------------------------------- */

static char root_dir[256];
static int root_fd = -1;

static void write_file(const char *rel, const char *content)
{
	assert_int_equal(tmptree_write(root_dir, rel, content), 0);
}

static char *read_rel(struct arena *a, const char *rel)
{
	char *buf = NULL;
	int r;

	r = root_read_file(root_fd, rel, 1 << 20, a, &buf, NULL);
	return r < 0 ? NULL : buf;
}

static int setup_root(void **state)
{
	if (tmptree_create("twtune-unit", root_dir, sizeof(root_dir)) < 0)
		return -1;
	root_fd = open(root_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return root_fd < 0 ? -1 : 0;
}

static int teardown_root(void **state)
{
	close(root_fd);
	root_fd = -1;
	return tmptree_remove(root_dir) == 0 ? 0 : -1;
}

/* ---- udiff ------------------------------------------------------------ */

static void test_udiff(void **state)
{
	static const struct {
		const char *a, *b, *want;
	} cases[] = {
		{ "x\n", "x\n", "" },
		{ NULL, NULL, "" },
		{ NULL, "a\nb\n", "--- /dev/null\n+++ B\n@@ -0,0 +1,2 @@\n+a\n+b\n" },
		{ "a\n", NULL, "--- A\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n" },
		{ "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n",
		  "--- A\n+++ B\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n" },
		{ "a\nb", "a\nb\n",
		  "--- A\n+++ B\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n" },
		/* Two changes far apart: two hunks. */
		{ "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
		  "X\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\nY\n",
		  "--- A\n+++ B\n@@ -1,4 +1,4 @@\n-1\n+X\n 2\n 3\n 4\n"
		  "@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+Y\n" },
		/* Insertion in the middle. */
		{ "a\nb\n", "a\nnew\nb\n", "--- A\n+++ B\n@@ -1,2 +1,3 @@\n a\n+new\n b\n" },
		{ "", "", "" },
		{ "", "a\n", "--- A\n+++ B\n@@ -0,0 +1 @@\n+a\n" },
	};
	struct arena a;
	size_t i;
	char *d;

	arena_init(&a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(udiff(cases[i].a, cases[i].a ? strlen(cases[i].a) : 0, "A",
				       cases[i].b, cases[i].b ? strlen(cases[i].b) : 0, "B",
				       &a, &d), 0);
		if (strcmp(d, cases[i].want) != 0)
			fail_msg("case %zu:\n%s---want---\n%s", i, d, cases[i].want);
	}
	arena_release(&a);
}

static void test_udiff_bounds(void **state)
{
	size_t n = (UDIFF_MAX_LINES + 1) * 2, i;
	char *big = malloc(n + 1), *d;
	struct arena a;

	assert_non_null(big);
	for (i = 0; i < n; i += 2) {
		big[i] = 'x';
		big[i + 1] = '\n';
	}
	big[n] = '\0';
	arena_init(&a);
	assert_int_equal(udiff("a\n", 2, "A", big, n, "B", &a, &d), -E2BIG);
	/* Many lines within the bound: still a diff. */
	big[n / 2 & ~(size_t)1] = 'y';
	assert_int_equal(udiff(big, n - 4, "A", big + 2, n - 4, "B", &a, &d), 0);
	assert_non_null(strstr(d, "@@"));
	arena_release(&a);
	free(big);
}

/* ---- fragment --------------------------------------------------------- */

static void test_fragment_names(void **state)
{
	static const struct {
		const char *name;
		bool ok;
	} names[] = {
		{ "90-twtune.conf", true }, { "A_b.c-1.conf", true },
		{ ".conf", false }, { ".hidden.conf", false }, { "x.conf.bak", false },
		{ "a/b.conf", false }, { "../x.conf", false }, { "x y.conf", false },
		{ "x.CONF", false }, { "x\n.conf", false }, { "", false },
	};
	static const struct {
		const char *path;
		bool ok;
	} paths[] = {
		{ "/etc/sysctl.d/90-twtune.conf", true },
		{ "etc/sysctl.d/90-twtune.conf", false },
		{ "/etc/../x/90-twtune.conf", false },
		{ "/etc/./sysctl.d/90-twtune.conf", false },
		{ "/etc/sysctl.d/", false },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (fragment_name_valid(names[i].name) != names[i].ok)
			fail_msg("name '%s'", names[i].name);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (fragment_path_valid(paths[i].path) != paths[i].ok)
			fail_msg("path '%s'", paths[i].path);
}

static void test_fragment_render(void **state)
{
	const struct fragment_entry e[] = {
		{ "net.ipv4.tcp_tw_reuse", "1" },
		{ "net.core.somaxconn", "4096" },
		{ "net.ipv4.ip_local_port_range", "10240 65535" },
	};
	const char *want =
		"# Written by twtune. Do not edit: the next 'twtune apply' replaces this\n"
		"# file and 'twtune rollback' restores what was here before.\n"
		"# profile: web?proxy\n"
		"# profile-sha256: abc\n"
		"# generation: 7\n"
		"net.core.somaxconn = 4096\n"
		"net.ipv4.ip_local_port_range = 10240 65535\n"
		"net.ipv4.tcp_tw_reuse = 1\n";
	const struct fragment_entry bad[] = { { "net.x", "1\nkernel.core_pattern = |x" } };
	struct arena a;
	unsigned gen;
	size_t len;
	char *buf;

	arena_init(&a);
	assert_int_equal(fragment_render("web\nproxy", "abc", 7, e, 3, &a, &buf, &len), 0);
	assert_string_equal(buf, want);
	assert_int_equal(len, strlen(want));
	assert_int_equal(fragment_generation(buf, len, &gen), 0);
	assert_int_equal(gen, 7);
	assert_int_equal(fragment_render("p", "s", 1, bad, 1, &a, &buf, &len), -EINVAL);
	assert_int_equal(fragment_generation("net.x = 1\n", 10, &gen), -ENOENT);
	assert_int_equal(fragment_render("p", "s", 0, NULL, 0, &a, &buf, &len), 0);
	arena_release(&a);
}

static void test_fragment_write(void **state)
{
	const char *path = "/etc/sysctl.d/90-twtune.conf";
	char link[512], target[512];
	struct arena a;
	bool present;
	size_t len;
	char *buf;
	struct stat st;

	arena_init(&a);
	/* Absent directory and file: absent, no error. */
	assert_int_equal(fragment_read(root_fd, path, &a, &present, &buf, &len), 0);
	assert_false(present);
	/* Written: parents created, mode 0644, no temp file left. */
	assert_int_equal(fragment_write(root_fd, path, "a = 1\n", 6), 0);
	assert_int_equal(fragment_read(root_fd, path, &a, &present, &buf, &len), 0);
	assert_true(present);
	assert_int_equal(len, 6);
	assert_memory_equal(buf, "a = 1\n", 6);
	snprintf(target, sizeof(target), "%s%s", root_dir, path);
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	/* Replaced. */
	assert_int_equal(fragment_write(root_fd, path, "b = 2\n", 6), 0);
	assert_string_equal(read_rel(&a, path), "b = 2\n");
	/* A stale temp file of a killed run is cleaned. */
	write_file("etc/sysctl.d/.90-twtune.conf.twtune-abcdef", "junk");
	write_file("etc/sysctl.d/.other.conf.twtune-abcdef", "keep");
	fragment_clean_temp(root_fd, path);
	assert_null(read_rel(&a, "etc/sysctl.d/.90-twtune.conf.twtune-abcdef"));
	assert_non_null(read_rel(&a, "etc/sysctl.d/.other.conf.twtune-abcdef"));
	/* Removed; removing again is fine. */
	assert_int_equal(fragment_write(root_fd, path, NULL, 0), 0);
	assert_int_equal(fragment_read(root_fd, path, &a, &present, &buf, &len), 0);
	assert_false(present);
	assert_int_equal(fragment_write(root_fd, path, NULL, 0), 0);

	/* A symlink at the path is refused for reading and writing, and
	 * what it points to is untouched. */
	write_file("victim", "precious\n");
	snprintf(link, sizeof(link), "%s%s", root_dir, path);
	assert_int_equal(symlink("../../victim", link), 0);
	assert_int_equal(fragment_read(root_fd, path, &a, &present, &buf, &len), -ELOOP);
	assert_int_equal(fragment_write(root_fd, path, "x = 1\n", 6), -ELOOP);
	assert_int_equal(fragment_write(root_fd, path, NULL, 0), -ELOOP);
	assert_string_equal(read_rel(&a, "victim"), "precious\n");
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	unlink(link);
	/* A directory there: refused. */
	assert_int_equal(mkdir(link, 0755), 0);
	assert_int_equal(fragment_write(root_fd, path, "x = 1\n", 6), -EINVAL);
	rmdir(link);
	assert_int_equal(fragment_write(root_fd, "relative/x.conf", "x", 1), -EINVAL);
	arena_release(&a);
}

/* ---- journal ---------------------------------------------------------- */

static struct journal sample_journal(struct journal_fragment *f,
				     struct journal_key *k)
{
	f[0] = (struct journal_fragment){
		.path = "/etc/sysctl.d/90-twtune.conf",
		.old_present = false,
		.new_present = true,
		.new_bytes = "# x\nnet.ipv4.tcp_fin_timeout = 30\n\n",
		.new_len = 35,
	};
	f[1] = (struct journal_fragment){
		.path = "/etc/sysctl.d/80-other.conf",
		.old_present = true,
		.old_bytes = "no newline at end",
		.old_len = 17,
		.new_present = true,
		.new_bytes = "",
		.new_len = 0,
	};
	k[0] = (struct journal_key){ "net.ipv4.tcp_fin_timeout", "60", "30" };
	k[1] = (struct journal_key){ "net.ipv4.ip_local_port_range", "32768\t60999",
				     "10240 65535" };
	k[2] = (struct journal_key){ "net.ipv4.ip_local_reserved_ports", "", "a\\b\x01" };
	return (struct journal){
		.generation = 12,
		.op = JOURNAL_APPLY,
		.time = 1763780000,
		.profile = "web proxy\n\\",
		.profile_sha256 = "0123abcd",
		.netns = "blue",
		.fragments = f,
		.n_fragments = 2,
		.keys = k,
		.n_keys = 3,
	};
}

static void test_journal_roundtrip(void **state)
{
	struct journal_fragment f[2];
	struct journal_key k[3];
	struct journal j = sample_journal(f, k), p;
	struct arena a;
	struct diag d;
	size_t len, i;
	char *buf, *more;

	arena_init(&a);
	diag_init(&d, &a);
	assert_int_equal(journal_serialize(&j, &a, &buf, &len), 0);
	assert_int_equal(journal_parse(buf, len, "12.journal", &a, &d, &p), 0);
	assert_int_equal(p.generation, 12);
	assert_int_equal(p.op, JOURNAL_APPLY);
	assert_int_equal(p.time, 1763780000);
	assert_string_equal(p.profile, j.profile);
	assert_string_equal(p.profile_sha256, "0123abcd");
	assert_string_equal(p.netns, "blue");
	assert_int_equal(p.status, JOURNAL_BEGUN);
	assert_int_equal(p.n_fragments, 2);
	for (i = 0; i < 2; i++) {
		assert_string_equal(p.fragments[i].path, f[i].path);
		assert_int_equal(p.fragments[i].old_present, f[i].old_present);
		assert_int_equal(p.fragments[i].new_present, f[i].new_present);
		assert_int_equal(p.fragments[i].old_len, f[i].old_len);
		assert_int_equal(p.fragments[i].new_len, f[i].new_len);
		if (f[i].old_present)
			assert_memory_equal(p.fragments[i].old_bytes, f[i].old_bytes, f[i].old_len);
		assert_memory_equal(p.fragments[i].new_bytes, f[i].new_bytes, f[i].new_len);
	}
	assert_int_equal(p.n_keys, 3);
	for (i = 0; i < 3; i++) {
		assert_string_equal(p.keys[i].key, k[i].key);
		assert_string_equal(p.keys[i].old_value, k[i].old_value);
		assert_string_equal(p.keys[i].new_value, k[i].new_value);
	}

	/* Status lines: the last complete one wins; a cut last line does
	 * not count. */
	more = arena_printf(&a, "%sstatus fragment-written\nstatus failed 22 net.ipv4.x\nstatus comm",
			    buf);
	if (journal_parse(more, strlen(more), "12.journal", &a, &d, &p) != 0)
		fail_msg("%s:%u: %s", d.head->file, d.head->line, d.head->message);
	assert_int_equal(p.status, JOURNAL_FAILED);
	assert_int_equal(p.fail_errno, 22);
	assert_string_equal(p.fail_key, "net.ipv4.x");
	assert_int_equal(diag_errors(&d), 0);

	/* A rollback record. */
	j = (struct journal){ .generation = 3, .op = JOURNAL_ROLLBACK, .time = 5, .rollback_to = 2 };
	assert_int_equal(journal_serialize(&j, &a, &buf, &len), 0);
	assert_int_equal(journal_parse(buf, len, "3.journal", &a, &d, &p), 0);
	assert_int_equal(p.op, JOURNAL_ROLLBACK);
	assert_int_equal(p.rollback_to, 2);
	assert_null(p.profile);
	arena_release(&a);
}

static void test_journal_truncated(void **state)
{
	struct journal_fragment f[2];
	struct journal_key k[3];
	struct journal j = sample_journal(f, k), p;
	struct arena a;
	struct diag d;
	size_t len, cut, base_len;
	char *buf;
	int r;

	arena_init(&a);
	assert_int_equal(journal_serialize(&j, &a, &buf, &len), 0);
	base_len = len;		/* ends with "status begun\n" */
	/* Every proper prefix is an error naming the file. */
	for (cut = 0; cut < base_len; cut++) {
		diag_init(&d, &a);
		r = journal_parse(buf, cut, "/var/lib/twtune/generations/12.journal",
				  &a, &d, &p);
		if (r != -EBADMSG)
			fail_msg("prefix of %zu bytes parsed (%d)", cut, r);
		assert_non_null(d.head);
		assert_string_equal(d.head->file, "/var/lib/twtune/generations/12.journal");
	}
	arena_release(&a);
}

static void test_journal_corrupt(void **state)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "hello\n", "not a twtune journal" },
		{ "twtune-journal 1\ngeneration x\n", "invalid number" },
		{ "twtune-journal 1\ngeneration 1\nop frob\n", "unknown op" },
		{ "twtune-journal 1\ngeneration 1\nop apply\ntime 1\nweird\nend\nstatus begun\n",
		  "unknown line" },
		{ "twtune-journal 1\ngeneration 1\nop apply\ntime 1\nfragment /etc/sysctl.d/x.conf\n"
		  "old 100\nshort\nend\nstatus begun\n", "truncated" },
		{ "twtune-journal 1\ngeneration 1\nop apply\ntime 1\nfragment ../x.conf\n",
		  "invalid fragment path" },
		{ "twtune-journal 1\ngeneration 1\nop apply\ntime 1\nkey a\nold \\x0\nnew 1\nend\n",
		  "escape" },
		{ "twtune-journal 1\ngeneration 1\nop apply\ntime 1\nend\nstatus begun\nstatus bogus\n",
		  "unknown status" },
		{ "twtune-journal 1\ngeneration 1\nop apply\ntime 1\nend\nstatus begun\nstatus failed x y\n",
		  "invalid number" },
		{ "twtune-journal 1\ngeneration 2\nop rollback\ntime 1\nend\nstatus begun\n",
		  "rollback-to" },
		{ "twtune-journal 1\ngeneration 1\nop apply\ntime 1\nend\n", "status begun" },
	};
	struct arena a;
	struct diag d;
	struct journal p;
	size_t i;

	arena_init(&a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		diag_init(&d, &a);
		if (journal_parse(cases[i].text, strlen(cases[i].text), "f.journal", &a, &d,
				  &p) != -EBADMSG)
			fail_msg("case %zu parsed", i);
		assert_non_null(d.head);
		assert_string_equal(d.head->file, "f.journal");
		if (!strstr(d.head->message, cases[i].message))
			fail_msg("case %zu: '%s' lacks '%s'", i, d.head->message, cases[i].message);
	}
	arena_release(&a);
}

static void test_journal_files(void **state)
{
	struct journal_fragment f[2];
	struct journal_key k[3];
	struct journal j = sample_journal(f, k), *js;
	struct arena a;
	struct diag d;
	unsigned max, gen;
	struct stat st;
	char path[512];
	size_t n;
	int sfd;

	arena_init(&a);
	diag_init(&d, &a);
	/* No state directory: nothing unfinished, nothing created. */
	assert_int_equal(journal_unfinished(root_fd, "/var/lib/twtune", &a, &d, &gen), 0);
	assert_int_equal(journal_open_state(root_fd, "/var/lib/twtune", false, &sfd), -ENOENT);
	assert_int_equal(journal_open_state(root_fd, "/var/lib/twtune", true, &sfd), 0);
	snprintf(path, sizeof(path), "%s/var/lib/twtune", root_dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);

	j.generation = 1;
	assert_int_equal(journal_create(sfd, &j, &a), 0);
	assert_int_equal(journal_create(sfd, &j, &a), -EEXIST);
	snprintf(path, sizeof(path), "%s/var/lib/twtune/generations/1.journal", root_dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(journal_unfinished(root_fd, "/var/lib/twtune", &a, &d, &gen), 1);
	assert_int_equal(gen, 1);
	assert_int_equal(journal_set_status(sfd, 1, JOURNAL_FRAGMENT_WRITTEN, 0, NULL), 0);
	assert_int_equal(journal_set_status(sfd, 1, JOURNAL_COMMITTED, 0, NULL), 0);
	assert_int_equal(journal_unfinished(root_fd, "/var/lib/twtune", &a, &d, &gen), 0);

	j.generation = 2;
	assert_int_equal(journal_create(sfd, &j, &a), 0);
	assert_int_equal(journal_set_status(sfd, 2, JOURNAL_FAILED, EINVAL,
					    "net.ipv4.ip_local_port_range"), 0);
	/* A corrupt file is reported by name and still counts for numbering. */
	write_file("var/lib/twtune/generations/7.journal", "garbage\n");
	write_file("var/lib/twtune/generations/notes.txt", "ignored\n");
	assert_int_equal(journal_list(sfd, "/var/lib/twtune", &a, &d, &js, &n, &max), 0);
	assert_int_equal(n, 2);
	assert_int_equal(max, 7);
	assert_int_equal(js[0].status, JOURNAL_COMMITTED);
	assert_int_equal(js[1].status, JOURNAL_FAILED);
	assert_int_equal(js[1].fail_errno, EINVAL);
	assert_string_equal(js[1].fail_key, "net.ipv4.ip_local_port_range");
	assert_int_equal(diag_errors(&d), 1);
	assert_string_equal(d.head->file, "/var/lib/twtune/generations/7.journal");
	diag_init(&d, &a);
	assert_int_equal(journal_unfinished(root_fd, "/var/lib/twtune", &a, &d, &gen), -EBADMSG);
	close(sfd);
	arena_release(&a);
}

/* ---- lock ------------------------------------------------------------- */

static void test_lock(void **state)
{
	int sfd, l1, l2;

	assert_int_equal(journal_open_state(root_fd, "/var/lib/lk", true, &sfd), 0);
	assert_int_equal(lock_acquire(sfd, 0, &l1), 0);
	/* Another open file description conflicts even in this process. */
	assert_int_equal(lock_acquire(sfd, 0, &l2), -EAGAIN);
	assert_int_equal(lock_acquire(sfd, 50, &l2), -EAGAIN);
	lock_release(l1);
	assert_int_equal(lock_acquire(sfd, 0, &l2), 0);
	lock_release(l2);
	lock_release(-1);
	close(sfd);
}

/* ---- txn on a fixture root --------------------------------------------- */

static void test_txn(void **state)
{
	const char *fpath = "/etc/sysctl.d/90-twtune.conf";
	struct journal_fragment f = {
		.path = fpath, .old_present = true, .old_bytes = "old\n", .old_len = 4,
		.new_present = true, .new_bytes = "new\n", .new_len = 4,
	};
	struct txn_key keys[3] = {
		{ "net.ipv4.tcp_fin_timeout", "30", "30", "60" },
		{ "net.ipv4.tcp_tw_reuse", "1", "1", "2" },
		{ "net.ipv4.tcp_zzz", "5", "5", "0" },
	};
	struct txn t = {
		.op = JOURNAL_APPLY, .profile = "p", .profile_sha256 = "s",
		.fragments = &f, .n_fragments = 1, .keys = keys, .n_keys = 2,
	};
	struct txn_result res;
	struct journal *js;
	struct arena a;
	struct diag d;
	unsigned max;
	size_t n;
	int sfd;
	char p[512];

	arena_init(&a);
	diag_init(&d, &a);
	write_file("proc/sys/net/ipv4/tcp_fin_timeout", "60\n");
	write_file("proc/sys/net/ipv4/tcp_tw_reuse", "2\n");
	write_file("etc/sysctl.d/90-twtune.conf", "old\n");
	assert_int_equal(journal_open_state(root_fd, "/var/lib/tx", true, &sfd), 0);

	assert_int_equal(txn_commit(root_fd, sfd, 1, &t, &a, &res), 0);
	assert_int_equal(res.generation, 1);
	assert_string_equal(read_rel(&a, "proc/sys/net/ipv4/tcp_fin_timeout"), "30\n");
	assert_string_equal(read_rel(&a, "proc/sys/net/ipv4/tcp_tw_reuse"), "1\n");
	assert_string_equal(read_rel(&a, fpath), "new\n");

	/* Failure half-way: the third key cannot be written (a directory
	 * stands where the file would be); the first two and the fragment
	 * come back. */
	snprintf(p, sizeof(p), "%s/proc/sys/net/ipv4/tcp_zzz", root_dir);
	assert_int_equal(mkdir(p, 0755), 0);
	keys[0] = (struct txn_key){ "net.ipv4.tcp_fin_timeout", "20", "20", "30" };
	keys[1] = (struct txn_key){ "net.ipv4.tcp_tw_reuse", "0", "0", "1" };
	f = (struct journal_fragment){ .path = fpath, .old_present = true, .old_bytes = "new\n",
				       .old_len = 4, .new_present = false };
	t.n_keys = 3;
	assert_int_equal(txn_commit(root_fd, sfd, 2, &t, &a, &res), -EISDIR);
	assert_string_equal(res.error_key, "net.ipv4.tcp_zzz");
	assert_string_equal(res.error_step, "write");
	assert_true(res.restored);
	assert_string_equal(read_rel(&a, "proc/sys/net/ipv4/tcp_fin_timeout"), "30\n");
	assert_string_equal(read_rel(&a, "proc/sys/net/ipv4/tcp_tw_reuse"), "1\n");
	assert_string_equal(read_rel(&a, fpath), "new\n");

	/* Read back differs from what was asked: verify failure, restored. */
	keys[0] = (struct txn_key){ "net.ipv4.tcp_fin_timeout", "20", "21", "30" };
	t.n_keys = 1;
	assert_int_equal(txn_commit(root_fd, sfd, 3, &t, &a, &res), -EIO);
	assert_string_equal(res.error_step, "verify");
	assert_string_equal(res.error_got, "20");
	assert_string_equal(read_rel(&a, "proc/sys/net/ipv4/tcp_fin_timeout"), "30\n");
	assert_string_equal(read_rel(&a, fpath), "new\n");

	assert_int_equal(journal_list(sfd, "/var/lib/tx", &a, &d, &js, &n, &max), 0);
	assert_int_equal(n, 3);
	assert_int_equal(js[0].status, JOURNAL_COMMITTED);
	assert_int_equal(js[1].status, JOURNAL_FAILED);
	assert_int_equal(js[1].fail_errno, EISDIR);
	assert_string_equal(js[1].fail_key, "net.ipv4.tcp_zzz");
	assert_int_equal(js[2].status, JOURNAL_FAILED);
	/* Generation 2 recorded the old value of every key it meant to touch. */
	assert_int_equal(js[1].n_keys, 3);
	assert_string_equal(js[1].keys[0].old_value, "30");
	assert_int_equal(js[1].fragments[0].new_present, false);
	close(sfd);
	arena_release(&a);
}

static void test_txn_order(void **state)
{
	static const struct {
		const char *range_new, *unpriv_before, *unpriv_new;
		bool range_first;
	} cases[] = {
		/* new low 500 < current start 1024: lower the start first */
		{ "500 60999", "1024", "400", false },
		/* new low 2000 >= current start: range first, then raise start */
		{ "2000 60999", "1024", "1500", true },
		{ "2000 60999", "3000", "1500", false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct txn_key k[3] = {
			{ "net.ipv4.tcp_fin_timeout", "30", "30", "60" },
			{ "net.ipv4.ip_unprivileged_port_start", cases[i].unpriv_new,
			  cases[i].unpriv_new, cases[i].unpriv_before },
			{ "net.ipv4.ip_local_port_range", cases[i].range_new, cases[i].range_new,
			  "32768 60999" },
		};

		txn_order_keys(k, 3);
		assert_string_equal(k[2].key, "net.ipv4.tcp_fin_timeout");
		assert_string_equal(k[cases[i].range_first ? 0 : 1].key,
				    "net.ipv4.ip_local_port_range");
	}
	assert_true(txn_value_equal("1024\t65535", "1024 65535"));
	assert_true(txn_value_equal(" 1 ", "1"));
	assert_true(txn_value_equal("", "  "));
	assert_false(txn_value_equal("1", "10"));
	assert_false(txn_value_equal("1 2", "12"));
	assert_false(txn_value_equal("1", ""));
}

/* ---- rollback targets ------------------------------------------------ */

static void test_rollback_target(void **state)
{
	struct journal_fragment f1 = { .path = "/etc/sysctl.d/90-twtune.conf",
				       .old_present = false, .new_present = true,
				       .new_bytes = "A", .new_len = 1 };
	struct journal_fragment f2 = { .path = "/etc/sysctl.d/90-twtune.conf",
				       .old_present = true, .old_bytes = "A", .old_len = 1,
				       .new_present = true, .new_bytes = "B", .new_len = 1 };
	struct journal_key k1[] = { { "a", "0", "1" } };
	struct journal_key k2[] = { { "a", "1", "2" }, { "b", "5", "6" } };
	struct journal js[4] = {
		{ .generation = 1, .op = JOURNAL_APPLY, .fragments = &f1, .n_fragments = 1,
		  .keys = k1, .n_keys = 1, .status = JOURNAL_COMMITTED },
		{ .generation = 2, .op = JOURNAL_APPLY, .fragments = &f2, .n_fragments = 1,
		  .keys = k2, .n_keys = 2, .status = JOURNAL_COMMITTED },
	};
	struct rollback_target t;
	struct arena a;
	unsigned to;

	arena_init(&a);
	assert_int_equal(rollback_pick(js, 2, &to), 0);
	assert_int_equal(to, 2);
	assert_int_equal(rollback_target(js, 2, 1, &a, &t), 0);
	/* Before generation 1: no fragment, a=0; b as before generation 2. */
	assert_int_equal(t.n_fragments, 1);
	assert_false(t.fragments[0].old_present);
	assert_int_equal(t.n_keys, 2);
	assert_string_equal(t.keys[0].key, "a");
	assert_string_equal(t.keys[0].old_value, "0");
	assert_string_equal(t.keys[1].old_value, "5");
	assert_int_equal(rollback_target(js, 2, 2, &a, &t), 0);
	assert_string_equal(t.keys[0].old_value, "1");
	assert_memory_equal(t.fragments[0].old_bytes, "A", 1);
	assert_int_equal(rollback_target(js, 2, 9, &a, &t), -ENOENT);

	/* Generation 3 rolled back generation 2: the next plain rollback
	 * undoes generation 1. */
	js[2] = (struct journal){ .generation = 3, .op = JOURNAL_ROLLBACK, .rollback_to = 2,
				  .status = JOURNAL_COMMITTED };
	js[1].rolled_back_by = 3;
	assert_int_equal(rollback_pick(js, 3, &to), 0);
	assert_int_equal(to, 1);
	/* An unfinished rollback to 1 is completed first. */
	js[3] = (struct journal){ .generation = 4, .op = JOURNAL_ROLLBACK, .rollback_to = 1,
				  .status = JOURNAL_FRAGMENT_WRITTEN };
	assert_int_equal(rollback_pick(js, 4, &to), 0);
	assert_int_equal(to, 1);
	assert_int_equal(rollback_pick(js, 0, &to), -ENOENT);
	js[3].netns = "blue";
	assert_int_equal(rollback_target(js, 4, 1, &a, &t), -EXDEV);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udiff),
		cmocka_unit_test(test_udiff_bounds),
		cmocka_unit_test(test_fragment_names),
		cmocka_unit_test(test_fragment_render),
		cmocka_unit_test_setup_teardown(test_fragment_write, setup_root, teardown_root),
		cmocka_unit_test(test_journal_roundtrip),
		cmocka_unit_test(test_journal_truncated),
		cmocka_unit_test(test_journal_corrupt),
		cmocka_unit_test_setup_teardown(test_journal_files, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_lock, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_txn, setup_root, teardown_root),
		cmocka_unit_test(test_txn_order),
		cmocka_unit_test(test_rollback_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
