#!/bin/sh
# The layering check: each third-party library is included by its own module
# only (docs/architecture.md), and the command and the plugins use libappui's
# public headers only. Prints each breach as FILE:LINE: what; exit 1 if any.
# Tests and fuzz targets are not checked: they may build hostile inputs with
# any library.
set -eu
cd "$(dirname "$0")/.."
fail=0

# header pattern (grep -E, after "#include <" or "#include \"") | files allowed (grep -E)
rules='libxml/|^core/src/reader\.c$
libconfig\.h|^core/src/(cfgread\.h|cfgread\.c|config\.c|campaign\.c)$
archive(_entry)?\.h|^core/src/bundle[a-z_]*\.[ch]$
openssl/|^core/src/digest\.c$
uninorm\.h|^core/src/bundle_common\.c$
unistr\.h|^core/src/bundle_common\.c$
(coin/)?Cbc_C_Interface\.h|^core/src/plan_solver\.c$
sqlite3\.h|^core/src/store[a-z_]*\.[ch]$
microhttpd\.h|^core/src/service_http\.c$
xlsxwriter\.h|^core/src/workbook[a-z_]*\.[ch]$
dlfcn\.h|^core/src/host\.c$
libintl\.h|^core/src/i18n\.c$'

sources=$(git ls-files 'core/*.c' 'core/*.h' 'plugins/*.c' 'plugins/*.h' 2>/dev/null ||
	find core plugins -name '*.[ch]')
echo "$rules" | while IFS='|' read -r header allowed; do
	for f in $sources; do
		grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($header)" "$f" |
			while IFS=: read -r line _; do
				if ! echo "$f" | grep -qE "$allowed"; then
					echo "$f:$line: includes $header outside its module"
				fi
			done
	done
done >/tmp/layering.$$

# The command and the plugins: libappui's public headers (appui/...) and
# their own files only, never core/src's private headers.
for f in $(echo "$sources" | grep -E '^(core/cli|plugins)/'); do
	dir=$(dirname "$f")
	grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
		while IFS=: read -r line text; do
			name=$(echo "$text" | sed -E 's/.*"([^"]+)".*/\1/')
			case "$name" in
			appui/*) ;;
			*) [ -f "$dir/$name" ] ||
				echo "$f:$line: includes \"$name\", not a public header nor one of its own" ;;
			esac
		done
done >>/tmp/layering.$$

if [ -s /tmp/layering.$$ ]; then
	cat /tmp/layering.$$
	fail=1
fi
rm -f /tmp/layering.$$
[ "$fail" -eq 0 ] && echo "layering: every third-party header in its module"
exit "$fail"
