#!/bin/sh
# The bash completion (configs/appui.bash-completion), sourced in bash and
# driven as bash drives it (COMP_WORDS, COMP_CWORD): the commands and each
# command's options as the help of the appui being completed lists them, the
# subcommands, an option's values, and the files by kind.
# usage: completion.sh APPUI SOURCE BUILD
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
command -v bash >/dev/null || { fail "bash not found"; summary; exit 1; }

# A folder with a file of each kind.
mkdir -p "$TMP/w/cases" "$TMP/w/out"
cd "$TMP/w" || exit 1
touch a.xml b.xml notes.txt appui.cfg campaign.cfg site.tar.gz site.tar.zst site.zip store.db plan.json

# complete WORD...: the completions bash offers for the last word, one a
# line, sorted, in $TMP/got.
complete_words() {
	bash -c '
		. "$1"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_appui
		printf "%s\n" "${COMPREPLY[@]}"
	' sh "$SRC/configs/appui.bash-completion" "$@" | LC_ALL=C sort >"$TMP/got"
}

# expect_completion NAME "EXPECTED (space-separated)" WORD...
expect_completion() {
	name=$1
	words=$2
	want=$(printf '%s\n' $words | LC_ALL=C sort)
	shift 2
	complete_words "$@"
	if [ "$(cat "$TMP/got")" = "$want" ]; then
		pass
	else
		fail "$name: got [$(tr '\n' ' ' <"$TMP/got")], expected [$words]"
	fi
}

# expect_in NAME WORD COMPLETED-WORD...: WORD is among the completions.
expect_in() {
	name=$1
	want=$2
	shift 2
	complete_words "$@"
	grep -qxF -- "$want" "$TMP/got" && pass || fail "$name: '$want' not in [$(tr '\n' ' ' <"$TMP/got")]"
}

# The commands: every one that `appui --help` lists, and only those.
"$APPUI" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p' >"$TMP/cmds"
[ "$(wc -l <"$TMP/cmds")" -ge 15 ] && pass || fail "appui --help lists $(wc -l <"$TMP/cmds") commands"
expect_completion "commands" "$(cat "$TMP/cmds")" "$APPUI" ""
expect_completion "a command's prefix" "score serve show store" "$APPUI" s
expect_completion "after a common option and its file" "store" "$APPUI" -c appui.cfg sto

# Options: the command's own and the common ones.
expect_in "validate's --strict" --strict "$APPUI" validate --
expect_in "validate's --quiet" --quiet "$APPUI" validate --
expect_in "a common option after the command" --config "$APPUI" validate --
expect_in "plan's --campaign" --campaign "$APPUI" plan --c
expect_in "plan's --ics" --ics "$APPUI" plan --
expect_in "store add's --jobs" --jobs "$APPUI" store add --
complete_words "$APPUI" validate --
grep -qxF -- --campaign "$TMP/got" && fail "validate offers plan's --campaign" || pass

# Values an option lists in the help, short option or long.
expect_completion "score --format" "table json csv" "$APPUI" score --format ""
expect_completion "score -f j" "json" "$APPUI" score -f j

# Subcommands.
expect_in "store's init" init "$APPUI" store ""
expect_in "store's backup" backup "$APPUI" store ""
expect_completion "mission's subcommands" "cancel confirm held list plans" "$APPUI" mission ""

# Files by kind.
expect_completion "case files and folders" "a.xml b.xml cases out" "$APPUI" validate ""
expect_completion "store add: case files" "a.xml b.xml cases out" "$APPUI" store add ""
expect_completion "bundle: case files" "a.xml b.xml cases out" "$APPUI" bundle -o site.zip ""
expect_completion "--config: *.cfg" "appui.cfg campaign.cfg cases out" "$APPUI" --config ""
expect_completion "--campaign: *.cfg" "campaign.cfg cases" "$APPUI" plan --campaign ca
expect_completion "verify: bundles" "cases out site.tar.gz site.tar.zst site.zip" "$APPUI" verify ""
expect_completion "extract: bundles" "site.tar.gz site.tar.zst site.zip" "$APPUI" extract si
expect_completion "--store: *.db" "cases out store.db" "$APPUI" store list --store ""
expect_completion "-o: any file" "notes.txt" "$APPUI" score -o n
expect_completion "--ics: any file" "a.xml appui.cfg" "$APPUI" plan --ics a
expect_completion "extract -C: folders" "cases out" "$APPUI" extract site.zip -C ""

# Words that are no option's name are harmless: nothing offered, nothing
# printed.
bash -c '
	. "$1"; shift
	COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _appui
	printf "%s\n" "${COMPREPLY[@]}"' sh "$SRC/configs/appui.bash-completion" \
	"$APPUI" score '-[(' "--a/b" '--x$(touch pwned)' "" >"$TMP/out" 2>"$TMP/err"
[ -s "$TMP/err" ] && fail "odd words: $(head -3 "$TMP/err")" || pass
[ ! -e pwned ] && pass || fail "a word was run"

# No drift: the options are those of the appui being completed. A command
# whose help gains an option completes it at once.
cat >"$TMP/w/newer" <<EOS
#!/bin/sh
"$APPUI" "\$@"
[ "\$1" = score ] && [ "\$2" = --help ] && echo "  --brand-new FILE   an option added later"
exit 0
EOS
chmod +x "$TMP/w/newer"
expect_in "an option the help gained" --brand-new "$TMP/w/newer" score --br
expect_completion "its argument: any file" "newer notes.txt" "$TMP/w/newer" score --brand-new n
summary
