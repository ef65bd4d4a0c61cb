/*
 * Messages in the user's language (gettext, text domain "appui"). Only what
 * people read is translated: problems as printed, help texts, summaries and
 * terminal tables. What programs read (JSON, CSV, exit statuses, the
 * service's answers, the store) is the same in every locale: a problem keeps
 * its English message in ap_diag.message beside its translation in
 * ap_diag.shown. See docs/cli.md, "Language".
 */
#ifndef APPUI_I18N_H
#define APPUI_I18N_H

#include "appui/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The text domain of appui's catalogue (po/). */
#define AP_TEXTDOMAIN "appui"

/* Marks a string for translation where it is defined (a table, an array's
 * initialiser); ap_tr() translates it where it is shown. */
#define AP_N_(text) text

/*
 * For the command: messages in the language of the environment
 * (LC_ALL, LC_MESSAGES, LANG; LANGUAGE for a list), from the catalogues
 * under `localedir` (NULL: the system's). Only LC_MESSAGES is set: numbers,
 * dates and the order of strings stay the C locale's everywhere, so that a
 * figure is written with a dot whatever the language. Translations are
 * given in UTF-8.
 */
AP_API void ap_i18n_init(const char *localedir);

/* Back to English for the rest of the process (the service: its answers
 * and its log are for programs and administrators in every locale). */
AP_API void ap_i18n_off(void);

/* `msgid` in the user's language, or `msgid` itself. */
AP_API const char *ap_tr(const char *msgid) AP_FORMAT_ARG(1);
/* The form of `one`/`many` for the number n. */
AP_API const char *ap_trn(const char *one, const char *many, unsigned long n)
    AP_FORMAT_ARG(1) AP_FORMAT_ARG(2);

#ifdef __cplusplus
}
#endif

#endif
