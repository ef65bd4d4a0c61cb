#!/bin/sh
# Re-plans against an exact checker: the checker's own tests of them, then for
# the fixed instances of fixed/ and
# random instances (seeds 1..N of gen.py), a store, a first plan saved as
# P1, about half its missions confirmed (some held, some on other days),
# one of the others cancelled, maybe one more case file, then
# `plan --replan P1 --save`, checked by `check.py --replan`: the confirmed
# and held missions kept as they were, every rule, the optimum around them,
# the missions' ids. The seeds run in two halves, side by side. A failing
# seed is replayed with
#   python3 tests/plan-exact/check.py --appui APPUI --replan --seed S --keep DIR -v
# usage: run_replan.sh APPUI SOURCE_DIR BUILD_DIR N
set -u
APPUI=$1
SRC=$2
N=$4
HERE=$SRC/tests/plan-exact
# No __pycache__ in the source tree.
export PYTHONDONTWRITEBYTECODE=1
. "$SRC/tests/e2e/lib.sh"

# One line per instance: "ok NAME" or "FAIL NAME: CLASS: detail".
tally() {
	while IFS= read -r line; do
		case $line in
		ok\ *) pass ;;
		FAIL\ *) fail "${line#FAIL }" ;;
		*) echo "$line" ;;
		esac
	done
}

# The checker's own tests of what the re-plan mode adds: the optimum that
# keeps fixed missions against a brute force, the re-plan checks against
# stories broken on purpose.
python3 "$HERE/selftest.py" optimum-fixed replan >"$TMP/self" 2>&1
tally <"$TMP/self"
grep -q '^ok selftest replan' "$TMP/self" || fail "selftest.py did not finish"

set --
for d in "$HERE"/fixed/*/; do
	set -- "$@" --dir "$d"
done
half=$((N / 2))
mkdir -p "$TMP/a" "$TMP/b"
python3 "$HERE/check.py" --appui "$APPUI" --replan --time-limit 5 \
	--work "$TMP/a" --seeds "1-$half" "$@" >"$TMP/results.a" 2>"$TMP/err.a" &
first=$!
python3 "$HERE/check.py" --appui "$APPUI" --replan --time-limit 5 \
	--work "$TMP/b" --seeds "$((half + 1))-$N" >"$TMP/results.b" 2>"$TMP/err.b"
wait "$first"
cat "$TMP/results.a" "$TMP/results.b" >"$TMP/results"
tally <"$TMP/results"
count=$(grep -c '^ok \|^FAIL ' "$TMP/results")
want=$((N + $(ls -d "$HERE"/fixed/*/ | wc -l)))
if [ "$count" -ne "$want" ]; then
	fail "check.py reported $count instances of $want"
	cat "$TMP/err.a" "$TMP/err.b" | sed 's/^/  err: /' | head -20
fi
if [ "$failed" -gt 0 ]; then
	echo "replay a seed: python3 $HERE/check.py --appui $APPUI --replan --seed SEED --keep DIR -v"
fi
summary
