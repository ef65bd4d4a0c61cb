#!/bin/sh
# The man pages (docs/man/): each renders without a warning of groff's, appui(1)
# names every command `appui --help` lists and every option of each command's
# --help, and once installed `man` finds each page by its name.
# usage: man.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
BUILD=$3
. "$SRC/tests/e2e/lib.sh"
TOP=$BUILD/..
MAN=$TOP/share/man
PAGES="man1/appui.1 man5/appui.cfg.5 man5/appui-campaign.5 man5/appui-casefile.5"

# Every page renders, with every groff warning on (-ww: a line that cannot be
# adjusted or broken, an unknown macro or escape...), and says something.
for p in $PAGES; do
	if [ ! -s "$MAN/$p" ]; then
		fail "$p not built in $MAN"
		continue
	fi
	preconv "$MAN/$p" | groff -man -t -ww -z -Tutf8 >/dev/null 2>"$TMP/warn"
	if [ -s "$TMP/warn" ]; then
		fail "$p: groff warns"
		head -5 "$TMP/warn"
	else
		pass
	fi
	MANWIDTH=80 man --warnings=w -l "$MAN/$p" >"$TMP/page.txt" 2>"$TMP/warn"
	if [ -s "$TMP/warn" ] || [ "$(wc -l <"$TMP/page.txt")" -lt 50 ]; then
		fail "$p: man -l warns or prints almost nothing"
		head -5 "$TMP/warn"
	else
		pass
	fi
done

# appui(1) against the code: each command of `appui --help` has its section,
# and every option that any command's --help mentions is in the page.
MANWIDTH=1000 man -l "$MAN/man1/appui.1" >"$TMP/appui.txt" 2>/dev/null
"$APPUI" --help >"$TMP/help" || fail "appui --help"
cmds=$(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' "$TMP/help" | sort -u)
[ "$(echo "$cmds" | wc -l)" -ge 15 ] && pass || fail "appui --help lists too few commands: $cmds"
for c in $cmds; do
	[ "$c" = help ] && continue
	if grep -q "^   appui $c\$" "$TMP/appui.txt"; then pass; else fail "appui(1) has no section for '$c'"; fi
	"$APPUI" "$c" --help >"$TMP/cmd.help" 2>&1 || fail "appui $c --help"
	for o in $(grep -o -- '\(^\|[^[:alnum:]_-]\)--\?[[:alpha:]][[:alnum:]-]*' "$TMP/cmd.help" | sed 's/^[^-]*//' | sort -u); do
		if grep -q -- "\\(^\\|[^[:alnum:]_-]\\)$o\\([^[:alnum:]_-]\\|\$\\)" "$TMP/appui.txt"; then
			pass
		else
			fail "appui(1) does not mention $o of 'appui $c --help'"
		fi
	done
done
# Each section 5 page is the reference it is meant to be.
expect_grep "appui.cfg(5)" "$(MANWIDTH=1000 man -l "$MAN/man5/appui.cfg.5" >"$TMP/cfg.txt" 2>&1; echo "$TMP/cfg.txt")" "bands.watch"
expect_grep "appui.cfg(5)" "$TMP/cfg.txt" "max_body_bytes"
MANWIDTH=1000 man -l "$MAN/man5/appui-campaign.5" >"$TMP/campaign.txt" 2>&1
expect_grep "appui-campaign(5)" "$TMP/campaign.txt" "firms[].daily_rate"
MANWIDTH=1000 man -l "$MAN/man5/appui-casefile.5" >"$TMP/casefile.txt" 2>&1
expect_grep "appui-casefile(5)" "$TMP/casefile.txt" "FILE:LINE: FIELD: message"
# Code blocks stay code blocks, on lines of their own, whatever the fence's
# words for the examples' runner (```sh status=1, ```xml file=NAME).
for want in "casefile.txt:<casefile xmlns=\"urn:appui:casefile:1\" id=\"CF-2019-017\">" \
	"cfg.txt:appui config check enum.cfg"; do
	if grep -q "^ *${want#*:}\$" "$TMP/${want%%:*}"; then
		pass
	else
		fail "a code block is not one: '${want#*:}' in ${want%%:*}"
	fi
done

# Installed: `man` finds and shows every page of the prefix by its name.
PREFIX=$TMP/prefix
expect_status 0 "cmake --install" -- cmake --install "$TOP" --prefix "$PREFIX"
for p in $PAGES; do
	name=$(basename "$p")
	sec=${name##*.}
	name=${name%.*}
	got=$(MANPATH=$PREFIX/share/man man -w "$sec" "$name" 2>&1)
	if [ "$got" = "$PREFIX/share/man/$p" ]; then pass; else fail "man -w $sec $name: '$got'"; fi
done
MANPATH=$PREFIX/share/man MANWIDTH=80 man appui >"$TMP/out" 2>"$TMP/err"
expect_grep "man appui" "$TMP/out" "appui - score the site diagnostics"
summary
