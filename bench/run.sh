#!/usr/bin/env bash
# The benchmark (issue 11): every figure beside its counterpart, in one run, written to BENCHMARKS.md.
#   1. scripts/package.sh: the release app (UI embedded) and CLI, one cargo build, and the .deb;
#   2. bench/hello: a hello-world Tauri v2 app, same tauri version (the root Cargo.lock) and features,
#      built into the same target/ so that it reuses the compiled dependencies, and its .deb;
#   3. bench/ui: the window's UI over the fake platform with 1,000 profiles, built with ui/'s Vite;
#   4. bench/bench.py inside a private keychain session (tests/keychain-session.sh) under Xvfb: it starts
#      the test rig's provider, measures, prints the table and writes BENCHMARKS.md (+ bench/NOTES.md).
# Not part of ./test. Needs what ./test installs (scripts/deps.sh), openssl, jq, tauri-driver.
# The release builds are slow on a shared 2-core machine (15-20 min cold): they run under `nice -n 15`.
#   bench/run.sh [SECTION...]   sections: tokens pkjwt keys pkce scale ui window (default: all)
#   KEYWARD_BENCH_NO_BUILD=1 bench/run.sh   measure what is built already
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
TAURI=$ROOT/ui/node_modules/.bin/tauri

if [ "${KEYWARD_BENCH_NO_BUILD:-}" != 1 ]; then
  scripts/deps.sh
  nice -n 15 scripts/package.sh
  echo "bench: building the hello-world Tauri app (bench/hello)"
  cp Cargo.lock bench/hello/Cargo.lock
  nice -n 15 cargo build --release --manifest-path bench/hello/Cargo.toml --features custom-protocol
  # Stripped as scripts/package.sh strips Keyward's, so that sizes compare like for like.
  strip --strip-all "$CARGO_TARGET_DIR/release/keyward-bench-hello"
  # Its .deb, from the same bundler, into its own folder (so that it is never taken for Keyward's).
  (cd bench/hello && TAURI_APP_PATH=$ROOT/bench/hello TAURI_FRONTEND_PATH=$ROOT/bench/hello \
    "$TAURI" bundle --ci --bundles deb --config '{"bundle":{"active":true,"targets":["deb"]}}' >/dev/null) &&
    rm -rf "$CARGO_TARGET_DIR/release/bundle/deb-hello" &&
    mkdir -p "$CARGO_TARGET_DIR/release/bundle/deb-hello" &&
    mv "$CARGO_TARGET_DIR"/release/bundle/deb/KeywardBenchHello_*.deb "$CARGO_TARGET_DIR/release/bundle/deb-hello/" ||
    echo "bench: the hello app's .deb could not be built; the .deb size is given without a ratio" >&2
  echo "bench: building the UI page (bench/ui)"
  KW_BENCH_UI_OUT="$CARGO_TARGET_DIR/bench-ui" ui/node_modules/.bin/vite build --config bench/ui/vite.config.mjs
fi
export KW_BENCH_UI_OUT="$CARGO_TARGET_DIR/bench-ui"
exec tests/keychain-session.sh xvfb-run -a -s "-screen 0 1280x800x24" python3 bench/bench.py "$@"
