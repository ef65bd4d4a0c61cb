# Shared by the service's tests: a real `appui serve` on an ephemeral
# loopback port, and accounts with their tokens. Source after lib.sh, with
# APPUI set and the working folder in $TMP.

# svc_start STORE [ARGS...]: starts the service on 127.0.0.1:0 over STORE
# (stderr to $TMP/serve.log); sets SVC_PID and URL once it listens.
svc_start() {
	store=$1
	shift
	: >"$TMP/serve.log"
	"$APPUI" "$@" serve --store "$store" --listen 127.0.0.1:0 \
		</dev/null >/dev/null 2>>"$TMP/serve.log" &
	SVC_PID=$!
	# Never left running: stopped when the test ends, however it ends.
	trap 'kill -9 $SVC_PID 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
	URL=
	i=0
	while [ $i -lt 200 ]; do
		URL=$(sed -n 's/^appui serve: listening on //p' "$TMP/serve.log" | head -n 1)
		[ -n "$URL" ] && return 0
		kill -0 "$SVC_PID" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	echo "the service did not start:" >&2
	cat "$TMP/serve.log" >&2
	return 1
}

# svc_stop: SIGTERM, then waits; its exit status in SVC_RC.
svc_stop() {
	kill -TERM "$SVC_PID" 2>/dev/null
	wait "$SVC_PID"
	SVC_RC=$?
}

# svc_account STORE NAME (--firm FIRM | --coordinator | --administrator):
# adds the account and writes a token for it to $TMP/token.NAME.
svc_account() {
	store=$1
	name=$2
	shift 2
	"$APPUI" account add "$@" "$name" --store "$store" >/dev/null &&
		"$APPUI" token new "$name" --store "$store" 2>/dev/null >"$TMP/token.$name"
}

# http NAME METHOD PATH [CURL ARGS...]: a request as account NAME ("-": no
# token); the status in $TMP/status, the body in $TMP/body, the headers in
# $TMP/headers.
http() {
	who=$1
	method=$2
	path=$3
	shift 3
	if [ "$who" = - ]; then
		set -- "$@"
	else
		set -- -H "Authorization: Bearer $(cat "$TMP/token.$who")" "$@"
	fi
	curl -sS -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' \
		-X "$method" "$@" "$URL$path" >"$TMP/status" 2>"$TMP/curl.err"
}

# expect_http NAME WANT: the last request's status was WANT.
expect_http() {
	got=$(cat "$TMP/status")
	if [ "$got" = "$2" ]; then
		pass
	else
		fail "$1: HTTP $got, expected $2"
		head -c 600 "$TMP/body" | sed 's/^/  | /'
		echo
	fi
}
