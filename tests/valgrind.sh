#!/bin/sh
# The Check suites (without fork, so valgrind sees the tests themselves) and
# the appui command on every kind of input, under valgrind memcheck: no
# error and nothing definitely lost. Plugins stay loaded until exit by
# design, so their memory is "still reachable", not lost.
# usage: tests/valgrind.sh BUILD_DIR
set -u
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
APPUI=$BUILD/bin/appui
VG="valgrind -q --suppressions=$SRC/tests/valgrind.supp --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-fds=no"
export APPUI_CONFIG= APPUI_PLUGIN_PATH=
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # name allowed-exit-status cmd...
	name=$1
	want=$2
	shift 2
	$VG "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	# Worker processes are forked, so valgrind follows them too; their
	# errors do not change the parent's exit status: look for them.
	if grep -qE '^==[0-9]+== .*(Invalid|uninitialised|definitely lost|Mismatched|Syscall param|overlap)' "$tmp/err"; then
		rc=98
	fi
	if [ $rc -eq "$want" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: valgrind $name: exit $rc (want $want)"
		grep '==' "$tmp/err" | head -40
	fi
}

for t in util config reader host scoring report calendar campaign plan plan_report plan_ics bundle pool store service mission history; do
	CK_FORK=no run "check_$t" 0 "$BUILD/bin/check_$t"
done
EX=$SRC/casefiles/examples
BAD=$BUILD/tests/plugins
run "validate examples" 0 "$APPUI" validate "$EX"
run "score table" 0 "$APPUI" score --explain "$EX"
run "score json" 0 "$APPUI" score --format json -o "$tmp/out.json" "$EX"
run "invalid corpus" 1 "$APPUI" validate "$SRC/tests/casefiles/invalid"
run "invalid corpus json" 1 "$APPUI" score --format json "$SRC/tests/casefiles/invalid"
echo 'plugins = [ "quality", "urban", "security", "initfail", "failing" ];' >"$tmp/all.cfg"
run "plugins with refusals" 0 "$APPUI" --config "$tmp/all.cfg" -P "$BAD/bad_abi" -P "$BAD/no_entry" \
	-P "$BAD/init_fails" -P "$BAD/missing_symbol" -P "$BAD/duplicate" -P "$BAD/score_fails" plugins
run "config check" 0 "$APPUI" config check "$SRC/configs/appui.cfg"
run "plan table" 0 "$APPUI" plan --campaign "$SRC/configs/campaign.cfg" "$EX"
run "plan json, csv, ics" 0 "$APPUI" plan --campaign "$SRC/configs/campaign.cfg" --format csv \
	--ics "$tmp/ics" -o "$tmp/plan.csv" "$EX"
run "config check campaign" 0 "$APPUI" config check "$SRC/configs/campaign.cfg"
run "bundle" 0 "$APPUI" bundle -o "$tmp/b.tar.gz" --attach "$SRC/README.md" \
	"$EX"/cf-2016-001*.xml
run "verify" 0 "$APPUI" verify "$tmp/b.tar.gz"
run "show" 0 "$APPUI" show "$tmp/b.tar.gz"
run "extract" 0 "$APPUI" extract "$tmp/b.tar.gz" -C "$tmp/x"
for bag in "$tmp/x"/*; do
	run "verify folder" 0 "$APPUI" verify "$bag"
done
# Standard input as a case file; problems translated (the French catalogue,
# through the worker pool) beside their English message in JSON.
run "validate -" 0 "$APPUI" validate - <"$EX/cf-2016-003-vlh-mail.xml"
export LANG=fr_FR.UTF-8 LANGUAGE=
run "validate invalid, French" 1 "$APPUI" validate "$SRC/tests/casefiles/invalid"
run "score json, French" 1 "$APPUI" score --format json "$SRC/tests/casefiles/invalid"
run "plan table, French" 0 "$APPUI" plan --campaign "$SRC/configs/campaign.cfg" "$EX"
unset LANG LANGUAGE
run "store init" 0 "$APPUI" store init --store "$tmp/s.db"
run "store add" 1 "$APPUI" store add --store "$tmp/s.db" "$EX" "$SRC/tests/casefiles/invalid"
run "store list" 0 "$APPUI" store list --all --store "$tmp/s.db"
run "store show" 0 "$APPUI" store show CF-2016-001 --store "$tmp/s.db"
run "store export" 0 "$APPUI" store export --all "$tmp/export" --store "$tmp/s.db"
run "store backup" 0 "$APPUI" store backup "$tmp/copy.db" --store "$tmp/s.db"
run "store check" 0 "$APPUI" store check --store "$tmp/copy.db"
run "store rejected" 0 "$APPUI" store rejected --store "$tmp/s.db"
run "account add" 0 "$APPUI" account add --firm FIRM-ARGOS argos --store "$tmp/s.db"
run "token new" 0 "$APPUI" token new argos --store "$tmp/s.db"
run "account revoke" 0 "$APPUI" account revoke argos --store "$tmp/s.db"
# The service: uploads (valid, invalid, another firm's), reads, pages and
# a sign-in, then SIGTERM; valgrind follows it and its workers.
run "account add again" 0 "$APPUI" account add --firm FIRM-ARGOS argos2 --store "$tmp/s.db"
token=$("$APPUI" token new argos2 --store "$tmp/s.db" 2>/dev/null)
# The follow-up: a saved plan, a mission's life, a re-plan, the outcome.
C=$SRC/configs/campaign.cfg
run "plan --save" 0 "$APPUI" plan --campaign "$C" --save --ics "$tmp/ics1" --store "$tmp/s.db"
run "mission confirm" 0 "$APPUI" mission confirm P1-M-001 --store "$tmp/s.db"
run "mission held" 0 "$APPUI" mission held P1-M-001 --from 2016-06-20 --to 2016-06-23 --store "$tmp/s.db"
run "mission cancel" 0 "$APPUI" mission cancel P1-M-002 --store "$tmp/s.db"
run "mission refused" 1 "$APPUI" mission held P1-M-003 --store "$tmp/s.db"
run "plan --replan" 0 "$APPUI" plan --campaign "$C" --replan P1 --save --ics "$tmp/ics2" --store "$tmp/s.db"
run "mission list" 0 "$APPUI" mission list --format json --store "$tmp/s.db"
run "store add later" 0 "$APPUI" store add --store "$tmp/s.db" "$SRC/casefiles/followup"
run "followup" 0 "$APPUI" followup --format json --plan P1 --store "$tmp/s.db"
run "history" 0 "$APPUI" history VLH-MAIL --store "$tmp/s.db"
run "report --plan" 0 "$APPUI" report --plan P2 -o "$tmp/f.html" --store "$tmp/s.db"
"$APPUI" account add --coordinator coord --store "$tmp/s.db" >/dev/null
ctoken=$("$APPUI" token new coord --store "$tmp/s.db" 2>/dev/null)
$VG "$APPUI" serve --store "$tmp/s.db" --listen 127.0.0.1:0 >/dev/null 2>"$tmp/serve.err" &
vpid=$!
url=
for _ in $(seq 1 600); do
	url=$(sed -n 's/^appui serve: listening on //p' "$tmp/serve.err")
	[ -n "$url" ] && break
	sleep 0.1
done
for f in "$EX/cf-2016-004-gh-bois-fleuri.xml" "$EX/cf-2016-001-lmh-alouettes.xml" \
	"$SRC/tests/casefiles/invalid/several-errors.xml"; do
	curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/xml' \
		--data-binary "@$f" "$url/v1/casefiles?name=$(basename "$f")"
done
for p in /v1/casefiles /v1/casefiles/CF-2016-004 /v1/casefiles/CF-2016-004/versions/1 / /casefiles/CF-2016-004; do
	curl -s -o /dev/null -H "Authorization: Bearer $token" "$url$p"
done
for p in /v1/plans /v1/plans/P2 /v1/plans/P2/missions /v1/plans/P2/followup /v1/sites/VLH-MAIL/history; do
	curl -s -o /dev/null -H "Authorization: Bearer $ctoken" "$url$p"
done
curl -s -o /dev/null -X POST -H "Authorization: Bearer $ctoken" "$url/v1/missions/P1-M-004?status=confirmed"
curl -s -o /dev/null --data-urlencode "token=$token" "$url/signin"
kill -TERM $vpid
wait $vpid
rc=$?
if [ -n "$url" ] && [ $rc -eq 0 ] && ! grep -qE '^==[0-9]+== .*(Invalid|uninitialised|definitely lost|Mismatched|Syscall param|overlap)' "$tmp/serve.err"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL: valgrind serve: exit $rc"
	grep '==' "$tmp/serve.err" | head -40
fi
run "report html" 0 "$APPUI" report --campaign "$SRC/configs/campaign.cfg" -o "$tmp/r.html" "$EX"
run "report xlsx" 0 "$APPUI" report --format xlsx --campaign "$SRC/configs/campaign.cfg" -o "$tmp/r.xlsx" "$EX"
run "score csv" 0 "$APPUI" score --format csv -o "$tmp/s.csv" "$EX"
printf 'days = {\n watch = "x";\n};\n' >"$tmp/bad.cfg"
run "config check bad" 1 "$APPUI" config check "$tmp/bad.cfg"
echo "valgrind: $passed passed, $failed failed"
[ $failed -eq 0 ]
