/*
 * Text from outside shown to a person. A file name, a site name or a bag's
 * metadata can hold bytes that a terminal obeys: ESC sequences that move
 * the cursor or recolour, C1 controls (U+009B is CSI), bidirectional
 * overrides that reverse what follows, line separators and newlines that
 * forge a line of their own. Every human-readable output of appui shows such
 * text through ap_shown(): C0 controls, DEL and bytes that are not UTF-8 as
 * \xNN, newline and tab as \n and \t, C1, bidirectional controls and line
 * separators as \uNNNN; the rest as it is.
 */
#ifndef APPUI_TEXT_H
#define APPUI_TEXT_H

#include "appui/common.h"

/* Inert copies for one message: the last AP_SHOWN_SLOTS of them live at
 * once, enough for every argument of one printf. Zero-initialised; freed
 * by ap_shown_free(). */
#define AP_SHOWN_SLOTS 8
typedef struct ap_shown {
	char *slot[AP_SHOWN_SLOTS];
	unsigned next;
} ap_shown;

/* `s` (NULL: "") made inert, as above. The copy is valid until
 * AP_SHOWN_SLOTS more calls on `sh`, or ap_shown_free(). */
AP_API const char *ap_shown_text(ap_shown *sh, const char *s);

AP_API void ap_shown_free(ap_shown *sh);

#endif
