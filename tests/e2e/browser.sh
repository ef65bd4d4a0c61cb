#!/bin/sh
# The service's pages in a real browser (headless Chromium through
# chromedriver, tests/browser/pages.py): sign-in, a firm's uploads by drag
# and drop and by the file picker, its case files, the coordinator's ranked
# sites and a site's page; no request leaves the service's origin and the
# console shows no error. Screenshots of each page go to
# BUILD_DIR/browser-artifacts/. Chromium, chromedriver and Python's selenium
# are required: without them the test fails.
# usage: browser.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
BUILD=$3
. "$SRC/tests/e2e/lib.sh"
. "$SRC/tests/e2e/service_lib.sh"
EX=$SRC/casefiles/examples
cd "$TMP" || exit 1
SVC_PID=
trap '[ -n "$SVC_PID" ] && svc_stop; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

# --- what the browser needs ----------------------------------------------------
if ! browser_tools; then
	summary
	exit 1
fi

# --- a store with a few sites, a firm and a coordinator ----------------------------
# Stored before the service starts: five firms' sites, one of them FIRM-ARGOS's.
# The firm then uploads two more of its own through the page.
stored="cf-2016-001-lmh-alouettes.xml cf-2016-002-ssdh-cedres.xml
cf-2016-003-vlh-mail.xml cf-2016-005-sh-bruyeres.xml
cf-2016-007-mht-champagne.xml cf-2017-002-logirep-erables.xml"
expect_status 0 "store init" -- "$APPUI" store init --store s.db
set --
for f in $stored; do
	set -- "$@" "$EX/$f"
done
expect_status 0 "store add" -- "$APPUI" store add --store s.db "$@"
expect_grep "store add" "$TMP/out" "6 files: 6 stored (6 new cases, 0 corrections)"
svc_account s.db argos --firm FIRM-ARGOS || fail "firm account"
svc_account s.db coord --coordinator || fail "coordinator account"
svc_start s.db || {
	fail "service start"
	summary
	exit 1
}

# --- the pages, as a user sees them ------------------------------------------------
ART=$BUILD/browser-artifacts
mkdir -p "$ART" && rm -f "$ART"/*.png
"$PY" "$SRC/tests/browser/pages.py" --url "$URL" \
	--firm-token "$TMP/token.argos" --coordinator-token "$TMP/token.coord" \
	--firm FIRM-ARGOS --examples "$EX" --stored "$(echo $stored)" \
	--drop cf-2016-004-gh-bois-fleuri.xml \
	--picker cf-2017-008-glh-vercheres.xml \
	--chromium "$(command -v chromium)" \
	--chromedriver "$(command -v chromedriver)" \
	--work "$TMP" --artifacts "$ART" >pages.out 2>pages.err
rc=$?
cat pages.out
# pages.py ends with its own "N passed, N failed": added to this test's count.
counts=$(tail -n 1 pages.out | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
if [ -n "$counts" ]; then
	passed=$((passed + ${counts% *}))
	failed=$((failed + ${counts#* }))
fi
if [ $rc -ne 0 ] && { [ -z "$counts" ] || [ "${counts#* }" -eq 0 ]; }; then
	fail "pages.py: exit $rc"
	sed 's/^/  err: /' pages.err | tail -n 30
fi
for shot in signin firm coordinator site; do
	[ -s "$ART/$shot.png" ] && pass || fail "no screenshot $ART/$shot.png"
done

# No request the browser made was answered with a server error (a request's
# line: TIME PEER METHOD PATH STATUS ...), and the service stops cleanly.
errors=$(awk '$5 ~ /^5[0-9][0-9]$/' "$TMP/serve.log")
[ -z "$errors" ] && pass || fail "server errors: $errors"
svc_stop
SVC_PID=
[ "$SVC_RC" -eq 0 ] && pass || fail "service exit $SVC_RC"
summary
