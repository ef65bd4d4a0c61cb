#!/bin/sh
# The French catalogue is complete: every message of the sources (as
# po/xgettext.sh extracts them) has a translation in po/fr.po that is neither
# missing nor fuzzy, fr.po holds no message the sources no longer have, and
# msgfmt --check accepts it (the same printf conversions as the English).
# usage: complete.sh SOURCE_DIR WORK_DIR
set -u
SRC=$1
WORK=$2
rm -rf "$WORK"
mkdir -p "$WORK"
fail=0
sh "$SRC/po/xgettext.sh" "$SRC" "$WORK/appui.pot" || exit 1
for lang in fr; do
	po=$SRC/po/$lang.po
	msgfmt --check --output-file=/dev/null "$po" || fail=1
	msgmerge --quiet --no-fuzzy-matching --output-file="$WORK/$lang.po" "$po" "$WORK/appui.pot" || exit 1
	msgattrib --untranslated --no-obsolete "$WORK/$lang.po" >"$WORK/untranslated"
	msgattrib --only-fuzzy --no-obsolete "$WORK/$lang.po" >"$WORK/fuzzy"
	msgattrib --only-obsolete "$WORK/$lang.po" >"$WORK/obsolete"
	for what in untranslated fuzzy obsolete; do
		n=$(grep -c '^#\?~\? *msgid ' "$WORK/$what" || true)
		# The header is an entry of its own (msgid "").
		[ -s "$WORK/$what" ] && n=$((n - 1))
		if [ "$n" -gt 0 ]; then
			echo "FAIL: po/$lang.po: $n $what message(s):"
			grep -A2 '^#\?~\? *msgid ' "$WORK/$what" | sed -n '4,40p' | sed 's/^/  /'
			fail=1
		fi
	done
done
total=$(grep -c '^msgid ' "$WORK/appui.pot")
[ "$fail" -eq 0 ] && echo "po: $((total - 1)) messages, every one translated (fr)"
exit "$fail"
