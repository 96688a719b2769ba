/* Unit tests for apply's planning: key and value validation against the
 * real knowledge base, cross-key rules, no-op detection and fragment
 * rendering on a fixture root whose proc/sys is a plain directory tree. */
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
#include "plan.h"

static char root_dir[256];
static int root_fd = -1;

static void write_file(const char *rel, const char *content)
{
	assert_int_equal(tmptree_write(root_dir, rel, content), 0);
}

static int setup_root(void **state)
{
	if (tmptree_create("twtune-plan", root_dir, sizeof(root_dir)) < 0)
		return -1;
	root_fd = open(root_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return root_fd < 0 ? -1 : 0;
}

static int teardown_root(void **state)
{
	close(root_fd);
	return tmptree_remove(root_dir) == 0 ? 0 : -1;
}

static void test_validate_ok(void **state)
{
	const struct plan_setting in[] = {
		{ "net.ipv4.tcp_tw_reuse", "1" },
		{ "net/ipv4/tcp_fin_timeout", "010" },
		{ "net.ipv4.ip_local_port_range", "1024   65535" },
		{ "net.core.somaxconn", "4096" },
	};
	struct plan_item *items;
	struct arena a;
	struct diag d;
	size_t n;

	arena_init(&a);
	diag_init(&d, &a);
	assert_int_equal(plan_validate(in, 4, &a, &d, &items, &n), 0);
	assert_int_equal(n, 4);
	/* Sorted, canonical keys, kernel-form values. */
	assert_string_equal(items[0].key, "net.core.somaxconn");
	assert_string_equal(items[1].key, "net.ipv4.ip_local_port_range");
	assert_string_equal(items[1].value, "1024 65535");
	assert_string_equal(items[1].want, "1024\t65535");
	assert_string_equal(items[2].key, "net.ipv4.tcp_fin_timeout");
	assert_string_equal(items[2].value, "8");
	assert_non_null(items[2].kb);
	assert_int_equal(diag_errors(&d), 0);
	arena_release(&a);
}

static void test_validate_refused(void **state)
{
	static const struct {
		const char *key, *value, *id, *message;
	} cases[] = {
		{ "kernel.core_pattern", "|/tmp/x", "apply-not-net", "under 'net.'" },
		{ "kernel/core_pattern", "|/tmp/x", "apply-not-net", "kernel.core_pattern" },
		{ "net.ipv4.tcp_tw_resuse", "1", "apply-unknown-key", "did you mean 'net.ipv4.tcp_tw_reuse'" },
		{ "net.ipv4.no_such_thing_at_all", "1", "apply-unknown-key", "unknown key" },
		{ "net..ipv4.tcp_tw_reuse", "1", "apply-unsafe-key", "refusing key" },
		{ "net/ipv4/../../kernel/core_pattern", "x", "apply-unsafe-key", "'..'" },
		{ "net.ipv4.tcp_tw_reuse\n", "1", "apply-unsafe-key", "refusing key" },
		{ "NET.ipv4.tcp_tw_reuse", "1", "apply-unsafe-key", "refusing key" },
		{ "net.ipv4.tcp_fin_timeout", "30\nkernel.core_pattern = |x", "apply-bad-value", "newline" },
		{ "net.ipv4.tcp_fin_timeout", "30\r", "apply-bad-value", "newline" },
		{ "net.ipv4.tcp_tw_reuse", "3", "apply-bad-value", "invalid value" },
		{ "net.ipv4.tcp_fin_timeout", "08", "apply-bad-value", "invalid value" },
		{ "net.ipv4.ip_local_port_range", "60000 1024", "apply-bad-value", "invalid value" },
		{ "net.ipv4.tcp_ehash_entries", "1", "apply-read-only", "read-only" },
		{ "net.ipv4.tcp_fin_timeout", NULL, "apply-bad-value", "no value" },
	};
	struct plan_item *items;
	struct arena a;
	struct diag d;
	size_t i, n;

	arena_init(&a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct plan_setting in[] = {
			{ "net.ipv4.tcp_tw_reuse", "1" },
			{ cases[i].key, cases[i].value, "p.yaml", 7, 3 },
		};

		diag_init(&d, &a);
		if (plan_validate(in, 2, &a, &d, &items, &n) != -EINVAL)
			fail_msg("case %zu (%s) accepted", i, cases[i].key);
		assert_int_equal(diag_errors(&d), 1);
		assert_string_equal(d.head->id, cases[i].id);
		assert_string_equal(d.head->file, "p.yaml");
		assert_int_equal(d.head->line, 7);
		if (!strstr(d.head->message, cases[i].message))
			fail_msg("case %zu: '%s' lacks '%s'", i, d.head->message, cases[i].message);
	}
	/* The same key in two spellings. */
	{
		const struct plan_setting in[] = {
			{ "net.ipv4.tcp_fin_timeout", "30" },
			{ "net/ipv4/tcp_fin_timeout", "31" },
		};

		diag_init(&d, &a);
		assert_int_equal(plan_validate(in, 2, &a, &d, &items, &n), -EINVAL);
		assert_string_equal(d.head->id, "apply-duplicate");
	}
	arena_release(&a);
}

static void test_build(void **state)
{
	const struct plan_setting in[] = {
		{ "net.ipv4.tcp_fin_timeout", "30" },
		{ "net.ipv4.ip_local_port_range", "10240 65535" },
	};
	struct plan_options o = {
		.profile = "web", .profile_sha256 = "abc",
		.fragment_path = "/etc/sysctl.d/90-twtune.conf", .live = true,
		.next_generation = 4,
	};
	struct plan_item *items;
	struct apply_plan p;
	struct arena a;
	struct diag d;
	size_t n;
	unsigned gen;
	char path[512];

	arena_init(&a);
	diag_init(&d, &a);
	write_file("proc/sys/net/ipv4/tcp_fin_timeout", "60\n");
	write_file("proc/sys/net/ipv4/ip_local_port_range", "32768\t60999\n");
	write_file("proc/sys/net/ipv4/ip_unprivileged_port_start", "1024\n");
	assert_int_equal(plan_validate(in, 2, &a, &d, &items, &n), 0);

	/* Fresh host: everything changes, header names generation 4. */
	assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), 0);
	assert_true(p.changed);
	assert_true(p.fragment_change);
	assert_true(p.live_change);
	assert_false(p.old_present);
	assert_string_equal(p.items[0].live, "32768\t60999");
	assert_true(p.items[0].live_change);
	assert_int_equal(fragment_generation(p.new_bytes, p.new_len, &gen), 0);
	assert_int_equal(gen, 4);
	assert_non_null(strstr(p.new_bytes, "net.ipv4.ip_local_port_range = 10240 65535\n"
				       "net.ipv4.tcp_fin_timeout = 30\n"));

	/* Once written (live and fragment), it is a no-op even for a later
	 * generation number. */
	write_file("etc/sysctl.d/90-twtune.conf", p.new_bytes);
	write_file("proc/sys/net/ipv4/tcp_fin_timeout", "30\n");
	write_file("proc/sys/net/ipv4/ip_local_port_range", "10240\t65535\n");
	o.next_generation = 9;
	assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), 0);
	assert_false(p.changed);
	assert_false(p.fragment_change);
	/* A different profile hash changes the header: fragment changes. */
	o.profile_sha256 = "def";
	assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), 0);
	assert_true(p.fragment_change);
	assert_false(p.live_change);
	o.profile_sha256 = "abc";
	/* Live drift alone. */
	write_file("proc/sys/net/ipv4/tcp_fin_timeout", "31\n");
	assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), 0);
	assert_false(p.fragment_change);
	assert_true(p.live_change);
	/* --no-live ignores live drift. */
	o.live = false;
	assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), 0);
	assert_false(p.changed);
	o.live = true;

	/* A symlink at the fragment path. */
	snprintf(path, sizeof(path), "%s/etc/sysctl.d/90-twtune.conf", root_dir);
	unlink(path);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	diag_init(&d, &a);
	assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), -ELOOP);
	assert_string_equal(d.head->id, "apply-symlink");
	unlink(path);
	arena_release(&a);
}

static void test_build_cross_key(void **state)
{
	const struct plan_setting low[] = { { "net.ipv4.ip_local_port_range", "500 60999" } };
	const struct plan_setting both[] = {
		{ "net.ipv4.ip_local_port_range", "500 60999" },
		{ "net.ipv4.ip_unprivileged_port_start", "500" },
	};
	const struct plan_setting start[] = { { "net.ipv4.ip_unprivileged_port_start", "40000" } };
	const struct plan_setting absent[] = { { "net.ipv4.tcp_tw_reuse", "1" } };
	struct plan_options o = {
		.profile = "p", .profile_sha256 = "s",
		.fragment_path = "/etc/sysctl.d/90-twtune.conf", .live = true,
		.next_generation = 1,
	};
	struct plan_item *items;
	struct apply_plan p;
	struct arena a;
	struct diag d;
	size_t n;

	arena_init(&a);
	write_file("proc/sys/net/ipv4/ip_local_port_range", "32768\t60999\n");
	write_file("proc/sys/net/ipv4/ip_unprivileged_port_start", "1024\n");
	diag_init(&d, &a);
	assert_int_equal(plan_validate(low, 1, &a, &d, &items, &n), 0);
	assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), -EINVAL);
	assert_string_equal(d.head->id, "apply-cross-key");
	assert_non_null(strstr(d.head->message, "low end 500"));

	diag_init(&d, &a);
	assert_int_equal(plan_validate(both, 2, &a, &d, &items, &n), 0);
	assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), 0);
	/* The fragment writes the start first, so the boot accepts it. */
	assert_non_null(strstr(p.new_bytes, "net.ipv4.ip_unprivileged_port_start = 500\n"
				       "net.ipv4.ip_local_port_range = 500 60999\n"));

	diag_init(&d, &a);
	assert_int_equal(plan_validate(start, 1, &a, &d, &items, &n), 0);
	assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), -EINVAL);

	/* A key missing on this kernel: refused live, persisted with --no-live. */
	diag_init(&d, &a);
	assert_int_equal(plan_validate(absent, 1, &a, &d, &items, &n), 0);
	assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), -ENOENT);
	assert_string_equal(d.head->id, "apply-absent");
	o.live = false;
	assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), 0);
	assert_true(p.changed);
	assert_null(p.items[0].live);
	arena_release(&a);
}

static void test_shadowed(void **state)
{
	static const struct {
		const char *file, *content;
		bool shadowed;
		unsigned line;
		const char *value;
	} cases[] = {
		{ "usr/lib/sysctl.d/99-late.conf", "# c\n\nnet.ipv4.tcp_fin_timeout = 20\n", true, 3, "20" },
		{ "etc/sysctl.d/10-early.conf", "net.ipv4.tcp_fin_timeout = 20\n", false, 0, NULL },
		{ "run/sysctl.d/95-x.conf", "net/ipv4/tcp_fin_timeout=21\n", true, 1, "21" },
		{ "etc/sysctl.d/99-ex.conf", "-net.ipv4.tcp_fin_timeout\n", true, 1, NULL },
		{ "etc/sysctl.d/99-glob.conf", "net.ipv4.tcp_fin_*= 5\n", false, 0, NULL },
		{ "run/sysctl.d/90-twtune.conf", "net.ipv4.tcp_fin_timeout = 22\n", false, 0, NULL },
		{ "etc/sysctl.d/90-twtune.conf", "net.ipv4.tcp_fin_timeout = 30\n", false, 0, NULL },
	};
	const struct plan_setting in[] = { { "net.ipv4.tcp_fin_timeout", "30" } };
	struct plan_options o = {
		.profile = "p", .profile_sha256 = "s",
		.fragment_path = "/etc/sysctl.d/90-twtune.conf", .live = true,
		.next_generation = 1,
	};
	struct plan_item *items;
	struct apply_plan p;
	struct arena a;
	struct diag d;
	char path[512];
	size_t n, i;

	arena_init(&a);
	diag_init(&d, &a);
	write_file("proc/sys/net/ipv4/tcp_fin_timeout", "60\n");
	assert_int_equal(plan_validate(in, 1, &a, &d, &items, &n), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(cases[i].file, cases[i].content);
		assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), 0);
		assert_int_equal(plan_shadowed(root_fd, &o, &p, &a), 0);
		if (p.n_shadowed != (cases[i].shadowed ? 1 : 0))
			fail_msg("case %zu (%s): %zu shadowed", i, cases[i].file, p.n_shadowed);
		if (cases[i].shadowed) {
			assert_string_equal(p.shadowed[0].key, "net.ipv4.tcp_fin_timeout");
			snprintf(path, sizeof(path), "/%s", cases[i].file);
			assert_string_equal(p.shadowed[0].file, path);
			assert_int_equal(p.shadowed[0].line, cases[i].line);
			if (cases[i].value)
				assert_string_equal(p.shadowed[0].value, cases[i].value);
			else
				assert_null(p.shadowed[0].value);
		}
		snprintf(path, sizeof(path), "%s/%s", root_dir, cases[i].file);
		unlink(path);
	}
	/* A same-named file in /etc masks the later one. */
	write_file("usr/lib/sysctl.d/99-late.conf", "net.ipv4.tcp_fin_timeout = 20\n");
	snprintf(path, sizeof(path), "%s/etc/sysctl.d/99-late.conf", root_dir);
	assert_int_equal(symlink("/dev/null", path), 0);
	assert_int_equal(plan_build(root_fd, &o, items, n, &a, &d, &p), 0);
	assert_int_equal(plan_shadowed(root_fd, &o, &p, &a), 0);
	assert_int_equal(p.n_shadowed, 0);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate_ok),
		cmocka_unit_test(test_validate_refused),
		cmocka_unit_test_setup_teardown(test_build, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_build_cross_key, setup_root, teardown_root),
		cmocka_unit_test_setup_teardown(test_shadowed, setup_root, teardown_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
