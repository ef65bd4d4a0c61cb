#!/bin/sh
# Nothing hangs on what it is given: every file appui reads must be a
# regular file (a FIFO, a device or a folder is refused at once, naming it),
# and the includes of one configuration file are capped. Each command runs
# under `timeout 10`, so a regression fails (status 124) instead of hanging.
# usage: nohang.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
cd "$TMP" || exit 1
EX=$SRC/casefiles/examples
CASE=$(ls "$EX"/*.xml | head -n 1)
T="timeout 10"

mkfifo fifo || { fail "mkfifo"; summary; exit 1; }
mkdir folder

# config check: a FIFO, a device, a folder.
expect_status 1 "config check FIFO" -- $T "$APPUI" config check fifo
expect_grep "config check FIFO says why" "$TMP/out" \
	"fifo:0: cannot read configuration: not a regular file"
expect_status 1 "config check /dev/zero" -- $T "$APPUI" config check /dev/zero
expect_grep "config check /dev/zero says why" "$TMP/out" \
	"/dev/zero:0: cannot read configuration: not a regular file"
expect_status 1 "config check folder" -- $T "$APPUI" config check folder
expect_grep "config check folder says why" "$TMP/out" \
	"folder:0: cannot read configuration: not a regular file"

# --config and --campaign: set-up errors.
expect_status 3 "--config FIFO" -- $T "$APPUI" --config fifo score x.xml
expect_grep "--config FIFO says why" "$TMP/err" \
	"fifo:0: cannot read configuration: not a regular file"
expect_status 3 "--campaign FIFO" -- $T "$APPUI" --campaign fifo plan "$CASE"
expect_grep "--campaign FIFO says why" "$TMP/err" \
	"fifo:0: cannot read campaign: not a regular file"

# An include of a FIFO, named with the including file and line.
printf 'bands = { watch = 30.0; };\n@include "fifo"\n' >incfifo.cfg
expect_status 1 "include of a FIFO" -- $T "$APPUI" config check incfifo.cfg
expect_grep "include of a FIFO names its line" "$TMP/out" \
	"incfifo.cfg:2: cannot include 'fifo': not a regular file"

# An include bomb: 10 files, each including the next one 10 times (10^9
# copies of the last one without the cap), refused at the 65th include.
i=0
while [ $i -lt 9 ]; do
	: >bomb$i.cfg
	k=0
	while [ $k -lt 10 ]; do
		echo "@include \"bomb$((i + 1)).cfg\"" >>bomb$i.cfg
		k=$((k + 1))
	done
	i=$((i + 1))
done
echo '# the last one' >bomb9.cfg
start=$(date +%s)
expect_status 1 "include bomb" -- $T "$APPUI" config check bomb0.cfg
end=$(date +%s)
expect_grep "include bomb: the cap" "$TMP/out" "over 64 includes in all"
expect_grep "include bomb: the file and line" "$TMP/out" \
	"bomb8.cfg:2: cannot include 'bomb9.cfg'"
[ $((end - start)) -le 2 ] && pass || fail "include bomb took $((end - start)) s"
# The same includes within the cap are read.
printf '@include "bomb8.cfg"\n' >fine.cfg
expect_status 0 "10 includes are fine" -- $T "$APPUI" config check fine.cfg

# A case file that is a FIFO: an invalid input.
expect_status 1 "validate FIFO" -- $T "$APPUI" validate fifo
expect_grep "validate FIFO says why" "$TMP/out" "fifo:0: not a regular file"

# bundle: the plan and the attachments.
expect_status 1 "bundle --plan FIFO" -- \
	$T "$APPUI" bundle --plan fifo -o b.zip "$CASE"
expect_grep "--plan FIFO says why" "$TMP/err" "fifo:0: not a regular file"
[ ! -e b.zip ] && pass || fail "bundle --plan FIFO wrote b.zip"
expect_status 1 "bundle --attach /dev/zero" -- \
	$T "$APPUI" bundle --attach /dev/zero -o b.zip "$CASE"
expect_grep "--attach /dev/zero says why" "$TMP/err" \
	"/dev/zero:0: not a regular file"
[ ! -e b.zip ] && pass || fail "bundle --attach /dev/zero wrote b.zip"

# verify, show and extract of a FIFO.
expect_status 1 "verify FIFO" -- $T "$APPUI" verify fifo
expect_grep "verify FIFO says why" "$TMP/out" \
	"fifo:0: not a regular file: a bundle is a file"
expect_status 1 "show FIFO" -- $T "$APPUI" show fifo
expect_grep "show FIFO says why" "$TMP/err" "fifo:0: not a regular file"
expect_status 1 "verify /dev/zero" -- $T "$APPUI" verify /dev/zero
expect_grep "verify /dev/zero says why" "$TMP/out" \
	"/dev/zero:0: not a regular file"

summary
