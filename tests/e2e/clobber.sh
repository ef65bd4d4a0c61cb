#!/bin/sh
# End-to-end tests of the rule that an output never replaces an input: -o of
# score and plan, plan's calendars (--ics), bundles and extract -C onto a case
# file, an attachment, the campaign or the bundle, by name, through a symbolic
# link and through a hard link, are refused with exit status 2 before anything
# is written, and the input keeps its bytes.
# usage: clobber.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
EX=$SRC/casefiles/examples
CAMPAIGN=$SRC/configs/campaign.cfg
cd "$TMP" || exit 1

# fresh: the inputs, their copies (FILE.orig) and the links, made anew
# before each case so that one destroyed input does not fail the next.
fresh() {
	rm -rf in cal cal2 link.xml hard.xml report-link.zip report.txt campaign.cfg
	mkdir in cal cal2
	cp "$EX/cf-2016-003-vlh-mail.xml" in/site.xml
	cp "$EX/cf-2016-001-lmh-alouettes.xml" in/other.xml
	printf 'a report\n' >report.txt
	cp "$CAMPAIGN" campaign.cfg
	for f in in/site.xml in/other.xml report.txt campaign.cfg; do
		cp "$f" "$f.orig"
	done
	ln -s in/site.xml link.xml
	ln in/site.xml hard.xml
	ln in/site.xml cal/FIRM-ARGOS.ics
	ln -s ../campaign.cfg cal2/FIRM-TRAJECTOIRES.ics
	ln -s report.txt report-link.zip
}

# unchanged NAME FILE...: each FILE has the bytes of FILE.orig.
unchanged() {
	name=$1
	shift
	for f in "$@"; do
		if cmp -s "$f" "$f.orig"; then pass; else fail "$name: $f changed"; fi
	done
}

# refused NAME OUT IN CMD...: exit 2, the message naming OUT and IN, and no
# input changed.
refused() {
	name=$1
	out=$2
	in=$3
	shift 3
	fresh
	expect_status 2 "$name" -- "$@"
	expect_grep "$name" "$TMP/err" "the output $out is the input $in: refused, nothing written"
	unchanged "$name" in/site.xml in/other.xml report.txt campaign.cfg
}

# ---- score -o ----------------------------------------------------------------
refused "score -o same file" in/site.xml in/site.xml \
	"$APPUI" score -o in/site.xml in/site.xml
refused "score -o json same file" in/site.xml in/site.xml \
	"$APPUI" score --format json -o in/site.xml in/other.xml in/site.xml
refused "score -o symlink" link.xml in/site.xml \
	"$APPUI" score -o link.xml in/site.xml
refused "score -o hard link" hard.xml in/site.xml \
	"$APPUI" score -o hard.xml in/site.xml
refused "score -o case in folder" in/other.xml in/other.xml \
	"$APPUI" score -o in/other.xml in
expect_grep "score -o case in folder: command named" "$TMP/err" "appui score:"

# ---- plan -o and --ics ----------------------------------------------------------
refused "plan -o case in folder" hard.xml in/site.xml \
	"$APPUI" plan --campaign campaign.cfg -o hard.xml in
refused "plan -o campaign" campaign.cfg campaign.cfg \
	"$APPUI" plan --campaign campaign.cfg --format json -o campaign.cfg in
refused "plan --ics onto a case file" cal/FIRM-ARGOS.ics in/site.xml \
	"$APPUI" plan --campaign campaign.cfg -o plan.txt --ics cal in
if [ -e plan.txt ]; then fail "plan --ics refused: plan.txt written"; else pass; fi
refused "plan --ics onto the campaign" cal2/FIRM-TRAJECTOIRES.ics campaign.cfg \
	"$APPUI" plan --campaign campaign.cfg --ics cal2/ in

# validate has no output: -o is refused (an option a command would ignore
# is a usage error) and the input stays as it was.
fresh
expect_status 2 "validate -o refused" -- "$APPUI" validate -o in/site.xml in
expect_grep "validate -o refused" "$TMP/err" "validate: --output is not an option of this command"
unchanged "validate -o refused" in/site.xml in/other.xml

# ---- bundle -o -------------------------------------------------------------------
refused "bundle -o case file" in/site.xml in/site.xml \
	"$APPUI" bundle --format tar.gz -o in/site.xml in/site.xml
refused "bundle -o attachment" report.txt report.txt \
	"$APPUI" bundle --format zip -o report.txt --attach report.txt in/site.xml
refused "bundle -o symlink to attachment" report-link.zip report.txt \
	"$APPUI" bundle -o report-link.zip --attach report.txt in/site.xml
ls -a in >listing
expect_no_grep "bundle refused: no temporary file" listing ".tmp"

# ---- extract -C ------------------------------------------------------------------
fresh
expect_status 0 "bundle to another file" -- "$APPUI" bundle -o site.tar.gz in/site.xml
cp site.tar.gz site.tar.gz.orig
expect_status 2 "extract -C bundle" -- "$APPUI" extract site.tar.gz -C site.tar.gz
expect_grep "extract -C bundle" "$TMP/err" "the output site.tar.gz is the input site.tar.gz: refused, nothing written"
unchanged "extract -C bundle" site.tar.gz
# A folder holding the bundle is fine: the bag goes to a new folder in it.
expect_status 0 "extract -C ." -- "$APPUI" extract site.tar.gz -C .
unchanged "extract -C ." site.tar.gz

# ---- other outputs still work -------------------------------------------------
fresh
expect_status 0 "score -o other.json" -- "$APPUI" score --format json -o other.json in
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' other.json; then pass; else fail "other.json is not JSON"; fi
expect_status 0 "score -o existing file" -- "$APPUI" score -o other.json in
expect_status 0 "score -o -" -- "$APPUI" score -o - in/site.xml
expect_status 0 "plan --ics new folder" -- "$APPUI" plan --campaign campaign.cfg -o plan.txt --ics cal3 in
if ls cal3/*.ics >/dev/null 2>&1; then pass; else fail "no calendar in cal3"; fi
unchanged "outputs elsewhere" in/site.xml in/other.xml report.txt campaign.cfg

summary
