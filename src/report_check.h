/*
 * report_check: the three outputs of `twtune check` (text for people,
 * JSON schema 1 for programs, Prometheus textfile metrics for
 * node_exporter), all from the same facts and findings. Writers print to
 * the FILE given and allocate scratch text in the arena.
 */
#ifndef TWTUNE_REPORT_CHECK_H
#define TWTUNE_REPORT_CHECK_H

#include <stdbool.h>
#include <stdio.h>

struct arena;
struct facts;
struct findings;
struct profile;

struct check_report {
	const struct profile *profile;
	const struct facts *facts;
	const struct findings *findings;
	unsigned top;		/* rows of the destination / owner tables */
	int verbose;		/* text: >0 prints whole advice and all evidence */
	bool color;
	unsigned width;		/* text wrap column */
};

void report_check_text(FILE *f, const struct check_report *r, struct arena *a);
void report_check_json(FILE *f, const struct check_report *r, struct arena *a);
void report_check_prometheus(FILE *f, const struct check_report *r, struct arena *a);

/* "OK", "WARNING", ... as Nagios prints them. */
const char *report_status_word(int severity);

#endif
