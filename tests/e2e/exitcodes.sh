#!/bin/sh
# Exit statuses tell the truth: a standard output that cannot be written
# (a full device, a closed descriptor) is exit status 3 with the reason on
# stderr, for every command; an archive whose member is given twice, or whose
# name is both a file and a folder, is refused (exit status 1) in appui's
# words, naming the member, with nothing extracted.
# usage: exitcodes.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
EX=$SRC/casefiles/examples
CASE=$EX/cf-2016-003-vlh-mail.xml
CAMPAIGN=$SRC/configs/campaign.cfg
cd "$TMP" || exit 1

for tool in python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		fail "missing tool $tool (scripts/deps.sh installs it)"
	fi
done

# A good bundle, for verify, show and extract.
"$APPUI" bundle -o good.tar.gz "$CASE" >/dev/null 2>&1 || fail "bundle good.tar.gz"

# full STATUS NAME CMD...: CMD with its standard output on /dev/full exits
# with STATUS and says why on stderr.
full() {
	want=$1
	name=$2
	shift 2
	"$@" >/dev/full 2>"$TMP/err"
	got=$?
	if [ "$got" -eq "$want" ]; then pass; else
		fail "$name >/dev/full: exit $got, expected $want"
		sed 's/^/  err: /' "$TMP/err" | head -10
	fi
	expect_grep "$name >/dev/full" "$TMP/err" \
		"appui: cannot write to standard output: No space left on device"
}

# check NAME CMD...: CMD exits 0 and prints something with a normal standard
# output, and exits 3 saying why with it on a full device or closed.
check() {
	name=$1
	shift
	expect_status 0 "$name" -- "$@"
	if [ -s "$TMP/out" ]; then pass; else fail "$name: printed nothing"; fi
	full 3 "$name" "$@"
	"$@" >&- 2>"$TMP/err"
	got=$?
	if [ "$got" -eq 3 ]; then pass; else fail "$name >&-: exit $got, expected 3"; fi
	expect_grep "$name >&-" "$TMP/err" "appui: cannot write to standard output"
}

check "version" "$APPUI" version
check "-V" "$APPUI" -V
check "--help" "$APPUI" --help
check "help" "$APPUI" help
check "help score" "$APPUI" help score
check "validate --help" "$APPUI" validate --help
check "validate" "$APPUI" validate "$EX"
check "score" "$APPUI" score "$EX"
check "score json" "$APPUI" score --format json "$EX"
check "score explain" "$APPUI" score --explain "$CASE"
check "plan" "$APPUI" plan --campaign "$CAMPAIGN" "$EX"
check "plan csv" "$APPUI" plan --campaign "$CAMPAIGN" --format csv "$EX"
check "plugins" "$APPUI" plugins
check "config check" "$APPUI" config check
check "show" "$APPUI" show good.tar.gz
check "verify" "$APPUI" verify good.tar.gz
# The store's commands (run again, store add finds duplicates).
check "store init" "$APPUI" store init --store st.db
check "store add" "$APPUI" store add --store st.db "$CASE"
check "store list" "$APPUI" store list --store st.db
check "store show" "$APPUI" store show CF-2016-003 --store st.db
check "store check" "$APPUI" store check --store st.db
check "store audit" "$APPUI" store audit --store st.db
check "store --help" "$APPUI" store --help
"$APPUI" account add --coordinator claire --store st.db >/dev/null
check "account list" "$APPUI" account list --store st.db

# Statuses other than 0 are kept or raised to 3, never lowered to 0; a
# command that prints nothing (validate -q of valid files) exits 0.
expect_status 0 "validate -q" -- "$APPUI" validate -q "$CASE"
"$APPUI" validate -q "$CASE" >/dev/full 2>/dev/null || fail "validate -q >/dev/full: not 0"
printf '<casefile/>' >bad.xml
expect_status 1 "validate invalid" -- "$APPUI" validate bad.xml
full 3 "validate invalid" "$APPUI" validate bad.xml
expect_status 2 "unknown command" -- "$APPUI" frobnicate
"$APPUI" frobnicate >/dev/full 2>/dev/null
got=$?
if [ "$got" -eq 2 ]; then pass; else fail "unknown command >/dev/full: exit $got, expected 2"; fi

# bundle and extract: their messages are on standard output.
full 3 "bundle" "$APPUI" bundle -o again.tar.gz "$CASE"
expect_status 0 "extract" -- "$APPUI" extract good.tar.gz -C ext1
expect_grep "extract" "$TMP/out" "good.tar.gz: extracted to ext1/"
full 3 "extract" "$APPUI" extract good.tar.gz -C ext2

# -o FILE: standard output is not used, and the file is written.
expect_status 0 "score -o" -- "$APPUI" score -o out.txt "$EX"
if [ -s out.txt ]; then pass; else fail "score -o: out.txt empty"; fi
"$APPUI" score -o out2.txt "$EX" >/dev/full 2>"$TMP/err"
got=$?
if [ "$got" -eq 0 ]; then pass; else fail "score -o >/dev/full: exit $got, expected 0"; fi
expect_no_grep "score -o >/dev/full" "$TMP/err" "cannot write"
if cmp -s out.txt out2.txt; then pass; else fail "score -o >/dev/full: out2.txt differs"; fi
# A device given with -o says so itself, once.
expect_status 3 "score -o /dev/full" -- "$APPUI" score -o /dev/full "$EX"
expect_grep "score -o /dev/full" "$TMP/err" "cannot write the output: No space left on device"
expect_no_grep "score -o /dev/full" "$TMP/err" "standard output"

# ---- hostile archives: a member twice, a file and a folder of one name ---------
python3 - <<'PY' || fail "building the archives"
import io
import tarfile


def f(t, name, data=b"x\n"):
    i = tarfile.TarInfo(name)
    i.size = len(data)
    t.addfile(i, io.BytesIO(data))


def d(t, name):
    i = tarfile.TarInfo(name)
    i.type = tarfile.DIRTYPE
    i.mode = 0o755
    t.addfile(i)


with tarfile.open("twice.tar", "w") as t:
    d(t, "BAG")
    f(t, "BAG/bagit.txt")
    f(t, "BAG/data/x.txt", b"one\n")
    f(t, "BAG/data/x.txt", b"two\n")
with tarfile.open("file-dir.tar.gz", "w:gz") as t:
    f(t, "BAG/bagit.txt")
    f(t, "BAG/data/x.txt")
    d(t, "BAG/data/x.txt")
with tarfile.open("file-in.tar", "w") as t:
    f(t, "BAG/bagit.txt")
    f(t, "BAG/data/x.txt")
    f(t, "BAG/data/x.txt/y")
with tarfile.open("dir-file.tar", "w") as t:
    f(t, "BAG/bagit.txt")
    d(t, "BAG/data/x.txt")
    f(t, "BAG/data/x.txt/y")
    f(t, "BAG/data/x.txt")
PY
set -- twice.tar "BAG/data/x.txt: appears twice in the archive: refused" \
	file-dir.tar.gz "BAG/data/x.txt: is both a file and a folder in the archive: refused" \
	file-in.tar "BAG/data/x.txt: is both a file and a folder in the archive: refused" \
	dir-file.tar "BAG/data/x.txt: is both a file and a folder in the archive: refused"
while [ $# -gt 0 ]; do
	expect_status 1 "extract $1" -- "$APPUI" extract "$1" -C x
	expect_grep "extract $1" "$TMP/err" "$1:0: $2"
	expect_grep "extract $1" "$TMP/err" "appui extract: $1: nothing was extracted"
	expect_no_grep "extract $1" "$TMP/err" "cannot extract"
	if [ -e x ]; then fail "extract $1 left x/"; else pass; fi
	mkdir x
	expect_status 1 "extract $1 into a folder" -- "$APPUI" extract "$1" -C x
	if [ -z "$(ls -A x)" ]; then pass; else fail "extract $1 left $(ls -A x)"; fi
	rmdir x
	# verify and show say the same.
	expect_status 1 "verify $1" -- "$APPUI" verify "$1"
	expect_grep "verify $1" "$TMP/out" "$1:0: $2"
	expect_status 1 "show $1" -- "$APPUI" show "$1"
	expect_grep "show $1" "$TMP/err" "$1:0: $2"
	shift 2
done

summary
