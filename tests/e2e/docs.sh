#!/bin/sh
# One documentation page's examples, run as a reader would run them
# (tests/e2e/docs_run.py): from the top of a source tree with a build tree in
# build/, the build's appui on PATH as `appui`, APPUI_NOW set as the pages say,
# in a fresh folder so that what one example writes is what the next finds.
# usage: docs.sh APPUI SOURCE_DIR BUILD_DIR PAGE.md
# (DOCS_UPDATE=1 rewrites the page's outputs: docs_run.py --update.)
set -u
APPUI=$1
SRC=$2
BUILD=$3
PAGE=$4
. "$SRC/tests/e2e/lib.sh"
TOP=$(cd "$(dirname "$APPUI")/.." && pwd)

# The reader's folder: the source tree's files (links, never written), and a
# build/ of its own whose bin, lib, etc and share are the build's (and its
# install script: `cmake --install build` works), so an example may write
# build/demo.db without touching the real build tree.
W=$TMP/appui
mkdir -p "$W/build"
for f in "$SRC"/* "$SRC"/.clang-format; do
	[ -e "$f" ] || continue
	case $(basename "$f") in
	build | build-*) continue ;;
	# A copy: the scripts find the tree from where they are, and write
	# into its build/.
	scripts) cp -r "$f" "$W/scripts" ;;
	*) ln -s "$f" "$W/$(basename "$f")" ;;
	esac
done
for d in bin lib etc share cmake_install.cmake CMakeCache.txt; do
	ln -s "$TOP/$d" "$W/build/$d"
done
PATH=$TOP/bin:$PATH
APPUI_NOW=2024-03-01T09:00:00Z
HOME=$TMP
TZ=UTC
LC_ALL=C.UTF-8
DOCS_BUILD=$TOP
export PATH APPUI_NOW HOME TZ LC_ALL DOCS_BUILD

if python3 "$SRC/tests/e2e/docs_run.py" ${DOCS_UPDATE:+--update} "$SRC/$PAGE" "$W" >"$TMP/docs.out"; then
	pass
else
	fail "$PAGE's examples"
fi
cat "$TMP/docs.out"
summary
