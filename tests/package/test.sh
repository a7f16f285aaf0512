#!/usr/bin/env bash
# The Debian package as a user gets it: builds it (scripts/package.sh), checks its control
# file (package, version, the Debian packages the binaries' shared libraries come from) and its contents
# (both binaries, the desktop entry, the icons), installs it, starts the installed app from its desktop
# entry under Xvfb in a private D-Bus session with an unlocked keychain, sees the Keyward window, takes a
# screenshot (tests/artifacts/package/window.png) and runs the installed `keyward --version`.
#   tests/package/test.sh            the release .deb (scripts/package.sh)
#   tests/package/test.sh --debug    the .deb of the debug build (scripts/package.sh --debug): seconds after
#                                    the e2e tests' build, where a release build takes minutes (./test)
#   tests/package/test.sh DEB        that file, built before
# Installing: as root, with Keyward not installed already, `apt-get install ./….deb` (what the README tells
# users: apt checks the control file's dependencies) and `apt-get remove` at the end, one run at a
# time (a lock); otherwise `dpkg -x` into a temporary directory root. KEYWARD_PACKAGE_INSTALL=system|extract
# chooses. Prints "ok"/"not ok" per check, "# pass N" / "# fail N" (which ./test counts) and PASS or FAIL.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
ART=$ROOT/tests/artifacts/package
SCREEN="-screen 0 1280x800x24"

# ---- the window, run inside the keychain session and Xvfb: tests/package/test.sh --window EXEC SHOT ----
if [ "${1:-}" = "--window" ]; then
  exec_line=$2 shot=$3 log=$ART/app.log
  # The desktop entry's Exec (no field codes in ours), word-split as a launcher would.
  read -r -a cmd <<<"$exec_line"
  "${cmd[@]}" >"$log" 2>&1 &
  app=$!
  win=""
  for _ in $(seq 1 150); do
    win=$(xwininfo -root -tree 2>/dev/null | awk '/"Keyward"/ { print $1; exit }')
    [ -n "$win" ] && break
    kill -0 "$app" 2>/dev/null || break
    sleep 0.2
  done
  if [ -z "$win" ]; then
    echo "window: no Keyward window appeared"; sed 's/^/  app: /' "$log"
    kill "$app" 2>/dev/null; wait "$app" 2>/dev/null
    exit 1
  fi
  echo "window: $win $(xwininfo -id "$win" | awk '/geometry/ { print $2 }')"
  sleep 3 # the page loads its profiles and the fonts
  import -window root "$shot"
  alive=yes; kill -0 "$app" 2>/dev/null || alive=no
  kill "$app" 2>/dev/null; wait "$app" 2>/dev/null
  # A blank web view is one or two colours; the rendered page has text, buttons, anti-aliasing.
  echo "colours: $(identify -format %k "$shot")"
  echo "alive: $alive"
  exit 0
fi

# ---- the test ----------------------------------------------------------------------------------------
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
finish() {
  echo "# pass $pass"
  echo "# fail $fail"
  if [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]; then echo "package: PASS ($pass checks, ${DEB:-no .deb})"; exit 0; fi
  echo "package: FAIL ($fail of $((pass + fail)) checks failed)"; exit 1
}

rm -rf "$ART"; mkdir -p "$ART"
WORK=$(mktemp -d -t kw-package.XXXXXX)
INSTALLED=""
cleanup() {
  if [ -n "$INSTALLED" ] && dpkg-query -W keyward >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq -o DPkg::Lock::Timeout=120 keyward >/dev/null 2>&1 ||
      echo "package: could not remove the keyward package: apt-get remove keyward" >&2
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

version=$(node -p 'require("./tauri.conf.json").version')
if [ $# -gt 0 ] && [ "$1" != --debug ]; then
  DEB=$(realpath "$1")
else
  if ! scripts/package.sh "$@" | tee "$WORK/build.log"; then not_ok "scripts/package.sh $* builds the .deb"; finish; fi
  DEB=$(sed -n 's/^package: \(\/.*\.deb\) (.*/\1/p' "$WORK/build.log" | tail -n 1)
fi
if [ -f "${DEB:-}" ]; then ok "the .deb exists: $DEB ($(stat -c %s "$DEB") bytes)"; else not_ok "the .deb exists (${DEB:-none})"; finish; fi

# ---- control file ----
field() { dpkg-deb -f "$DEB" "$1"; }
check "Package: keyward" [ "$(field Package)" = keyward ]
check "Version: $version (tauri.conf.json)" [ "$(field Version)" = "$version" ]
check "Architecture: $(dpkg --print-architecture)" [ "$(field Architecture)" = "$(dpkg --print-architecture)" ]
depends=$(field Depends)
echo "  Depends: $depends"
echo "  Recommends: $(field Recommends)"
dep_names=" $(echo "$depends" | tr ',|' '\n\n' | sed 's/(.*)//; s/[[:space:]]//g' | grep . | tr '\n' ' ') "
for p in libwebkit2gtk-4.1-0 libgtk-3-0; do
  check "Depends names $p" grep -q " $p " <<<"$dep_names"
done

# ---- contents ----
dpkg-deb -c "$DEB" | awk '{ print $NF }' | sed 's|^\./||; s|^|/|' >"$WORK/contents"
has() { grep -qx "$1" "$WORK/contents"; }
for f in /usr/bin/keyward-app /usr/bin/keyward /usr/share/applications/Keyward.desktop \
  /usr/share/icons/hicolor/32x32/apps/keyward-app.png /usr/share/icons/hicolor/128x128/apps/keyward-app.png \
  /usr/share/icons/hicolor/256x256@2/apps/keyward-app.png; do
  check "contains $f" has "$f"
done

# ---- install ----
mode=${KEYWARD_PACKAGE_INSTALL:-auto} why="KEYWARD_PACKAGE_INSTALL=$mode"
if [ "$mode" = auto ]; then
  mode=extract
  if [ "$(id -u)" -ne 0 ]; then why="not root"
  elif dpkg-query -W -f='${Status}' keyward 2>/dev/null | grep -q "ok installed"; then why="a keyward package is installed here already"
  elif [ -e /usr/bin/keyward ] || [ -e /usr/bin/keyward-app ]; then why="/usr/bin/keyward or /usr/bin/keyward-app exists already"
  else mode=system
  fi
fi
if [ "$mode" = system ]; then
  # One installed Keyward at a time on this machine: a second run waits here for the first to remove it.
  exec 9>/run/lock/keyward-package-test.lock
  flock -w 600 9 || { not_ok "the package test lock (/run/lock/keyward-package-test.lock) is free"; finish; }
  echo "package: apt-get install $DEB"
  INSTALLED=yes # from here on, removed at exit (also when the install stopped half-way)
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=120 "$DEB" >"$WORK/install.log" 2>&1; then
    ok "apt-get install ./$(basename "$DEB") (apt resolves every dependency)"
  else
    sed 's/^/  apt: /' "$WORK/install.log"; not_ok "apt-get install ./$(basename "$DEB")"; finish
  fi
  DEST=/
else
  echo "package: dpkg -x into a clean directory root, not installed on this machine ($why)"
  DEST=$WORK/root
  check "dpkg -x into $DEST" dpkg -x "$DEB" "$DEST"
fi
BIN=${DEST%/}/usr/bin
desktop=${DEST%/}/usr/share/applications/Keyward.desktop
for b in keyward-app keyward; do check "$BIN/$b is an executable" [ -x "$BIN/$b" ]; done

# Every shared library either binary loads comes from a package the control file depends on.
if command -v dpkg-shlibdeps >/dev/null; then
  mkdir -p "$WORK/shlibs/debian" && printf 'Source: keyward\n\nPackage: keyward\nArchitecture: any\n' >"$WORK/shlibs/debian/control"
  needed=$(cd "$WORK/shlibs" && dpkg-shlibdeps -O "$BIN/keyward-app" "$BIN/keyward" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
  missing=""
  for p in $(echo "$needed" | tr ',|' '\n\n' | sed 's/(.*)//; s/[[:space:]]//g' | grep .); do
    grep -q " $p " <<<"$dep_names" || missing+=" $p"
  done
  [ -z "$missing" ] || echo "  the binaries load libraries of:$missing"
  check "Depends covers every shared library the binaries load (dpkg-shlibdeps)" test -n "$needed" -a -z "$missing"
else
  not_ok "dpkg-shlibdeps is installed (dpkg-dev, from build-essential: scripts/deps.sh)"
fi
check "the installed keyward has no crash-safety fail points" bash -c '! grep -q "fail point" "$1"' _ "$BIN/keyward"

# ---- the desktop entry ----
if [ -f "$desktop" ]; then
  sed 's/^/  desktop: /' "$desktop"
  exec_line=$(sed -n 's/^Exec=//p' "$desktop" | head -n 1)
  icon=$(sed -n 's/^Icon=//p' "$desktop" | head -n 1)
  check "desktop entry: Name=Keyward" grep -qx "Name=Keyward" "$desktop"
  check "desktop entry: Type=Application" grep -qx "Type=Application" "$desktop"
  check "desktop entry: Exec runs keyward-app ($exec_line)" [ "${exec_line%% *}" = keyward-app ]
  check "desktop entry: Icon $icon is installed" [ -f "${DEST%/}/usr/share/icons/hicolor/128x128/apps/$icon.png" ]
  if command -v desktop-file-validate >/dev/null; then check "desktop-file-validate" desktop-file-validate "$desktop"; fi
else
  not_ok "the desktop entry is installed ($desktop)"; exec_line=keyward-app
fi

# ---- the installed CLI ----
out=$(PATH=$BIN:$PATH KEYWARD_HOME=$WORK/home keyward --version 2>&1)
check "keyward --version prints \"keyward $version\" (got \"$out\")" [ "$out" = "keyward $version" ]
if [ "$mode" = system ]; then check "keyward on PATH is /usr/bin/keyward" [ "$(command -v keyward)" = /usr/bin/keyward ]; fi

# ---- the installed app, started from its desktop entry ----
PATH=$BIN:$PATH KEYWARD_HOME=$WORK/home tests/keychain-session.sh xvfb-run -a -s "$SCREEN" \
  "$0" --window "$exec_line" "$ART/window.png" >"$WORK/window.log" 2>&1 9>&-
# The session's accessibility registry greets on stdout (see ./run): noise, hidden.
grep -v '^SpiRegistry daemon is running' "$WORK/window.log"
check "the Keyward window appears" grep -q '^window: 0x' "$WORK/window.log"
colours=$(sed -n 's/^colours: //p' "$WORK/window.log")
check "the screenshot shows a rendered page, not a blank view ($ART/window.png: ${colours:-no} colours)" \
  [ "${colours:-0}" -gt 16 ]
check "the app is still running after 3 s" grep -qx 'alive: yes' "$WORK/window.log"

if [ "$mode" = system ]; then
  INSTALLED=""
  if DEBIAN_FRONTEND=noninteractive apt-get remove -y -q -o DPkg::Lock::Timeout=120 keyward >"$WORK/remove.log" 2>&1; then
    ok "apt-get remove keyward"
  else
    sed 's/^/  apt: /' "$WORK/remove.log"; not_ok "apt-get remove keyward"
  fi
  check "/usr/bin/keyward and /usr/bin/keyward-app are gone" test ! -e /usr/bin/keyward -a ! -e /usr/bin/keyward-app
fi
finish
