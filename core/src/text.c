/* Inert copies of text from outside (see appui/text.h). */
#include "appui/text.h"

#include <stdlib.h>

#include "util.h"

const char *ap_shown_text(ap_shown *sh, const char *s)
{
	unsigned i = sh->next++ % AP_SHOWN_SLOTS;
	ap_buf b;
	ap_buf_init(&b);
	ap_buf_puts(&b, "");
	ap_buf_inert(&b, s, 0);
	free(sh->slot[i]);
	sh->slot[i] = b.data;
	return b.data;
}

void ap_shown_free(ap_shown *sh)
{
	for (unsigned i = 0; i < AP_SHOWN_SLOTS; i++) {
		free(sh->slot[i]);
		sh->slot[i] = NULL;
	}
	sh->next = 0;
}
