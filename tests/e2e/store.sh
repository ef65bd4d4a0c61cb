#!/bin/sh
# End-to-end tests of the store's commands: init, add (checked as validate
# checks), list, show, export, backup, check, accounts and tokens; then its
# durability: kill -9 during `store add` of thousands of files at random
# moments (every file said to be stored is there, the store checks, a rerun
# stores exactly the missing ones), two `store add` at once, and a full disk
# (a small tmpfs, when this machine lets the test mount one).
# usage: store.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
EX=$SRC/casefiles/examples
BAD=$SRC/tests/casefiles/invalid
cd "$TMP" || exit 1
APPUI_NOW=2024-03-01T09:00:00Z
export APPUI_NOW

# sql DB STATEMENT: one statement on the database (python3's sqlite3, as an
# intruder with the file would do), its rows on stdout.
sql() {
	python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for r in c.execute(sys.argv[2]): print(*r)
c.commit()' "$@"
}

# --- init ------------------------------------------------------------------------
expect_status 3 "no store yet" -- "$APPUI" store list --store s.db
expect_grep "no store yet" "$TMP/err" "s.db:0: no store here: create it with 'appui store init'"
expect_status 2 "no store given" -- "$APPUI" store list
expect_grep "no store given" "$TMP/err" "no store: give --store FILE, or set store.path in the configuration"
expect_status 0 init -- "$APPUI" store init --store s.db
expect_grep init "$TMP/out" "s.db: store ready (schema 3)"
[ "$(stat -c %a s.db)" = 600 ] && pass || fail "store mode $(stat -c %a s.db), expected 600"
expect_status 0 "init again" -- "$APPUI" store init --store s.db
expect_status 2 "unknown subcommand" -- "$APPUI" store frob --store s.db
expect_status 0 "store help" -- "$APPUI" help store
expect_grep "store help" "$TMP/out" "usage: appui store SUBCOMMAND"
# store.path of the configuration, relative to the configuration's folder.
mkdir conf
printf 'store = { path = "../s.db"; };\n' >conf/appui.cfg
expect_status 0 "store.path" -- "$APPUI" store check --config conf/appui.cfg
expect_grep "store.path" "$TMP/out" "conf/../s.db: ok: 0 cases"

# --- add -------------------------------------------------------------------------
expect_status 0 "add examples" -- "$APPUI" store add --store s.db "$EX"
expect_grep "add examples" "$TMP/out" "39 files: 39 stored (39 new cases, 0 corrections), 0 duplicates, 0 invalid, 0 warnings"
expect_grep "add examples" "$TMP/out" "$EX/cf-2016-001-lmh-alouettes.xml: stored as CF-2016-001 version 1 (new case)"
expect_status 0 "add again" -- "$APPUI" store add -q --store s.db "$EX"
expect_grep "add again" "$TMP/out" "$EX/cf-2016-001-lmh-alouettes.xml: duplicate of CF-2016-001 version 1, not stored again"
expect_no_grep "add again" "$TMP/out" "stored as"
# A correction: new bytes of a case already there.
mkdir fix
sed 's/<dwellings>520</<dwellings>521</' "$EX/cf-2016-001-lmh-alouettes.xml" >fix/alouettes.xml
cmp -s fix/alouettes.xml "$EX/cf-2016-001-lmh-alouettes.xml" && fail "the correction changed nothing"
expect_status 0 correction -- "$APPUI" store add --store s.db fix/alouettes.xml
expect_grep correction "$TMP/out" "fix/alouettes.xml: stored as CF-2016-001 version 2 (correction)"
# Invalid files: the same problems, in the same order, as validate says.
"$APPUI" validate "$BAD" "$EX/cf-2016-002-ssdh-cedres.xml" >validate.out 2>/dev/null
expect_status 1 "add invalid" -- "$APPUI" store add --store s.db "$BAD" "$EX/cf-2016-002-ssdh-cedres.xml"
grep -v ': duplicate of \|^[0-9]* files: ' "$TMP/out" >add.problems
grep -v '^[0-9]* files: ' validate.out >validate.problems
if cmp -s add.problems validate.problems; then pass; else
	fail "store add does not report as validate does"
	diff add.problems validate.problems | head
fi
n_bad=$(ls "$BAD"/*.xml | wc -l)
expect_grep "add invalid" "$TMP/out" "$((n_bad + 1)) files: 0 stored (0 new cases, 0 corrections), 1 duplicate, $n_bad invalid"
[ "$(sql s.db 'SELECT count(*) FROM rejected')" = "$n_bad" ] && pass || fail "refused attempts not recorded"
# ... with their size and digest (the empty file's too), never their body.
[ "$(sql s.db "SELECT count(*) FROM rejected WHERE sha256 IS NOT NULL AND size IS NOT NULL")" = "$n_bad" ] && pass || fail "refused attempts without digest"
# Refused attempts and the audit log, with what files named printed inert.
cp "$BAD/bad-enum.xml" "$(printf 'evil\033[31m.xml')"
expect_status 1 "add evil name" -- "$APPUI" store add --store s.db "$(printf 'evil\033[31m.xml')"
expect_status 0 rejected -- "$APPUI" store rejected --store s.db
[ "$(wc -l <"$TMP/out")" -eq $((n_bad + 2)) ] && pass || fail "store rejected: $(wc -l <"$TMP/out") lines"
expect_grep rejected "$TMP/out" '2024-03-01T09:00:00Z  local:'
expect_grep rejected "$TMP/out" 'evil\x1b[31m.xml:8: site/situation:'
if grep -q "$(printf '\033')" "$TMP/out"; then fail "store rejected printed an escape"; else pass; fi
n_bad=$((n_bad + 1))
expect_status 0 audit -- "$APPUI" store audit --store s.db
expect_grep audit "$TMP/out" "casefile.correction  CF-2016-001  version 2, sha256 "
expect_status 0 "audit since" -- "$APPUI" store audit -q --since 2030-01-01 --store s.db
[ ! -s "$TMP/out" ] && pass || fail "audit --since: nothing since"
# A case of another firm is refused.
sed 's/firm="FIRM-SECURITE-URBAINE"/firm="FIRM-OTHER"/' "$EX/cf-2016-001-lmh-alouettes.xml" >fix/other-firm.xml
expect_status 1 "another firm" -- "$APPUI" store add --store s.db fix/other-firm.xml
expect_grep "another firm" "$TMP/out" "fix/other-firm.xml:0: diagnostic/@firm: case CF-2016-001 belongs to firm FIRM-SECURITE-URBAINE (that of its first version); this file is of firm FIRM-OTHER: not stored"

# --- list, show --------------------------------------------------------------------
expect_status 0 list -- "$APPUI" store list --store s.db
[ "$(wc -l <"$TMP/out")" -eq 40 ] && pass || fail "list: $(wc -l <"$TMP/out") lines, expected 40"
head -1 "$TMP/out" | grep -q '^case  *version  *site  *firm  *diagnosed  *received  *sha256$' && pass || fail "list header"
sed 1d "$TMP/out" | awk '{print $1}' >ids
sort ids | cmp -s - ids && pass || fail "list not sorted by case id"
expect_grep list "$TMP/out" "CF-2016-001  2        LMH-ALOUETTES"
expect_status 0 "list again" -- "$APPUI" store list --store s.db
cp "$TMP/out" list.1
"$APPUI" store list --store s.db >list.2
cmp -s list.1 list.2 && pass || fail "two listings differ"
expect_status 0 "list --all" -- "$APPUI" store list -q --all --store s.db
[ "$(wc -l <"$TMP/out")" -eq 40 ] && pass || fail "list --all: every version"
expect_status 0 "list --site" -- "$APPUI" store list -q --site LMH-ALOUETTES --store s.db
[ "$(awk '{print $1}' "$TMP/out")" = CF-2016-001 ] && pass || fail "list --site"
expect_status 0 "list --firm" -- "$APPUI" store list -q --firm FIRM-ARGOS --store s.db
[ "$(awk '{print $4}' "$TMP/out" | sort -u)" = FIRM-ARGOS ] && pass || fail "list --firm"
expect_status 0 "list --since" -- "$APPUI" store list -q --since 2024-03-02 --store s.db
[ ! -s "$TMP/out" ] && pass || fail "list --since: nothing since"
expect_status 2 "list bad --since" -- "$APPUI" store list --since soon --store s.db
expect_status 0 show -- "$APPUI" store show CF-2016-001 --store s.db
cmp -s "$TMP/out" fix/alouettes.xml && pass || fail "show: not the latest bytes"
expect_status 0 "show --version" -- "$APPUI" store show CF-2016-001 --version 1 --store s.db
cmp -s "$TMP/out" "$EX/cf-2016-001-lmh-alouettes.xml" && pass || fail "show --version 1: not the first bytes"
expect_status 1 "show no version" -- "$APPUI" store show CF-2016-001 --version 3 --store s.db
expect_grep "show no version" "$TMP/err" "case CF-2016-001 has 2 versions; there is no version 3"
expect_status 1 "show no case" -- "$APPUI" store show CF-NONE --store s.db
expect_status 2 "show bad version" -- "$APPUI" store show CF-2016-001 --version x --store s.db

# --- export, backup, check ------------------------------------------------------------
expect_status 0 export -- "$APPUI" store export latest --store s.db
expect_grep export "$TMP/out" "39 files written to latest"
ok=1
for f in "$EX"/*.xml; do
	id=$(sed -n 's/.*<casefile [^>]*id="\([^"]*\)".*/\1/p' "$f")
	[ "$id" = CF-2016-001 ] && f=fix/alouettes.xml
	cmp -s "$f" "latest/$id.xml" || ok=0
done
[ $ok -eq 1 ] && pass || fail "export: not the bytes stored"
expect_status 0 "export --all" -- "$APPUI" store export --all every --store s.db
[ "$(ls every | wc -l)" -eq 40 ] && pass || fail "export --all: $(ls every | wc -l) files"
cmp -s every/CF-2016-001.v1.xml "$EX/cf-2016-001-lmh-alouettes.xml" && pass || fail "export --all: version 1"
# An export never replaces the store (here named as a case file would be).
mkdir trap
"$APPUI" store init --store trap/CF-2016-001.xml >/dev/null
"$APPUI" store add -q --store trap/CF-2016-001.xml "$EX/cf-2016-001-lmh-alouettes.xml" >/dev/null
expect_status 2 "export onto the store" -- "$APPUI" store export trap --store trap/CF-2016-001.xml
expect_grep "export onto the store" "$TMP/err" "trap/CF-2016-001.xml:0: this is the store itself: refused"
expect_status 0 "store kept" -- "$APPUI" store check --store trap/CF-2016-001.xml
expect_status 0 backup -- "$APPUI" store backup copy.db --store s.db
expect_grep backup "$TMP/out" "s.db: backed up to copy.db (integrity checked)"
[ "$(stat -c %a copy.db)" = 600 ] && pass || fail "backup mode"
expect_status 2 "backup onto itself" -- "$APPUI" store backup s.db --store s.db
expect_status 0 "check backup" -- "$APPUI" store check --store copy.db
expect_grep "check backup" "$TMP/out" "copy.db: ok: 39 cases, 40 versions, $((n_bad + 1)) refused attempts"
expect_status 0 check -- "$APPUI" store check --store s.db
# A body changed behind the store's back: check says which, export skips it.
sql copy.db "DROP TRIGGER version_no_update" >/dev/null
sql copy.db "UPDATE version SET body = CAST(replace(CAST(body AS TEXT), '520', '999') AS BLOB) WHERE n = 1 AND casefile = (SELECT id FROM casefile WHERE case_id = 'CF-2016-001')" >/dev/null
expect_status 1 "check tampered" -- "$APPUI" store check --store copy.db
expect_grep "check tampered" "$TMP/out" "copy.db:0: case CF-2016-001 version 1: its"
expect_grep "check tampered" "$TMP/out" "they were changed"
expect_grep "check tampered" "$TMP/out" "copy.db: 1 problem"
expect_status 1 "export tampered" -- "$APPUI" store export --all tampered --store copy.db
[ ! -e tampered/CF-2016-001.v1.xml ] && [ -e tampered/CF-2016-001.v2.xml ] && pass || fail "export of a tampered version"
# A newer schema is refused, and left as it is.
sql copy.db "PRAGMA user_version = 99" >/dev/null
expect_status 3 "newer schema" -- "$APPUI" store list --store copy.db
expect_grep "newer schema" "$TMP/err" "the store has schema version 99, newer than this appui"
printf 'not a database, just text that is long enough to be a header of one\n' >text.db
expect_status 3 "not a store" -- "$APPUI" store list --store text.db
expect_grep "not a store" "$TMP/err" "not an appui store"

# --- validate, score and plan read the store ---------------------------------------------
# The same results as from the same files, byte for byte.
"$APPUI" store init --store ex.db >/dev/null
(cd "$SRC" && "$APPUI" store add -q --store "$TMP/ex.db" casefiles/examples >/dev/null)
for cmd in "validate" "score" "score --format json" "score --explain" "plan --format json"; do
	(cd "$SRC" && $APPUI $cmd casefiles/examples >"$TMP/files.out" 2>"$TMP/files.err")
	f=$?
	(cd "$SRC" && $APPUI $cmd --store "$TMP/ex.db" >"$TMP/store.out" 2>"$TMP/store.err")
	st=$?
	if [ $f -eq $st ] && cmp -s files.out store.out && cmp -s files.err store.err; then pass; else
		fail "$cmd --store: not what the files give (exit $st, files $f)"
		diff files.out store.out | head -5
	fi
done
expect_status 0 "validate --store --site" -- "$APPUI" validate --store ex.db --site LMH-ALOUETTES
expect_grep "validate --store --site" "$TMP/out" "1 file: 1 valid, 0 invalid, 0 warnings"
expect_status 0 "validate store.path" -- "$APPUI" validate --config conf/appui.cfg
expect_grep "validate store.path" "$TMP/out" "39 files: 39 valid"
expect_status 2 "files and --store" -- "$APPUI" validate --store ex.db "$EX"
expect_grep "files and --store" "$TMP/err" "give case files or --store, not both"
expect_status 2 "score onto the store" -- "$APPUI" score --store ex.db -o ex.db
expect_grep "score onto the store" "$TMP/err" "the output ex.db is the input ex.db: refused, nothing written"
expect_status 0 "store after refusal" -- "$APPUI" store check --store ex.db
# bundle takes a site's latest versions from the store: the same bag, byte
# for byte, as from the file, and no private folder left behind.
TMPDIR_BEFORE=$(ls -d "${TMPDIR:-/tmp}"/appui-store-* 2>/dev/null | wc -l)
expect_status 0 "bundle from files" -- "$APPUI" bundle -o from-file.tar.gz "$EX/cf-2016-001-lmh-alouettes.xml"
expect_status 0 "bundle --store --site" -- "$APPUI" bundle -o from-store.tar.gz --store ex.db --site LMH-ALOUETTES
if cmp -s from-file.tar.gz from-store.tar.gz; then pass; else fail "bundle --store: not the bag the file gives"; fi
TMPDIR_AFTER=$(ls -d "${TMPDIR:-/tmp}"/appui-store-* 2>/dev/null | wc -l)
if [ "$TMPDIR_BEFORE" -eq "$TMPDIR_AFTER" ]; then pass; else fail "bundle --store left its private folder"; fi
expect_status 2 "bundle onto the store" -- "$APPUI" bundle -o ex.db --store ex.db --site LMH-ALOUETTES
expect_grep "bundle onto the store" "$TMP/err" "the output ex.db is the input ex.db: refused, nothing written"

# --- accounts and tokens ------------------------------------------------------------
expect_status 0 "account firm" -- "$APPUI" account add --firm FIRM-ARGOS argos --store s.db
expect_grep "account firm" "$TMP/out" "account argos added: firm FIRM-ARGOS"
expect_status 0 "account coordinator" -- "$APPUI" account add --coordinator claire --store s.db
expect_status 1 "account taken" -- "$APPUI" account add --administrator claire --store s.db
expect_status 2 "account no role" -- "$APPUI" account add bob --store s.db
expect_status 2 "account bad name" -- "$APPUI" account add --coordinator 'bob smith' --store s.db
expect_status 0 "token new" -- "$APPUI" token new argos --store s.db
[ "$(wc -l <"$TMP/out")" -eq 1 ] && grep -qE '^[A-Za-z0-9_-]{43}$' "$TMP/out" && pass || fail "token: one line of 43 characters"
token=$(cat "$TMP/out")
hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
[ "$(sql s.db "SELECT count(*) FROM token WHERE sha256 = '$hash'")" = 1 ] && pass || fail "token not kept as its SHA-256"
if grep -qF "$token" s.db s.db-wal 2>/dev/null; then fail "the token is in the store's files"; else pass; fi
python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print("\n".join(c.iterdump()))' s.db >dump.sql
if grep -qF "$token" dump.sql; then fail "the token is in a dump of the store"; else pass; fi
# A token that cannot be written out is not left valid.
expect_status 3 "token to a full disk" -- sh -c "\"$APPUI\" token new argos --store s.db >/dev/full"
expect_grep "token to a full disk" "$TMP/err" "the token could not be written to standard output: it was revoked"
[ "$(sql s.db "SELECT count(*) FROM token WHERE revoked_at IS NULL")" = 1 ] && pass || fail "a token not handed over stays valid"
expect_status 3 "list to a full disk" -- sh -c "\"$APPUI\" store list --store s.db >/dev/full"
expect_status 0 "account list" -- "$APPUI" account list --store s.db
expect_grep "account list" "$TMP/out" "argos                 firm           FIRM-ARGOS                 1"
expect_status 0 "account revoke" -- "$APPUI" account revoke argos --store s.db
expect_status 1 "revoke again" -- "$APPUI" account revoke argos --store s.db
expect_status 1 "token for revoked" -- "$APPUI" token new argos --store s.db
expect_status 1 "token for nobody" -- "$APPUI" token new nobody --store s.db
[ "$(sql s.db "SELECT count(*) FROM token WHERE revoked_at IS NULL")" = 0 ] && pass || fail "revoking keeps its tokens"
for action in casefile.upload casefile.correction casefile.rejected account.add account.revoke token.new; do
	[ "$(sql s.db "SELECT count(*) > 0 FROM audit WHERE action = '$action'")" = 1 ] && pass || fail "no audit row for $action"
done
[ "$(sql s.db "SELECT count(*) FROM audit WHERE action = 'casefile.upload'")" = 39 ] && pass || fail "one audit row per upload"

# --- kill -9 during store add ---------------------------------------------------------
# Thousands of files, generated once; each round is killed at a random moment.
python3 "$SRC/bench/gencases.py" many 3000 --seed 13 >/dev/null
find many -name '*.xml' | sort >many.list
total=$(wc -l <many.list)
[ "$total" -eq 3000 ] && pass || fail "generated $total files"
"$APPUI" store init --store k.db >/dev/null
: >acked
killed=0
seed=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
for round in 1 2 3 4 5; do
	delay=$(awk -v s="$seed" -v r="$round" 'BEGIN { srand(s + r); printf "%.2f", rand() * 0.4 }')
	"$APPUI" store add --store k.db many >round.out 2>round.err &
	pid=$!
	# Killed while it stores new files: once the first is said stored,
	# after a random while.
	for i in $(seq 1 200); do
		grep -q '(new case)$' round.out && break
		sleep 0.05
	done
	sleep "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid
	rc=$?
	[ $rc -eq 137 ] && killed=$((killed + 1))
	# What was said to be stored: complete lines only.
	grep ': stored as .* (new case)$' round.out | sed 's/.*: stored as \([^ ]*\) .*/\1/' >>acked
	"$APPUI" store check --store k.db >check.out 2>&1 || fail "round $round: store check: $(cat check.out)"
	"$APPUI" store list -q --store k.db | awk '{print $1}' >have
	missing=$(sort -u acked | comm -23 - have | wc -l)
	[ "$missing" -eq 0 ] && pass || fail "round $round: $missing files said to be stored are missing"
	echo "kill round $round: exit $rc ${delay}s after the first new file, $(wc -l <have) files in the store"
done
[ $killed -ge 3 ] && pass || fail "only $killed of 5 rounds were killed while storing"
before=$(wc -l <have)
expect_status 0 "rerun after kills" -- "$APPUI" store add --store k.db many
stored=$(grep -c ': stored as ' "$TMP/out")
dups=$(grep -c ': duplicate of ' "$TMP/out")
[ "$stored" -eq $((total - before)) ] && [ "$dups" -eq "$before" ] && pass ||
	fail "rerun: $stored stored and $dups duplicates, expected $((total - before)) and $before"
[ "$(sql k.db "SELECT count(*), max(n) FROM version")" = "3000 1" ] && pass || fail "not one version of each file"
expect_status 0 "check after kills" -- "$APPUI" store check --store k.db
expect_grep "check after kills" "$TMP/out" "k.db: ok: 3000 cases, 3000 versions"

# --- two store add at once ----------------------------------------------------------------
# Overlapping halves: each file stored once, by one of them; both succeed.
"$APPUI" store init --store c.db >/dev/null
mkdir -p halfA halfB
head -n 1800 many.list | xargs cp -t halfA
tail -n 1800 many.list | xargs cp -t halfB
"$APPUI" store add --store c.db halfA >a.out 2>a.err &
pa=$!
"$APPUI" store add --store c.db halfB >b.out 2>b.err &
pb=$!
wait $pa
ra=$?
wait $pb
rb=$?
[ $ra -eq 0 ] && [ $rb -eq 0 ] && pass || fail "concurrent adds: exit $ra and $rb: $(cat a.err b.err | head -3)"
sa=$(grep -c ': stored as ' a.out)
sb=$(grep -c ': stored as ' b.out)
[ $((sa + sb)) -eq 3000 ] && pass || fail "concurrent adds stored $sa + $sb files, expected 3000 in all"
[ "$(sql c.db "SELECT count(*), max(n) FROM version")" = "3000 1" ] && pass || fail "concurrent adds: not one version of each file"
expect_status 0 "check after concurrent adds" -- "$APPUI" store check --store c.db

# --- a full disk ------------------------------------------------------------------------
mkdir small
if mount -t tmpfs -o size=8m tmpfs small 2>/dev/null; then
	trap 'umount "$TMP/small" 2>/dev/null; rm -rf "$TMP"' EXIT
	"$APPUI" store init --store small/s.db >/dev/null
	"$APPUI" store add --store small/s.db "$EX" >/dev/null
	# Fill the disk but for a little room: some files go in, then it is full.
	avail=$(df --output=avail -k small | tail -1)
	dd if=/dev/zero of=small/fill bs=1k count=$((avail - 200)) 2>/dev/null
	expect_status 3 "disk full" -- "$APPUI" store add --store small/s.db halfA
	expect_grep "disk full" "$TMP/err" "the disk is full: nothing of this change was written, and what was stored before is intact"
	expect_grep "disk full" "$TMP/err" "appui store add: stopped: the store cannot be written"
	grep ': stored as ' "$TMP/out" | sed 's/.*: stored as \([^ ]*\) .*/\1/' >full.acked
	rm small/fill
	expect_status 0 "check after full" -- "$APPUI" store check --store small/s.db
	"$APPUI" store list -q --store small/s.db | awk '{print $1}' >have
	[ "$(grep -c '^CF-20' have)" -eq 39 ] && pass || fail "a full disk lost stored files"
	[ "$(sort full.acked | comm -23 - have | wc -l)" -eq 0 ] && pass || fail "a file said stored before the disk was full is missing"
	expect_status 0 "add after freeing space" -- "$APPUI" store add --store small/s.db "$EX/cf-2016-001-lmh-alouettes.xml" fix/alouettes.xml
	umount small
else
	echo "full disk: skipped (mount -t tmpfs is not permitted here)"
fi

summary
