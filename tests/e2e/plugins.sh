#!/bin/sh
# Plugins through the command: refusals are listed with file and cause, and
# the other plugins still score.
# usage: plugins.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
BUILD=$3
. "$SRC/tests/e2e/lib.sh"
BAD=$BUILD/plugins
EX=$SRC/casefiles/examples
cd "$TMP" || exit 1

# A configuration that enables the test plugins' themes too, and leaves each
# plugin's catalogue at its defaults (the duplicate quality plugin has a
# catalogue of its own).
echo 'plugins = [ "quality", "urban", "security", "initfail", "failing", "future", "missing" ];' >all.cfg
OPTS="--config all.cfg -P $BAD/bad_abi -P $BAD/no_entry -P $BAD/init_fails -P $BAD/missing_symbol -P $BAD/duplicate -P $BAD/score_fails"

expect_status 0 "plugins listing" -- "$APPUI" $OPTS plugins
out=$TMP/out
expect_grep "bad ABI" "$out" "built for plugin ABI 99.0, but this appui provides ABI 1.0"
expect_grep "bad ABI path" "$out" "$BAD/bad_abi/bad_abi.so"
expect_grep "no entry" "$out" "no 'appui_plugin_entry' symbol"
expect_grep "init fails" "$out" "its init failed: licence file /nonexistent/licence.key not found"
expect_grep "missing symbol" "$out" "undefined symbol: ap_function_that_does_not_exist"
expect_grep "duplicate" "$out" "theme 'quality' is already provided by $BAD/duplicate/quality_again.so"
expect_grep "shadowed" "$out" "earlier in the search path"
expect_grep "search path origin" "$out" "(--plugin-dir)"
expect_grep "search path origin" "$out" "(installed)"
if [ "$(grep -c '^  refused' "$out")" -eq 5 ]; then pass; else fail "5 refusals"; fi
# Refusals are also warnings on stderr, naming the file.
expect_grep "refusal on stderr" "$TMP/err" "$BAD/bad_abi/bad_abi.so:0: plugin: warning: refused: built for plugin ABI 99.0"

# Scoring goes on with the plugins that loaded (the duplicate quality plugin
# from --plugin-dir overrides the shipped one, on purpose).
expect_status 0 "score with refusals" -- "$APPUI" $OPTS score --format json "$EX"
python3 -c "
import json
d = json.load(open('$TMP/out'))
assert len(d['cases']) == 39
themes = {t['theme'] for c in d['cases'] for t in c['themes']}
assert themes == {'quality', 'urban', 'security'}, themes
" && pass || fail "scoring with refused plugins present"

# A plugin failing on one case costs that case's theme only.
mkdir cases
sed 's#</diagnostic>#<theme ref="failing"><indicator ref="x.value" value="1"/></theme></diagnostic>#' \
	"$EX"/cf-2016-001*.xml >cases/a.xml
sed -e 's#</diagnostic>#<theme ref="failing"><indicator ref="x.value" value="1"/></theme></diagnostic>#' \
	-e 's#<dwellings>[0-9]*</dwellings>#<dwellings>40</dwellings>#' "$EX"/cf-2016-002*.xml >cases/b.xml
"$APPUI" $OPTS score --format json cases/a.xml >alone.json 2>/dev/null
expect_status 1 "failing plugin" -- "$APPUI" $OPTS score --format json cases
expect_grep "failing plugin" "$TMP/err" "cases/b.xml:"
expect_grep "failing plugin" "$TMP/err" "plugin 'score_fails' failed on CF-2016-002: cannot score sites under 100 dwellings"
python3 -c "
import json
alone = json.load(open('alone.json'))['cases'][0]
d = json.load(open('$TMP/out'))
a, b = d['cases']
assert a == alone, 'the other case changed'
assert 'failing' in [t['theme'] for t in a['themes']]
assert 'failing' not in [t['theme'] for t in b['themes']] and len(b['themes']) >= 1
assert d['errors'][0]['field'] == 'diagnostic/theme[failing]'
" && pass || fail "failing plugin: other results unchanged"

# Every entry of a plugin folder is listed with why it is not used; a plugin
# file or folder every user may write to is refused, with a warning when
# scoring; names are shown inert.
mkdir -p pl/mixed pl/open
installed=$("$APPUI" plugins 2>/dev/null | sed -n 's/^  \(.*\)  (installed)$/\1/p')
cp "$BAD/no_entry/no_entry.so" pl/mixed/
cp "$installed/urban.so" pl/mixed/urban.so
chmod 0646 pl/mixed/urban.so
echo notes >pl/mixed/README
mkdir pl/mixed/old.so
esc=$(printf '\033')
printf 'junk' >"pl/mixed/evil${esc}[31m.so"
cp "$installed/quality.so" pl/open/
chmod 1777 pl/open
expect_status 0 "skipped entries" -- "$APPUI" -P pl/mixed -P pl/open plugins
out=$TMP/out
expect_grep "not a .so" "$out" "  skipped   -          -        ABI ?    pl/mixed/README"
expect_grep "not a .so reason" "$out" "not a plugin: its name does not end in .so"
expect_grep "a folder" "$out" "a folder (plugin folders are not searched recursively)"
expect_grep "dlerror text" "$out" "cannot be loaded: pl/mixed/evil\x1b[31m.so: file too short"
expect_grep "missing symbol" "$out" "no 'appui_plugin_entry' symbol"
expect_grep "world-writable file" "$out" "every user may write to this file (mode 0646)"
expect_grep "world-writable folder" "$out" "  refused   -          -        ABI ?    pl/open/"
expect_grep "world-writable folder reason" "$out" "every user may write to this plugin folder (mode 1777, from --plugin-dir)"
if grep -q "$esc" "$out" "$TMP/err"; then fail "an escape sequence reached the terminal"; else pass; fi
expect_status 0 "score warns of refusals" -- "$APPUI" -P pl/mixed -P pl/open score "$EX"/cf-2016-001*.xml
expect_grep "warning: world-writable file" "$TMP/err" "pl/mixed/urban.so:0: plugin: warning: refused: every user may write to this file"
expect_grep "warning: world-writable folder" "$TMP/err" "pl/open/:0: plugin: warning: refused: every user may write to this plugin folder"
expect_no_grep "no warning for a README" "$TMP/err" "README"
chmod 755 pl/open

# No plugin enabled at all: a set-up error, said clearly.
echo 'plugins = [ "nothing" ];' >none.cfg
expect_status 3 "no plugins" -- "$APPUI" --config none.cfg score "$EX"
expect_grep "no plugins" "$TMP/err" "no theme plugin could be loaded; see 'appui plugins'"
summary
