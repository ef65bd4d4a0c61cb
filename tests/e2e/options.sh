#!/bin/bash
# GNU habits of the command line (docs/cli.md, "Options"): every option a
# command takes is in its --help, and every option line of a --help is one it
# takes; an option a command would ignore is a usage error; an ambiguous
# abbreviation says which options it could be; "-" is standard input for case
# files; --version gives the licence.
# usage: options.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
EX=$SRC/casefiles/examples/cf-2016-003-vlh-mail.xml
cd "$TMP" || exit 1

# ---- every option taken is in the help, every option line is taken -------
"$APPUI" options >keys || fail "appui options"
[ "$(wc -l <keys)" -ge 30 ] && pass || fail "appui options lists $(wc -l <keys) commands"
while read -r key; do
	cmd=${key%% *}
	"$APPUI" "$cmd" --help >help.txt || fail "$cmd --help"
	"$APPUI" options $key >taken || fail "options $key"
	while read -r opt; do
		if grep -qE -- "$opt([^a-z-]|$)" help.txt; then pass; else
			fail "'appui $key' takes $opt, which 'appui $cmd --help' does not show"
		fi
	done <taken
done <keys
# The option lines of each command's help ("  -s, --strict ...",
# "  --plan PLAN-ID ...") name options the command (one of its subcommands)
# takes.
for cmd in $(cut -d' ' -f1 keys | sort -u); do
	"$APPUI" "$cmd" --help | sed -nE 's/^ +(-[a-zA-Z], )?(--[a-z-]+).*/\2/p' | sort -u >lines
	grep "^$cmd\b" keys | while read -r key; do "$APPUI" options $key; done | sort -u >union
	while read -r opt; do
		[ "$opt" = --help ] && continue
		if grep -qx -- "$opt" union; then pass; else
			fail "'appui $cmd --help' shows $opt, which no '$cmd' command takes"
		fi
	done <lines
done
# Every long option of the command line is taken by some command.
sed -n '/long_opts\[\] = {/,/^};/s/^ *{"\([a-z-]*\)".*/--\1/p' "$SRC/core/cli/cli_args.c" | sort -u >all
[ "$(wc -l <all)" -ge 30 ] && pass || fail "read $(wc -l <all) options from cli_args.c"
while read -r key; do "$APPUI" options $key; done <keys | sort -u >anyone
while read -r opt; do
	case $opt in --help | --version) continue ;; esac
	grep -qx -- "$opt" anyone && pass || fail "no command takes $opt"
done <all

# ---- an option a command would ignore is an error ------------------------
expect_status 2 "validate --budget-days" -- "$APPUI" validate --budget-days 3 "$EX"
expect_grep "validate --budget-days" "$TMP/err" "appui validate: --budget-days is not an option of this command (appui validate --help lists them)"
expect_status 2 "score -q" -- "$APPUI" score -q "$EX"
expect_grep "score -q" "$TMP/err" "appui score: --quiet is not an option of this command"
expect_status 2 "store init --site" -- "$APPUI" store init --site X --store s.db
expect_grep "store init --site" "$TMP/err" "appui store init: --site is not an option of this command (appui store --help lists them)"
[ ! -e s.db ] && pass || fail "store init --site made the store anyway"
expect_status 2 "mission confirm --from" -- "$APPUI" mission confirm P1-M-001 --from 2019-01-01 --store s.db
expect_grep "mission confirm --from" "$TMP/err" "appui mission confirm: --from is not an option"
expect_status 2 "extract --strict" -- "$APPUI" extract --strict x.tar.gz -C xdir
[ ! -e xdir ] && pass || fail "extract --strict made its folder anyway"
# What a command takes still works, wherever it is given.
expect_status 0 "validate -q -s" -- "$APPUI" validate "$EX" -q -s
expect_status 0 "extract -C" -- "$APPUI" extract -C xdir nothing.tgz --help

# ---- abbreviations -------------------------------------------------------
expect_status 2 "--s is ambiguous" -- "$APPUI" validate --s "$EX"
expect_grep "--s is ambiguous" "$TMP/err" "appui: option '--s' is ambiguous; possibilities: '--strict' '--store' '--site' '--since' '--save'"
expect_status 2 "--st=x is ambiguous" -- "$APPUI" validate --st=x "$EX"
expect_grep "--st=x is ambiguous" "$TMP/err" "possibilities: '--strict' '--store'"
expect_status 0 "--stri abbreviates --strict" -- "$APPUI" validate --stri "$EX"
expect_status 2 "--nonesuch" -- "$APPUI" validate --nonesuch "$EX"
expect_grep "--nonesuch" "$TMP/err" "appui: unknown option '--nonesuch'"

# ---- "-" is standard input -----------------------------------------------
expect_status 0 "validate -" -- sh -c "\"$APPUI\" validate - <\"$EX\""
expect_grep "validate -" "$TMP/out" "1 file: 1 valid, 0 invalid, 0 warnings"
sed 's/<site /<site bogus="1" /' "$EX" >bad.xml
expect_status 1 "validate - invalid" -- sh -c "\"$APPUI\" validate - <bad.xml"
expect_grep "validate - invalid" "$TMP/out" "-:4: site/@bogus: The attribute 'bogus' is not allowed."
"$APPUI" score -f json "$EX" | sed 's#"file":"[^"]*"#"file":F#' >by-name.json
"$APPUI" score -f json - <"$EX" | sed 's#"file":"[^"]*"#"file":F#' >by-stdin.json
cmp -s by-name.json by-stdin.json && [ -s by-name.json ] && pass || fail "score - differs from score FILE"
expect_status 1 "validate - -" -- sh -c "\"$APPUI\" validate - - <\"$EX\""
expect_grep "validate - -" "$TMP/out" "standard input is given more than once"
expect_status 1 "validate - empty" -- sh -c "\"$APPUI\" validate - </dev/null"
expect_grep "validate - empty" "$TMP/out" "-:0: the file is empty"
"$APPUI" store init --store st.db >/dev/null
expect_status 0 "store add -" -- sh -c "\"$APPUI\" store add --store st.db - <\"$EX\""
expect_grep "store add -" "$TMP/out" "-: stored as CF-2016-003 version 1 (new case)"
"$APPUI" store show --store st.db CF-2016-003 >shown.xml
cmp -s shown.xml "$EX" && pass || fail "store add - did not keep the bytes of standard input"
expect_status 2 "bundle -" -- sh -c "\"$APPUI\" bundle -o b.tar.gz - <\"$EX\""
expect_grep "bundle -" "$TMP/err" "give files, not standard input (-)"
# A file named "-" is still reached as ./-
cp "$EX" ./-
expect_status 0 "validate ./-" -- "$APPUI" validate ./-

# ---- --version -----------------------------------------------------------
expect_status 0 "--version" -- "$APPUI" --version
expect_grep "--version" "$TMP/out" "License MIT: <https://opensource.org/licenses/MIT>."
expect_grep "--version" "$TMP/out" "There is NO WARRANTY, to the extent permitted by law."
summary
