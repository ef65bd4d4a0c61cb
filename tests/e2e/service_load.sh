#!/bin/sh
# The intake service under load and faults, on a real `appui serve`:
# - load: 10,000 generated case files uploaded by 16 concurrent clients are
#   each answered 201 and kept, byte for byte, and nothing else is;
# - kill -9 while uploads are in flight: the store checks, every upload
#   answered 201 is there, the workers go too, and uploading everything
#   again leaves one version of each case;
# - SIGTERM while uploads are in flight: it stops soon, and what it stored
#   is exactly what it answered 201;
# - a full disk: 507, the service stays up, answers duplicates, keeps what
#   it stored, and takes uploads again once there is room;
# - a plugin that crashes, aborts or hangs: that upload is refused with the
#   plugin named, the uploads around it are stored, the service lives on.
# usage: service_load.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
BUILD=$3
. "$SRC/tests/e2e/lib.sh"
. "$SRC/tests/e2e/service_lib.sh"
# Under AddressSanitizer, let the test plugin's crashes be the real signals
# a worker dies of, as in a normal build.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0:handle_abort=0"
LOAD="$SRC/tests/service/load.py"
RES="$SRC/tests/service/results.py"
cd "$TMP" || exit 1
SVC_PID=
BG= # load runs in the background
SMALL=
cleanup() {
	for p in $SVC_PID $BG; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "$SMALL" ] && umount "$SMALL" 2>/dev/null
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT

# firms STORE PREFIX: one account PREFIX-NN and a token for each of FIRM-01
# to FIRM-20; their FIRM=TOKEN lines in tokens.PREFIX.
firms() {
	: >"tokens.$2"
	for n in $(seq -w 1 20); do
		svc_account "$1" "$2-$n" --firm "FIRM-$n" || return 1
		echo "FIRM-$n=$(cat "$TMP/token.$2-$n")" >>"tokens.$2"
	done
}

# stop: svc_stop, and no service left to clean up.
stop() {
	svc_stop
	SVC_PID=
}

# statuses RESULTS: "STATUS:COUNT ..." of a load run.
statuses() { python3 "$RES" statuses "$1"; }

# wait_lines FILE N: until FILE has N lines (at most 60 s).
wait_lines() {
	i=0
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ] && [ $i -lt 1200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(cat "$1" 2>/dev/null | wc -l)" -ge "$2" ]
}

# running PID: the process exists and is not a zombie.
running() {
	[ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat")" != Z ]
}

# firm_of FILE: the NN of its diagnostic's FIRM-NN.
firm_of() { sed -n 's/.*<diagnostic firm="FIRM-\([0-9]*\)".*/\1/p' "$1"; }

# post PREFIX FILE [QUERY]: uploads FILE under its base name as the account
# PREFIX-NN of its firm.
post() {
	http "$1-$(firm_of "$2")" POST "/v1/casefiles?name=$(basename "$2")${3:-}" \
		-H 'Content-Type: application/xml' --data-binary "@$2"
}

N=10000
python3 "$SRC/bench/gencases.py" cases $N --seed 2019 >/dev/null
python3 "$RES" ids cases >sent.ids
[ "$(sort -u sent.ids | wc -l)" -eq $N ] && pass || fail "generated $(sort -u sent.ids | wc -l) distinct cases, expected $N"

# --- load: 16 clients, 10,000 files ------------------------------------------------
"$APPUI" store init --store load.db >/dev/null
firms load.db load || fail "load: accounts"
svc_start load.db || exit 1
t0=$(date +%s)
expect_status 0 "load: every upload stored" -- python3 "$LOAD" --url "$URL" \
	--clients 16 --tokens @tokens.load --out load.jsonl cases
sed 's/^/  load: /' "$TMP/out"
[ "$(statuses load.jsonl)" = "201:$N" ] && pass || fail "load: answers $(statuses load.jsonl), expected 201:$N"
running "$SVC_PID" && pass || fail "load: the service died"
stop
[ "$SVC_RC" -eq 0 ] && pass || fail "load: the service stopped with status $SVC_RC"
"$APPUI" store list -q --store load.db | awk '{print $1}' | sort >stored.ids
[ "$(wc -l <stored.ids)" -eq $N ] && pass || fail "load: $(wc -l <stored.ids) cases in the store, expected $N"
cmp -s sent.ids stored.ids && pass || fail "load: the store holds other cases than those sent"
expect_status 0 "load: store check" -- "$APPUI" store check --store load.db
expect_grep "load: store check" "$TMP/out" "load.db: ok: $N cases, $N versions, 0 refused attempts"
expect_status 0 "load: export" -- "$APPUI" store export --store load.db load.out
[ "$(ls load.out | wc -l)" -eq $N ] && pass || fail "load: $(ls load.out | wc -l) files exported"
expect_status 0 "load: the bytes sent" -- python3 "$RES" same load.out load.jsonl 201
echo "load: $(($(date +%s) - t0)) s"
rm -rf load.out load.db*

# --- kill -9 while uploads are in flight ---------------------------------------------
t0=$(date +%s)
"$APPUI" store init --store kill.db >/dev/null
firms kill.db kill || fail "kill: accounts"
svc_start kill.db || exit 1
workers=$(pgrep -P "$SVC_PID")
[ -n "$workers" ] && pass || fail "kill: no worker processes"
python3 "$LOAD" --url "$URL" --clients 16 --tokens @tokens.kill \
	--out kill.jsonl --allow-errors cases >kill.sum 2>&1 &
lpid=$!
BG=$lpid
# About two seconds of uploads at the rate of the load above: well into
# the run, with 16 requests in flight.
wait_lines kill.jsonl 1500 || fail "kill: the uploads did not start"
kill -9 "$SVC_PID"
wait "$SVC_PID" 2>/dev/null
SVC_PID=
wait $lpid
rc=$?
BG=
[ $rc -eq 0 ] && pass || fail "kill: load.py exit $rc: $(cat kill.sum)"
sed 's/^/  kill: /' kill.sum
# The kill cut the run: answers before it, connection errors after it.
python3 "$RES" files kill.jsonl 201 >acked
python3 "$RES" files kill.jsonl 0 >unanswered
[ -s acked ] && [ -s unanswered ] && pass || fail "kill: not killed mid-run: $(statuses kill.jsonl)"
# ... and some requests were cut on their way (sent, not answered).
cut=$(grep '"status": 0,' kill.jsonl | grep -vc ConnectionRefused)
[ "$cut" -ge 1 ] && pass || fail "kill: no upload was in flight when the service was killed"
statuses kill.jsonl | grep -Eqx '0:[0-9]+ 201:[0-9]+' && pass ||
	fail "kill: answers other than 201 before the kill: $(statuses kill.jsonl)"
# The workers do not outlive the service.
i=0
while [ $i -lt 100 ]; do
	left=
	for w in $workers; do running "$w" && left="$left $w"; done
	[ -z "$left" ] && break
	sleep 0.05
	i=$((i + 1))
done
[ -z "$left" ] && pass || fail "kill: workers still running 5 s after the service was killed:$left"
expect_status 0 "kill: store check" -- "$APPUI" store check --store kill.db
expect_status 0 "kill: export" -- "$APPUI" store export --store kill.db kill.out
expect_status 0 "kill: every 201 is stored" -- python3 "$RES" same kill.out kill.jsonl 201
before=$(ls kill.out | wc -l)
rm -rf kill.out
# Again on the same store: every file, each stored once.
svc_start kill.db || exit 1
expect_status 0 "kill: upload all again" -- python3 "$LOAD" --url "$URL" \
	--clients 16 --tokens @tokens.kill --out again.jsonl cases
sed 's/^/  again: /' "$TMP/out"
# What was stored before (answered or not) is a duplicate now; the rest new.
[ "$(statuses again.jsonl)" = "200:$before 201:$((N - before))" ] && pass ||
	fail "kill: answers again $(statuses again.jsonl), expected 200:$before 201:$((N - before))"
python3 "$RES" files again.jsonl 200 | sort >dup
sort acked | comm -23 - dup >lost
[ ! -s lost ] && pass || fail "kill: $(wc -l <lost) files answered 201 before the kill are not duplicates now"
running "$SVC_PID" && pass || fail "kill: the restarted service died"
stop
[ "$SVC_RC" -eq 0 ] && pass || fail "kill: the service stopped with status $SVC_RC"
"$APPUI" store list -q --all --store kill.db | awk '{print $1}' | sort >versions
[ "$(wc -l <versions)" -eq $N ] && cmp -s versions sent.ids && pass ||
	fail "kill: $(wc -l <versions) versions of $(sort -u versions | wc -l) cases, expected one of each of $N"
expect_status 0 "kill: store check after" -- "$APPUI" store check --store kill.db
expect_grep "kill: store check after" "$TMP/out" "kill.db: ok: $N cases, $N versions"
echo "kill: $before stored before the kill ($(wc -l <acked) answered 201, $cut cut in flight), $(($(date +%s) - t0)) s"
rm -f kill.db*

# --- SIGTERM while uploads are in flight -----------------------------------------------
# The service stops soon, with status 0, once it has answered what it took:
# what it stored is exactly what it answered 201.
t0=$(date +%s)
"$APPUI" store init --store term.db >/dev/null
firms term.db term || fail "term: accounts"
svc_start term.db || exit 1
python3 "$LOAD" --url "$URL" --clients 16 --tokens @tokens.term \
	--out term.jsonl --allow-errors cases >term.sum 2>&1 &
lpid=$!
BG=$lpid
wait_lines term.jsonl 500 || fail "term: the uploads did not start"
kill -TERM "$SVC_PID"
i=0
while running "$SVC_PID" && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
running "$SVC_PID" && fail "term: still running 10 s after SIGTERM" || pass
stop
[ "$SVC_RC" -eq 0 ] && pass || fail "term: the service stopped with status $SVC_RC"
wait $lpid
BG=
# A request that came on a kept-alive connection once the stop began is
# answered 503 (send it again), never stored.
statuses term.jsonl | grep -Eqx '0:[0-9]+ 201:[0-9]+( 503:[0-9]+)?' && pass ||
	fail "term: answers other than 201 (or 503) before the stop: $(statuses term.jsonl)"
python3 "$RES" files term.jsonl 201 >acked
"$APPUI" store list -q --store term.db | awk '{print $1}' | sort >stored.ids
python3 "$RES" ids $(cat acked) >acked.ids
cmp -s acked.ids stored.ids && pass ||
	fail "term: $(wc -l <stored.ids) cases stored, $(wc -l <acked.ids) answered 201"
expect_status 0 "term: store check" -- "$APPUI" store check --store term.db
echo "term: $(wc -l <acked) answered 201 before the stop, $(($(date +%s) - t0)) s"
rm -f term.db*

# --- a full disk --------------------------------------------------------------------
t0=$(date +%s)
mkdir small
if mount -t tmpfs -o size=3m tmpfs small; then
	SMALL=$TMP/small
	"$APPUI" store init --store small/s.db >/dev/null
	firms small/s.db full || fail "full: accounts"
	svc_start small/s.db || exit 1
	# 3 MB hold a few hundred of these files: the disk fills up.
	find cases/000 -name '*.xml' | sort >full.list
	expect_status 0 "full: uploads" -- python3 "$LOAD" --url "$URL" --clients 2 \
		--tokens @tokens.full --out full.jsonl --allow-errors $(cat full.list)
	sed 's/^/  full: /' "$TMP/out"
	statuses full.jsonl | grep -Eqx '201:[0-9]+ 507:[0-9]+' && pass ||
		fail "full: answers $(statuses full.jsonl), expected 201 and 507 only"
	running "$SVC_PID" && pass || fail "full: the service died"
	http - GET /healthz
	echo "full: /healthz answered $(cat "$TMP/status")"
	case $(cat "$TMP/status") in
	200 | 503 | 507) pass ;;
	*) fail "full: /healthz answered $(cat "$TMP/status")" ;;
	esac
	# A file stored before is a duplicate: still answered, as such.
	python3 "$RES" files full.jsonl 201 >full.acked
	first=$(head -n 1 full.acked)
	post full "$first"
	expect_http "full: a duplicate on a full disk" 200
	expect_grep "full: a duplicate on a full disk" "$TMP/body" '"outcome":"duplicate"'
	# Room again: the files refused are taken, without a restart.
	mount -o remount,size=20m small
	python3 "$RES" files full.jsonl 507 >refused
	expect_status 0 "full: uploads with room again" -- python3 "$LOAD" --url "$URL" \
		--clients 2 --tokens @tokens.full --out room.jsonl $(cat refused)
	[ "$(statuses room.jsonl)" = "201:$(wc -l <refused)" ] && pass ||
		fail "full: answers with room $(statuses room.jsonl), expected 201:$(wc -l <refused)"
	running "$SVC_PID" && pass || fail "full: the service died"
	stop
	[ "$SVC_RC" -eq 0 ] && pass || fail "full: the service stopped with status $SVC_RC"
	expect_status 0 "full: store check" -- "$APPUI" store check --store small/s.db
	expect_grep "full: store check" "$TMP/out" "ok: $(wc -l <full.list) cases, $(wc -l <full.list) versions"
	expect_status 0 "full: export" -- "$APPUI" store export --store small/s.db full.out
	expect_status 0 "full: every 201 is stored" -- python3 "$RES" same full.out full.jsonl 201
	expect_status 0 "full: every 201 with room is stored" -- python3 "$RES" same full.out room.jsonl 201
	echo "full: $(wc -l <full.acked) stored before the disk was full, $(($(date +%s) - t0)) s"
	umount small && SMALL=
else
	fail "full: cannot mount a tmpfs (mount -t tmpfs needs root): the full-disk test did not run"
fi

# --- a plugin that crashes, aborts or hangs ----------------------------------------------
# The shipped configuration plus the fragile test plugin (values 666
# crash, 888 abort, 777 hang), and a short case time limit for the hang.
sed -e 's/^plugins = .*/plugins = [ "quality", "urban", "security", "fragile" ];/' \
	-e 's/case_time_limit = 10.0;/case_time_limit = 2.0;/' \
	"$SRC/configs/appui.cfg" >fragile.cfg
fragile() { # VALUE FILE OUT: FILE with a fragile theme of that value
	sed "s#</diagnostic>#<theme ref=\"fragile\"><indicator ref=\"x.value\" value=\"$1\"/></theme></diagnostic>#" "$2" >"$3"
}
mkdir good faulty
for f in $(find cases/002 -name '*.xml' | sort | head -n 300); do fragile 1 "$f" "good/$(basename "$f")"; done
k=0
for f in $(find cases/003 -name '*.xml' | sort | head -n 20); do
	k=$((k + 1))
	fragile $([ $((k % 2)) -eq 0 ] && echo 666 || echo 888) "$f" "faulty/$(basename "$f")"
done
hang=$(find cases/004 -name '*.xml' | sort | head -n 1)
fragile 777 "$hang" hang.xml
"$APPUI" store init --store crash.db >/dev/null
firms crash.db crash || fail "crash: accounts"
svc_start crash.db --config fragile.cfg -P "$BUILD/plugins/fragile" || exit 1
pid0=$SVC_PID
# Crashes among good uploads: each faulty file is refused naming the
# plugin; every good file is stored.
python3 "$LOAD" --url "$URL" --clients 6 --tokens @tokens.crash \
	--out good.jsonl good >good.sum 2>&1 &
gpid=$!
BG=$gpid
python3 "$LOAD" --url "$URL" --clients 2 --tokens @tokens.crash \
	--out faulty.jsonl --allow-errors faulty >faulty.sum 2>&1
wait $gpid
rc=$?
BG=
[ $rc -eq 0 ] && [ "$(statuses good.jsonl)" = "201:300" ] && pass ||
	fail "crash: good uploads among crashes: exit $rc, $(statuses good.jsonl): $(cat good.sum)"
[ "$(statuses faulty.jsonl)" = "422:20" ] && pass || fail "crash: faulty uploads answered $(statuses faulty.jsonl), expected 422:20"
if python3 - faulty.jsonl <<'PY'; then pass; else fail "crash: the refusals do not name the crash"; fi
import json, os, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    name = os.path.basename(r["file"])
    sig = ("signal 11 (SIGSEGV)" if 'value="666"' in open(r["file"]).read()
           else "signal 6 (SIGABRT)")
    want = "plugin 'fragile' crashed on %s: %s" % (name, sig)
    assert want in (r["error"] or ""), (want, r["error"])
PY
# One by one, with the answer's type and text.
set -- $(ls faulty | head -n 2)
for f in "$@"; do
	post crash "faulty/$f"
	expect_http "crash: $f" 422
	expect_grep "crash: $f type" "$TMP/headers" "Content-Type: application/problem+json"
	expect_grep "crash: $f text" "$TMP/body" "plugin 'fragile' crashed on $f: signal"
	post crash "good/$(ls good | head -n 1)"
	expect_http "crash: a good upload after $f" 200
done
post crash hang.xml
expect_http "crash: a hang" 422
expect_grep "crash: a hang" "$TMP/body" "plugin 'fragile' ran past the time limit of 2 s on hang.xml"
post crash "$hang"
expect_http "crash: a new upload after the hang" 201
[ "$SVC_PID" = "$pid0" ] && running "$SVC_PID" && pass || fail "crash: the service died"
[ "$(grep -c '^appui serve: listening on' "$TMP/serve.log")" -eq 1 ] && pass || fail "crash: the service started again"
stop
[ "$SVC_RC" -eq 0 ] && pass || fail "crash: the service stopped with status $SVC_RC"
expect_status 0 "crash: store check" -- "$APPUI" store check --store crash.db
expect_grep "crash: store check" "$TMP/out" "crash.db: ok: 301 cases, 301 versions, 23 refused attempts"
summary
