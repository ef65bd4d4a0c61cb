#!/bin/sh
# `cmake --install` into a fresh prefix gives a working appui that finds its
# plugins, configuration and schema with no environment variable; a plugin
# author builds the example plugin out of tree against the installed headers
# and pkg-config file only, then with CMake's find_package(appui), and the
# installed appui loads it. The installed tree can then be moved elsewhere and
# still works. Installed with --prefix /usr (under DESTDIR), the configuration
# goes to /etc/appui and the systemd unit names /usr/bin/appui; with
# --prefix /opt/appui to /etc/opt/appui, where the installed command finds it
# (run in a private mount namespace when the system allows one).
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

# The same plugin built with CMake: find_package(appui) and appui::appui.
# build_cmake NAME PREFIX DIR: configures and builds the copy in DIR.
build_cmake() {
	rm -rf "$3/build"
	expect_status 0 "$1: cmake configure" -- cmake -S "$3" -B "$3/build" -DCMAKE_PREFIX_PATH="$2"
	expect_status 0 "$1: cmake build" -- cmake --build "$3/build"
	[ -f "$3/build/energy.so" ] && pass || fail "$1: energy.so not built"
}
build_cmake "find_package" "$PREFIX" "$WORK/energy"
expect_grep "find_package: appui's config" "$WORK/energy/build/CMakeCache.txt" "appui_DIR:PATH=$PREFIX/lib/cmake/appui"
nm -D --defined-only "$WORK/energy/build/energy.so" | awk '{print $3}' | grep -v '^_' >exports
[ "$(cat exports)" = "appui_plugin_entry" ] && pass || fail "cmake-built plugin exports: $(cat exports)"
expect_status 0 "cmake-built energy loaded" -- run "$PREFIX/bin/appui" --config energy.cfg --plugin-dir "$WORK/energy/build" plugins
expect_grep "cmake-built energy loaded" "$TMP/out" "loaded    energy"
expect_status 0 "cmake-built energy scores" -- run "$PREFIX/bin/appui" --config energy.cfg --plugin-dir "$WORK/energy/build" \
	score --format json "$WORK/energy/energy-example.xml"
grep -q '"theme": *"energy"' "$TMP/out" && pass || fail "the cmake-built energy theme was not scored"
# A version that the installed appui cannot satisfy is refused.
sed 's/find_package(appui 0.1 REQUIRED)/find_package(appui 99 REQUIRED)/' "$WORK/energy/CMakeLists.txt" >v99.txt
mkdir -p "$WORK/v99" && cp v99.txt "$WORK/v99/CMakeLists.txt" && cp "$WORK/energy/energy.c" "$WORK/v99/"
expect_status 1 "find_package(appui 99) refused" -- cmake -S "$WORK/v99" -B "$WORK/v99/build" -DCMAKE_PREFIX_PATH="$PREFIX"

# Relocated: the same tree under another name still finds everything, and
# its CMake package config too.
mv "$PREFIX" "$WORK/moved"
expect_status 0 "relocated" -- run "$WORK/moved/bin/appui" score "$SRC/casefiles/examples"
expect_grep "relocated" "$TMP/out" "39 sites scored"
expect_status 0 "relocated config" -- run "$WORK/moved/bin/appui" plugins
expect_grep "relocated config" "$TMP/out" "configuration: $WORK/moved/etc/appui/appui.cfg"
build_cmake "relocated find_package" "$WORK/moved" "$WORK/energy"

# --prefix /usr under DESTDIR: the layout a Debian package has.
ROOT=$WORK/root
expect_status 0 "install --prefix /usr" -- env DESTDIR="$ROOT" cmake --install "$BUILD" --prefix /usr
for f in usr/bin/appui usr/lib/libappui.so usr/lib/appui/plugins/quality.so \
	usr/share/appui/casefile.xsd usr/include/appui/plugin.h usr/lib/pkgconfig/appui.pc \
	usr/lib/cmake/appui/appuiConfig.cmake usr/lib/cmake/appui/appuiConfigVersion.cmake \
	usr/lib/cmake/appui/appuiTargets.cmake etc/appui/appui.cfg etc/appui/campaign.cfg \
	usr/lib/systemd/system/appui.service usr/share/bash-completion/completions/appui; do
	[ -e "$ROOT/$f" ] && pass || fail "--prefix /usr: no /$f"
done
[ ! -e "$ROOT/usr/etc" ] && pass || fail "--prefix /usr: configuration under /usr/etc"
UNIT=$ROOT/usr/lib/systemd/system/appui.service
expect_grep "unit: ExecStart" "$UNIT" "ExecStart=/usr/bin/appui serve --store /var/lib/appui/appui.db"
expect_grep "unit: ExecStartPre" "$UNIT" "ExecStartPre=/usr/bin/appui store init --store /var/lib/appui/appui.db"
expect_grep "unit: its state" "$UNIT" "StateDirectory=appui"
expect_grep "unit: the configuration" "$UNIT" "/etc/appui/appui.cfg"
expect_grep "unit: the documentation" "$UNIT" "Documentation=file:///usr/share/doc/appui/service.md"
[ -e "$ROOT/usr/share/doc/appui/service.md" ] && pass || fail "--prefix /usr: the unit's documentation is not installed"

# --prefix /opt/appui: /etc/opt/appui/appui/, and the command finds it
# there at run time (GNUInstallDirs' rule applied by core/cli/paths.c).
OPT=$WORK/optroot
expect_status 0 "install --prefix /opt/appui" -- env DESTDIR="$OPT" cmake --install "$BUILD" --prefix /opt/appui
[ -f "$OPT/etc/opt/appui/appui/appui.cfg" ] && pass || fail "--prefix /opt/appui: no /etc/opt/appui/appui/appui.cfg"
[ ! -e "$OPT/opt/appui/etc" ] && pass || fail "--prefix /opt/appui: configuration under /opt/appui/etc"
expect_grep "/opt unit: ExecStart" "$OPT/opt/appui/lib/systemd/system/appui.service" "ExecStart=/opt/appui/bin/appui serve"
# /opt and /etc/opt replaced by empty tmpfs in a mount namespace of this
# test alone: the machine's own are left alone.
if unshare -m --propagation private true 2>/dev/null; then
	unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs /opt && mkdir -p /etc/opt && mount -t tmpfs tmpfs /etc/opt &&
		cp -a "$1/opt/appui" /opt/appui && cp -a "$1/etc/opt/appui" /etc/opt/appui &&
		cd / && env -i PATH=/usr/bin:/bin /opt/appui/bin/appui plugins &&
		env -i PATH=/usr/bin:/bin /opt/appui/bin/appui validate "$2/casefiles/examples"' \
		sh "$OPT" "$SRC" >"$TMP/out" 2>"$TMP/err" && pass || { fail "/opt/appui run"; cat "$TMP/err"; }
	expect_grep "/opt/appui: its configuration" "$TMP/out" "configuration: /etc/opt/appui/appui/appui.cfg"
	expect_grep "/opt/appui: its plugins" "$TMP/out" "/opt/appui/lib/appui/plugins/quality.so"
	expect_grep "/opt/appui: validate" "$TMP/out" "39 files: 39 valid"
else
	echo "note: no private mount namespace here (unshare -m): /opt/appui not run"
fi
summary
