#!/bin/sh
# End-to-end tests of the intake service (appui serve), as firms,
# coordinators and attackers use it, on a real service on an ephemeral
# loopback port: uploads and their answers, the authorisation matrix of
# docs/service.md, paging, the limits (bodies too large, lying, chunked,
# trickled; too many failed sign-ins), hostile and malformed input (never a
# 500), sessions and CSRF, HTTPS, the log, and a clean stop on SIGTERM.
# usage: service.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
. "$SRC/tests/e2e/service_lib.sh"
EX=$SRC/casefiles/examples
INV=$SRC/tests/casefiles/invalid
RAW="python3 $SRC/tests/e2e/rawhttp.py"
cd "$TMP" || exit 1

# json FILE EXPR: a value of the JSON in FILE (python3), as text.
json() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
v = eval(sys.argv[2], {"d": d, "len": len})
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)' "$@"
}

S=s.db
"$APPUI" store init --store $S >/dev/null
svc_account $S argos --firm FIRM-ARGOS
svc_account $S traj --firm FIRM-TRAJECTOIRES
svc_account $S carol --coordinator
svc_account $S gone --firm FIRM-ARGOS
"$APPUI" account revoke gone --store $S >/dev/null
printf 'not-a-token-at-all' >token.bogus
# A service with small limits, for the tests that reach them.
sed -e 's/^limits = {/service = { max_body_bytes = 200000; request_timeout = 3; idle_timeout = 2; sign_in_failures = 1000; max_problems = 2; page_size = 50; };\nlimits = {/' \
	"$SRC/configs/appui.cfg" >small.cfg
expect_status 0 "config check of the service's settings" -- "$APPUI" config check small.cfg
svc_start $S --config small.cfg || exit 1
PID=$SVC_PID

ARGOS=cf-2016-004-gh-bois-fleuri.xml   # FIRM-ARGOS, case CF-2016-004
ARGOS2=cf-2017-002-logirep-erables.xml # FIRM-ARGOS
TRAJ=cf-2016-002-ssdh-cedres.xml       # FIRM-TRAJECTOIRES
up() { # up WHO FILE [QUERY]: POST the file
	http "$1" POST "/v1/casefiles?name=$(basename "$2")${3:-}" \
		-H 'Content-Type: application/xml' --data-binary "@$2"
}

# --- uploads -----------------------------------------------------------------
http - GET /healthz
expect_http "healthz" 200
up argos "$EX/$ARGOS"
expect_http "a new case" 201
expect_grep "its Location" headers "Location: /v1/casefiles/CF-2016-004/versions/1"
[ "$(json body 'd["outcome"]')" = new_case ] && pass || fail "outcome new_case"
"$APPUI" score --format json "$EX/$ARGOS" >cmd.json
[ "$(json body 'd["scores"]["themes"]')" = "$(json cmd.json 'd["cases"][0]["themes"]')" ] &&
	pass || fail "the upload's scores are the command's"
up argos "$EX/$ARGOS"
expect_http "the same bytes again" 200
[ "$(json body 'd["outcome"]')" = duplicate ] && pass || fail "outcome duplicate"
sed 's/<indicator ref="satisfaction.overall" value="74"/<indicator ref="satisfaction.overall" value="40"/' \
	"$EX/$ARGOS" >"$ARGOS"
cmp -s "$ARGOS" "$EX/$ARGOS" && fail "the correction changed nothing"
up argos "$ARGOS"
expect_http "a correction" 201
expect_grep "version 2" headers "Location: /v1/casefiles/CF-2016-004/versions/2"
up argos "$EX/$ARGOS2" "&dry_run=1"
expect_http "a dry run" 200
[ "$(json body 'd["outcome"]')" = valid ] && pass || fail "dry run: valid"
"$APPUI" store list --store $S >list.out
expect_no_grep "a dry run stores nothing" list.out CF-2017-002
up argos "$EX/$ARGOS2"
expect_http "a second case" 201

# --- refusals, with the command's own text -------------------------------------
cp "$INV/several-errors.xml" .
up argos several-errors.xml
expect_http "an invalid file" 422
"$APPUI" validate several-errors.xml >validate.out 2>&1
[ "$(json body 'd["text"]')" = "$(grep -m1 ': ' validate.out)" ] &&
	pass || fail "422 text is the command's first line"
json body '"\n".join(p["text"] for p in d["problems"])' >problems.out
[ "$(json body 'len(d["problems"])')" = 2 ] && pass || fail "max_problems: 2 returned"
[ "$(json body 'd["truncated"]')" = true ] && pass || fail "truncated said"
head -n 2 validate.out | grep -F -x -f problems.out -c | grep -qx 2 &&
	pass || fail "each problem's text is a line of the command"
"$APPUI" store rejected --store $S >rejected.out
expect_grep "the refusal is recorded" rejected.out several-errors.xml
for f in binary entity-bomb xxe-local-file xxe-network-dtd deep-nesting truncated wrong-namespace bad-utf8 empty utf7-declared; do
	cp "$INV/$f.xml" .
	up argos "$f.xml"
	code=$(cat status)
	case $code in 4??) pass ;; *) fail "hostile $f.xml: HTTP $code, expected 4xx" ;; esac
done
up argos binary.xml
expect_http "not XML at all" 400
up argos "$EX/$TRAJ"
expect_http "another firm's file" 403
expect_grep "403 names the field" body "diagnostic/@firm"
sed 's/firm="FIRM-ARGOS"/firm="FIRM-TRAJECTOIRES"/' "$EX/$ARGOS" >taken.xml
up traj taken.xml
expect_http "another firm's case id" 403
http argos POST /v1/casefiles -H 'Content-Type: text/plain' --data-binary "@$EX/$ARGOS"
expect_http "wrong type" 415
http argos POST "/v1/casefiles?dry_run=yes" -H 'Content-Type: application/xml' --data-binary "@$EX/$ARGOS"
expect_http "bad dry_run" 400
http argos POST "/v1/casefiles?name=../../etc/passwd" -H 'Content-Type: application/xml' --data-binary "@$EX/$ARGOS"
expect_http "a path as a name" 400
http argos PUT /v1/casefiles/CF-2016-004
expect_http "PUT" 405

# --- the authorisation matrix ----------------------------------------------------
# cell WHO METHOD PATH WANT
cell() {
	if [ "$1" = malformed ]; then
		curl -sS -o body -w '%{http_code}' -H 'Authorization: Basic YWxpY2U6eA==' \
			-X "$2" "$URL$3" >status 2>/dev/null
	else
		http "$1" "$2" "$3"
	fi
	expect_http "$1 $2 $3" "$4"
}
for who in argos traj carol gone bogus - malformed; do
	case $who in
	argos) want="200 200 200 403 200 403" ;;
	traj) want="200 404 404 403 200 403" ;;
	carol) want="200 200 200 200 200 200" ;;
	*) want="401 401 401 401 200 401" ;;
	esac
	set -- $want
	cell $who GET /v1/casefiles "$1"
	cell $who GET /v1/casefiles/CF-2016-004 "$2"
	cell $who GET /v1/casefiles/CF-2016-004/versions/1 "$3"
	cell $who GET /v1/scores "$4"
	cell $who GET /healthz "$5"
	cell $who GET /v1/report "$6"
done
for who in argos traj carol; do
	cell $who GET /v1/casefiles/NO-SUCH-CASE 404
	cell $who GET /v1/casefiles/CF-2016-004/versions/9 404
done
cell carol POST "/v1/casefiles?name=x.xml" 403
cell gone POST "/v1/casefiles?name=x.xml" 401
cell - POST "/v1/casefiles?name=x.xml" 401
http traj GET /v1/casefiles
expect_no_grep "a firm's listing hides other firms' cases" body CF-2016-004
http argos GET /v1/casefiles
expect_grep "a firm's listing has its cases" body CF-2016-004
expect_no_grep "and no other firm's" body FIRM-TRAJECTOIRES
http argos GET /v1/casefiles/CF-2016-004/versions/1
cmp -s body "$EX/$ARGOS" && pass || fail "version 1's bytes are the ones sent"
http carol GET /v1/casefiles/CF-2016-004/versions/2
cmp -s body "$ARGOS" && pass || fail "version 2's bytes are the correction"
http carol GET /v1/casefiles/CF-2016-004
[ "$(json body 'len(d["versions"])')" = 2 ] && pass || fail "a case's versions"
[ "$(json body 'd["scores"]["case_id"]')" = CF-2016-004 ] && pass || fail "a case's latest scores"
http carol GET /v1/scores
"$APPUI" score --format json --store $S >store-scores.json 2>/dev/null
python3 -c 'import json,sys
a=json.load(open("body")); b=json.load(open("store-scores.json"))
sys.exit(0 if [c["themes"] for c in a["cases"]] == [c["themes"] for c in b["cases"]] else 1)' &&
	pass || fail "GET /v1/scores scores as score --store does"
http carol GET /v1/report
"$APPUI" report --store $S >store-report.html 2>/dev/null
cmp -s body store-report.html && pass || fail "GET /v1/report is appui report --store, byte for byte"

# --- paging and parameters ---------------------------------------------------------
for f in "$EX"/cf-201[789]-*.xml; do
	grep -q 'firm="FIRM-ARGOS"' "$f" && up argos "$f"
done
http carol GET "/v1/casefiles?limit=2"
[ "$(json body 'len(d["casefiles"])')" = 2 ] && pass || fail "limit=2"
seen=0
cursor=
while :; do
	http carol GET "/v1/casefiles?limit=2${cursor:+&cursor=$cursor}"
	seen=$((seen + $(json body 'len(d["casefiles"])')))
	cursor=$(json body 'd["next_cursor"] or ""')
	[ -n "$cursor" ] || break
done
total=$("$APPUI" store list --store $S | grep -c '^CF-')
[ "$seen" = "$total" ] && pass || fail "paging lists every case once ($seen of $total)"
http carol GET "/v1/casefiles?site=GH-BOIS-FLEURI"
[ "$(json body 'len(d["casefiles"])')" = 1 ] && pass || fail "?site="
http carol GET "/v1/casefiles?limit=51"
expect_http "limit over the page size" 400
http carol GET "/v1/casefiles?site=x%27%20OR%20%271%27%3D%271"
expect_http "a SQL-looking site" 400
http carol GET "/v1/casefiles/x%27%20OR%20%271%27%3D%271"
expect_http "a SQL-looking case id" 404
http carol GET "/v1/casefiles/..%2F..%2Fetc%2Fpasswd"
expect_http "a path-looking case id" 404
http carol GET "/v1/casefiles/../../etc/passwd" --path-as-is
case $(cat status) in 4??) pass ;; *) fail "dot segments: HTTP $(cat status)" ;; esac
http carol GET "/v1/casefiles?since=yesterday"
expect_http "a bad since" 400

# --- limits and malformed requests ------------------------------------------------
TOKEN=$(cat token.argos)
export TOKEN
[ "$($RAW "$URL" declared 20000000)" = 413 ] && pass || fail "413 on the declared length"
[ "$($RAW "$URL" chunked 300000)" = 413 ] && pass || fail "413 on a chunked body over the limit"
[ "$($RAW "$URL" short 5000)" = closed ] && pass || fail "a body shorter than declared"
cut=$($RAW "$URL" drip 20)
case $cut in [0-9]*) [ "$cut" -le 8 ] && pass || fail "drip cut after ${cut}s" ;; *) fail "a slow drip was not cut ($cut)" ;; esac
code=$(printf 'GARBAGE\r\n\r\n' | $RAW "$URL" raw)
case $code in 4??|none) pass ;; *) fail "a garbage request line: $code" ;; esac
code=$(printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n' | $RAW "$URL" raw)
case $code in 4??) pass ;; *) fail "a malformed header: $code" ;; esac
code=$(python3 -c 'import sys; sys.stdout.write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a" * 100000 + "\r\n\r\n")' | $RAW "$URL" raw)
case $code in 4??|none) pass ;; *) fail "an oversized header: $code" ;; esac
http - GET /healthz
expect_http "still up after all that" 200
kill -0 "$PID" 2>/dev/null && pass || fail "the service died"
expect_no_grep "never a 500" serve.log '" 500 '
grep -E ' (500|502) ' serve.log && fail "a 500 was answered" || pass

# --- pages, sessions and CSRF --------------------------------------------------------
http - GET /
expect_http "the sign-in page" 200
expect_grep "French sign-in" body "Jeton d'accès"
expect_grep "a strict CSP" headers "Content-Security-Policy: default-src 'self'"
curl -sS -o body -D headers -w '%{http_code}' -c jar \
	--data-urlencode "token=$(cat token.argos)" "$URL/signin" >status
expect_http "sign in" 303
expect_grep "session cookie" headers "HttpOnly; SameSite=Strict"
curl -sS -o page.html -b jar "$URL/"
expect_grep "the firm's page" page.html 'id="drop"'
expect_grep "its case on its page" page.html CF-2016-004
csrf=$(sed -n 's/.*<meta name="csrf" content="\([^"]*\)".*/\1/p' page.html)
[ -n "$csrf" ] && pass || fail "a CSRF token in the page"
curl -sS -o body -w '%{http_code}' -b jar -H 'Content-Type: application/xml' \
	--data-binary "@$EX/$ARGOS" "$URL/v1/casefiles?name=a.xml" >status
expect_http "a cookie upload without the CSRF token" 403
curl -sS -o body -w '%{http_code}' -b jar -H 'Content-Type: application/xml' \
	-H "X-CSRF-Token: $csrf" --data-binary "@$EX/$ARGOS" "$URL/v1/casefiles?name=a.xml" >status
expect_http "with it" 200
curl -sS -o body -w '%{http_code}' -b jar "$URL/signout" -X POST >status
expect_http "sign out without the form's token" 403
curl -sS -o body -w '%{http_code}' -b jar -c jar --data "csrf=$csrf" "$URL/signout" >status
expect_http "sign out" 303
curl -sS -o page.html -b jar "$URL/"
expect_grep "signed out" page.html 'id="signin"'
curl -sS -o page.html -H "Authorization: Bearer $(cat token.carol)" "$URL/"
expect_grep "the coordinator's ranked sites" page.html 'id="sites"'
curl -sS -o page.html -H "Authorization: Bearer $(cat token.traj)" "$URL/casefiles/CF-2016-004"
expect_no_grep "another firm's case page" page.html "GH-BOIS-FLEURI"

# --- the log, the database, a clean stop ---------------------------------------------------
for t in token.argos token.traj token.carol; do
	expect_no_grep "no token in the log" serve.log "$(cat $t)"
done
python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
for l in c.iterdump(): print(l)' $S >dump.sql
for t in token.argos token.traj token.carol; do
	expect_no_grep "no token in the database" dump.sql "$(cat $t)"
done
requests=$(grep -c ' /' serve.log)
[ "$requests" -gt 50 ] && pass || fail "one log line per request ($requests)"
# A stop while an upload arrives: it is answered, then the service ends.
sed 's/value="74"/value="41"/' "$EX/$ARGOS" >late.xml
READY=late.ready $RAW "$URL" slow late.xml >late.status &
late=$!
i=0
while [ ! -e late.ready ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
svc_stop
wait $late
[ "$(cat late.status)" = 201 ] && pass || fail "an upload in flight at SIGTERM: $(cat late.status)"
[ "$SVC_RC" = 0 ] && pass || fail "SIGTERM: exit $SVC_RC"
expect_grep "stopped" serve.log "appui serve: stopped"
expect_status 0 "the store checks after" -- "$APPUI" store check --store $S

# --- HTTPS ------------------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
printf 'service = { tls = { certificate = "cert.pem"; key = "key.pem"; }; };\n' >tls.cfg
sed -n '/^plugins/p' "$SRC/configs/appui.cfg" >>tls.cfg
expect_status 0 "config check with TLS" -- "$APPUI" config check tls.cfg
svc_start $S --config tls.cfg || exit 1
case $URL in https://*) pass ;; *) fail "TLS: $URL" ;; esac
code=$(curl -sS --cacert cert.pem -o /dev/null -w '%{http_code}' "$URL/healthz")
[ "$code" = 200 ] && pass || fail "HTTPS healthz: $code"
curl -sS --cacert cert.pem -D headers -o /dev/null --data-urlencode "token=$(cat token.carol)" "$URL/signin"
expect_grep "Secure cookie under HTTPS" headers "SameSite=Strict; Max-Age=43200; Secure"
expect_grep "HSTS" headers "Strict-Transport-Security"
svc_stop

# --- failed sign-ins: 429 ---------------------------------------------------------------
sed 's/sign_in_failures = 1000;/sign_in_failures = 4;/' small.cfg >failures.cfg
svc_start $S --config failures.cfg || exit 1
for i in 1 2 3 4; do
	curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "$URL/v1/casefiles" >status
done
http bogus GET /v1/casefiles
expect_http "too many failures" 429
expect_grep "Retry-After" headers "Retry-After:"
http argos GET /v1/casefiles
expect_http "a good token from that address, too" 429

svc_stop

# --- settings refused --------------------------------------------------------------------------
printf 'service = { listen = "localhost"; max_body_bytes = 20000000; tls = { certificate = "cert.pem"; }; };\n' >bad.cfg
expect_status 1 "bad service settings" -- "$APPUI" config check bad.cfg
expect_grep "listen named" "$TMP/out" "bad.cfg:1: 'service.listen' is ADDRESS:PORT"
expect_grep "tls named" "$TMP/out" "'service.tls' needs both a certificate and a key"
expect_status 2 "a bad --listen" -- "$APPUI" serve --store $S --listen nowhere
expect_status 3 "a store that is not there" -- "$APPUI" serve --store nope.db --listen 127.0.0.1:0
summary
