#!/bin/sh
# The full test suite: install the dependencies, build with warnings as
# errors, run every test (Check unit suites, corpus, end-to-end) and the
# Debian package's; then the
# same suite under AddressSanitizer + UndefinedBehaviorSanitizer, the
# libFuzzer targets for a bounded time, and the end-to-end tests of the
# command under valgrind memcheck.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
jobs=$(nproc)

cmake -S . -B build -DAPPUI_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

# The Debian package: built from a clean copy of the tree, lintian without
# error, installed with apt in a fresh Debian 12 (debootstrap) and used there
# (tests/package/check.sh; as root, with a Debian mirror reachable).
cmake -S . -B build -DAPPUI_PACKAGE_TEST=ON >/dev/null
(cd build && ctest -L package --output-on-failure)

cmake -S . -B build-asan -DAPPUI_WERROR=ON -DAPPUI_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"
# Plugins stay loaded until exit on purpose: their memory is not a leak.
# CBC's own leaks are suppressed (tests/lsan.supp says which and why).
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	LSAN_OPTIONS=suppressions="$PWD/../tests/lsan.supp" \
	ctest --output-on-failure -j"$jobs")

# libFuzzer targets (clang, ASan + UBSan): each runs for a bounded time on its
# seed corpus, then on the saved regression inputs (tests/fuzz/).
CC=clang cmake -S . -B build-fuzz -DAPPUI_FUZZ=ON -DAPPUI_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-fuzz -j"$jobs"
(cd build-fuzz && ctest -L fuzz --output-on-failure -j"$jobs")

./tests/valgrind.sh build
