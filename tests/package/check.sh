#!/bin/sh
# The Debian package: built from a clean copy of the tree
# (scripts/package.sh, with DEB_BUILD_OPTIONS=nocheck unless told otherwise,
# and the build then must not run the tests), lintian without error, then
# installed with apt in a fresh Debian 12 (debootstrap --variant=minbase
# bookworm, kept as a tarball under WORK so that the next run starts in
# seconds; apt's downloaded packages are kept there too), where the installed
# appui runs, finds /etc/appui/appui.cfg (a conffile), its plugins and
# examples, its man page when the package has one, its bash completion, its
# systemd unit (enabled, verified), and a plugin author builds the shipped
# example plugin with pkg-config and find_package(appui) and appui loads it.
# Needs root, debootstrap, lintian, dpkg-dev, debhelper and the network to a
# Debian mirror (APPUI_DEBIAN_MIRROR, default http://deb.debian.org/debian).
# usage: check.sh SOURCE WORK
set -u
SRC=$1
WORK=$2
. "$SRC/tests/e2e/lib.sh"
MIRROR=${APPUI_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=$WORK/cache
START=$(date +%s)
phase() { echo "[$(($(date +%s) - START)) s] $*"; }

[ "$(id -u)" -eq 0 ] || { fail "needs root (debootstrap, chroot)"; summary; exit 1; }
for tool in debootstrap lintian dpkg-buildpackage dh unshare; do
	command -v $tool >/dev/null && pass || fail "$tool not found (scripts/deps.sh installs it)"
done
[ "$failed" -eq 0 ] || { summary; exit 1; }
mkdir -p "$CACHE/archives/partial"
rm -rf "$WORK/deb" "$WORK/root"

# 1. The package, and lintian.
phase "building the package"
expect_status 0 "scripts/package.sh" -- env DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-nocheck}" \
	"$SRC/scripts/package.sh" "$WORK/deb"
DEB=$(ls "$WORK"/deb/appui_*.deb 2>/dev/null | head -n 1)
[ -n "$DEB" ] && pass || { fail "no appui_*.deb in $WORK/deb"; summary; exit 1; }
case " ${DEB_BUILD_OPTIONS:-nocheck} " in
*" nocheck "*) expect_no_grep "nocheck: no test run during the build" "$WORK/deb/build.log" "tests passed" ;;
*) expect_grep "the build's tests" "$WORK/deb/build.log" "100% tests passed" ;;
esac
[ -f "$WORK/deb/lintian.txt" ] && pass || fail "lintian did not run"
if grep '^E: ' "$WORK/deb/lintian.txt"; then fail "lintian errors"; else pass; fi
grep '^W: ' "$WORK/deb/lintian.txt" | sed 's/^/lintian: /'

# 2. A fresh Debian 12.
if [ ! -f "$CACHE/bookworm-minbase.tar" ]; then
	phase "debootstrap --variant=minbase bookworm"
	rm -rf "$CACHE/bootstrap"
	if debootstrap --variant=minbase bookworm "$CACHE/bootstrap" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1; then
		tar -C "$CACHE/bootstrap" -cf "$CACHE/bookworm-minbase.tar.tmp" . &&
			mv "$CACHE/bookworm-minbase.tar.tmp" "$CACHE/bookworm-minbase.tar"
		rm -rf "$CACHE/bootstrap"
	else
		tail -n 20 "$CACHE/debootstrap.log"
		fail "debootstrap"
		summary
		exit 1
	fi
fi
phase "unpacking the cached chroot"
R=$WORK/root
mkdir -p "$R"
tar -C "$R" -xf "$CACHE/bookworm-minbase.tar" && pass || fail "unpacking the chroot"
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null
cat >"$R/etc/apt/sources.list" <<EOS
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${APPUI_DEBIAN_SECURITY:-http://deb.debian.org/debian-security} bookworm-security main
EOS
cp "$DEB" "$R/tmp/"

# Everything in the chroot runs in a mount namespace of its own: /proc and
# apt's cache are mounted there and vanish with it.
in_root() {
	unshare -m --propagation private sh -c '
		R=$1; C=$2; shift 2
		mount -t proc proc "$R/proc" &&
		mount --bind /dev "$R/dev" &&
		mount --bind "$C/archives" "$R/var/cache/apt/archives" &&
		exec chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive "$@"' sh "$R" "$CACHE" "$@"
}

phase "apt install ./$(basename "$DEB")"
expect_status 0 "apt-get update" -- in_root apt-get update
expect_status 0 "apt install ./appui_*.deb" -- in_root sh -c 'cd /tmp && apt-get install -y --no-install-recommends ./appui_*.deb'
phase "checks in the chroot"

# 3. The command, as an administrator finds it.
expect_status 0 "appui --version" -- in_root appui --version
expect_grep "appui --version" "$TMP/out" "appui"
expect_status 0 "appui validate the shipped examples" -- in_root appui validate /usr/share/appui/examples
expect_grep "appui validate" "$TMP/out" "39 files: 39 valid"
expect_status 0 "appui plugins" -- in_root sh -c 'cd / && appui plugins'
expect_grep "the configuration in /etc" "$TMP/out" "configuration: /etc/appui/appui.cfg"
expect_grep "the plugins" "$TMP/out" "loaded    quality"
expect_status 0 "appui config check" -- in_root appui config check /etc/appui/appui.cfg
expect_status 0 "appui plan with the installed campaign" -- in_root appui plan /usr/share/appui/examples
expect_status 0 "conffiles" -- in_root dpkg-query -W -f='${Conffiles}\n' appui
expect_grep "appui.cfg is a conffile" "$TMP/out" "/etc/appui/appui.cfg"
expect_grep "campaign.cfg is a conffile" "$TMP/out" "/etc/appui/campaign.cfg"
[ -f "$R/etc/appui/appui.cfg" ] && pass || fail "no /etc/appui/appui.cfg"
[ ! -e "$R/usr/etc" ] && pass || fail "/usr/etc exists"

# The man pages: checked once the package ships one (docs/ installs them
# with cmake --install; nothing to do here but this check).
if dpkg-deb -c "$DEB" | grep -q '/usr/share/man/man1/appui\.1'; then
	expect_status 0 "man-db" -- in_root apt-get install -y --no-install-recommends man-db
	expect_status 0 "man -w appui" -- in_root man -w appui
	expect_grep "man -w appui" "$TMP/out" "/usr/share/man/man1/appui.1"
else
	echo "note: the package has no man page yet (usr/share/man/man1/appui.1): man -w appui not checked"
fi

# The bash completion, from where bash-completion loads it.
[ -f "$R/usr/share/bash-completion/completions/appui" ] && pass || fail "no /usr/share/bash-completion/completions/appui"
expect_status 0 "completion in the chroot" -- in_root bash -c '
	. /usr/share/bash-completion/completions/appui
	COMP_WORDS=(appui va); COMP_CWORD=1; _appui; echo "${COMPREPLY[*]}"
	COMP_WORDS=(appui validate --str); COMP_CWORD=2; _appui; echo "${COMPREPLY[*]}"'
expect_grep "completion: a command" "$TMP/out" "validate"
expect_grep "completion: an option" "$TMP/out" "--strict"

# The systemd unit: installed, enabled as dh_installsystemd does, and valid.
UNIT=/lib/systemd/system/appui.service
[ -f "$R$UNIT" ] && pass || fail "no $UNIT"
[ -L "$R/etc/systemd/system/multi-user.target.wants/appui.service" ] && pass ||
	fail "appui.service not enabled (multi-user.target.wants)"
expect_grep "unit: ExecStart" "$R$UNIT" "ExecStart=/usr/bin/appui serve --store /var/lib/appui/appui.db"
expect_status 0 "systemd" -- in_root apt-get install -y --no-install-recommends systemd
expect_status 0 "systemd-analyze verify" -- in_root systemd-analyze verify $UNIT
[ -s "$TMP/err" ] && sed 's/^/  systemd-analyze: /' "$TMP/err"

# 4. A plugin author: pkg-config, then find_package(appui), on the example
# plugin shipped in the package.
expect_status 0 "build tools" -- in_root apt-get install -y --no-install-recommends gcc libc6-dev make cmake pkg-config
expect_status 0 "pkg-config --cflags appui" -- in_root pkg-config --cflags appui
expect_grep "pkg-config --cflags" "$TMP/out" "-I"
expect_status 0 "pkg-config: the plugin folder" -- in_root pkg-config --variable=plugindir appui
plugindir=$(cat "$TMP/out")
[ -d "$R$plugindir" ] && pass || fail "pkg-config's plugindir $plugindir is not a folder"
expect_status 0 "make (pkg-config)" -- in_root sh -c 'rm -rf /tmp/energy-mk && cp -r /usr/share/doc/appui/example-plugin /tmp/energy-mk && make -C /tmp/energy-mk'
expect_status 0 "find_package(appui) build" -- in_root sh -c '
	rm -rf /tmp/energy && cp -r /usr/share/doc/appui/example-plugin /tmp/energy &&
	cmake -S /tmp/energy -B /tmp/energy/build && cmake --build /tmp/energy/build'
expect_status 0 "the plugin loaded" -- in_root sh -c '
	sed "s/^plugins = .*/plugins = [ \"quality\", \"urban\", \"security\", \"energy\" ];/" /etc/appui/appui.cfg >/tmp/energy.cfg &&
	appui --config /tmp/energy.cfg --plugin-dir /tmp/energy/build plugins &&
	appui --config /tmp/energy.cfg --plugin-dir /tmp/energy/build score --format json /tmp/energy/energy-example.xml'
expect_grep "the cmake-built plugin loaded" "$TMP/out" "loaded    energy"
grep -q '"theme": *"energy"' "$TMP/out" && pass || fail "the energy theme was not scored"

# 5. Removed, then purged: the configuration goes with the purge.
expect_status 0 "apt purge appui" -- in_root apt-get purge -y appui
[ ! -e "$R/etc/appui/appui.cfg" ] && pass || fail "/etc/appui/appui.cfg left after purge"

phase "done"
echo "package.deb: $(($(date +%s) - START)) s"
summary
