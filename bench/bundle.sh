#!/bin/sh
# Bundle benchmark: `appui bundle` of one case file with MEGABYTES of
# attachments (half incompressible "PDF", half text), against bsdtar on the
# same files in the same run. Prints the median wall time of each and the
# ratio appui/bsdtar (the goal: within 1.2x), for tar.gz and tar.zst.
#
# appui reads, hashes (SHA-256), compresses and fsyncs the bundle before
# renaming it; bsdtar only compresses. So bsdtar is timed twice: alone, and
# followed by `sync FILE` (the same durability as appui).
#
# usage: bench/bundle.sh [BUILD_DIR] [MEGABYTES] [RUNS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
mb=${2:-200}
runs=${3:-5}
appui=$build/bin/appui
case_file=$here/../casefiles/examples/cf-2016-003-vlh-mail.xml
data=$build/bench-data/bundle-$mb
out=$build/bench-data/bundle-out
APPUI_CONFIG=''
APPUI_PLUGIN_PATH=''
export APPUI_CONFIG APPUI_PLUGIN_PATH

for tool in bsdtar python3; do
	command -v "$tool" >/dev/null || {
		echo "bench/bundle.sh: $tool is needed (scripts/deps.sh)" >&2
		exit 3
	}
done

# The attachments: 8 files, seeded, generated once and reused.
if [ ! -d "$data" ]; then
	echo "generating $mb MB of attachments in $data"
	mkdir -p "$data.tmp"
	python3 - "$data.tmp" "$mb" <<'PY'
import random, sys
folder, mb = sys.argv[1], int(sys.argv[2])
rng = random.Random(2019)
part = mb * 1000 * 1000 // 8
# Incompressible: what a scanned PDF report is to gzip.
for i in range(4):
    with open("%s/rapport-%d.pdf" % (folder, i), "wb") as f:
        f.write(rng.randbytes(part))
# Text: meeting notes and logs, compressible about 3:1.
words = ("le la les de du des un une et à au aux pour sur dans par avec "
         "résidence bâtiment logement locataire gardien ascenseur panne "
         "propreté réclamation intervention bailleur quartier réunion "
         "diagnostic mission sécurité éclairage déchets encombrants délai "
         "satisfaction enquête signalement convention gestion urbaine").split()
for i in range(4):
    with open("%s/journal-%d.txt" % (folder, i), "w", encoding="utf-8") as f:
        n = 0
        while n < part:
            line = "%04d-%02d-%02d %s\n" % (
                rng.randint(2015, 2019), rng.randint(1, 12), rng.randint(1, 28),
                " ".join(rng.choice(words) for _ in range(rng.randint(6, 18))))
            b = line.encode("utf-8")
            if n + len(b) > part:
                b = b[:part - n]
            f.write(b.decode("utf-8", "ignore"))
            n += len(b)
PY
	mv "$data.tmp" "$data"
fi
mkdir -p "$out"
cp "$case_file" "$data/"
case_name=$(basename "$case_file")
attach=
files=$case_name
for f in "$data"/rapport-*.pdf "$data"/journal-*.txt; do
	attach="$attach --attach $f"
	files="$files $(basename "$f")"
done
echo "inputs: $(du -sh "$data" | cut -f1) in $(echo "$files" | wc -w) files; $runs runs each"

# median NAME CMD: the median wall time of RUNS runs (after one warm-up).
median() {
	if command -v hyperfine >/dev/null; then
		hyperfine -N --style none --warmup 1 --runs "$runs" \
			--export-json "$out/$1.json" "$2" >/dev/null 2>&1 ||
			hyperfine --style none --warmup 1 --runs "$runs" \
				--export-json "$out/$1.json" "$2" >/dev/null
		python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' \
			"$out/$1.json"
	else
		sh -c "$2" >/dev/null 2>&1
		i=0
		: >"$out/$1.times"
		while [ $i -lt "$runs" ]; do
			t0=$(date +%s.%N)
			sh -c "$2" >/dev/null 2>&1
			t1=$(date +%s.%N)
			echo "$t0 $t1" >>"$out/$1.times"
			i=$((i + 1))
		done
		python3 -c 'import sys,statistics; print("%.3f" % statistics.median(float(b)-float(a) for a,b in (l.split() for l in open(sys.argv[1]))))' \
			"$out/$1.times"
	fi
}

# hyperfine -N runs without a shell: so the commands are scripts.
cat >"$out/appui-gz.sh" <<EOF
#!/bin/sh
exec "$appui" bundle -o "$out/appui.tar.gz" $attach "$data/$case_name" >/dev/null
EOF
cat >"$out/bsdtar-gz.sh" <<EOF
#!/bin/sh
cd "$data" && exec bsdtar -czf "$out/bsdtar.tar.gz" $files
EOF
cat >"$out/bsdtar-gz-sync.sh" <<EOF
#!/bin/sh
cd "$data" && bsdtar -czf "$out/bsdtar-sync.tar.gz" $files && sync "$out/bsdtar-sync.tar.gz"
EOF
cat >"$out/appui-zst.sh" <<EOF
#!/bin/sh
exec "$appui" bundle -o "$out/appui.tar.zst" $attach "$data/$case_name" >/dev/null
EOF
cat >"$out/bsdtar-zst.sh" <<EOF
#!/bin/sh
cd "$data" && exec bsdtar --zstd -cf "$out/bsdtar.tar.zst" $files
EOF
cat >"$out/bsdtar-zst-sync.sh" <<EOF
#!/bin/sh
cd "$data" && bsdtar --zstd -cf "$out/bsdtar-sync.tar.zst" $files && sync "$out/bsdtar-sync.tar.zst"
EOF
chmod +x "$out"/*.sh

for fmt in gz zst; do
	a=$(median "appui-$fmt" "$out/appui-$fmt.sh")
	b=$(median "bsdtar-$fmt" "$out/bsdtar-$fmt.sh")
	s=$(median "bsdtar-$fmt-sync" "$out/bsdtar-$fmt-sync.sh")
	python3 - "$fmt" "$a" "$b" "$s" "$out" <<'PY'
import os, sys
fmt, a, b, s, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
ext = "tar.gz" if fmt == "gz" else "tar.zst"
size = lambda p: os.path.getsize(os.path.join(out, p)) / 1e6
print("tar.%s: appui %.3f s (%.1f MB), bsdtar %.3f s (%.1f MB): appui/bsdtar = %.2fx"
      % (fmt, a, size("appui." + ext), b, size("bsdtar." + ext), a / b))
print("tar.%s: bsdtar + sync %.3f s: appui/(bsdtar + sync) = %.2fx" % (fmt, float(s), a / float(s)))
PY
done
"$appui" verify "$out/appui.tar.gz" | tail -1
