/* Messages in the user's language: gettext, text domain "appui". */
#include "appui/i18n.h"

#include <libintl.h>
#include <locale.h>
#include <stdlib.h>

#include "util.h"

void ap_i18n_init(const char *localedir)
{
	setlocale(LC_MESSAGES, "");
	if (localedir)
		bindtextdomain(AP_TEXTDOMAIN, localedir);
	bind_textdomain_codeset(AP_TEXTDOMAIN, "UTF-8");
}

void ap_i18n_off(void)
{
	setlocale(LC_MESSAGES, "C");
}

const char *ap_tr(const char *msgid)
{
	return dgettext(AP_TEXTDOMAIN, msgid);
}

const char *ap_trn(const char *one, const char *many, unsigned long n)
{
	return dngettext(AP_TEXTDOMAIN, one, many, n);
}

/* The calling thread's messages in English (its own C locale), until
 * i18n_english_end(); processes it forks inherit it. */
void *i18n_english_begin(void)
{
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (!c)
		return NULL;
	locale_t old = uselocale(c);
	locale_t *saved = malloc(2 * sizeof(*saved));
	if (!saved) {
		uselocale(old);
		freelocale(c);
		return NULL;
	}
	saved[0] = old;
	saved[1] = c;
	return saved;
}

void i18n_english_end(void *token)
{
	locale_t *saved = token;
	if (!saved)
		return;
	uselocale(saved[0]);
	freelocale(saved[1]);
	free(saved);
}
