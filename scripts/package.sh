#!/bin/sh
# Builds the Debian package appui_*.deb from a clean copy of this tree (the
# files git knows, with their changes not yet committed), never writing into
# the tree itself, then runs lintian on it. Needs the build dependencies of
# debian/control (scripts/deps.sh installs them) and dpkg-dev, debhelper,
# fakeroot, lintian.
# usage: scripts/package.sh [OUT_DIR]
#   OUT_DIR: where the .deb, .buildinfo and .changes go (default: a new
#   folder under ${TMPDIR:-/tmp}); its name is printed on the last line.
#   DEB_BUILD_OPTIONS=nocheck skips the tests run during the build.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-}
if [ -z "$OUT" ]; then
	OUT=$(mktemp -d "${TMPDIR:-/tmp}/appui-deb.XXXXXX")
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/appui-pkg.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The copy: the tracked and the new (not ignored) files, as they are now.
mkdir "$WORK/appui"
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$SRC" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
		(cd "$SRC" && tar --null -T - -cf -) | tar -xf - -C "$WORK/appui"
else
	(cd "$SRC" && tar --exclude=./build --exclude='./build-*' -cf - .) | tar -xf - -C "$WORK/appui"
fi

(cd "$WORK/appui" && dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1 || {
	tail -n 60 "$WORK/build.log" >&2
	echo "package.sh: dpkg-buildpackage failed" >&2
	exit 1
}
cp "$WORK/build.log" "$OUT/build.log"
for f in "$WORK"/*.deb "$WORK"/*.buildinfo "$WORK"/*.changes; do
	[ -e "$f" ] && mv "$f" "$OUT/"
done
# lintian: errors fail the build of the package; warnings are listed.
if command -v lintian >/dev/null; then
	lintian "$OUT"/appui_*.changes >"$OUT/lintian.txt" 2>&1 || true
	cat "$OUT/lintian.txt"
	if grep -q '^E: ' "$OUT/lintian.txt"; then
		echo "package.sh: lintian found errors" >&2
		exit 1
	fi
fi
ls "$OUT"/*.deb
echo "$OUT"
