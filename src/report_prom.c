/*
 * `twtune check --format prometheus`: node_exporter textfile collector
 * metrics (text exposition format 0.0.4), one HELP and TYPE line per
 * family, label values escaped, so that `promtool check metrics` accepts
 * it. Run from cron into the collector's directory via a temp file and mv.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "arena.h"
#include "census.h"
#include "facts.h"
#include "findings.h"
#include "report_check.h"

/* Kernel counters worth a time series for TCP teardown problems. */
static const char *const prom_counters[] = {
	"Tcp.ActiveOpens", "Tcp.PassiveOpens", "Tcp.AttemptFails", "Tcp.EstabResets",
	"TcpExt.TW", "TcpExt.TWRecycled", "TcpExt.TWKilled",
	"TcpExt.TCPTimeWaitOverflow", "TcpExt.PAWSPassive", "TcpExt.PAWSActive",
	"TcpExt.PAWSEstab", "TcpExt.ListenOverflows", "TcpExt.ListenDrops",
	"TcpExt.TCPAbortOnMemory", "TcpExt.TCPAbortOnTimeout",
	"TcpExt.TCPAbortOnClose", "TcpExt.TCPAbortOnData", "TcpExt.TCPOrphanQueued",
	NULL,
};

static void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label value escaping of the text format: backslash, quote, newline. */
static void prom_label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			fputc('?', f);	/* keep the file valid UTF-8 whatever comm holds */
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void prom_int(FILE *f, const char *name, const struct fact_int *v)
{
	if (v->present)
		fprintf(f, "%s %lld\n", name, (long long)v->value);
}

static void prom_gauge_int(FILE *f, const char *name, const char *help,
			   const struct fact_int *v)
{
	if (!v->present)
		return;
	prom_family(f, name, "gauge", help);
	prom_int(f, name, v);
}

static int prom_status_value(enum severity s)
{
	switch (s) {
	case SEVERITY_WARNING: return 1;
	case SEVERITY_CRITICAL: return 2;
	case SEVERITY_UNKNOWN: return 3;
	default: return 0;
	}
}

static void prom_findings(FILE *f, const struct check_report *r)
{
	static const enum severity sevs[] = {
		SEVERITY_INFO, SEVERITY_WARNING, SEVERITY_CRITICAL, SEVERITY_UNKNOWN,
	};
	const struct findings *fs = r->findings;
	size_t i;

	prom_family(f, "twtune_status", "gauge",
		    "Overall result of the last check: 0 ok, 1 warning, 2 critical, 3 unknown.");
	fprintf(f, "twtune_status %d\n", prom_status_value(fs->status));
	prom_family(f, "twtune_findings", "gauge", "Findings of the last check by severity.");
	for (i = 0; i < sizeof(sevs) / sizeof(sevs[0]); i++)
		fprintf(f, "twtune_findings{severity=\"%s\"} %u\n", severity_name(sevs[i]),
			fs->count[sevs[i]]);
	prom_family(f, "twtune_finding", "gauge",
		    "One series per finding of the last check, by rule id and severity.");
	for (i = 0; i < fs->n; i++) {
		fputs("twtune_finding{id=", f);
		prom_label(f, fs->items[i].id);
		fprintf(f, ",severity=\"%s\"} 1\n", severity_name(fs->items[i].severity));
	}
	prom_family(f, "twtune_info", "gauge", "Profile and kernel of the last check.");
	fputs("twtune_info{profile=", f);
	prom_label(f, r->profile->name);
	fputs(",sha256=", f);
	prom_label(f, r->profile->sha256);
	fputs(",kernel=", f);
	prom_label(f, r->facts->kernel_release ? r->facts->kernel_release : "unknown");
	fputs("} 1\n", f);
	prom_family(f, "twtune_check_timestamp_seconds", "gauge",
		    "Unix time of the last check.");
	fprintf(f, "twtune_check_timestamp_seconds %lld\n", (long long)time(NULL));
}

static void prom_sockets(FILE *f, const struct check_report *r)
{
	const struct census *c = &r->facts->census;
	char addr[64], state[32];
	size_t i, k;

	if (!r->facts->sockets_collected)
		return;
	prom_family(f, "twtune_sockets", "gauge", "TCP sockets by state.");
	for (i = CENSUS_ESTABLISHED; i < _CENSUS_STATE_MAX; i++) {
		const char *name = census_state_name((enum census_state)i);

		for (k = 0; name[k] && k + 1 < sizeof(state); k++)
			state[k] = (char)(name[k] >= 'A' && name[k] <= 'Z' ? name[k] - 'A' + 'a' :
									       name[k]);
		state[k] = '\0';
		fprintf(f, "twtune_sockets{state=\"%s\"} %llu\n", state,
			(unsigned long long)c->states[i]);
	}
	prom_family(f, "twtune_time_wait_sockets", "gauge",
		    "TIME_WAIT sockets by side: active (this host closed first) or passive.");
	fprintf(f, "twtune_time_wait_sockets{side=\"active\"} %llu\n",
		(unsigned long long)c->tw_active);
	fprintf(f, "twtune_time_wait_sockets{side=\"passive\"} %llu\n",
		(unsigned long long)c->tw_passive);
	prom_family(f, "twtune_time_wait_destinations", "gauge",
		    "Distinct destinations (address, port) of active TIME_WAIT sockets.");
	fprintf(f, "twtune_time_wait_destinations %zu\n", c->n_tw_by_dest);
	prom_family(f, "twtune_time_wait_destination", "gauge",
		    "Active TIME_WAIT sockets toward the busiest destinations (top N).");
	for (i = 0; i < c->n_tw_by_dest && i < r->top; i++) {
		census_addr_format(&c->tw_by_dest[i].addr, addr, sizeof(addr));
		fputs("twtune_time_wait_destination{address=", f);
		prom_label(f, addr);
		fprintf(f, ",port=\"%u\"} %llu\n", c->tw_by_dest[i].port,
			(unsigned long long)c->tw_by_dest[i].count);
	}
	if (!c->owners_resolved || !c->n_cw_by_owner)
		return;
	prom_family(f, "twtune_close_wait_process", "gauge",
		    "CLOSE_WAIT sockets by owning process, side and port: the local listening port (side server) or the remote port (side client) (top N).");
	for (i = 0; i < c->n_cw_by_owner && i < r->top; i++) {
		const struct census_owner *o = &c->cw_by_owner[i];

		fprintf(f, "twtune_close_wait_process{pid=\"%d\",comm=", (int)o->pid);
		prom_label(f, o->pid ? o->comm : "");
		fprintf(f, ",side=\"%s\",port=\"%u\"} %llu\n",
			o->client ? "client" : "server", o->port,
			(unsigned long long)o->count);
	}
}

static void prom_host(FILE *f, const struct check_report *r)
{
	const struct facts *fa = r->facts;
	bool any = false;
	size_t i;

	prom_gauge_int(f, "twtune_ports_ephemeral", "Usable ephemeral ports "
		       "(ip_local_port_range minus reserved ports).", &fa->ports_ephemeral);
	prom_gauge_int(f, "twtune_ports_low", "Low end of ip_local_port_range.",
		       &fa->ports_low);
	prom_gauge_int(f, "twtune_ports_high", "High end of ip_local_port_range.",
		       &fa->ports_high);
	prom_gauge_int(f, "twtune_ports_listening_in_range", "Listening ports inside "
		       "ip_local_port_range that ip_local_reserved_ports does not reserve.",
		       &fa->ports_listening_in_range);
	prom_gauge_int(f, "twtune_conntrack_entries", "Connection tracking entries.",
		       &fa->conntrack_count);
	prom_gauge_int(f, "twtune_conntrack_max", "Connection tracking table size.",
		       &fa->conntrack_max);
	prom_gauge_int(f, "twtune_files_open", "Open file handles (fs.file-nr).",
		       &fa->files_open);
	prom_gauge_int(f, "twtune_files_max", "File handle limit (fs.file-max).",
		       &fa->files_max);
	prom_gauge_int(f, "twtune_sockstat_time_wait", "TIME_WAIT sockets per "
		       "/proc/net/sockstat.", &fa->sockstat_tw);
	prom_gauge_int(f, "twtune_sockstat_orphan", "Orphaned TCP sockets per "
		       "/proc/net/sockstat.", &fa->sockstat_orphan);

	for (i = 0; prom_counters[i]; i++) {
		struct value v;

		if (facts_counter(fa, prom_counters[i], &v) < 0 || v.type != VALUE_NUMBER)
			continue;
		if (!any)
			prom_family(f, "twtune_netstat_total", "counter",
				    "TCP counters from /proc/net/netstat and /proc/net/snmp.");
		any = true;
		fputs("twtune_netstat_total{name=", f);
		prom_label(f, prom_counters[i]);
		fprintf(f, "} %.0f\n", v.number);
	}
}

void report_check_prometheus(FILE *f, const struct check_report *r, struct arena *a)
{
	prom_findings(f, r);
	prom_sockets(f, r);
	prom_host(f, r);
}
