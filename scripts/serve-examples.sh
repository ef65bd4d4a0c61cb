#!/bin/sh
# The intake service on the shipped examples, in one command from a fresh
# clone: installs the dependencies, builds, makes a store in build/serve/
# holding the 39 example case files, a firm's account (FIRM-ARGOS) and a
# coordinator's, prints their tokens (shown once), and serves on
# http://127.0.0.1:8080 (or the ADDRESS:PORT given) until Ctrl-C.
# usage: scripts/serve-examples.sh [ADDRESS:PORT]
set -eu
cd "$(dirname "$0")/.."
listen=${1:-127.0.0.1:8080}
./scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
appui=./build/bin/appui
store=build/serve/appui.db
mkdir -p build/serve
if [ ! -f "$store" ]; then
	"$appui" store init --store "$store"
	"$appui" store add -q --store "$store" casefiles/examples
	"$appui" account add --firm FIRM-ARGOS argos --store "$store"
	"$appui" account add --coordinator coordination --store "$store"
fi
firm=$("$appui" token new argos --store "$store" 2>/dev/null)
coordinator=$("$appui" token new coordination --store "$store" 2>/dev/null)
cat <<TEXT

Store: $store (the 39 example case files)
Sign in at http://$listen/ with one of these tokens (shown once):
  firm FIRM-ARGOS (account argos):  $firm
  coordinator (account coordination): $coordinator
API: curl -H "Authorization: Bearer TOKEN" http://$listen/v1/casefiles
Ctrl-C stops the service.

TEXT
exec "$appui" serve --store "$store" --listen "$listen"
