#!/usr/bin/env bash
# Runs a command inside its own D-Bus session with a fresh gnome-keyring Secret Service, unlocked with a
# throw-away password: the real keychain a Linux desktop user has, private to this run.
#   tests/keychain-session.sh COMMAND [ARGS...]
set -euo pipefail
export XDG_RUNTIME_DIR="$(mktemp -d -t kw-runtime.XXXXXX)"
export XDG_DATA_HOME="$(mktemp -d -t kw-data.XXXXXX)"
chmod 700 "$XDG_RUNTIME_DIR"
trap 'rm -rf "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME"' EXIT
# dbus-daemon complains it cannot raise its fd limit when not root-privileged enough; harmless, hidden.
dbus-run-session -- bash -c '
  echo -n keyward-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' keychain-session "$@" 2> >(grep -v "Failed to set fd limit" >&2)
