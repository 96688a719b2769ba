/* Unit tests for the core utilities: arena, diag, json, kversion, procsys
 * key spelling, rootfs. */
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
#include "json.h"
#include "kversion.h"
#include "procsys.h"
#include "rootfs.h"
#include "strbuf.h"

static void test_arena(void **state)
{
	struct arena a;
	char *s, *big;
	int i;

	arena_init(&a);
	s = arena_strdup(&a, "hello");
	assert_string_equal(s, "hello");
	assert_string_equal(arena_printf(&a, "%d-%s", 42, "x"), "42-x");
	big = arena_alloc(&a, 1 << 20);
	assert_non_null(big);
	big[(1 << 20) - 1] = 1;
	for (i = 0; i < 10000; i++)
		assert_non_null(arena_alloc(&a, 100));
	assert_string_equal(s, "hello");
	assert_null(arena_calloc(&a, SIZE_MAX / 2, 4));
	arena_release(&a);
	arena_release(&a);
}

static void test_arena_grow(void **state)
{
	struct arena a;
	int *v = NULL;
	size_t n = 0, cap = 0, i;

	arena_init(&a);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(ARENA_GROW(&a, v, n, cap, 4), 0);
		assert_true(n < cap);
		v[n++] = (int)i;
	}
	assert_int_equal(cap, 1024);
	for (i = 0; i < n; i++)
		assert_int_equal(v[i], (int)i);
	/* room left: nothing moves */
	n = 10;
	assert_int_equal(ARENA_GROW(&a, v, n, cap, 4), 0);
	assert_int_equal(cap, 1024);
	/* a size that cannot be allocated leaves the array as it was */
	{
		char *big = NULL;
		size_t bn = 1, bcap = 1;

		big = arena_alloc(&a, 1);
		assert_int_equal(arena_grow_array(&a, &big, bn, &bcap, SIZE_MAX / 2, 1), -ENOMEM);
		assert_int_equal(bcap, 1);
	}
	arena_release(&a);
}

static void test_diag_sort(void **state)
{
	struct arena a;
	struct diag d;
	const struct diag_entry *e;

	arena_init(&a);
	diag_init(&d, &a);
	diag_add(&d, DIAG_ERROR, "b.conf", 3, 1, "x", NULL, "third");
	diag_add(&d, DIAG_WARNING, "a.conf", 9, 2, NULL, "k", "first %d", 1);
	diag_add(&d, DIAG_INFO, "b.conf", 1, 1, NULL, NULL, "second");
	diag_add(&d, DIAG_ERROR, "b.conf", 3, 1, NULL, NULL, "fourth");
	assert_int_equal(diag_errors(&d), 2);
	diag_sort(&d);
	e = d.head;
	assert_string_equal(e->message, "first 1");
	assert_string_equal(e->next->message, "second");
	assert_string_equal(e->next->next->message, "third");
	assert_string_equal(e->next->next->next->message, "fourth");
	assert_null(e->next->next->next->next);
	arena_release(&a);
}

static char *json_render(void (*fn)(struct json *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f, false);
	fn(&j);
	fclose(f);
	return buf;
}

static void json_doc(struct json *j)
{
	json_object_begin(j);
	json_kv_int(j, "schema", 1);
	json_kv_string(j, "s", "a\"b\\c\n\x01\xff\xc3\xa9");
	json_key(j, "list");
	json_array_begin(j);
	json_uint(j, 18446744073709551615ULL);
	json_double(j, 0.5);
	json_double(j, 3.0);
	json_null(j);
	json_bool(j, true);
	json_array_end(j);
	json_key(j, "empty");
	json_object_begin(j);
	json_object_end(j);
	json_kv_string(j, "n", NULL);
	json_object_end(j);
}

static void test_json(void **state)
{
	char *s = json_render(json_doc);

	assert_string_equal(s, "{\"schema\":1,\"s\":\"a\\\"b\\\\c\\n\\u0001\\ufffd\xc3\xa9\","
			       "\"list\":[18446744073709551615,0.5,3,null,true],\"empty\":{},\"n\":null}");
	free(s);
}

static void test_kversion(void **state)
{
	static const struct {
		const char *in;
		int r;
		unsigned a, b, c;
	} cases[] = {
		{ "6.18.44-fc-v769", 0, 6, 18, 44 },
		{ "3.10.0-1160.el7.x86_64", 0, 3, 10, 0 },
		{ "4.12", 0, 4, 12, 0 },
		{ "5", 0, 5, 0, 0 },
		{ "5.4.0.1", -EINVAL, 0, 0, 0 },
		{ "", -EINVAL, 0, 0, 0 },
		{ "v5.4", -EINVAL, 0, 0, 0 },
		{ "4.", -EINVAL, 0, 0, 0 },
		{ "99999999.1", -ERANGE, 0, 0, 0 },
	};
	struct kversion v;
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = kversion_parse(cases[i].in, &v);

		assert_int_equal(r, cases[i].r);
		if (r == 0) {
			assert_int_equal(v.major, cases[i].a);
			assert_int_equal(v.minor, cases[i].b);
			assert_int_equal(v.patch, cases[i].c);
		}
	}
	assert_true(kversion_cmp(KVERSION(4, 12, 0), KVERSION(4, 9, 300)) > 0);
	assert_true(kversion_cmp(KVERSION(4, 12, 0), KVERSION(4, 12, 0)) == 0);
	kversion_format(KVERSION(4, 12, 0), true, buf, sizeof(buf));
	assert_string_equal(buf, "4.12");
}

static void test_sysctl_key(void **state)
{
	static const struct {
		const char *in, *path, *key;
	} cases[] = {
		{ "net.ipv4.tcp_tw_reuse", "net/ipv4/tcp_tw_reuse", "net.ipv4.tcp_tw_reuse" },
		{ "net/ipv4/tcp_tw_reuse", "net/ipv4/tcp_tw_reuse", "net.ipv4.tcp_tw_reuse" },
		{ "net.ipv4.conf.eth0/100.rp_filter", "net/ipv4/conf/eth0.100/rp_filter",
		  "net.ipv4.conf.eth0/100.rp_filter" },
		{ "net/ipv4/conf/eth0.100/rp_filter", "net/ipv4/conf/eth0.100/rp_filter",
		  "net.ipv4.conf.eth0/100.rp_filter" },
		{ "net.ipv4.tcp_fin_timeout.", "net/ipv4/tcp_fin_timeout", "net.ipv4.tcp_fin_timeout" },
		{ "/net//ipv4/./x", "net/ipv4/x", "net.ipv4.x" },
	};
	char buf[SYSCTL_KEY_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(sysctl_key_to_path(cases[i].in, buf, sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].path);
		assert_int_equal(sysctl_key_canonical(cases[i].in, buf, sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].key);
	}
	assert_true(sysctl_key_is_safe("net.ipv4.tcp_tw_reuse"));
	assert_true(sysctl_key_is_safe("net/core/somaxconn"));
	assert_false(sysctl_key_is_safe("net.ipv4..x"));
	assert_false(sysctl_key_is_safe("net/../kernel/core_pattern"));
	assert_false(sysctl_key_is_safe(".net"));
	assert_false(sysctl_key_is_safe("net.ipv4.X"));
	assert_false(sysctl_key_is_safe("net.ipv4.x\n"));
	assert_false(sysctl_key_is_safe(""));
}

static void test_rootfs(void **state)
{
	char dir[] = "/tmp/twtune-rootfs.XXXXXX";
	char path[256], *buf;
	struct arena a;
	size_t len;
	int root, fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/proc", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc/sys", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc/sys/x", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fd_write_all(fd, "42\n", 3), 0);
	close(fd);
	/* An absolute symlink resolves inside the root, not on the host. */
	snprintf(path, sizeof(path), "%s/escape", dir);
	assert_int_equal(symlink("/proc/sys/x", path), 0);

	arena_init(&a);
	assert_int_equal(root_dir_open(dir, &root), 0);
	assert_int_equal(root_read_file(root, "/escape", 1024, &a, &buf, &len), 0);
	assert_string_equal(buf, "42\n");
	/* The userspace walk confines the same way. */
	snprintf(path, sizeof(path), "%s/up", dir);
	assert_int_equal(symlink("../../../../proc/sys/x", path), 0);
	snprintf(path, sizeof(path), "%s/loop", dir);
	assert_int_equal(symlink("loop", path), 0);
	{
		static const char *const good[] = { "escape", "/escape", "up", "proc/../proc/sys/x",
						    "../../proc//sys/./x", "proc/sys/../../escape" };
		size_t i;
		char b[8];

		for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			fd = root_open_walk(root, good[i], O_RDONLY, 0);
			assert_true(fd >= 0);
			assert_int_equal(read(fd, b, sizeof(b)), 3);
			assert_memory_equal(b, "42\n", 3);
			close(fd);
		}
		assert_int_equal(root_open_walk(root, "loop", O_RDONLY, 0), -ELOOP);
		assert_int_equal(root_open_walk(root, "escape", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
		assert_int_equal(root_open_walk(root, "nope/x", O_RDONLY, 0), -ENOENT);
		fd = root_open_walk(root, "proc/sys/new", O_WRONLY | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
	assert_int_equal(procsys_read(root, "x", &a, &buf), 0);
	assert_string_equal(buf, "42");
	assert_int_equal(root_read_file(root, "proc/sys/x", 2, &a, &buf, &len), -EFBIG);
	assert_int_equal(procsys_read(root, "nope", &a, &buf), -ENOENT);
	assert_int_equal(procsys_read(root, "net/../../etc/passwd", &a, &buf), -EINVAL);
	assert_int_equal(procsys_write(root, "x", "7\n8"), -EINVAL);
	assert_int_equal(procsys_write(root, "x", "7"), 0);
	assert_int_equal(procsys_read(root, "x", &a, &buf), 0);
	assert_string_equal(buf, "7");
	close(root);
	arena_release(&a);

	assert_int_equal(tmptree_remove(dir), 0);
}

static void test_strbuf(void **state)
{
	struct strbuf b = STRBUF_INIT;
	struct arena a;
	char big[1000], *out;
	size_t len;

	arena_init(&a);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_addstr(&b, "a");
	strbuf_add(&b, "bc\0d", 4);
	strbuf_addf(&b, "-%d-%s", 42, big);
	assert_int_equal(strbuf_finish(&b, &a, &out, &len), 0);
	assert_int_equal(len, 1 + 4 + 4 + 999);
	assert_memory_equal(out, "abc\0d-42-xxx", 12);
	assert_int_equal(out[len], '\0');
	assert_null(b.p);
	/* nothing appended: an empty string, not NULL */
	assert_int_equal(strbuf_finish(&b, &a, &out, NULL), 0);
	assert_string_equal(out, "");
	/* a failed append is reported once, at the end */
	b.oom = true;
	strbuf_addstr(&b, "ignored");
	assert_int_equal(strbuf_finish(&b, &a, &out, NULL), -ENOMEM);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_arena_grow),
		cmocka_unit_test(test_diag_sort),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_kversion),
		cmocka_unit_test(test_sysctl_key),
		cmocka_unit_test(test_rootfs),
		cmocka_unit_test(test_strbuf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
