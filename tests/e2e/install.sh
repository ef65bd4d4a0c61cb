#!/bin/sh
# `cmake --install` into a fresh prefix gives a working appui that finds its
# plugins, configuration and schema with no environment variable; a plugin
# author builds the example plugin out of tree against the installed headers
# and pkg-config file only, and the installed appui loads it. The installed
# tree can then be moved elsewhere and still works.
# usage: install.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -u
BUILD=$1
SRC=$2
WORK=$3
. "$SRC/tests/e2e/lib.sh"
rm -rf "$WORK"
mkdir -p "$WORK"
PREFIX=$WORK/prefix

expect_status 0 "cmake --install" -- cmake --install "$BUILD" --prefix "$PREFIX"
for f in bin/appui lib/libappui.so include/appui/plugin.h include/appui/version.h \
	lib/pkgconfig/appui.pc lib/appui/plugins/quality.so lib/appui/plugins/urban.so \
	lib/appui/plugins/security.so etc/appui/appui.cfg share/appui/casefile.xsd; do
	[ -e "$PREFIX/$f" ] && pass || fail "installed tree lacks $f"
done

# A clean environment: no APPUI_* variable, another working directory.
run() { env -i PATH=/usr/bin:/bin HOME="$WORK" "$@"; }
cd "$WORK" || exit 1
expect_status 0 "installed validate" -- run "$PREFIX/bin/appui" validate "$SRC/casefiles/examples"
expect_grep "installed validate" "$TMP/out" "39 files: 39 valid"
expect_status 0 "installed plugins" -- run "$PREFIX/bin/appui" plugins
expect_grep "installed config" "$TMP/out" "configuration: $PREFIX/etc/appui/appui.cfg"
expect_grep "installed plugins" "$TMP/out" "$PREFIX/lib/appui/plugins/quality.so"

# The example plugin, built from a copy, with pkg-config alone.
cp -r "$SRC/docs/example-plugin" "$WORK/energy"
rm -f "$WORK/energy"/*.so
expect_status 0 "pkg-config" -- env PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig" pkg-config --cflags --libs appui
expect_grep "pkg-config include dir" "$TMP/out" "-I$PREFIX/lib/pkgconfig/../../include"
expect_status 0 "build example plugin" -- make -C "$WORK/energy" PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
[ -f "$WORK/energy/energy.so" ] && pass || fail "energy.so not built"
# It exports the entry point and nothing else of its own.
nm -D --defined-only "$WORK/energy/energy.so" | awk '{print $3}' | grep -v '^_' >exports
[ "$(cat exports)" = "appui_plugin_entry" ] && pass || fail "plugin exports: $(cat exports)"

sed 's/^plugins = .*/plugins = [ "quality", "urban", "security", "energy" ];/' \
	"$PREFIX/etc/appui/appui.cfg" >energy.cfg
expect_status 0 "energy loaded" -- run "$PREFIX/bin/appui" --config energy.cfg --plugin-dir "$WORK/energy" plugins
expect_grep "energy loaded" "$TMP/out" "loaded    energy"
expect_status 0 "energy scores" -- run "$PREFIX/bin/appui" --config energy.cfg --plugin-dir "$WORK/energy" \
	score --format json "$WORK/energy/energy-example.xml"
python3 -c "
import json
d = json.load(open('$TMP/out'))
themes = [t['theme'] for t in d['cases'][0]['themes']]
assert 'energy' in themes, themes
" && pass || fail "the energy theme was not scored"

# Relocated: the same tree under another name still finds everything.
mv "$PREFIX" "$WORK/moved"
expect_status 0 "relocated" -- run "$WORK/moved/bin/appui" score "$SRC/casefiles/examples"
expect_grep "relocated" "$TMP/out" "39 sites scored"
summary
