#!/bin/sh
# Installs the Debian packages appui needs to build, test and run.
# Run as root (or through sudo) on Debian 12 or later.
set -eu
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# libmicrohttpd-dev, libgnutls28-dev: the service (HTTPS through GnuTLS).
# libxlsxwriter-dev: the workbook; python3-openpyxl: its test reads it back.
# libical-dev: the calendars' tests read them back (tests/calendar/ics_apply.c).
# curl, jq, openssl, wrk, systemd (systemd-analyze), chromium,
# chromium-driver, python3-selenium: the
# service's tests (a client, a test certificate, a load, a real browser).
# pandoc: renders the man pages from the docs (docs/man/).
# clang + libclang-rt-dev: the libFuzzer targets (tests/fuzz); clang only
# recommends the runtime that -fsanitize=fuzzer links.
$SUDO apt-get install -y -qq --no-install-recommends \
	build-essential cmake pkg-config clang libclang-rt-dev \
	libxml2-dev libconfig-dev libarchive-dev libunistring-dev libssl-dev libjansson-dev coinor-libcbc-dev libical-dev libsqlite3-dev check \
	libmicrohttpd-dev libgnutls28-dev libxlsxwriter-dev \
	libxml2-utils python3 strace valgrind make time \
	zstd libarchive-tools unzip hyperfine \
	curl jq openssl wrk systemd chromium chromium-driver python3-selenium python3-openpyxl \
	pandoc >/dev/null
# gettext: the message catalogues (po/: msgfmt, xgettext, msgmerge); locales:
# the French locale the tests of the translation run in.
$SUDO apt-get install -y -qq --no-install-recommends gettext locales >/dev/null
if ! locale -a 2>/dev/null | grep -qi '^fr_FR\.utf-\?8$'; then
	$SUDO sed -i 's/^# *\(fr_FR.UTF-8 UTF-8\)/\1/' /etc/locale.gen
	grep -q '^fr_FR.UTF-8 UTF-8' /etc/locale.gen || echo 'fr_FR.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
	$SUDO locale-gen >/dev/null
fi
# debhelper, fakeroot, lintian: the Debian package (scripts/package.sh);
# debootstrap: its test in a fresh Debian 12 (tests/package/check.sh).
$SUDO apt-get install -y -qq --no-install-recommends \
	debhelper fakeroot lintian debootstrap >/dev/null
