/*
 * journal: what each apply or rollback ("generation") changed, so a failed
 * or killed run can be undone. One file per generation,
 * STATE/generations/N.journal (0600; STATE and generations/ are 0700).
 *
 * Before anything on the system changes, the record (previous fragment
 * bytes or their absence, the new bytes, previous and new live value of
 * every touched key) is written to a temp file, fsynced, renamed into
 * place and the directory fsynced: the record is either complete or
 * absent. Status changes are then appended as whole lines and fsynced; a
 * reader takes the last complete status line, and an incomplete last line
 * (killed mid-append) counts as not written. Parsed records live in the
 * arena given; a corrupt file is reported to diag naming the file and line.
 */
#ifndef TWTUNE_JOURNAL_H
#define TWTUNE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct diag;

#define JOURNAL_MAX_SIZE (4 * 1024 * 1024)
#define JOURNAL_MAX_GENERATIONS 100000
#define JOURNAL_MAX_KEYS 1024
#define JOURNAL_MAX_FRAGMENTS 16

enum journal_op {
	JOURNAL_APPLY,
	JOURNAL_ROLLBACK,
};

enum journal_status {
	JOURNAL_BEGUN,
	JOURNAL_FRAGMENT_WRITTEN,
	JOURNAL_LIVE_WRITTEN,
	JOURNAL_COMMITTED,
	JOURNAL_FAILED,		/* and everything written was restored */
	JOURNAL_FAILED_UNRESTORED,	/* failed, and restoring failed too */
};

struct journal_fragment {
	const char *path;		/* root-relative, "/etc/sysctl.d/90-twtune.conf" */
	bool old_present, new_present;
	const char *old_bytes, *new_bytes;	/* NULL when absent */
	size_t old_len, new_len;
};

struct journal_key {
	const char *key;		/* canonical dotted */
	const char *old_value;		/* live value before */
	const char *new_value;		/* value written */
};

struct journal {
	unsigned generation;
	enum journal_op op;
	long long time;			/* Unix seconds, UTC */
	const char *profile;		/* NULL for rollback */
	const char *profile_sha256;	/* NULL for rollback */
	unsigned rollback_to;		/* rollback: restores the state before this one */
	const char *netns;		/* --netns NAME or NULL */
	struct journal_fragment *fragments;
	size_t n_fragments;
	struct journal_key *keys;	/* in write order */
	size_t n_keys;

	/* From the appended status lines. */
	enum journal_status status;
	int fail_errno;			/* JOURNAL_FAILED*: positive errno */
	const char *fail_key;		/* key or fragment path that failed */

	/* Derived by journal_list, not stored: the committed rollback
	 * generation that undid this one, 0 if none. */
	unsigned rolled_back_by;
	const char *file;		/* "STATE/generations/N.journal" as shown */
};

const char *journal_status_name(enum journal_status s);
const char *journal_op_name(enum journal_op op);
/* Begun, fragment-written, live-written and failed-unrestored: the system
 * may be half changed and 'rollback' has to finish the job. */
bool journal_status_unfinished(enum journal_status s);

/* The record as journal_create writes it (with the "status begun" line). */
int journal_serialize(const struct journal *j, struct arena *a, char **ret,
		      size_t *ret_len);
/* Parses a whole file; file names it in diagnostics. -EBADMSG with a diag
 * entry for a corrupt or truncated record. */
int journal_parse(const char *buf, size_t len, const char *file,
		  struct arena *a, struct diag *diag, struct journal *ret);

/* Opens ROOT/state_dir, creating it (0700, parents 0755) and generations/
 * when create is set; a state directory that is a symlink, not owned by
 * us, or writable by others is refused (-EPERM). -ENOENT without create
 * when it does not exist. ret_fd: the state directory. */
int journal_open_state(int root_fd, const char *state_dir, bool create,
		       int *ret_fd);

/* All generations, oldest first, with rolled_back_by filled in. Corrupt
 * files are reported to diag and left out; *ret_max is the highest
 * generation number among all files, corrupt ones included. */
int journal_list(int state_fd, const char *state_dir, struct arena *a,
		 struct diag *diag, struct journal **ret, size_t *ret_n,
		 unsigned *ret_max);

/* Writes generation j->generation durably (status begun). -EEXIST if that
 * generation exists. */
int journal_create(int state_fd, const struct journal *j, struct arena *a);

/* The line journal_set_status appends. */
int journal_status_line(enum journal_status s, int fail_errno,
			const char *fail_key, struct arena *a, char **ret,
			size_t *ret_len);

/* Appends a status line and fsyncs. For JOURNAL_FAILED* give the positive
 * errno and the key (or fragment path) that failed. */
int journal_set_status(int state_fd, unsigned generation,
		       enum journal_status s, int fail_errno,
		       const char *fail_key);

/* Whether a generation needs 'rollback': 1 with its number in
 * *ret_generation (the newest such), 0 when none (or no state directory),
 * negative errno on error (-EBADMSG: a corrupt journal, reported to diag).
 * Read-only: for check, history and apply. */
int journal_unfinished(int root_fd, const char *state_dir, struct arena *a,
		       struct diag *diag, unsigned *ret_generation);
/* The same over an already listed set. */
const struct journal *journal_find_unfinished(const struct journal *js,
					      size_t n);

#endif
