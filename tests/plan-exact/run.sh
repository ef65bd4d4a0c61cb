#!/bin/sh
# The planner against an exact checker: the checker's own tests
# (selftest.py), the fixed instances of fixed/, then N random instances
# (seeds 1..N of gen.py), each checked by check.py against the optimum of
# an exhaustive search. A failing seed is replayed with
#   python3 tests/plan-exact/check.py --appui APPUI --seed S --keep DIR -v
# usage: run.sh APPUI SOURCE_DIR BUILD_DIR N
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

python3 "$HERE/selftest.py" placement optimum rules >"$TMP/self" 2>&1
tally <"$TMP/self"
grep -q '^ok selftest rules' "$TMP/self" || fail "selftest.py did not finish"

set --
for d in "$HERE"/fixed/*/; do
	set -- "$@" --dir "$d"
done
python3 "$HERE/check.py" --appui "$APPUI" --time-limit 5 --ties --work "$TMP" \
	--seeds "1-$N" "$@" >"$TMP/results" 2>"$TMP/err"
tally <"$TMP/results"
count=$(grep -c '^ok \|^FAIL ' "$TMP/results")
want=$((N + $(ls -d "$HERE"/fixed/*/ | wc -l)))
if [ "$count" -ne "$want" ]; then
	fail "check.py reported $count instances of $want"
	sed 's/^/  err: /' "$TMP/err" | head -20
fi
if [ "$failed" -gt 0 ]; then
	echo "replay a seed: python3 $HERE/check.py --appui $APPUI --seed SEED --keep DIR -v"
fi
summary
