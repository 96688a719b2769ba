/*
 * census_proc: /proc/net/tcp and tcp6 in the kernel's text format
 * (tcp4_seq_show / tcp6_seq_show), read in a fixed buffer line by line:
 * 200,000 sockets are ~30 MB of text, which we never hold at once.
 * Used when netlink is refused and always under --root (snapshots).
 *
 * Addresses are printed by the kernel as 32-bit words in host order
 * ("0100007F" is 127.0.0.1 on little-endian), so they are parsed the same
 * way: a snapshot is read on a host of its own byte order.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "census_int.h"
#include "rootfs.h"

#define PROC_BUF_SIZE (64 * 1024)
/* tcp rows are padded to 149 bytes, tcp6 rows are ~170; anything much
 * longer is not the kernel's. */
#define PROC_LINE_MAX 512

struct proc_file {
	const char *path;	/* inside the root, for messages */
	int family;
	unsigned line;
	struct census *c;
};

static int proc_error(struct proc_file *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int proc_error(struct proc_file *f, const char *fmt, ...)
{
	va_list ap;

	snprintf(f->c->error_file, sizeof(f->c->error_file), "%s", f->path);
	f->c->error_line = f->line;
	va_start(ap, fmt);
	vsnprintf(f->c->error, sizeof(f->c->error), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Exactly n hex digits (n <= 16). */
static bool hex_exact(const char *s, size_t len, size_t n, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;
	int d;

	if (len != n)
		return false;
	for (i = 0; i < n; i++) {
		d = hexval(s[i]);
		if (d < 0)
			return false;
		v = (v << 4) | (unsigned)d;
	}
	*ret = v;
	return true;
}

/* A field of the row: [s, s+len). */
struct field {
	const char *s;
	size_t len;
};

static size_t split_fields(const char *line, size_t len, struct field *out,
			   size_t max)
{
	size_t i = 0, n = 0, start;

	while (n < max) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		out[n].s = line + start;
		out[n].len = i - start;
		n++;
	}
	return n;
}

static const char *field_str(const struct field *fl, char *buf, size_t size)
{
	size_t n = fl->len < size - 1 ? fl->len : size - 1;
	size_t i;

	for (i = 0; i < n; i++)
		buf[i] = (fl->s[i] >= 0x20 && fl->s[i] < 0x7f) ? fl->s[i] : '?';
	if (n < fl->len && n >= 3)
		memcpy(buf + n - 3, "...", 3);
	buf[n] = '\0';
	return buf;
}

/* "0100007F:1F90" (tcp) or 32 hex digits + ":" + 4 (tcp6). */
static bool parse_endpoint(const struct field *fl, int family, uint8_t addr[16],
			   uint16_t *port)
{
	size_t alen = family == AF_INET ? 8 : 32, w;
	uint64_t v;
	uint32_t word;

	if (fl->len != alen + 5 || fl->s[alen] != ':')
		return false;
	for (w = 0; w < alen / 8; w++) {
		if (!hex_exact(fl->s + w * 8, 8, 8, &v))
			return false;
		word = (uint32_t)v;
		memcpy(addr + w * 4, &word, 4);
	}
	if (!hex_exact(fl->s + alen + 1, 4, 4, &v))
		return false;
	*port = (uint16_t)v;
	return true;
}

/* "HEX:HEX" with each side 1..max digits. */
static bool hex_pair(const struct field *fl, size_t max1, size_t max2)
{
	const char *colon = memchr(fl->s, ':', fl->len);
	size_t l1, l2, i;

	if (!colon)
		return false;
	l1 = (size_t)(colon - fl->s);
	l2 = fl->len - l1 - 1;
	if (l1 == 0 || l1 > max1 || l2 == 0 || l2 > max2)
		return false;
	for (i = 0; i < fl->len; i++)
		if (fl->s + i != colon && hexval(fl->s[i]) < 0)
			return false;
	return true;
}

static bool hex_word(const struct field *fl, size_t max)
{
	size_t i;

	if (fl->len == 0 || fl->len > max)
		return false;
	for (i = 0; i < fl->len; i++)
		if (hexval(fl->s[i]) < 0)
			return false;
	return true;
}

static bool dec_u64(const struct field *fl, bool allow_minus, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i = 0;

	if (allow_minus && fl->len > 1 && fl->s[0] == '-')
		i = 1;
	if (fl->len == i || fl->len - i > 20)
		return false;
	for (; i < fl->len; i++) {
		unsigned d;

		if (fl->s[i] < '0' || fl->s[i] > '9')
			return false;
		d = (unsigned)(fl->s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret = v;
	return true;
}

enum {
	F_SL, F_LOCAL, F_REMOTE, F_STATE, F_QUEUES, F_TIMER, F_RETRANS,
	F_UID, F_TIMEOUT, F_INODE, F_MIN,
};

static const char *const field_names[F_MIN] = {
	"slot", "local address", "remote address", "state", "queues",
	"timer", "retransmits", "uid", "timeout", "inode",
};

/* One row; listen_pass selects which rows are fed to the aggregator. */
static int parse_row(struct proc_file *f, const char *line, size_t len,
		     struct census_agg *a, bool listen_pass)
{
	struct field fl[F_MIN];
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint64_t state, inode, v;
	char shown[40];
	size_t n, i;

	n = split_fields(line, len, fl, F_MIN);
	if (n == 0)
		return 0;	/* blank line */
	if (n < F_MIN)
		return proc_error(f, "truncated line (%zu of %d fields, no %s)",
				  n, F_MIN, field_names[n]);
	if (fl[F_SL].len < 2 || fl[F_SL].len > 11 || fl[F_SL].s[fl[F_SL].len - 1] != ':')
		return proc_error(f, "invalid slot '%s'", field_str(&fl[F_SL], shown, sizeof(shown)));
	for (i = 0; i + 1 < fl[F_SL].len; i++)
		if (fl[F_SL].s[i] < '0' || fl[F_SL].s[i] > '9')
			return proc_error(f, "invalid slot '%s'", field_str(&fl[F_SL], shown, sizeof(shown)));
	if (!parse_endpoint(&fl[F_LOCAL], f->family, src, &sport))
		return proc_error(f, "invalid %s '%s'", field_names[F_LOCAL],
				  field_str(&fl[F_LOCAL], shown, sizeof(shown)));
	if (!parse_endpoint(&fl[F_REMOTE], f->family, dst, &dport))
		return proc_error(f, "invalid %s '%s'", field_names[F_REMOTE],
				  field_str(&fl[F_REMOTE], shown, sizeof(shown)));
	if (!hex_exact(fl[F_STATE].s, fl[F_STATE].len, 2, &state) ||
	    state == 0 || state >= _CENSUS_STATE_MAX)
		return proc_error(f, "invalid state '%s' (expected 01 to 0C)",
				  field_str(&fl[F_STATE], shown, sizeof(shown)));
	if (!hex_pair(&fl[F_QUEUES], 8, 8))
		return proc_error(f, "invalid queues '%s'", field_str(&fl[F_QUEUES], shown, sizeof(shown)));
	if (!hex_pair(&fl[F_TIMER], 2, 16))
		return proc_error(f, "invalid timer '%s'", field_str(&fl[F_TIMER], shown, sizeof(shown)));
	if (!hex_word(&fl[F_RETRANS], 8))
		return proc_error(f, "invalid retransmits '%s'", field_str(&fl[F_RETRANS], shown, sizeof(shown)));
	if (!dec_u64(&fl[F_UID], false, &v) || v > UINT32_MAX)
		return proc_error(f, "invalid uid '%s'", field_str(&fl[F_UID], shown, sizeof(shown)));
	if (!dec_u64(&fl[F_TIMEOUT], true, &v))
		return proc_error(f, "invalid timeout '%s'", field_str(&fl[F_TIMEOUT], shown, sizeof(shown)));
	if (!dec_u64(&fl[F_INODE], false, &inode))
		return proc_error(f, "invalid inode '%s'", field_str(&fl[F_INODE], shown, sizeof(shown)));

	if (listen_pass) {
		if (state == CENSUS_LISTEN)
			agg_listen(a, sport);
		return 0;
	}
	agg_sock(a, (unsigned)state, f->family, src, sport, dst, dport, inode);
	return a->error;
}

static bool is_header(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && line[i] == ' ')
		i++;
	return len - i >= 2 && line[i] == 's' && line[i + 1] == 'l';
}

static int proc_read_file(int root_fd, struct proc_file *f, char *buf,
			  struct census_agg *a, bool listen_pass)
{
	size_t have = 0, start, i;
	ssize_t n;
	int fd, r = 0;
	bool eof = false;

	fd = root_open(root_fd, f->path, O_RDONLY, 0);
	if (fd == -ENOENT)
		return 0;	/* no IPv6, or not in the snapshot */
	if (fd < 0)
		return fd;
	f->line = 0;
	while (!eof && r >= 0) {
		n = read(fd, buf + have, PROC_BUF_SIZE - have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			eof = true;
		have += (size_t)n;
		start = 0;
		for (i = 0; i < have && r >= 0; i++) {
			if (buf[i] != '\n')
				continue;
			f->line++;
			if (i - start > PROC_LINE_MAX)
				r = proc_error(f, "line too long (more than %d bytes)", PROC_LINE_MAX);
			else if (!(f->line == 1 && is_header(buf + start, i - start)))
				r = parse_row(f, buf + start, i - start, a, listen_pass);
			start = i + 1;
		}
		if (r < 0)
			break;
		if (eof && start < have) {
			/* last line without a newline */
			f->line++;
			if (have - start > PROC_LINE_MAX)
				r = proc_error(f, "line too long (more than %d bytes)", PROC_LINE_MAX);
			else if (!(f->line == 1 && is_header(buf + start, have - start)))
				r = parse_row(f, buf + start, have - start, a, listen_pass);
			break;
		}
		if (start == 0 && have == PROC_BUF_SIZE) {
			f->line++;
			r = proc_error(f, "line too long (more than %d bytes)", PROC_LINE_MAX);
			break;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
	}
	close(fd);
	return r;
}

int census_proc_collect(int root_fd, struct census_agg *a, struct census *c)
{
	struct proc_file files[] = {
		{ "/proc/net/tcp", AF_INET, 0, c },
		{ "/proc/net/tcp6", AF_INET6, 0, c },
	};
	char *buf;
	size_t i;
	int r = 0;

	buf = malloc(PROC_BUF_SIZE);
	if (!buf)
		return -ENOMEM;
	/* Two passes, like the netlink dumps: a listener may be printed
	 * after a TIME_WAIT socket on its port (tcp6 after tcp, or a
	 * hand-made snapshot), and no row is kept to classify it later
	 * (TIME_WAIT active or passive, CLOSE_WAIT server or client side). */
	if (a->mask & (CENSUS_STATE_BIT(CENSUS_TIME_WAIT) |
		       CENSUS_STATE_BIT(CENSUS_CLOSE_WAIT) |
		       CENSUS_STATE_BIT(CENSUS_LISTEN)))
		for (i = 0; i < 2 && r >= 0; i++)
			r = proc_read_file(root_fd, &files[i], buf, a, true);
	if (a->mask & ~CENSUS_STATE_BIT(CENSUS_LISTEN))
		for (i = 0; i < 2 && r >= 0; i++)
			r = proc_read_file(root_fd, &files[i], buf, a, false);
	free(buf);
	return r;
}
