#!/bin/sh
# Hostile input is harmless: no file outside the inputs is read, no
# connection is attempted, nothing hangs, everything is reported.
# usage: hostile.sh APPUI SOURCE_DIR BUILD_DIR
set -u
APPUI=$1
SRC=$2
. "$SRC/tests/e2e/lib.sh"
cd "$TMP" || exit 1
INV=$SRC/tests/casefiles/invalid

# An XXE aimed at a secret file of our own, and at the network.
echo "TOP-SECRET-4b1d" >secret.txt
cat >xxe.xml <<XML
<?xml version="1.0"?>
<!DOCTYPE casefile [ <!ENTITY s SYSTEM "file://$TMP/secret.txt"> <!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p; ]>
<casefile xmlns="urn:appui:casefile:1" id="X">&s;</casefile>
XML
cat >xinclude.xml <<XML
<?xml version="1.0"?>
<casefile xmlns="urn:appui:casefile:1" xmlns:xi="http://www.w3.org/2001/XInclude" id="X"><xi:include href="file://$TMP/secret.txt" parse="text"/></casefile>
XML

if command -v strace >/dev/null 2>&1; then
	# LeakSanitizer cannot run under ptrace: off for this run only.
	ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=open,openat,connect,socket -o trace \
		"$APPUI" validate xxe.xml xinclude.xml "$INV/xxe-local-file.xml" \
		"$INV/xxe-network-dtd.xml" "$INV/entity-bomb.xml" >out 2>err
	rc=$?
	[ $rc -eq 1 ] && pass || fail "hostile batch exit $rc, expected 1"
	expect_no_grep "secret file never opened" trace "secret.txt"
	expect_no_grep "/etc/passwd never opened" trace "/etc/passwd"
	expect_no_grep "no connection attempted" trace "connect("
	expect_no_grep "no socket created" trace "socket("
	expect_grep "the XXE files were opened (so the trace works)" trace "xxe.xml"
	expect_no_grep "secret not echoed" out "TOP-SECRET"
	expect_grep "DOCTYPE refused" out "xxe.xml:2: DOCTYPE: document type declarations are not allowed"
	expect_grep "batch summary" out "5 files: 0 valid, 5 invalid"
else
	fail "strace is not installed: cannot prove that no file is read"
fi

# The XInclude file is valid XML with a foreign element: the schema refuses
# it, and the include is not processed.
expect_status 1 "xinclude refused" -- "$APPUI" validate xinclude.xml
expect_grep "xinclude refused" "$TMP/out" "xinclude.xml:2:"

# A file over the size limit is refused before parsing (a sparse 17 MiB
# file: reading it would take time and memory).
truncate -s 17M huge.xml
expect_status 1 "huge file" -- timeout 10 "$APPUI" validate huge.xml
expect_grep "huge file" "$TMP/out" "huge.xml:0: file is 17825792 bytes, over the limit of 10000000 bytes"

# Not regular files: a FIFO (would block a naive reader) and a device.
mkfifo fifo.xml
expect_status 1 "fifo" -- timeout 10 "$APPUI" validate fifo.xml
expect_grep "fifo" "$TMP/out" "fifo.xml:0: not a regular file"
expect_status 1 "device" -- timeout 10 "$APPUI" validate /dev/zero
expect_grep "device" "$TMP/out" "/dev/zero:0: not a regular file"

# Every hostile file of the corpus in one batch, with good files between:
# each is reported and the good ones are scored.
mkdir mixed
cp "$INV"/*.xml mixed/
cp "$SRC"/casefiles/examples/cf-2016-001*.xml mixed/zz-good-1.xml
cp "$SRC"/casefiles/examples/cf-2019-002*.xml mixed/aa-good-2.xml
expect_status 1 "mixed batch" -- timeout 60 "$APPUI" score --format json mixed
if python3 -c "
import json
d = json.load(open('$TMP/out'))
assert len(d['cases']) == 2, len(d['cases'])
files = {e['file'] for e in d['errors']}
assert len(files) == $(ls "$INV"/*.xml | wc -l), len(files)
"; then pass; else fail "mixed batch: not every file reported"; fi


# Names are inert where they are shown: a file name with ESC, a newline and
# a bidi override gives one diagnostic line with them escaped, and no raw
# control byte (C0 but newline and tab, C1, bidi, line separators) in any
# human-readable output of validate and score (JSON escapes C0 itself).
mkdir inert
name=$(printf 'evil\033[31mred\nx.xml:9: forged: line\342\200\256\302\233.xml')
echo "<bad" >"inert/$name"
cp "$SRC/casefiles/examples/cf-2016-003-vlh-mail.xml" inert/
expect_status 1 "hostile name" -- "$APPUI" validate inert
expect_grep "hostile name escaped" "$TMP/out" 'inert/evil\x1b[31mred\nx.xml:9: forged: line\u202e\u009b.xml:2: '
for cmd in "validate inert" "score inert" "score --explain inert"; do
	"$APPUI" $cmd >inert.out 2>inert.err
	if python3 - inert.out inert.err <<'PY'
import re, sys
bad = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c|\xe2\x80[\x8e\x8f]")
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    m = bad.search(data)
    assert not m, (path, data[max(0, m.start() - 20):m.end() + 20])
# The forged line does not start a line of its own.
err = open(sys.argv[2], "rb").read() + open(sys.argv[1], "rb").read()
assert not re.search(rb"^x\.xml:9: forged", err, re.M), "a forged line"
PY
	then pass; else fail "raw control bytes in the output of appui $cmd"; fi
done

# The property, over every command: hostile text where each command takes
# it (file names with ESC, newline and a bidi override; names in a case file
# and in a campaign with C1 controls, bidi overrides and line separators; a
# bag whose bag-info.txt and member names hold them) gives no raw control
# byte in any output but newline and tab (CR only before LF, in CSV and
# iCalendar), and no forged line.
cat >rawscan.py <<'PY'
import re, sys
bad = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c|\xe2\x80[\x8e\x8f]")
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    if path.rsplit(".", 1)[-1] not in ("csv", "ics") and b"\r" in data:
        sys.exit("%s: a raw CR" % path)
    m = bad.search(data)
    if m:
        sys.exit("%s: %r" % (path, data[max(0, m.start() - 20):m.end() + 20]))
    if re.search(rb"^x\.xml:9: forged", data, re.M):
        sys.exit("%s: a forged line" % path)
PY
expect_inert() { # NAME COMMAND...: what the command prints is inert
	what=$1
	shift
	"$@" >"inert-$what.out" 2>"inert-$what.err"
	if python3 rawscan.py "inert-$what.out" "inert-$what.err"; then
		pass
	else
		fail "appui $what: raw control bytes"
	fi
}
mkdir -p prop/cases prop/ics
hname=$(printf 'evil\033[31mred\nx.xml:9: forged: line\342\200\256\302\233.xml')
evil=$(printf 'E\302\233[31m\342\200\256EVIL\342\200\250X\302\205')
sed -e "s/Résidence du Mail/R$evil/" -e "s/Val de Loire Habitat/V$evil/" \
	-e "s/N\. Haddad/N$evil/" -e "s/Blois/B$evil/" \
	"$SRC/casefiles/examples/cf-2016-003-vlh-mail.xml" >"prop/cases/$hname"
camp="prop/camp$hname.cfg"
sed -e "s/^\( *name *= *\"\)/\1$evil/" "$SRC/configs/campaign.cfg" >"$camp"
if grep -q "EVIL" "prop/cases/$hname" && grep -q "EVIL" "$camp"; then pass; else fail "the hostile inputs were not made"; fi
expect_inert validate "$APPUI" validate prop/cases
expect_inert score "$APPUI" score prop/cases
expect_inert explain "$APPUI" score --explain prop/cases
expect_inert json "$APPUI" score --format json prop/cases
expect_inert plan "$APPUI" plan --campaign "$camp" prop/cases
expect_inert plan-json "$APPUI" plan --campaign "$camp" --format json prop/cases
expect_inert plan-csv "$APPUI" plan --campaign "$camp" --format csv \
	-o prop/plan.csv --ics prop/ics prop/cases
if python3 rawscan.py prop/plan.csv prop/ics/*.ics; then pass; else fail "plan CSV or iCalendar: raw control bytes"; fi
expect_inert config "$APPUI" config check "$camp"
expect_inert plugins "$APPUI" -P "prop/$hname" plugins
expect_inert bundle-name "$APPUI" bundle -o "prop/b$hname.tar.gz" "prop/cases/$hname"
cp "prop/cases/$hname" prop/site.xml
expect_inert bundle "$APPUI" bundle -o prop/b.tar.gz prop/site.xml
expect_inert show "$APPUI" show prop/b.tar.gz
expect_inert verify "$APPUI" verify prop/b.tar.gz
expect_inert extract "$APPUI" extract prop/b.tar.gz -C prop/x
expect_inert unknown "$APPUI" "$hname"
expect_inert format "$APPUI" score --format "$hname" prop/cases
expect_inert missing "$APPUI" validate "prop/no$hname"
expect_inert same "$APPUI" score -o "prop/cases/$hname" "prop/cases/$hname"
# The store: hostile names stored, refused, listed, audited, exported, and
# its own name hostile too.
sdb="prop/s$hname.db"
echo "<bad" >"prop/bad$hname"
expect_inert store-init "$APPUI" store init --store "$sdb"
expect_inert store-add "$APPUI" store add --store "$sdb" prop/cases "prop/bad$hname" "prop/no$hname"
expect_inert store-list "$APPUI" store list --all --store "$sdb"
expect_inert store-show "$APPUI" store show "$hname" --store "$sdb"
expect_inert store-rejected "$APPUI" store rejected --store "$sdb"
expect_inert store-audit "$APPUI" store audit --store "$sdb"
expect_inert store-export "$APPUI" store export "prop/e$hname" --store "$sdb"
expect_inert store-backup "$APPUI" store backup "prop/b$hname.db" --store "$sdb"
expect_inert store-check "$APPUI" store check --store "prop/b$hname.db"
expect_inert store-missing "$APPUI" store list --store "prop/no$hname.db"
expect_inert account "$APPUI" account add --coordinator "$hname" --store "$sdb"
expect_inert validate-store "$APPUI" validate --store "$sdb"
expect_inert explain-store "$APPUI" score --explain --store "$sdb"
if grep -q 'stored as CF-2016-003' "inert-store-add.out"; then pass; else fail "store add of hostile names: nothing stored"; fi
# A bag written by someone else: bag-info.txt with ESC, BEL, C1 and bidi,
# and a payload member whose name holds them.
mkdir -p prop/bag && tar -xzf prop/b.tar.gz -C prop/bag
bag=$(ls prop/bag)
sed -i "s/^Source-Organization: .*/Source-Organization: $(printf "\033]0;pwned\007\302\233[2J\342\200\256")/" "prop/bag/$bag/bag-info.txt"
printf 'x' >"prop/bag/$bag/data/$hname"
tar -czf prop/hostile.tar.gz -C prop/bag "$bag"
expect_inert show-hostile "$APPUI" show prop/hostile.tar.gz
expect_inert verify-hostile "$APPUI" verify prop/hostile.tar.gz
expect_inert extract-hostile "$APPUI" extract prop/hostile.tar.gz -C prop/y
expect_grep "a hostile bag is shown escaped" inert-show-hostile.out 'organisation: \x1b]0;pwned\x07\u009b[2J\u202e (ORG-VLH)'

summary
