/*
 * Fuzz target: a planning campaign file (libconfig) through ap_campaign_load
 * with the shipped plugins' themes as the known themes, as `appui plan` and
 * `appui config check` do; when it loads, the firm queries the planner asks
 * (availability over the window, themes, regions).
 *
 * ap_campaign_load takes a path: the input is written to a file in a private
 * scratch folder, created once and rewritten each iteration.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <appui/campaign.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Asks whether `f` works on `day` (an ap_day is a long: the edges of a
 * fuzzed window or day off must not overflow in the harness). */
static void ask(const ap_campaign *c, const ap_firm *f, ap_day day, long delta)
{
	if ((delta > 0 && day > LONG_MAX - delta) ||
	    (delta < 0 && day < LONG_MIN - delta))
		return;
	(void)ap_firm_available(c, f, day + delta);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fz_file in;
	static const char *themes[8];
	static size_t n_themes;
	if (!in.path) {
		const ap_host *h = fz_default_host();
		for (size_t i = 0; i < ap_host_theme_count(h) && i < 8; i++)
			themes[n_themes++] = ap_host_theme_at(h, i);
		fz_file_init(&in, "campaign.cfg");
	}
	if (fz_cfg_include_escapes(data, size))
		return 0;
	fz_file_write(&in, data, size);

	FILE *out = fz_sink();
	ap_diags *d = ap_diags_new();
	ap_campaign *c = NULL;
	if (ap_campaign_load(&c, in.path, themes, n_themes, d) == 0) {
		for (size_t i = 0; i < c->n_firms; i++) {
			const ap_firm *f = &c->firms[i];
			fprintf(out, "%s %s %d %d %d\n", f->id, f->name,
			        ap_firm_covers(f, "quality"),
			        ap_firm_serves(f, NULL),
			        ap_firm_serves(f, "Hauts-de-France"));
			/* The edges, where off-by-ones live: of the window
			 * and of each day off (a whole window would make
			 * the target slow). */
			for (long k = -1; k <= 7; k++) {
				ask(c, f, c->window_first, k);
				ask(c, f, c->window_last, -k);
			}
			for (size_t k = 0; k < f->n_days_off && k < 64; k++)
				for (long e = -1; e <= 1; e++) {
					ask(c, f, f->days_off[k].first, e);
					ask(c, f, f->days_off[k].last, e);
				}
		}
		ap_campaign_free(c);
	}
	fz_print_diags(d);
	ap_diags_free(d);
	return 0;
}
