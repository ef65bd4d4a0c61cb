#!/bin/sh
# The messages of the sources, as a template: xgettext.sh SOURCE_DIR OUT.pot
# The keywords are the functions that take a message people read (a format
# translated where it is printed); docs/cli.md, "Language".
set -eu
src=$1
out=$2
cd "$src"
ls core/cli/*.c core/src/*.c | LC_ALL=C sort >"$out.files"
xgettext --language=C --from-code=UTF-8 --add-comments=TRANSLATORS \
	--package-name=appui --msgid-bugs-address=appui@localhost \
	--no-location --sort-output \
	--keyword=_ --keyword=N_ --keyword=AP_N_ --keyword=ap_tr \
	--keyword=ap_trn:1,2 \
	--keyword=ap_diags_add:6 --flag=ap_diags_add:6:c-format \
	--keyword=ap_diags_addv:6 --flag=ap_diags_addv:6:c-format \
	--keyword=check_err:4 --flag=check_err:4:c-format \
	--keyword=cfgread_error:3 --flag=cfgread_error:3:c-format \
	--keyword=cfgread_warn:3 --flag=cfgread_warn:3:c-format \
	--keyword=fail_at:4 --flag=fail_at:4:c-format \
	--keyword=prev_error:4 --flag=prev_error:4:c-format \
	--keyword=override_error:4 --flag=override_error:4:c-format \
	--keyword=store_refuse:4 --flag=store_refuse:4:c-format \
	--keyword=refuse:3 --flag=refuse:3:c-format \
	--flag=_:1:pass-c-format --flag=ap_tr:1:pass-c-format \
	--files-from="$out.files" --output="$out.tmp"
rm -f "$out.files"
# The creation date changes on every run; the template is compared, not dated.
sed '/^"POT-Creation-Date:/d' "$out.tmp" >"$out"
rm -f "$out.tmp"
