/*
 * ics_apply OLD_DIR NEW_DIR [--list]: a firm imports the calendars of one
 * plan (OLD_DIR/F.ics), then those of the next (NEW_DIR/F.ics), as a
 * calendar application does; the result must be exactly the new plan's
 * events. Read with libical, which the appui library does not use, so the
 * check does not share the writer's idea of the format.
 *
 * Fails (exit 1, one line per problem on stderr) when a file does not parse,
 * a UID is twice in one file, an event of NEW has a lower SEQUENCE than the
 * same UID in OLD, or the result is not NEW's events that are not cancelled
 * (same UIDs, same DTSTART). Applying NEW/F.ics to OLD/F.ics: an event of
 * a UID already there replaces it when its SEQUENCE is not lower, one with
 * STATUS:CANCELLED removes it, one of a new UID is added; a calendar of OLD
 * with no file in NEW is left as it is. Prints
 *   N events before, M after: U updated, C cancelled, A added, K unchanged
 * (updated: another DTSTART or SEQUENCE), and with --list the resulting
 * events, "UID DTSTART SEQUENCE", sorted. Exit 2 for a usage error.
 */
#include <dirent.h>
#include <libical/ical.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct event {
	char *uid;
	char *start; /* DTSTART as written: 20190902 */
	int seq;
	int cancelled;
} event;

typedef struct cal {
	char *name; /* F.ics */
	event *ev;
	size_t n;
} cal;

typedef struct folder {
	const char *dir;
	cal *cals; /* by name */
	size_t n;
} folder;

typedef struct tally {
	size_t before, after, updated, cancelled, added, unchanged;
	int failed;
} tally;

static void fail(tally *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ics_apply: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	t->failed = 1;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	return d;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t len = 0, cap = 4096;
	char *s = xrealloc(NULL, cap);
	size_t got;
	while ((got = fread(s + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len < 2)
			s = xrealloc(s, cap *= 2);
	}
	fclose(f);
	s[len] = '\0';
	return s;
}

/* The first X-LIC-ERROR libical left in `c` or its parts, or NULL. */
static const char *first_error(icalcomponent *c)
{
	icalproperty *p =
	    icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	if (p)
		return icalproperty_get_xlicerror(p);
	for (icalcomponent *s =
	         icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
	     s; s = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
		const char *e = first_error(s);
		if (e)
			return e;
	}
	return NULL;
}

static event *find(const cal *c, const char *uid)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (strcmp(c->ev[i].uid, uid) == 0)
			return &c->ev[i];
	return NULL;
}

/* The events of `cal_` into `out`; each UID once. */
static void read_events(icalcomponent *cal_, cal *out, const char *path,
                        tally *t)
{
	for (icalcomponent *e =
	         icalcomponent_get_first_component(cal_, ICAL_VEVENT_COMPONENT);
	     e; e = icalcomponent_get_next_component(cal_,
	                                             ICAL_VEVENT_COMPONENT)) {
		const char *uid = icalcomponent_get_uid(e);
		if (!uid || !*uid) {
			fail(t, "%s: an event has no UID", path);
			continue;
		}
		if (find(out, uid)) {
			fail(t, "%s: UID %s appears twice", path, uid);
			continue;
		}
		out->ev = xrealloc(out->ev, (out->n + 1) * sizeof(*out->ev));
		event *v = &out->ev[out->n++];
		v->uid = xstrdup(uid);
		v->start = xstrdup(
		    icaltime_as_ical_string(icalcomponent_get_dtstart(e)));
		v->seq = icalcomponent_get_sequence(e);
		v->cancelled =
		    icalcomponent_get_status(e) == ICAL_STATUS_CANCELLED;
	}
}

static void read_cal(const char *dir, const char *name, cal *out, tally *t)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	memset(out, 0, sizeof *out);
	out->name = xstrdup(name);
	char *text = slurp(path);
	if (!text) {
		fail(t, "%s: cannot be read", path);
		return;
	}
	icalcomponent *c = icalparser_parse_string(text);
	free(text);
	const char *err = c ? first_error(c) : "nothing parsed";
	if (!err && icalcomponent_isa(c) != ICAL_VCALENDAR_COMPONENT)
		err = "not a VCALENDAR";
	if (err)
		fail(t, "%s: does not parse: %s", path, err);
	else
		read_events(c, out, path, t);
	if (c)
		icalcomponent_free(c);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.ics of `dir`, by name. */
static int read_folder(const char *dir, folder *out, tally *t)
{
	out->dir = dir;
	out->cals = NULL;
	out->n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	char **names = NULL;
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".ics") == 0) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_name);
	out->cals = xrealloc(NULL, (n ? n : 1) * sizeof(*out->cals));
	for (size_t i = 0; i < n; i++) {
		read_cal(dir, names[i], &out->cals[i], t);
		free(names[i]);
	}
	free(names);
	out->n = n;
	return 0;
}

static const cal *cal_named(const folder *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->cals[i].name, name) == 0)
			return &f->cals[i];
	return NULL;
}

static void put(cal *c, const event *e)
{
	c->ev = xrealloc(c->ev, (c->n + 1) * sizeof(*c->ev));
	c->ev[c->n] = *e;
	c->ev[c->n].uid = xstrdup(e->uid);
	c->ev[c->n++].start = xstrdup(e->start);
}

static void drop(cal *c, event *e)
{
	free(e->uid);
	free(e->start);
	*e = c->ev[--c->n];
}

/* One event of NEW/name into the state. */
static void apply_event(cal *state, const cal *old, const event *e,
                        const char *path, tally *t)
{
	const event *o = find(old, e->uid);
	if (o && e->seq < o->seq)
		fail(t, "%s: UID %s has SEQUENCE %d, lower than %d before",
		     path, e->uid, e->seq, o->seq);
	event *s = find(state, e->uid);
	if (e->cancelled) {
		if (s) {
			drop(state, s);
			t->cancelled++;
		}
	} else if (!s) {
		put(state, e);
		t->added++;
	} else if (e->seq >= s->seq) {
		if (e->seq != s->seq || strcmp(e->start, s->start) != 0)
			t->updated++;
		else
			t->unchanged++;
		free(s->start);
		s->start = xstrdup(e->start);
		s->seq = e->seq;
	}
}

/* The state must be NEW's events that are not cancelled. */
static void check_result(const cal *state, const cal *now, const char *dir,
                         tally *t)
{
	for (size_t i = 0; i < state->n; i++) {
		const event *s = &state->ev[i], *w = find(now, s->uid);
		if (!now)
			fail(t,
			     "%s/%s: %s (%s) stays from before: there is "
			     "no new calendar of that name",
			     dir, state->name, s->uid, s->start);
		else if (!w || w->cancelled)
			fail(t,
			     "%s/%s: %s (%s) stays from before: the new "
			     "calendar neither keeps nor cancels it",
			     dir, state->name, s->uid, s->start);
		else if (strcmp(w->start, s->start) != 0)
			fail(t, "%s/%s: %s starts %s, not %s", dir, state->name,
			     s->uid, s->start, w->start);
	}
	for (size_t i = 0; now && i < now->n; i++)
		if (!now->ev[i].cancelled && !find(state, now->ev[i].uid))
			fail(t, "%s/%s: %s is missing after the import", dir,
			     state->name, now->ev[i].uid);
}

/* NEW/name applied to OLD/name; the result appended to `all`. */
static void apply_cal(const folder *oldf, const folder *newf, const char *name,
                      cal *all, tally *t)
{
	const cal *old = cal_named(oldf, name), *now = cal_named(newf, name);
	cal state = {(char *)name, NULL, 0};
	for (size_t i = 0; old && i < old->n; i++)
		if (!old->ev[i].cancelled) {
			put(&state, &old->ev[i]);
			t->before++;
		}
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", newf->dir, name);
	for (size_t i = 0; now && i < now->n; i++)
		apply_event(&state, old, &now->ev[i], path, t);
	check_result(&state, now, newf->dir, t);
	t->after += state.n;
	for (size_t i = 0; i < state.n; i++) {
		put(all, &state.ev[i]);
		free(state.ev[i].uid);
		free(state.ev[i].start);
	}
	free(state.ev);
}

static int cmp_event(const void *a, const void *b)
{
	const event *x = a, *y = b;
	int c = strcmp(x->uid, y->uid);
	return c ? c : strcmp(x->start, y->start);
}

static void free_cal(cal *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->ev[i].uid);
		free(c->ev[i].start);
	}
	free(c->ev);
}

static void free_folder(folder *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free_cal(&f->cals[i]);
		free(f->cals[i].name);
	}
	free(f->cals);
}

/* Every calendar name of either folder, once each, applied in name order. */
static void apply_all(const folder *oldf, const folder *newf, cal *all,
                      tally *t)
{
	size_t i = 0, j = 0;
	while (i < oldf->n || j < newf->n) {
		int c = i == oldf->n ? 1
		        : j == newf->n
		            ? -1
		            : strcmp(oldf->cals[i].name, newf->cals[j].name);
		const char *name =
		    c <= 0 ? oldf->cals[i].name : newf->cals[j].name;
		apply_cal(oldf, newf, name, all, t);
		i += c <= 0;
		j += c >= 0;
	}
}

int main(int argc, char **argv)
{
	int list = argc == 4 && strcmp(argv[3], "--list") == 0;
	if (argc != 3 && !list) {
		fprintf(stderr, "usage: ics_apply OLD_DIR NEW_DIR [--list]\n");
		return 2;
	}
	tally t = {0};
	folder oldf, newf;
	for (int k = 1; k <= 2; k++)
		if (read_folder(argv[k], k == 1 ? &oldf : &newf, &t) != 0) {
			fprintf(stderr,
			        "ics_apply: %s: cannot open the folder\n",
			        argv[k]);
			return 2;
		}
	cal all = {"", NULL, 0};
	if (!t.failed)
		apply_all(&oldf, &newf, &all, &t);
	if (!t.failed) {
		printf("%zu events before, %zu after: %zu updated, %zu "
		       "cancelled, %zu added, %zu unchanged\n",
		       t.before, t.after, t.updated, t.cancelled, t.added,
		       t.unchanged);
		if (all.n)
			qsort(all.ev, all.n, sizeof(*all.ev), cmp_event);
		for (size_t i = 0; list && i < all.n; i++)
			printf("%s %s %d\n", all.ev[i].uid, all.ev[i].start,
			       all.ev[i].seq);
	}
	free_cal(&all);
	free_folder(&oldf);
	free_folder(&newf);
	icalmemory_free_ring();
	return t.failed ? 1 : 0;
}
