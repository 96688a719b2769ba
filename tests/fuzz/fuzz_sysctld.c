/* libFuzzer target for the sysctl.d parser: arbitrary bytes as a file in
 * both modes, then the resolver and the lint line rules over the result
 * (no root: globs are not expanded). Built only with --enable-fuzzing. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "lint.h"
#include "sysctld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lint_options o = { .root_fd = -1, .kernel_known = true,
				  .kernel = { 4, 9, 0 } };
	struct sysctld_result *res;
	struct sysctld_file f;
	struct lint_env env;
	struct arena a;
	struct diag d;
	int mode;

	arena_init(&a);
	for (mode = 0; mode < 2; mode++) {
		diag_init(&d, &a);
		if (sysctld_parse((const char *)data, size, "/etc/sysctl.d/fuzz.conf",
				  mode ? SYSCTLD_PROCPS : SYSCTLD_SYSTEMD, &a, &d, &f) == 0)
			sysctld_resolve_files(&f, 1, -1, mode ? SYSCTLD_PROCPS : SYSCTLD_SYSTEMD,
					      &a, &res);
	}
	diag_init(&d, &a);
	lint_env_init(&env, &o, &a, &d);
	lint_sysctl_buffer(&env, (const char *)data, size, "fuzz.conf");
	diag_sort(&d);
	arena_release(&a);
	return 0;
}
