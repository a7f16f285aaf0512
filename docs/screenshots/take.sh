#!/usr/bin/env bash
# Takes the screenshots in this folder from the real app window, under Xvfb, against real counterparts:
#   profiles.png  profiles logged in against the test rig's OpenID provider, and some not logged in
#   empty.png     a fresh KEYWARD_HOME
#   error.png     the same profiles with no unlocked keychain (Secret Service): the app's keychain error state
# Needs the app built with the UI embedded and the CLI (./run builds both; or `npm run build --prefix ui &&
# cargo build -p keyward-app -p keyward-cli --features keyward-app/custom-protocol`) and `npm ci --prefix tests`.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug
OUT=$ROOT/docs/screenshots
SCREEN="-screen 0 1280x800x24"

if [ "${1:-}" != "--inside" ]; then
  for b in keyward keyward-app; do
    [ -x "$BIN/$b" ] || { echo "take.sh: build $BIN/$b first (see the comment at the top)" >&2; exit 1; }
  done
  KW_SHOTS_HOME=$(mktemp -d -t kw-shots-home.XXXXXX)
  export KW_SHOTS_HOME
  trap 'rm -rf "$KW_SHOTS_HOME"' EXIT
  # Profiles and logins, the list and the empty state: a D-Bus session with an unlocked gnome-keyring.
  tests/keychain-session.sh xvfb-run -a -s "$SCREEN" "$0" --inside keychain
  # The keychain error state: the same profiles in a D-Bus session whose Secret Service has no keyring
  # (gnome-keyring is started on demand, with fresh XDG dirs, and has nothing unlocked).
  XDG_RUNTIME_DIR=$(mktemp -d -t kw-runtime.XXXXXX) XDG_DATA_HOME=$(mktemp -d -t kw-data.XXXXXX) bash -c '
    chmod 700 "$XDG_RUNTIME_DIR"
    trap "rm -rf \"$XDG_RUNTIME_DIR\" \"$XDG_DATA_HOME\"" EXIT
    dbus-run-session -- xvfb-run -a -s "$1" "$2" --inside error' take "$SCREEN" "$0" 2> >(grep -v "fd limit" >&2)
  echo "take.sh: wrote $OUT/profiles.png $OUT/empty.png $OUT/error.png"
  exit 0
fi

WORK=$(mktemp -d -t kw-shots.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  exec 4>&- 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Starts the app on KEYWARD_HOME=$1, waits for its window, saves it as $2.
shoot() {
  KEYWARD_HOME=$1 "$BIN/keyward-app" 2>"$WORK/app.log" &
  local app=$!
  pids+=("$app")
  local win=""
  for _ in $(seq 1 100); do
    win=$(xwininfo -root -tree 2>/dev/null | awk '/"Keyward"/ { print $1; exit }')
    [ -n "$win" ] && break
    sleep 0.2
  done
  [ -n "$win" ] || { echo "take.sh: no Keyward window appeared" >&2; cat "$WORK/app.log" >&2; exit 1; }
  sleep 3 # the page loads its profiles and the fonts
  import -window "$win" "$2"
  kill "$app"
  wait "$app" 2>/dev/null || true
}

kw() { KEYWARD_HOME=$HOME_DIR "$BIN/keyward" "$@" >/dev/null; }

HOME_DIR=$KW_SHOTS_HOME
case "$2" in
  keychain)
    # The test rig's OpenID provider, alive while fd 4 holds its stdin open.
    mkfifo "$WORK/provider.in"
    node tests/rig/provider.mjs <"$WORK/provider.in" >"$WORK/provider.out" 2>"$WORK/provider.log" &
    pids+=($!)
    exec 4>"$WORK/provider.in"
    for _ in $(seq 1 100); do [ -s "$WORK/provider.out" ] && break; sleep 0.1; done
    issuer=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).issuer)' "$WORK/provider.out")

    kw profile add github-api --strategy pkce --issuer "$issuer" --client-id native-app \
      --scope "openid offline_access read:users"
    kw profile add billing --strategy pkce --issuer "$issuer" --client-id native-app \
      --scope "openid offline_access read:users write:users"
    kw profile add demo --strategy pkce --issuer https://id.example.com --client-id native-app --scope "openid read:users"
    echo -n canary-client-secret | kw profile add payments-m2m --strategy client-credentials \
      --url https://auth.payments.example/oauth/token --client-id svc-reconciler --scope "payments:read" --client-secret-stdin
    echo -n canary-api-key | kw apikey set maps --stdin --placement header:X-Api-Key
    BROWSER=$ROOT/tests/rig/browser.mjs KEYWARD_RIG_LOGIN=alice@example.com kw login github-api --timeout 60
    BROWSER=$ROOT/tests/rig/browser.mjs KEYWARD_RIG_LOGIN=ops-bot kw login billing --timeout 60
    shoot "$HOME_DIR" "$OUT/profiles.png"
    shoot "$WORK/empty-home" "$OUT/empty.png"
    ;;
  error)
    shoot "$HOME_DIR" "$OUT/error.png"
    ;;
esac
