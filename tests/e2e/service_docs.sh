#!/bin/sh
# docs/service.md's examples, run against a real service as a reader would
# run them (tests/e2e/docs_run.py): what each prints is what the page shows.
# Also checks the shipped systemd unit (systemd-analyze verify).
# usage: service_docs.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
BUILD=$3
. "$SRC/tests/e2e/lib.sh"
. "$SRC/tests/e2e/service_lib.sh"
cd "$TMP" || exit 1

# The store holds the examples, but the one the page sends.
mkdir sent
cp "$SRC"/casefiles/examples/*.xml sent/
rm sent/cf-2016-004-gh-bois-fleuri.xml
"$APPUI" store init --store s.db >/dev/null
"$APPUI" store add -q --store s.db sent >/dev/null
svc_account s.db argos --firm FIRM-ARGOS
svc_account s.db coordination --coordinator
svc_start s.db || exit 1
# The reader's folder: the top of the source tree, as the page says.
mkdir work
ln -s "$SRC/casefiles" work/casefiles
ln -s "$SRC/tests" work/tests
APPUI_URL=$URL TOKEN=$(cat token.argos) COORD=$(cat token.coordination)
export APPUI_URL TOKEN COORD
if python3 "$SRC/tests/e2e/docs_run.py" ${DOCS_UPDATE:+--update} "$SRC/docs/service.md" work >docs.out; then
	pass
else
	fail "docs/service.md's examples"
	cat docs.out
fi
svc_stop

# The unit, with this build's appui in place of the installed one.
sed "s#^\(Exec[A-Za-z]*=\)[^ ]*/appui #\1$APPUI #" "$BUILD/../appui.service" >appui.service
if systemd-analyze verify ./appui.service >verify.out 2>&1; then
	pass
else
	fail "systemd-analyze verify appui.service"
	cat verify.out
fi
for line in DynamicUser=yes ProtectSystem=strict StateDirectory=appui; do
	expect_grep "the unit's sandbox" appui.service "$line"
done
summary
