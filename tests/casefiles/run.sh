#!/bin/sh
# The case file corpus: each valid/NAME.xml has NAME.json, the exact output
# of `appui score --format json`; each invalid/NAME.xml has NAME.expected,
# the exact output of `appui validate` (FILE:LINE: FIELD: message), and must
# exit with status 1. Run with --update to rewrite the expected files after
# an intended change, then review the diff.
#
# usage: run.sh APPUI CORPUS_DIR [--update]
set -u
appui=$1
corpus=$2
update=${3:-}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # name expected actual
	if [ "$update" = "--update" ]; then
		cp "$3" "$2"
		pass=$((pass + 1))
	elif cmp -s "$2" "$3"; then
		pass=$((pass + 1))
	else
		echo "FAIL: $1"
		diff -u "$2" "$3" | head -40
		fail=$((fail + 1))
	fi
}

# Paths in outputs are relative to the corpus folder.
cd "$corpus" || exit 1

for f in valid/*.xml; do
	name=${f%.xml}
	"$appui" score --format json "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL: $f: exit $rc (expected 0)"
		cat "$tmp/err"
		fail=$((fail + 1))
		continue
	fi
	check "$f" "$name.json" "$tmp/out"
done

for f in invalid/*.xml; do
	name=${f%.xml}
	"$appui" validate --quiet "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 1 ]; then
		echo "FAIL: $f: exit $rc (expected 1)"
		cat "$tmp/out" "$tmp/err"
		fail=$((fail + 1))
		continue
	fi
	check "$f" "$name.expected" "$tmp/out"
done

# The whole invalid folder at once: every file is still reported (one bad
# file does not stop the batch), in name order.
"$appui" validate --quiet invalid >"$tmp/batch" 2>/dev/null
cat invalid/*.expected >"$tmp/concat"
if [ "$update" = "--update" ] || cmp -s "$tmp/concat" "$tmp/batch"; then
	pass=$((pass + 1))
else
	echo "FAIL: batch of invalid files differs from the files one by one"
	diff -u "$tmp/concat" "$tmp/batch" | head -20
	fail=$((fail + 1))
fi

echo "corpus: $pass passed, $fail failed"
[ $fail -eq 0 ]
