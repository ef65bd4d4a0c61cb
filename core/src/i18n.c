/* Messages in the user's language: gettext, text domain "appui". */
#include "appui/i18n.h"

#include <libintl.h>
#include <locale.h>

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
