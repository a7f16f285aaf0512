#!/usr/bin/env bash
# Runs a command inside its own D-Bus session with a fresh gnome-keyring Secret Service, unlocked with a
# throw-away password: the real keychain a Linux desktop user has, private to this run.
#   tests/keychain-session.sh COMMAND [ARGS...]
#
# The daemon runs in the foreground under a watch: CI saw it vanish mid-run (twice, in the same place of a
# long test run), after which D-Bus started a new, *locked* one on the next request and every later test
# failed with "the OS keychain is locked". If it exits, the watch says so on stderr (with its exit status,
# so the cause can be chased) and starts it again with the same password, which unlocks the same keyring
# file: the secrets written so far are still there. KEYWARD_KEYCHAIN_RESTART=0 turns the restart off (for
# the tests that kill the daemon on purpose).
set -euo pipefail
export XDG_RUNTIME_DIR="$(mktemp -d -t kw-runtime.XXXXXX)"
export XDG_DATA_HOME="$(mktemp -d -t kw-data.XXXXXX)"
chmod 700 "$XDG_RUNTIME_DIR"
trap 'rm -rf "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME"' EXIT
# dbus-daemon complains it cannot raise its fd limit when not root-privileged enough; harmless, hidden.
dbus-run-session -- bash -c '
  set -u
  owned() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"
  }
  start() {
    # --replace: takes the name over from a locked daemon D-Bus may have started meanwhile.
    echo -n keyward-test | gnome-keyring-daemon --foreground --replace --unlock --components=secrets \
      >/dev/null 2>"$XDG_RUNTIME_DIR/gnome-keyring.log" &
    daemon=$!
    for _ in $(seq 1 100); do owned && return 0; sleep 0.1; done
    echo "keychain-session: gnome-keyring-daemon did not take the Secret Service name in 10 s" >&2
    cat "$XDG_RUNTIME_DIR/gnome-keyring.log" >&2
    return 1
  }
  start
  if [ "${KEYWARD_KEYCHAIN_RESTART:-1}" = 0 ]; then   # tests that kill the daemon on purpose
    rc=0; "$@" || rc=$?
    kill "$daemon" 2>/dev/null || true
    exit "$rc"
  fi
  "$@" &
  command=$!
  # Wait for the command; whenever the daemon exits first, say so and start it again.
  while :; do
    rc=0; wait -n -p finished "$daemon" "$command" || rc=$?
    [ "$finished" = "$command" ] && break
    echo "keychain-session: gnome-keyring-daemon (pid $daemon) exited with status $rc; starting it again, unlocked" >&2
    tail -n 5 "$XDG_RUNTIME_DIR/gnome-keyring.log" >&2 || true
    start || { kill "$command" 2>/dev/null; wait "$command"; exit 1; }
  done
  kill "$daemon" 2>/dev/null || true
  exit "$rc"' keychain-session "$@" 2> >(grep -v "Failed to set fd limit" >&2)
