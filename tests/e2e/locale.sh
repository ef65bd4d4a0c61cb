#!/bin/sh
# Languages (docs/cli.md, "Language"): with a French locale, what people read
# is French (help, messages, problems, summaries, the plan's terminal
# report); what programs read is the same bytes in every locale: JSON, CSV,
# calendars, bundles, the HTML report, exit statuses, and the English message
# of a problem inside JSON.
# usage: locale.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
EX=$SRC/casefiles/examples
BAD=$SRC/tests/casefiles/invalid/built-after-diagnostic.xml
CAMPAIGN=$SRC/configs/campaign.cfg
cd "$TMP" || exit 1
if ! locale -a | grep -qi '^fr_FR\.utf-\?8$'; then
	fail "the fr_FR.UTF-8 locale is not installed (scripts/deps.sh makes it)"
	summary
	exit 1
fi
en() { env -u LANGUAGE LC_ALL=C "$@"; }
fr() { env -u LC_ALL LANGUAGE= LANG=fr_FR.UTF-8 "$@"; }

# ---- the same bytes in both ----------------------------------------------
same() { # NAME CMD...: stdout and exit status equal in C and in French
	name=$1
	shift
	en "$@" >en.out 2>/dev/null
	a=$?
	fr "$@" >fr.out 2>/dev/null
	b=$?
	if [ "$a" = "$b" ] && cmp -s en.out fr.out && [ -s en.out ]; then pass; else
		fail "$name: C and French differ (exit $a / $b)"
		diff en.out fr.out | head -5
	fi
}
same "score json" "$APPUI" score -f json "$EX" "$BAD"
same "score csv" "$APPUI" score -f csv "$EX"
same "plan json" "$APPUI" plan -f json --campaign "$CAMPAIGN" "$EX"
same "plan csv" "$APPUI" plan -f csv --campaign "$CAMPAIGN" "$EX"
same "history json" "$APPUI" history -f json LMH-ALOUETTES "$EX" "$SRC/casefiles/followup"
same "options" "$APPUI" options plan
en "$APPUI" plan --campaign "$CAMPAIGN" --ics cal-en "$EX" >/dev/null 2>&1
fr "$APPUI" plan --campaign "$CAMPAIGN" --ics cal-fr "$EX" >/dev/null 2>&1
diff -r cal-en cal-fr >/dev/null && [ -n "$(ls cal-en)" ] && pass || fail "calendars differ between C and French"
en "$APPUI" report --campaign "$CAMPAIGN" -o en.html "$EX" >/dev/null 2>&1
fr "$APPUI" report --campaign "$CAMPAIGN" -o fr.html "$EX" >/dev/null 2>&1
cmp -s en.html fr.html && [ -s en.html ] && pass || fail "the HTML report differs between C and French"
en "$APPUI" bundle -o en.tar.gz "$EX/cf-2016-003-vlh-mail.xml" >/dev/null 2>&1
fr "$APPUI" bundle -o fr.tar.gz "$EX/cf-2016-003-vlh-mail.xml" >/dev/null 2>&1
cmp -s en.tar.gz fr.tar.gz && [ -s en.tar.gz ] && pass || fail "bundles differ between C and French"
# A problem inside JSON keeps its English message in French too.
fr "$APPUI" score -f json "$BAD" >bad.json 2>/dev/null
expect_grep "JSON message in French locale" bad.json '"message":"construction year 2020 is after the diagnostic (2019): the site must exist when diagnosed"'
# Exit statuses.
for args in "validate $BAD" "validate --nonesuch" "plan --campaign /nonexistent $EX"; do
	en "$APPUI" $args >/dev/null 2>&1
	a=$?
	fr "$APPUI" $args >/dev/null 2>&1
	b=$?
	[ "$a" = "$b" ] && [ "$a" != 0 ] && pass || fail "exit of '$args': $a in C, $b in French"
done

# ---- French for people ---------------------------------------------------
expect_status 1 "validate fr" -- fr "$APPUI" validate "$BAD"
expect_grep "validate fr" "$TMP/out" "built-after-diagnostic.xml:7: site/built: l'année de construction 2020 est postérieure au diagnostic (2019)"
expect_grep "validate fr" "$TMP/out" "1 fichier : 0 valide(s), 1 invalide(s)"
expect_status 1 "validate en" -- en "$APPUI" validate "$BAD"
expect_grep "validate en" "$TMP/out" "1 file: 0 valid, 1 invalid, 0 warnings"
expect_status 0 "help fr" -- fr "$APPUI" validate --help
expect_grep "help fr" "$TMP/out" "usage : appui validate"
expect_status 2 "usage fr" -- fr "$APPUI" validate --budget-days 3 "$BAD"
expect_grep "usage fr" "$TMP/err" "n'est pas une option de cette commande"
expect_status 0 "plan report fr" -- fr "$APPUI" plan --campaign "$CAMPAIGN" "$EX"
expect_grep "plan report fr" "$TMP/out" "ORGANISME"
# Figures keep their dot in French (only LC_MESSAGES is French).
expect_grep "plan report fr" "$TMP/out" "3800.00"
expect_no_grep "plan report fr" "$TMP/out" "3800,00"
# LANGUAGE lists languages; a language without a catalogue is English.
expect_status 0 "LANGUAGE=de:fr" -- env LANG=fr_FR.UTF-8 LANGUAGE=de:fr "$APPUI" validate "$EX"
expect_grep "LANGUAGE=de:fr" "$TMP/out" "39 fichiers"
# The service answers in English in every locale (its log and problems are
# read by programs): its first line is the one scripts wait for.
en "$APPUI" store init --store st.db >/dev/null
env -u LC_ALL LANGUAGE= LANG=fr_FR.UTF-8 "$APPUI" serve --listen 127.0.0.1:0 --store st.db 2>serve.err &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q listening serve.err; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM $pid 2>/dev/null
wait $pid
expect_grep "serve in French locale" serve.err "appui serve: listening on http://127.0.0.1:"
summary
