#!/bin/sh
# appui accepts exactly the case files the schema accepts: on mutated copies
# of the examples (tests/casefiles/mutate.py, seeded), every file
# `xmllint --schema` refuses is refused by appui, every file appui accepts
# validates, and every file that is not well-formed is reported as such
# (or, when its XML declaration is what is broken, as not UTF-8).
# appui refuses more (dates, duplicates, catalogue checks): that is allowed.
# xmllint reads at most 24 digits of a decimal, where the schema allows any
# number and appui reads them (check_reader covers that); the mutations keep
# to 20 digits.
# usage: schema.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
cd "$TMP" || exit 1

python3 "$SRC/tests/casefiles/mutate.py" "$SRC/casefiles/examples" m 600 \
	--seed 2026 || exit 1
(cd m && xmllint --noout --schema "$SRC/casefiles/casefile.xsd" ./*.xml) \
	>/dev/null 2>xmllint.txt
sed -n 's#^\./\(m[0-9]*\.xml\) validates$#\1#p' xmllint.txt | sort >schema-ok
sed -n 's#^\./\(m[0-9]*\.xml\):[0-9]*: parser error.*#\1#p' xmllint.txt |
	sort -u >not-well-formed

(cd m && "$APPUI" validate --quiet --jobs 2 ./*.xml) >appui.txt 2>&1
grep -v ': warning: ' appui.txt |
	sed -n 's#^\./\(m[0-9]*\.xml\):.*#\1#p' | sort -u >appui-refused
grep -e 'not well-formed XML' -e ':1: encoding: ' appui.txt |
	sed -n 's#^\./\(m[0-9]*\.xml\):.*#\1#p' | sort -u >appui-not-well-formed

total=$(ls m | wc -l)
ok=$(wc -l <schema-ok)
[ "$ok" -gt 50 ] && [ "$ok" -lt "$total" ] && pass ||
	fail "the mutations should give both valid and invalid files ($ok of $total valid)"

for f in $(ls m); do
	if grep -qx "$f" schema-ok; then
		: # appui may refuse it for a check the schema cannot make
	elif grep -qx "$f" appui-refused; then
		pass
	else
		fail "$f: the schema refuses it, appui accepts it"
		grep "^\./$f" xmllint.txt | head -3
	fi
done
for f in $(cat not-well-formed); do
	if grep -qx "$f" appui-not-well-formed; then
		pass
	else
		fail "$f: not well-formed, appui says otherwise"
		grep "^\./$f" appui.txt | head -3
	fi
done
# Files appui accepts validate.
for f in $(ls m); do
	grep -qx "$f" appui-refused || grep -qx "$f" schema-ok ||
		fail "$f: accepted by appui, refused by the schema"
done
summary
