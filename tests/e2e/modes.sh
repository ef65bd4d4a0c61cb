#!/bin/sh
# End-to-end tests of the modes of what appui writes (docs/cli.md, -o): a
# new file gets what a plain creation gives (0666 less the umask); a regular
# file it replaces keeps its permission bits, never setuid, setgid or
# sticky; a symbolic link is replaced by a file of its own, its target
# untouched and lending it nothing. For -o of score and plan, plan's
# calendars, bundles, and what extract writes (0644 and 0755 less the umask).
# usage: modes.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
EX=$SRC/casefiles/examples/cf-2016-003-vlh-mail.xml
CAMPAIGN=$SRC/configs/campaign.cfg
cd "$TMP" || exit 1

expect_mode() { # NAME FILE OCTAL
	got=$(stat -c %a "$2")
	if [ "$got" = "$3" ]; then pass; else fail "$1: mode $got, expected $3"; fi
}
expect_link() { # NAME LINK: LINK is a regular file now, not a link
	if [ -f "$2" ] && [ ! -L "$2" ]; then pass; else fail "$1: still a link"; fi
}

# Each writer, given: a new name, an existing setuid file, and a link to a
# setuid file; the target of the link keeps its bytes and its mode.
write() { # KIND OUT
	case $1 in
	score) "$APPUI" score -o "$2" "$EX" ;;
	plan) "$APPUI" plan --campaign "$CAMPAIGN" -o "$2" "$EX" ;;
	bundle) "$APPUI" bundle -o "$2" "$EX" ;;
	esac >/dev/null 2>err
}
for umask_value in 022 077; do
	umask $umask_value
	new=$(printf '%o' $((0666 & ~0$umask_value)))
	for kind in score plan bundle; do
		d=$kind-$umask_value
		mkdir "$d"
		out=$d/out.tar.gz
		write $kind "$out" && pass || fail "$kind: exit $? $(cat err)"
		expect_mode "$kind new (umask $umask_value)" "$out" "$new"

		printf 'old\n' >"$d/old.tar.gz" && chmod 6754 "$d/old.tar.gz"
		write $kind "$d/old.tar.gz" && pass || fail "$kind over a file: $(cat err)"
		expect_mode "$kind over a setuid file keeps 0754 only" "$d/old.tar.gz" 754

		printf 'target\n' >"$d/target" && chmod 4777 "$d/target"
		ln -s target "$d/link.tar.gz"
		write $kind "$d/link.tar.gz" && pass || fail "$kind over a link: $(cat err)"
		expect_link "$kind over a link" "$d/link.tar.gz"
		expect_mode "$kind over a link to a setuid file" "$d/link.tar.gz" "$new"
		expect_mode "$kind: the link's target keeps its mode" "$d/target" 4777
		if [ "$(cat "$d/target")" = target ]; then pass; else fail "$kind: the link's target was written"; fi
	done

	# Calendars: one file per firm, new or replacing.
	mkdir "ics-$umask_value"
	cal=ics-$umask_value/FIRM-HABITAT-CONSEIL.ics
	printf 'target\n' >"ics-$umask_value/target" && chmod 4777 "ics-$umask_value/target"
	ln -s target "$cal"
	"$APPUI" plan --campaign "$CAMPAIGN" --ics "ics-$umask_value" "$EX" >/dev/null 2>err || fail "ics: $(cat err)"
	expect_link "calendar over a link" "$cal"
	expect_mode "calendar over a link" "$cal" "$new"
	expect_mode "calendar: the link's target keeps its mode" "ics-$umask_value/target" 4777
	other=$(ls "ics-$umask_value"/*.ics | grep -v HABITAT | head -1)
	[ -n "$other" ] && expect_mode "a new calendar" "$other" "$new"

	# extract: folders 0777, files 0666, less the umask, whatever the
	# archive says (a hostile one may say 4777).
	"$APPUI" extract "bundle-$umask_value/out.tar.gz" -C "x-$umask_value" >/dev/null 2>err || fail "extract: $(cat err)"
	dirs=$(printf '%o' $((0777 & ~0$umask_value)))
	find "x-$umask_value" -type d -exec stat -c '%a %n' {} + >modes
	find "x-$umask_value" -type f -exec stat -c '%a %n' {} + >>modes
	bad=$(while read -r m p; do
		if [ -d "$p" ]; then want=$dirs; else want=$new; fi
		[ "$m" = "$want" ] || echo "$m $p"
	done <modes)
	if [ -z "$bad" ]; then pass; else fail "extract (umask $umask_value): $bad"; fi
done
umask 022

# A hostile archive that asks for setuid and world-writable modes.
mkdir -p evil/BAG/data && printf 'x' >evil/BAG/data/a.txt
chmod 4777 evil/BAG/data/a.txt && chmod 2777 evil/BAG/data
(cd evil && printf 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n' >BAG/bagit.txt &&
	(cd BAG && sha256sum data/a.txt >manifest-sha256.txt) &&
	tar -czf ../evil.tar.gz BAG)
"$APPUI" extract evil.tar.gz -C xe >/dev/null 2>err
find xe -perm /7022 >perm
if [ -f xe/BAG/data/a.txt ] && [ ! -s perm ]; then pass; else fail "extract kept modes from the archive: $(cat perm err)"; fi

summary
