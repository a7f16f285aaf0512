#!/usr/bin/env bash
# Builds Keyward's Debian package, as users install it:
#   1. the UI (ui/ into ui/dist, by `./run --build-ui`),
#   2. one release build of the app (the UI embedded: custom-protocol) and the `keyward` CLI (one cargo
#      run for both, so their shared crates are compiled once),
#   3. `tauri bundle --bundles deb` (the Tauri CLI from ui/node_modules, pinned in ui/package.json): the
#      .deb with /usr/bin/keyward-app, /usr/bin/keyward (bundle.linux.deb.files in tauri.conf.json), a
#      desktop entry, icons, and the control file's Depends/Recommends (bundle.linux.deb).
# It reuses target/: a second run rebuilds only what changed. Prints the .deb's path and size.
#   scripts/package.sh           the release .deb, in target/release/bundle/deb/
#   scripts/package.sh --debug   the same .deb from the debug build that ./run and the e2e tests make
#                                (seconds when that build exists; for checking the packaging, not to ship)
# Only the .deb: AppImage and the other bundles download their tools at build time (see the README).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
TAURI=ui/node_modules/.bin/tauri
[ -x "$TAURI" ] || { echo "package: the Tauri CLI is missing: scripts/deps.sh (npm ci in ui/) installs it" >&2; exit 1; }
profile=release cargo_profile=(--release) tauri_profile=()
if [ "${1:-}" = --debug ]; then profile=debug cargo_profile=() tauri_profile=(--debug); fi
START=$(date +%s)

# The UI the way ./run builds it: only when what goes into ui/dist changed, and files whose content is the
# same keep their time (the app embeds ui/dist: a rewritten file makes cargo compile the app crate again,
# minutes in release).
./run --build-ui
echo "package: cargo build ${cargo_profile[*]} -p keyward-app -p keyward-cli --features keyward-app/custom-protocol"
cargo build "${cargo_profile[@]}" --locked -p keyward-app -p keyward-cli --features keyward-app/custom-protocol
# The release binaries ship without their symbol tables, as Debian's dh_strip leaves a packaged binary
# (keyward-app 35.5 MB with them). Here, not in Cargo.toml's release profile: changing the profile would
# rebuild every dependency.
if [ "$profile" = release ]; then strip --strip-all "$TARGET/release/keyward-app" "$TARGET/release/keyward"; fi
BUILT=$(date +%s)

echo "package: tauri bundle ${tauri_profile[*]} --bundles deb"
patch=""
if [ "$TARGET/$profile" != "$ROOT/target/release" ]; then
  # tauri.conf.json names the CLI as target/release/keyward; follow --debug or CARGO_TARGET_DIR.
  patch="{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/keyward\":\"$TARGET/$profile/keyward\"}}}}}"
fi
# TAURI_FRONTEND_PATH: without it the Tauri CLI takes the first package.json under the current directory
# (tests/) for the frontend's folder, where it would run a build.beforeBundleCommand.
TAURI_APP_PATH=$ROOT TAURI_FRONTEND_PATH=$ROOT/ui \
  "$TAURI" bundle --ci --bundles deb "${tauri_profile[@]}" ${patch:+--config "$patch"}

version=$(node -p 'require("./tauri.conf.json").version')
deb=$(ls -t "$TARGET/$profile"/bundle/deb/*_"$version"_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "package: no .deb for version $version in $TARGET/$profile/bundle/deb" >&2; exit 1; }
size=$(stat -c %s "$deb")
now=$(date +%s)
echo "package: $deb ($(awk -v b="$size" 'BEGIN { printf "%.1f MB", b / 1e6 }'), $size bytes) in $((now - START)) s (UI and cargo build $((BUILT - START)) s, bundle $((now - BUILT)) s)"
