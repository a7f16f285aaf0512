#!/usr/bin/env bash
# Installs what building and testing Keyward needs, only what is missing: Debian packages (WebKitGTK for
# the window, the Secret Service for the keychain, Chromium for the login stand-in, Xvfb and
# WebKitWebDriver for window tests) and the npm packages of ui/ and tests/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Tauri v2 on Linux (WebKitGTK 4.1)
  libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config
  # keyring's Secret Service client (libdbus)
  libdbus-1-dev
  # the real keychain for tests, and a look into it
  dbus dbus-x11 gnome-keyring libsecret-tools
  # a display, the WebDriver for the real window, screenshots
  xvfb xauth webkit2gtk-driver imagemagick x11-utils
  # the browser: xdg-open for users, Chromium for the test stand-in
  xdg-utils chromium
  # GNU time: the hostile-server tests measure peak memory
  time
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${#missing[@]} Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when node_modules is missing or older than the lock file.
for dir in ui tests; do
  # npm writes node_modules/.package-lock.json on every install: its absence means an empty or half-made folder.
  if [ -f "$dir/package-lock.json" ] && { [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; }; then
    echo "deps: npm ci in $dir/"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
    touch "$dir/node_modules/.package-lock.json"
  fi
done

# ---- Python venv for the test rig's SAML IdP/SP (tests/rig/saml_*.py) -------------------------------
# tests/.venv with tests/requirements.txt (signxml, lxml, cryptography: wheels). Only when the venv is
# missing or the requirements changed since the last install (a copy of them is kept in the venv).
if [ -f tests/requirements.txt ]; then
  if [ ! -x tests/.venv/bin/python ] || ! cmp -s tests/requirements.txt tests/.venv/.requirements.installed; then
    echo "deps: Python venv in tests/.venv"
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
      SUDO=""
      [ "$(id -u)" -eq 0 ] || SUDO="sudo"
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    fi
    [ -x tests/.venv/bin/python ] || python3 -m venv tests/.venv
    tests/.venv/bin/pip install -q --disable-pip-version-check --no-input -r tests/requirements.txt
    cp tests/requirements.txt tests/.venv/.requirements.installed
  fi
fi
# ---- end of the Python venv section ---------------------------------------------------------------

# ---- End-to-end tests of the window (tests/e2e): tauri-driver and WebdriverIO ------------------------
# tauri-driver bridges WebDriver to WebKitWebDriver (webkit2gtk-driver above); ~30 s to build, once.
# tests/e2e has its own npm packages (webdriverio), installed like ui/ and tests/ above.
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "deps: cargo install tauri-driver --locked"
  cargo install tauri-driver --locked --quiet
fi
if [ -f tests/e2e/package-lock.json ] && { [ ! -f tests/e2e/node_modules/.package-lock.json ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; }; then
  echo "deps: npm ci in tests/e2e/"
  npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
  touch tests/e2e/node_modules/.package-lock.json
fi
# ---- end of the end-to-end section ------------------------------------------------------------------
