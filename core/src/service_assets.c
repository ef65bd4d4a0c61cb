/*
 * The pages' script and style sheet, built into the service from
 * core/src/assets/ (see core/CMakeLists.txt), so that the pages load
 * nothing from anywhere else.
 */
#include <string.h>

#include "service_assets.h"
#include "service_impl.h"

svc_response *svc_static(const svc_request *q)
{
	svc_response *r = ap_xmalloc(sizeof(*r));
	svc_response_init(r);
	const char *text = NULL;
	if (strcmp(q->path, "/static/appui.js") == 0) {
		text = svc_asset_js;
		r->type = "text/javascript; charset=utf-8";
	} else if (strcmp(q->path, "/static/appui.css") == 0) {
		text = svc_asset_css;
		r->type = "text/css; charset=utf-8";
	}
	if (!text) {
		svc_problem(r, 404, "Not Found", "no such resource");
		return r;
	}
	r->status = 200;
	ap_buf_puts(&r->body, text);
	return r;
}
