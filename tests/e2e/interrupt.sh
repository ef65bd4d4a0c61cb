#!/bin/sh
# A signal during `appui bundle` leaves nothing behind: no bundle, no
# temporary; the command says so and exits 130. (An extraction cancelled
# the same way is tested in check_bundle: here it ends too fast to catch.)
# usage: interrupt.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
cd "$TMP" || exit 1
mkdir in
cp "$SRC/casefiles/examples/cf-2016-003-vlh-mail.xml" in/
# 200 MB that do not compress: several seconds of gzip.
head -c 200000000 /dev/urandom >in/big.bin
for sig in INT TERM HUP; do
	mkdir "out-$sig"
	# A shell starts background jobs with SIGINT ignored: not this one.
	env --default-signal=INT "$APPUI" bundle -o "out-$sig/b.tar.gz" --attach in/big.bin \
		in/cf-2016-003-vlh-mail.xml >"$sig.out" 2>"$sig.err" &
	pid=$!
	# Once the temporary is there, the bundle is being written.
	for i in $(seq 1 200); do
		[ -n "$(ls -A "out-$sig")" ] && break
		sleep 0.05
	done
	sleep 0.3
	kill -"$sig" $pid
	wait $pid
	rc=$?
	[ $rc -eq 130 ] && pass || fail "SIG$sig during bundle: exit $rc, expected 130"
	expect_grep "SIG$sig said" "$sig.err" "interrupted: nothing written"
	expect_grep "SIG$sig not written" "$sig.err" "appui bundle: out-$sig/b.tar.gz not written"
	left=$(ls -A "out-$sig")
	[ -z "$left" ] && pass || fail "SIG$sig left behind: $left"
done
summary
