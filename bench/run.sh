#!/usr/bin/env bash
# The benchmark: builds the release CLI, starts the test rig's provider and a private keychain session,
# runs bench/bench.py (medians, ratios against curl / openssl + secret-tool) and writes BENCHMARKS.md.
# Not part of ./test. Needs what ./test installs (scripts/deps.sh) and openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cargo build --release --locked -p keyward-cli
rig_out=$(mktemp)
node tests/rig/provider.mjs --ignore-stdin >"$rig_out" 2>/dev/null &
rig=$!
trap 'kill $rig 2>/dev/null || true; rm -f "$rig_out"' EXIT
for _ in $(seq 50); do [ -s "$rig_out" ] && break; sleep 0.1; done
tests/keychain-session.sh python3 bench/bench.py "$(head -1 "$rig_out")"
