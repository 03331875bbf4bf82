#!/usr/bin/env bash
# Runs the end-to-end tests (tests/e2e) against the real app in a real window:
#   Xvfb on a free display, a private session bus, dunst as the notification server on it,
#   gnome-keyring as its Secret Service,
#   dbus-monitor recording every org.freedesktop.Notifications call, tauri-driver (from
#   target/tools, installed once per checkout), then the test binaries of tests/e2e.
# Everything started here is stopped on exit, whatever happens. Artifacts: artifacts/e2e/.
#
#   scripts/e2e.sh [TEST FILTER...]       build, then run the tests (arguments go to the test binaries)
#   scripts/e2e.sh --split                build, then every test in four groups side by side, each
#                                         group in a desktop of its own (`make e2e`; see below)
#   scripts/e2e.sh --with-services CMD... run CMD in the same environment instead (no build);
#                                         e.g. `scripts/e2e.sh --with-services bash` to poke around
#   scripts/e2e.sh --test NAME...         only these files of tests/e2e/tests (--lib: the harness's own)
# What --split gives each group: --prebuilt (no build step), --artifacts DIR (relative to the
# checkout, or absolute), --test NAME and --lib (the test targets that run; all when none is given).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN_CMD=()
SPLIT=
PREBUILT=
ART=$ROOT/artifacts/e2e
TARGETS=()
need_value() { # need_value OPTION ARGS...: a clear word when the option has no value
  [[ $# -ge 2 && -n $2 && $2 != --* ]] || { echo "e2e: $1 needs a value" >&2; exit 2; }
}
while (($#)); do
  case $1 in
    --with-services) shift; RUN_CMD=("$@"); set --; break ;;
    --split) SPLIT=1; shift ;;
    --prebuilt) PREBUILT=1; shift ;;
    --artifacts) need_value "$@"; [[ $2 == /* ]] && ART=$2 || ART=$ROOT/$2; shift 2 ;;
    --test) need_value "$@"; TARGETS+=("$2"); shift 2 ;;
    --lib) TARGETS+=(lib); shift ;;
    *) break ;;
  esac
done
[[ -z $SPLIT ]] || (($# == 0 && ${#TARGETS[@]} == 0)) || { echo "e2e: --split runs every test: no filter" >&2; exit 2; }
TOOLS=$ROOT/target/tools
mkdir -p "$ART"
log() { echo "e2e: $*" >&2; }

# 1. The app, the room server and the tests (debug: the build `cargo test` made) and tauri-driver.
APP=$ROOT/target/debug/worktogether
ROOM_SERVER=$ROOT/target/debug/worktogether-room
BINARIES=()
if ((${#RUN_CMD[@]} == 0)); then
  [[ -n $PREBUILT ]] || log "building the app, the room server and the tests"
  # The test binaries as "NAME PATH" lines (NAME: the file in tests/e2e/tests, or lib), from the
  # workspace's build: `cargo test -p worktogether-e2e` would compile ~20 crates again for its
  # own dependency features.
  build=$(scripts/debug-build.sh -q --message-format=json-render-diagnostics)
  mapfile -t BINARIES < <(python3 -c '
import json, sys
root, found = sys.argv[1], set()
for line in sys.stdin:
    m = json.loads(line)
    target = m.get("target") or {}
    if m.get("executable") and target.get("src_path", "").startswith(root):
        found.add(("lib" if "lib" in target["kind"] else target["name"], m["executable"]))
for name, exe in sorted(found):
    print(name, exe)
' "$ROOT/tests/e2e/" <<<"$build")
  ((${#BINARIES[@]})) || { log "no test binaries of tests/e2e in the build"; exit 1; }
  for target in "${TARGETS[@]}"; do
    [[ " ${BINARIES[*]} " == *" $target "* ]] || { log "no test named $target in tests/e2e/tests"; exit 2; }
  done
  [[ -x $ROOM_SERVER ]] || { log "no binary at $ROOM_SERVER"; exit 1; }
  [[ -x $APP ]] || { log "no binary at $APP"; exit 1; }
fi

TAURI_DRIVER=$TOOLS/bin/tauri-driver
if [[ ! -x $TAURI_DRIVER ]]; then
  log "installing tauri-driver into $TOOLS"
  # 2.x: the 3.x line is a pre-release.
  cargo install tauri-driver --locked --version '^2' --root "$TOOLS"
fi
NATIVE_DRIVER=$(command -v WebKitWebDriver || true)
[[ -n $NATIVE_DRIVER ]] || { log "WebKitWebDriver missing: run 'make deps' (webkit2gtk-driver)"; exit 1; }

# The tests in four groups, each in a desktop of its own (display, bus, notification server and
# log, tray, keyring: nothing shared), side by side. The end-to-end tests mostly wait on the
# app and WebDriver (run one after another, they use a quarter of a core), so the groups are cut
# by time: each language's accessibility tour, the spine's stress test (a minute by its spec)
# with three neighbours, and every other test (a new test file lands there): ~2 min each on 2
# cores. Each group's artifacts: artifacts/e2e-<group>/.
if [[ -n $SPLIT ]]; then
  declare -A TEST_GROUPS=(
    [accessibility-en]="--test accessibility accessibility_english"
    [accessibility-de]="--test accessibility accessibility_german"
    [stress]="--test spine_stress --test crash_resume --test history_review --test tray"
  )
  others=(--lib)
  for file in tests/e2e/tests/*.rs; do
    name=$(basename "$file" .rs)
    [[ " ${TEST_GROUPS[*]} " == *" --test $name "* ]] || others+=(--test "$name")
  done
  TEST_GROUPS[others]=${others[*]}
  declare -A GROUP_PIDS=()
  # The groups run in the background, where Ctrl-C does not reach them: pass it on, and let
  # them clean up before leaving.
  trap 'trap "" INT TERM; kill -TERM "${GROUP_PIDS[@]}" 2>/dev/null; wait; exit 130' INT TERM
  for group in "${!TEST_GROUPS[@]}"; do
    # Each line says which group wrote it.
    # shellcheck disable=SC2086 # the group's options are words
    "$ROOT/scripts/e2e.sh" --prebuilt --artifacts "artifacts/e2e-$group" ${TEST_GROUPS[$group]} \
      > >(sed -u "s/^/[$group] /") 2>&1 &
    GROUP_PIDS[$group]=$!
  done
  failed=()
  for group in "${!GROUP_PIDS[@]}"; do
    wait "${GROUP_PIDS[$group]}" || failed+=("$group")
  done
  if ((${#failed[@]})); then
    log "failed: ${failed[*]} (see artifacts/e2e-<group>/)"
    exit 1
  fi
  log "every group passed"
  exit 0
fi

# 2. Services. Each PID goes into PIDS; the trap stops them all, newest first.
PIDS=()
TEST_PGID=
XVFB_DISPLAY=
RUNTIME_DIR=
cleanup() {
  local rc=$?
  set +e
  # A second signal (Ctrl-C twice, or --split passing one on) must not cut the cleanup short.
  trap '' INT TERM
  # Only our own display: never photograph the desktop of whoever runs this.
  if [[ -n $XVFB_DISPLAY ]] && command -v import >/dev/null; then
    import -display "$XVFB_DISPLAY" -window root "$ART/screen-at-exit.png" 2>/dev/null
  fi
  # The tests stop their own drivers and apps; this catches what a crashed test left.
  [[ -n $TEST_PGID ]] && kill -TERM -- "-$TEST_PGID" 2>/dev/null
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null; done
  sleep 0.5
  [[ -n $TEST_PGID ]] && kill -KILL -- "-$TEST_PGID" 2>/dev/null
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  [[ -n $RUNTIME_DIR ]] && rm -rf "$RUNTIME_DIR" 2>/dev/null
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local secs=$1 what=$2; shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { log "timed out after ${secs}s waiting for $what"; return 1; }
    sleep 0.2
  done
}

# A private runtime dir and config home: nothing from the user's desktop leaks in. The
# runtime dir is new for every run (services activated on the bus, e.g. the document portal,
# may mount things in it) and removed at exit.
RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/worktogether-e2e.XXXXXX")
export XDG_RUNTIME_DIR=$RUNTIME_DIR
export XDG_CONFIG_HOME=$ART/config
mkdir -p "$XDG_CONFIG_HOME"

# Xvfb picks a free display itself and writes its number to fd 3 (-displayfd).
exec 3>"$ART/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$ART/xvfb.log" 2>&1 &
PIDS+=($!)
exec 3>&-
wait_for 20 "Xvfb to report its display" test -s "$ART/display"
XVFB_DISPLAY=":$(head -n1 "$ART/display")"
export DISPLAY=$XVFB_DISPLAY
wait_for 20 "Xvfb on $DISPLAY" xdpyinfo -display "$DISPLAY"
log "Xvfb on $DISPLAY"

# The session bus.
eval "$(dbus-launch --sh-syntax)"
PIDS+=("$DBUS_SESSION_BUS_PID")
export DBUS_SESSION_BUS_ADDRESS
log "session bus $DBUS_SESSION_BUS_ADDRESS"

# Record every Notify call before a notification server exists, so none is missed.
NOTIFY_LOG=$ART/notifications.log
: >"$NOTIFY_LOG"
dbus-monitor --session "interface='org.freedesktop.Notifications'" >"$NOTIFY_LOG" 2>"$ART/dbus-monitor.err" &
PIDS+=($!)
# dbus-monitor prints the NameAcquired/NameLost of becoming a monitor once it listens.
wait_for 10 "dbus-monitor to listen" test -s "$NOTIFY_LOG"

# dunst: the notification server (it also draws the notifications on the Xvfb screen).
mkdir -p "$XDG_CONFIG_HOME/dunst"
dunst >"$ART/dunst.log" 2>&1 &
PIDS+=($!)
has_notifications_owner() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications | grep -q 'boolean true'
}
wait_for 20 "dunst to own org.freedesktop.Notifications" has_notifications_owner
log "dunst owns org.freedesktop.Notifications"

# gnome-keyring: the Secret Service the room tokens go to, with its keyrings in the artifacts
# (never the user's) and the login keyring created unlocked with a throwaway password.
KEYRING_HOME=$ART/keyring-data
rm -rf "$KEYRING_HOME"
mkdir -p "$KEYRING_HOME"
XDG_DATA_HOME=$KEYRING_HOME gnome-keyring-daemon --unlock --components=secrets --daemonize \
  <<<"e2e" >"$ART/gnome-keyring.log" 2>&1
has_secret_service() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q 'boolean true'
}
wait_for 20 "gnome-keyring to own org.freedesktop.secrets" has_secret_service
# --daemonize detaches: find it by its bus name's owner to stop it at exit.
KEYRING_PID=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets | awk '/uint32/ {print $2}')
[[ -n $KEYRING_PID ]] && PIDS+=("$KEYRING_PID")
log "gnome-keyring is the secret store"

# trayer: an XEmbed tray at the top right, so the app's tray icon has a home (with no
# StatusNotifier watcher on the bus, libayatana-appindicator falls back to XEmbed).
trayer --edge top --align right --widthtype request --height 32 --transparent false \
  --tint 0x333333 >"$ART/trayer.log" 2>&1 &
PIDS+=($!)
wait_for 20 "trayer's window" xdotool search --onlyvisible --class trayer
log "trayer is the tray"

# 3. The tests, in their own process group so the trap can stop whatever they leave.
export WORKTOGETHER_E2E=1
export WORKTOGETHER_E2E_APP=$APP
export WORKTOGETHER_E2E_TAURI_DRIVER=$TAURI_DRIVER
export WORKTOGETHER_E2E_NATIVE_DRIVER=$NATIVE_DRIVER
export WORKTOGETHER_E2E_ARTIFACTS=$ART
export WORKTOGETHER_E2E_NOTIFY_LOG=$NOTIFY_LOG
export WORKTOGETHER_E2E_ROOM_SERVER=$ROOM_SERVER
# The app's language follows the locale; the tests expect English texts.
# (Only LANG: LC_ALL would override it, and en_US.UTF-8 need not be a generated locale.)
unset LC_ALL LC_MESSAGES
export LANG=en_US.UTF-8 LANGUAGE=en
export RUST_BACKTRACE=1

if ((${#RUN_CMD[@]})); then
  set +e
  "${RUN_CMD[@]}"
  exit $?
fi

# Every selected binary runs, also after one failed; from tests/e2e, as cargo would run them.
run_tests() {
  local status=0 entry name
  cd "$ROOT/tests/e2e"
  for entry in "${BINARIES[@]}"; do
    name=${entry%% *}
    ((${#TARGETS[@]} == 0)) || [[ " ${TARGETS[*]} " == *" $name "* ]] || continue
    echo "     Running $name (${entry#* })"
    "${entry#* }" --include-ignored --test-threads=1 "$@" || status=1
  done
  return "$status"
}

log "running the tests"
set +e
set -m # the tests get a process group of their own
run_tests "$@" &
TEST_PGID=$!
set +m
wait "$TEST_PGID"
rc=$?
set -e
log "tests exited with $rc; artifacts in $ART"
exit "$rc"
