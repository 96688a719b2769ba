/*
 * conf: twtune.conf, read with libyaml's event parser so that every key and
 * value keeps its line and column, duplicates can be seen, and all problems
 * of the file are reported in one go.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "arena.h"
#include "conf.h"
#include "diag.h"
#include "fileperm.h"
#include "rootfs.h"

#define CONF_FILE_MAX (64 * 1024)
#define CONF_DEPTH_MAX 64
#define CONF_NAME_MAX 128

void conf_defaults(struct conf *ret)
{
	char self[4096];
	ssize_t n;

	memset(ret, 0, sizeof(*ret));
	ret->default_profile = "default";
	ret->fragment = "/etc/sysctl.d/90-twtune.conf";
	ret->state_dir = "/var/lib/twtune";
	ret->profile_path[ret->n_profile_path++] = TWTUNE_SYSCONFDIR "/twtune/profiles";
	/* Run from the build tree: the source tree's profiles come before the
	 * installed ones, so a developer tests what they edit. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if (strcmp(self, TWTUNE_BUILD_BINARY) == 0)
			ret->profile_path[ret->n_profile_path++] = TWTUNE_SRC_PROFILEDIR;
	}
	ret->profile_path[ret->n_profile_path++] = TWTUNE_PROFILEDIR;
}

enum conf_key {
	CONF_DEFAULT_PROFILE,
	CONF_PROFILE_PATH,
	CONF_FRAGMENT,
	CONF_STATE_DIR,
	_CONF_KEY_MAX,
};

static const char *const conf_key_names[_CONF_KEY_MAX] = {
	[CONF_DEFAULT_PROFILE] = "default_profile",
	[CONF_PROFILE_PATH] = "profile_path",
	[CONF_FRAGMENT] = "fragment",
	[CONF_STATE_DIR] = "state_dir",
};

/* Directories systemd-sysctl and sysctl --system read (SYSCTL.md 1.1). */
static const char *const sysctl_dirs[] = {
	"/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
};

struct conf_parse {
	const char *file;
	yaml_parser_t parser;
	struct arena *a;
	struct diag *diag;
	struct conf *conf;
	bool seen[_CONF_KEY_MAX];
	unsigned seen_line[_CONF_KEY_MAX];
	bool syntax_error;
	bool oom;
};

static void conf_err(struct conf_parse *p, yaml_mark_t mark, const char *id,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void conf_err(struct conf_parse *p, yaml_mark_t mark, const char *id,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(p->diag, DIAG_ERROR, p->file, (unsigned)mark.line + 1,
		  (unsigned)mark.column + 1, id, NULL, fmt, ap);
	va_end(ap);
}

/* Next event; a syntax error is recorded once and ends the walk. */
static bool next_event(struct conf_parse *p, yaml_event_t *ev)
{
	if (yaml_parser_parse(&p->parser, ev))
		return true;
	if (!p->syntax_error) {
		yaml_mark_t mark = p->parser.problem_mark;

		if (p->parser.context)
			conf_err(p, mark, "conf-syntax", "invalid YAML: %s %s",
				 p->parser.problem ? p->parser.problem : "syntax error",
				 p->parser.context);
		else
			conf_err(p, mark, "conf-syntax", "invalid YAML: %s",
				 p->parser.problem ? p->parser.problem : "syntax error");
	}
	p->syntax_error = true;
	return false;
}

static const char *event_kind(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_ALIAS_EVENT:
		return "an alias";
	default:
		return "a string";
	}
}

/* Skips the rest of a node whose start event is ev (already consumed). */
static bool skip_node(struct conf_parse *p, const yaml_event_t *start)
{
	unsigned depth;
	yaml_event_t ev;

	if (start->type != YAML_MAPPING_START_EVENT &&
	    start->type != YAML_SEQUENCE_START_EVENT)
		return true;
	depth = 1;
	while (depth > 0) {
		if (!next_event(p, &ev))
			return false;
		if (ev.type == YAML_MAPPING_START_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT) {
			if (++depth > CONF_DEPTH_MAX) {
				conf_err(p, ev.start_mark, "conf-syntax",
					 "nesting deeper than %d levels", CONF_DEPTH_MAX);
				yaml_event_delete(&ev);
				p->syntax_error = true;
				return false;
			}
		} else if (ev.type == YAML_MAPPING_END_EVENT ||
			   ev.type == YAML_SEQUENCE_END_EVENT) {
			depth--;
		}
		yaml_event_delete(&ev);
	}
	return true;
}

/* A YAML null (empty, "~", "null") written without quotes. */
static bool scalar_is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static bool has_dotdot(const char *path)
{
	const char *s = path;

	while ((s = strstr(s, "..")) != NULL) {
		if ((s == path || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return true;
		s += 2;
	}
	return false;
}

/* NULL when path is acceptable as an absolute path, else the reason. */
static const char *check_abs_path(const char *path)
{
	if (path[0] != '/')
		return "must be an absolute path";
	if (has_dotdot(path))
		return "must not contain '..'";
	if (strlen(path) >= PATH_MAX)
		return "is too long";
	return NULL;
}

static const char *check_fragment(const char *path)
{
	const char *why = check_abs_path(path), *slash, *base;
	size_t i, dlen, blen;

	if (why)
		return why;
	slash = strrchr(path, '/');
	base = slash + 1;
	dlen = (size_t)(slash - path);
	blen = strlen(base);
	for (i = 0; i < sizeof(sysctl_dirs) / sizeof(sysctl_dirs[0]); i++)
		if (strlen(sysctl_dirs[i]) == dlen && strncmp(path, sysctl_dirs[i], dlen) == 0)
			break;
	if (i == sizeof(sysctl_dirs) / sizeof(sysctl_dirs[0]))
		return "must be in /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d or /usr/lib/sysctl.d";
	if (blen <= 5 || strcmp(base + blen - 5, ".conf") != 0)
		return "must name a file ending in '.conf'";
	if (base[0] == '.')
		return "must not be a hidden file (systemd-sysctl ignores those)";
	return NULL;
}

static const char *check_profile_name(const char *name)
{
	const char *s;

	if (strlen(name) > CONF_NAME_MAX)
		return "is too long";
	if (name[0] == '.' || name[0] == '-')
		return "must not start with '.' or '-'";
	for (s = name; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return "may contain only letters, digits, '_', '-' and '.'";
	return NULL;
}

/* Reads a string value for key; false when the walk must stop. *ret is
 * NULL when the value was of the wrong type (already reported). */
static bool read_string(struct conf_parse *p, const char *key, const char **ret,
			yaml_mark_t *ret_mark)
{
	yaml_event_t ev;
	bool ok = true;

	*ret = NULL;
	if (!next_event(p, &ev))
		return false;
	*ret_mark = ev.start_mark;
	if (ev.type == YAML_SCALAR_EVENT && !scalar_is_null(&ev)) {
		if (strlen((const char *)ev.data.scalar.value) != ev.data.scalar.length)
			conf_err(p, ev.start_mark, "conf-value",
				 "'%s' contains a NUL byte", key);
		else if (!(*ret = arena_strdup(p->a, (const char *)ev.data.scalar.value)))
			ok = !(p->oom = true);
	} else if (ev.type == YAML_SCALAR_EVENT) {
		conf_err(p, ev.start_mark, "conf-type", "'%s' is empty (expected a string)", key);
	} else {
		conf_err(p, ev.start_mark, "conf-type", "'%s' must be a string, not %s",
			 key, event_kind(&ev));
		ok = skip_node(p, &ev);
	}
	yaml_event_delete(&ev);
	return ok;
}

static bool read_profile_path(struct conf_parse *p, struct conf *c)
{
	yaml_mark_t start;
	yaml_event_t ev;
	size_t n = 0;
	bool ok = true;

	if (!next_event(p, &ev))
		return false;
	if (ev.type != YAML_SEQUENCE_START_EVENT) {
		conf_err(p, ev.start_mark, "conf-type",
			 "'profile_path' must be a list of directories, not %s",
			 ev.type == YAML_SCALAR_EVENT && scalar_is_null(&ev) ?
			 "empty" : event_kind(&ev));
		ok = skip_node(p, &ev);
		yaml_event_delete(&ev);
		return ok;
	}
	start = ev.start_mark;
	yaml_event_delete(&ev);
	for (;;) {
		const char *why;

		if (!next_event(p, &ev))
			return false;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_SCALAR_EVENT || scalar_is_null(&ev)) {
			conf_err(p, ev.start_mark, "conf-type",
				 "'profile_path' entries must be directory paths, not %s",
				 ev.type == YAML_SCALAR_EVENT ? "empty" : event_kind(&ev));
			ok = skip_node(p, &ev);
			yaml_event_delete(&ev);
			if (!ok)
				return false;
			continue;
		}
		why = check_abs_path((const char *)ev.data.scalar.value);
		if (why) {
			conf_err(p, ev.start_mark, "conf-value", "profile_path entry '%s' %s",
				 (const char *)ev.data.scalar.value, why);
		} else if (n >= CONF_PROFILE_PATH_MAX) {
			if (n == CONF_PROFILE_PATH_MAX)
				conf_err(p, ev.start_mark, "conf-value",
					 "'profile_path' has more than %d entries",
					 CONF_PROFILE_PATH_MAX);
			n++;
		} else {
			c->profile_path[n] = arena_strdup(p->a, (const char *)ev.data.scalar.value);
			if (!c->profile_path[n]) {
				yaml_event_delete(&ev);
				p->oom = true;
				return false;
			}
			n++;
		}
		yaml_event_delete(&ev);
	}
	if (n == 0)
		conf_err(p, start, "conf-value", "'profile_path' must list at least one directory");
	c->n_profile_path = n > CONF_PROFILE_PATH_MAX ? CONF_PROFILE_PATH_MAX : n;
	return true;
}

static unsigned edit_distance(const char *a, const char *b)
{
	unsigned row[64], i, j, prev, tmp;
	size_t la = strlen(a), lb = strlen(b);

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (a[i - 1] != b[j - 1]);
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			prev = tmp;
		}
	}
	return row[lb];
}

static bool read_mapping(struct conf_parse *p, struct conf *c)
{
	for (;;) {
		const char *name, *value, *why;
		yaml_mark_t key_mark, value_mark;
		yaml_event_t ev;
		int k;
		bool ok = true;

		if (!next_event(p, &ev))
			return false;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return true;
		}
		key_mark = ev.start_mark;
		if (ev.type != YAML_SCALAR_EVENT) {
			conf_err(p, key_mark, "conf-type", "setting names must be strings, not %s",
				 event_kind(&ev));
			ok = skip_node(p, &ev);
			yaml_event_delete(&ev);
			/* and its value */
			if (!ok || !next_event(p, &ev))
				return false;
			ok = skip_node(p, &ev);
			yaml_event_delete(&ev);
			if (!ok)
				return false;
			continue;
		}
		name = arena_strdup(p->a, (const char *)ev.data.scalar.value);
		yaml_event_delete(&ev);
		if (!name) {
			p->oom = true;
			return false;
		}
		for (k = 0; k < _CONF_KEY_MAX; k++)
			if (strcmp(name, conf_key_names[k]) == 0)
				break;
		if (k == _CONF_KEY_MAX) {
			const char *best = NULL;
			unsigned d, best_d = 3;

			for (k = 0; k < _CONF_KEY_MAX; k++) {
				d = edit_distance(name, conf_key_names[k]);
				if (d < best_d) {
					best_d = d;
					best = conf_key_names[k];
				}
			}
			if (best)
				conf_err(p, key_mark, "conf-unknown-key",
					 "unknown setting '%s' (did you mean '%s'?)", name, best);
			else
				conf_err(p, key_mark, "conf-unknown-key",
					 "unknown setting '%s' (known: default_profile, profile_path, fragment, state_dir)",
					 name);
			if (!next_event(p, &ev))
				return false;
			ok = skip_node(p, &ev);
			yaml_event_delete(&ev);
			if (!ok)
				return false;
			continue;
		}
		if (p->seen[k])
			conf_err(p, key_mark, "conf-duplicate",
				 "duplicate setting '%s' (first set on line %u)", name,
				 p->seen_line[k]);
		p->seen[k] = true;
		if (!p->seen_line[k])
			p->seen_line[k] = (unsigned)key_mark.line + 1;

		if (k == CONF_PROFILE_PATH) {
			if (!read_profile_path(p, c))
				return false;
			continue;
		}
		if (!read_string(p, name, &value, &value_mark))
			return false;
		if (!value)
			continue;
		switch (k) {
		case CONF_DEFAULT_PROFILE:
			why = check_profile_name(value);
			if (why)
				conf_err(p, value_mark, "conf-value",
					 "default_profile '%s' %s", value, why);
			else
				c->default_profile = value;
			break;
		case CONF_FRAGMENT:
			why = check_fragment(value);
			if (why)
				conf_err(p, value_mark, "conf-value", "fragment '%s' %s", value, why);
			else
				c->fragment = value;
			break;
		case CONF_STATE_DIR:
			why = check_abs_path(value);
			if (why)
				conf_err(p, value_mark, "conf-value", "state_dir '%s' %s", value, why);
			else
				c->state_dir = value;
			break;
		}
	}
}

/* Walks the event stream: at most one document whose top is a mapping. */
static void conf_parse_stream(struct conf_parse *p, struct conf *c)
{
	unsigned documents = 0;
	yaml_event_t ev;

	for (;;) {
		if (!next_event(p, &ev))
			return;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			return;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				conf_err(p, ev.start_mark, "conf-syntax",
					 "more than one YAML document");
				yaml_event_delete(&ev);
				return;
			}
			break;
		case YAML_MAPPING_START_EVENT:
			yaml_event_delete(&ev);
			if (!read_mapping(p, c))
				return;
			continue;
		case YAML_SCALAR_EVENT:
			/* A document holding only a null: an empty file with a
			 * "---" line, or only comments. */
			if (scalar_is_null(&ev))
				break;
			/* fall through */
		case YAML_SEQUENCE_START_EVENT:
		case YAML_ALIAS_EVENT:
			conf_err(p, ev.start_mark, "conf-type",
				 "the file must be a mapping of settings (key: value), not %s",
				 event_kind(&ev));
			if (!skip_node(p, &ev)) {
				yaml_event_delete(&ev);
				return;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
}

int conf_load(const char *path, bool explicit, bool check_trust,
		struct arena *a, struct diag *diag, struct conf *ret)
{
	struct conf_parse p = { .file = path, .a = a, .diag = diag };
	unsigned errors_before = diag_errors(diag);
	struct conf c;
	struct stat st;
	char why[256];
	size_t len;
	char *buf;
	int fd, r;

	conf_defaults(&c);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT && !explicit) {
			*ret = c;
			return 0;
		}
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(diag, DIAG_ERROR, path, 0, 0, "conf-file", NULL,
			 "not a regular file");
		close(fd);
		return -EINVAL;
	}
	if (check_trust) {
		r = fileperm_check_trusted(fd, why, sizeof(why));
		if (r < 0) {
			if (r == -EPERM)
				diag_add(diag, DIAG_ERROR, path, 0, 0, "conf-untrusted", NULL,
					 "refusing to read config that is %s (fix its owner/mode, or use --allow-untrusted)",
					 why);
			close(fd);
			return r;
		}
	}
	if (st.st_size > CONF_FILE_MAX) {
		diag_add(diag, DIAG_ERROR, path, 0, 0, "conf-too-large", NULL,
			 "file is too large (%lld bytes, limit %d)",
			 (long long)st.st_size, CONF_FILE_MAX);
		close(fd);
		return -EFBIG;
	}
	r = fd_read_all(fd, CONF_FILE_MAX, a, &buf, &len);
	close(fd);
	if (r == -EFBIG) {
		diag_add(diag, DIAG_ERROR, path, 0, 0, "conf-too-large", NULL,
			 "file is too large (limit %d bytes)", CONF_FILE_MAX);
		return r;
	}
	if (r < 0)
		return r;

	if (!yaml_parser_initialize(&p.parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&p.parser, (const unsigned char *)buf, len);
	conf_parse_stream(&p, &c);
	yaml_parser_delete(&p.parser);

	if (p.oom || diag->oom)
		return -ENOMEM;
	if (diag_errors(diag) > errors_before)
		return -EINVAL;
	c.path = arena_strdup(a, path);
	if (!c.path)
		return -ENOMEM;
	*ret = c;
	return 0;
}
