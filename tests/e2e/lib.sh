# Shared by the end-to-end tests: assertions that count, and a summary line
# in the form CTest logs show ("N passed, N failed").
passed=0
failed=0
TMP=$(mktemp -d)
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

pass() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}

# expect_status WANT NAME -- CMD...: runs CMD, stdout to $TMP/out, stderr to
# $TMP/err, and checks its exit status.
expect_status() {
	want=$1
	name=$2
	shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass
	else
		fail "$name: exit $got, expected $want"
		sed 's/^/  out: /' "$TMP/out" | head -20
		sed 's/^/  err: /' "$TMP/err" | head -20
	fi
}

# expect_grep NAME FILE PATTERN: FILE contains the fixed string PATTERN.
expect_grep() {
	if grep -qF -- "$3" "$2"; then
		pass
	else
		fail "$1: '$3' not found in $(basename "$2")"
		sed 's/^/  | /' "$2" | head -20
	fi
}

# expect_no_grep NAME FILE PATTERN
expect_no_grep() {
	if grep -qF -- "$3" "$2"; then
		fail "$1: '$3' unexpectedly found"
	else
		pass
	fi
}

# browser_tools: sets PY to a python3 that imports selenium, and fails the
# test (returning 1) when it, chromium or chromedriver is missing (CI
# installs them: scripts/deps.sh).
browser_tools() {
	PY=
	for p in python3 /usr/bin/python3; do
		if "$p" -c 'import selenium' 2>/dev/null; then
			PY=$p
			break
		fi
	done
	missing=
	command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
	command -v chromedriver >/dev/null 2>&1 || missing="$missing chromedriver"
	[ -n "$PY" ] || missing="$missing python3-selenium"
	[ -z "$missing" ] && return 0
	fail "not installed:$missing (scripts/deps.sh installs them)"
	return 1
}

summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
