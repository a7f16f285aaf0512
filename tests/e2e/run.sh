#!/usr/bin/env bash
# End-to-end tests of Keyward's real window: builds the UI and the app with the UI embedded (the
# custom-protocol feature) and the CLI, then runs every tests/e2e/*.spec.mjs with node:test, one after the
# other, inside a private D-Bus session with an unlocked gnome-keyring (tests/keychain-session.sh) and a
# virtual display (Xvfb). Each spec starts the test rig and the app through tauri-driver + WebKitWebDriver.
# Screenshots go to tests/artifacts/e2e/. Prints node's TAP, whose "# pass N" / "# fail N" ./test counts.
#   tests/e2e/run.sh [SPEC...]        (default: every spec)
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v tauri-driver >/dev/null || { echo "e2e: tauri-driver is missing: scripts/deps.sh installs it" >&2; exit 1; }
command -v WebKitWebDriver >/dev/null || { echo "e2e: WebKitWebDriver is missing (webkit2gtk-driver): scripts/deps.sh installs it" >&2; exit 1; }
[ -d tests/e2e/node_modules/webdriverio ] || { echo "e2e: run scripts/deps.sh (npm ci in tests/e2e)" >&2; exit 1; }

if [ "${KEYWARD_E2E_NO_BUILD:-}" != 1 ]; then
  echo "e2e: building the UI and the app (custom-protocol) and the CLI"
  npm run build --prefix ui --silent -- --logLevel warn
  cargo build -p keyward-app -p keyward-cli --features keyward-app/custom-protocol --locked
fi

specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=(tests/e2e/*.spec.mjs)
rm -rf tests/artifacts/e2e
exec tests/keychain-session.sh xvfb-run -a -s "-screen 0 1280x800x24" \
  node --test --test-concurrency=1 --test-reporter=tap "${specs[@]}"
