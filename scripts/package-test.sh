#!/usr/bin/env bash
# `make package-test`: the Debian package tested as a person uses it, and the room server's
# systemd unit checked.
#
#   1. Builds the debug .deb (packaging/build-deb.sh --debug: reuses target/debug).
#   2. Checks it unopened: desktop-file-validate on its desktop entry, appstreamcli on its
#      AppStream metadata (alone and against the package's tree), an icon at every hicolor
#      size, and a Depends that names every library package dpkg-shlibdeps finds.
#   3. Installs it with `apt-get install ./worktogether_*.deb`, then: /usr/bin/worktogether
#      starts under Xvfb to a ready first screen and shows its window (with the WM class its
#      desktop entry names); a session runs through the installed command line, with no
#      display, in saved data; the desktop database knows the app and its worktogether://
#      links (mimeinfo.cache, xdg-mime, gio).
#   4. `apt-get remove`: no file of the package is left, and the person's data is unchanged.
#   5. packaging/worktogether-room.service: `systemd-analyze verify` and an offline security
#      review, and the room server's system calls (traced with strace while it serves rooms,
#      as an unprivileged user) all allowed by the unit's SystemCallFilter.
#
# Needs root or sudo (apt-get), and refuses to run while a `worktogether` package is installed
# (it would be replaced and then removed). Whatever it installed is removed on exit, whatever
# happens; logs land in artifacts/package-test/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ART=$ROOT/artifacts/package-test
mkdir -p "$ART"
log() { echo "package-test: $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }
STARTED=$SECONDS

SUDO=()
if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
# The app's words in English, as the checks below expect (e2e.sh does the same).
unset LC_ALL LC_MESSAGES
export LANG=en_US.UTF-8 LANGUAGE=en

installed() { [[ $(dpkg-query -W -f='${db:Status-Status}' worktogether 2>/dev/null || true) == installed ]]; }
if installed; then
  fail "a worktogether package is installed already; this test installs its own and removes it: remove it first (sudo apt-get remove worktogether)"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/worktogether-package-test.XXXXXX")
chmod 755 "$WORK"
PIDS=()
WE_INSTALLED=
cleanup() {
  local rc=$?
  set +e
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null; done
  sleep 0.3
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  if [[ -n $WE_INSTALLED ]] && installed; then
    log "removing the package this run installed"
    "${SUDO[@]}" apt-get remove -y -qq worktogether >/dev/null 2>&1 </dev/null
  fi
  rm -rf "$WORK"
  ((rc == 0)) || log "logs in ${ART#"$ROOT"/}/"
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

# --- 1. The package ------------------------------------------------------------------------
DEB=$(packaging/build-deb.sh --debug | tail -n1)
[[ -f $DEB ]] || fail "packaging/build-deb.sh gave no package"
# The room server for step 5 (debug, as `make e2e` builds it), while HOME is still the caller's.
scripts/debug-build.sh -q
SERVER=$ROOT/target/debug/worktogether-room
log "package: ${DEB#"$ROOT"/} ($(stat -c %s "$DEB") bytes; the debug build, so far larger than a release)"

# --- 2. The package, unopened --------------------------------------------------------------
TREE=$WORK/tree
dpkg-deb -x "$DEB" "$TREE"
dpkg-deb -f "$DEB" >"$ART/control.txt"
[[ $(dpkg-deb -f "$DEB" Package) == worktogether ]] || fail "the package is not called worktogether"

DESKTOP=usr/share/applications/Worktogether.desktop
[[ -f $TREE/$DESKTOP ]] || fail "no /$DESKTOP in the package"
desktop-file-validate "$TREE/$DESKTOP" || fail "desktop-file-validate refused /$DESKTOP"
for line in 'Name=Worktogether' 'GenericName=' 'GenericName\[de\]=' 'Comment=' 'Comment\[de\]=' \
  'Categories=' 'Exec=worktogether %u' 'Icon=worktogether' 'MimeType=x-scheme-handler/worktogether;'; do
  grep -q "^$line" "$TREE/$DESKTOP" || fail "/$DESKTOP lacks a line '$line'"
done
log "desktop entry valid (names and comments in English and German, worktogether:// links)"

METAINFO=usr/share/metainfo/app.worktogether.desktop.metainfo.xml
[[ -f $TREE/$METAINFO ]] || fail "no /$METAINFO in the package"
appstreamcli validate --no-net "$TREE/$METAINFO" || fail "appstreamcli validate refused /$METAINFO"
# The whole tree: the metadata's launchable is the package's desktop entry.
appstreamcli validate-tree --no-net "$TREE" || fail "appstreamcli validate-tree refused the package's tree"
grep -q 'xml:lang="de"' "$TREE/$METAINFO" || fail "/$METAINFO has no German text"
log "AppStream metadata valid"

png_size() { python3 -c 'import struct, sys; d = open(sys.argv[1], "rb").read(24); assert d[:8] == b"\x89PNG\r\n\x1a\n"; print("%dx%d" % struct.unpack(">II", d[16:24]))' "$1"; }
for size in 16 22 24 32 48 64 96 128 192 256 512; do
  icon=$TREE/usr/share/icons/hicolor/${size}x${size}/apps/worktogether.png
  [[ -f $icon ]] || fail "no ${size}x${size} icon in the package"
  [[ $(png_size "$icon") == "${size}x${size}" ]] || fail "the ${size}x${size} icon is $(png_size "$icon")"
done
[[ $(png_size "$TREE/usr/share/icons/hicolor/128x128@2/apps/worktogether.png") == 256x256 ]] ||
  fail "no 256-pixel icon in hicolor/128x128@2"
log "icons at every hicolor size, 16 to 512"

# Every library package the binary links against must be declared. dpkg-shlibdeps reads the
# ELF's NEEDED entries and the installed libraries' symbol files; the tray's appindicator is
# loaded at run time (dlopen), so it is checked by name.
mkdir -p "$WORK/shlibs/debian"
printf 'Source: worktogether\n\nPackage: worktogether\nArchitecture: any\n' >"$WORK/shlibs/debian/control"
needed=$(cd "$WORK/shlibs" && dpkg-shlibdeps -O -e "$TREE/usr/bin/worktogether" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[[ -n $needed ]] || fail "dpkg-shlibdeps found nothing"
declared=$(dpkg-deb -f "$DEB" Depends)
names() { tr ',|' '\n\n' | sed -E 's/\(.*\)//; s/^ +//; s/ +$//' | grep -v '^$' | sort -u; }
missing=$(comm -23 <(names <<<"$needed") <(names <<<"$declared"))
[[ -z $missing ]] || fail "Depends lacks $(echo "$missing" | tr '\n' ' ')(dpkg-shlibdeps: $needed)"
names <<<"$declared" | grep -qx libayatana-appindicator3-1 || fail "Depends lacks the tray's libayatana-appindicator3-1"
log "Depends covers what dpkg-shlibdeps finds: $needed"

# --- 3. Installed ---------------------------------------------------------------------------
log "apt-get install ./${DEB##*/}"
WE_INSTALLED=1
(cd "$(dirname "$DEB")" && "${SUDO[@]}" apt-get install -y "./${DEB##*/}" </dev/null) >"$ART/install.log" 2>&1 ||
  { cat "$ART/install.log" >&2; fail "apt-get install failed"; }
installed || fail "dpkg does not list worktogether as installed"
dpkg -L worktogether | sort >"$ART/files.txt"
[[ $(command -v worktogether) == /usr/bin/worktogether ]] || fail "worktogether is not /usr/bin/worktogether on PATH"
[[ -x /usr/bin/worktogether ]] || fail "/usr/bin/worktogether is not executable"

# The desktop database: desktop-file-utils' trigger ran update-desktop-database, so the app
# handles worktogether:// links for xdg-open and GIO.
[[ -f /$DESKTOP ]] || fail "/$DESKTOP is not installed"
desktop-file-validate "/$DESKTOP" || fail "desktop-file-validate refused the installed /$DESKTOP"
grep -q '^x-scheme-handler/worktogether=.*Worktogether.desktop' /usr/share/applications/mimeinfo.cache ||
  fail "/usr/share/applications/mimeinfo.cache does not name Worktogether.desktop for worktogether:// links"
[[ $(env -u XDG_CURRENT_DESKTOP xdg-mime query default x-scheme-handler/worktogether) == Worktogether.desktop ]] ||
  fail "xdg-mime does not give Worktogether.desktop for worktogether:// links"
gio mime x-scheme-handler/worktogether >"$ART/gio-mime.txt" 2>&1 || true
grep -q 'Worktogether.desktop' "$ART/gio-mime.txt" || fail "GIO does not list Worktogether.desktop for worktogether:// links"
if [[ -f /usr/share/icons/hicolor/icon-theme.cache ]]; then
  grep -aq worktogether /usr/share/icons/hicolor/icon-theme.cache || fail "the hicolor icon cache lacks the app's icon"
fi
log "installed: /usr/bin/worktogether, the desktop entry in the database, worktogether:// handled by it"

# A person's home of their own: nothing of the machine's user is touched, and nothing the app
# writes there may belong to the package.
export HOME=$WORK/home
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share XDG_CACHE_HOME=$HOME/.cache
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
export XDG_RUNTIME_DIR=$WORK/runtime
mkdir -m 700 "$XDG_RUNTIME_DIR"

# The window: Xvfb on a free display and a private session bus.
exec 3>"$WORK/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$ART/xvfb.log" 2>&1 &
PIDS+=($!)
exec 3>&-
wait_for 20 "Xvfb to report its display" test -s "$WORK/display"
export DISPLAY=":$(head -n1 "$WORK/display")"
wait_for 20 "Xvfb on $DISPLAY" xdpyinfo -display "$DISPLAY"
eval "$(dbus-launch --sh-syntax)"
PIDS+=("$DBUS_SESSION_BUS_PID")
export DBUS_SESSION_BUS_ADDRESS

# Ready: the first screen is interactive (`ready_ms`, src-tauri/commands.rs), then it exits.
WORKTOGETHER_EXIT_WHEN_READY=1 timeout 120 worktogether >"$ART/app-ready.log" 2>&1 ||
  { tail -20 "$ART/app-ready.log" >&2; fail "the installed app did not reach a ready first screen"; }
ready=$(sed -n 's/^ready_ms \([0-9]*\)$/\1/p' "$ART/app-ready.log")
[[ -n $ready ]] || fail "the installed app printed no ready_ms line"
log "the installed app starts under Xvfb: first screen ready in $ready ms"

# Its window, with the WM class the desktop entry's StartupWMClass names (so docks and
# task bars put the window under the app's launcher and icon).
worktogether >"$ART/app-window.log" 2>&1 &
APP_PID=$!
PIDS+=("$APP_PID")
wait_for 60 "the app's window" xdotool search --onlyvisible --name '^Worktogether$'
wid=$(xdotool search --onlyvisible --name '^Worktogether$' | head -n1)
wm_class=$(xprop -id "$wid" WM_CLASS)
wmclass_entry=$(sed -n 's/^StartupWMClass=//p' "/$DESKTOP")
[[ $wm_class == *"\"$wmclass_entry\""* ]] || fail "the window's $wm_class does not match StartupWMClass=$wmclass_entry"
kill -TERM "$APP_PID"
wait "$APP_PID" 2>/dev/null || true
log "its window is up, $wm_class"
[[ -f $XDG_DATA_HOME/worktogether/worktogether.sqlite3 ]] ||
  fail "the app kept no data in $XDG_DATA_HOME/worktogether"

# A session through the installed command line, with no display (as over SSH), in its own
# saved data.
DATA=$WORK/data
mkdir -p "$DATA"
wt() { env -u DISPLAY -u WAYLAND_DISPLAY WORKTOGETHER_DATA_DIR="$DATA" worktogether "$@"; }
wt start >"$ART/cli.log" 2>&1 || fail "worktogether start failed: $(cat "$ART/cli.log")"
[[ $(wt status --json) == *'"class":"commitment"'* ]] || fail "after start, status is not the commitment round"
wt commit "Write the offer" --tag Kunde >>"$ART/cli.log" 2>&1 || fail "worktogether commit failed"
wt stop >>"$ART/cli.log" 2>&1 || fail "worktogether stop failed"
[[ $(wt status --json) == *'"class":"closing"'* ]] || fail "after stop, status is not the closing round"
wt close --done 1 --rating 4 >>"$ART/cli.log" 2>&1 || fail "worktogether close failed"
[[ $(wt status --json) == *'"class":"idle"'* ]] || fail "after close, status is not idle"
wt export csv >"$ART/cli-export.csv" || fail "worktogether export csv failed"
grep -q ',Write the offer,Kunde,.*,done,' "$ART/cli-export.csv" || fail "the export lacks the closed session's commitment, done"
log "a session ran through the installed command line: start, commit, stop, close, status, export"

# --- 4. Removed -----------------------------------------------------------------------------
# The person's data before removal: every file and its checksum.
user_files() { (cd "$WORK" && find home data -type f -print0 | sort -z | xargs -0 sha256sum); }
user_files >"$WORK/user-before.txt"
log "apt-get remove worktogether"
"${SUDO[@]}" apt-get remove -y worktogether </dev/null >"$ART/remove.log" 2>&1 ||
  { cat "$ART/remove.log" >&2; fail "apt-get remove failed"; }
WE_INSTALLED=
! installed || fail "worktogether is still installed"
[[ -z $(dpkg-query -W -f='${db:Status-Abbrev}' worktogether 2>/dev/null) ]] ||
  fail "dpkg still keeps worktogether as $(dpkg-query -W -f='${db:Status-Abbrev}' worktogether) (configuration files left?)"
left=()
dirs=()
while IFS= read -r path; do
  [[ $path == /. ]] && continue
  if [[ -d $path && ! -L $path ]]; then dirs+=("$path")
  elif [[ -e $path || -L $path ]]; then left+=("$path"); fi
done <"$ART/files.txt"
((${#left[@]} == 0)) || fail "left behind: ${left[*]}"
# A directory may stay only while another package owns it too.
if ((${#dirs[@]})); then
  owned=$(dpkg-query -S "${dirs[@]}" 2>/dev/null | sed 's/^.*: //' | sort -u || true)
  for d in "${dirs[@]}"; do
    grep -qxF "$d" <<<"$owned" || fail "left behind: the directory $d, which no other package owns"
  done
fi
! grep -q worktogether /usr/share/applications/mimeinfo.cache || fail "mimeinfo.cache still names the app"
user_files >"$WORK/user-after.txt"
diff "$WORK/user-before.txt" "$WORK/user-after.txt" >&2 || fail "apt-get remove changed the person's data"
log "removed: none of its $(wc -l <"$ART/files.txt") paths left but shared directories; the person's data unchanged ($(wc -l <"$WORK/user-before.txt") files)"

# --- 5. The room server's systemd unit ------------------------------------------------------
UNIT=packaging/worktogether-room.service
# verify loads the unit as systemd would, with its dependencies, and refuses a missing or
# non-executable ExecStart: so the unit goes into a root of its own, the binary where the
# unit expects it, and systemd's own units beside them.
SDROOT=$WORK/systemd-root
exec_path=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")
mkdir -p "$SDROOT/etc/systemd/system" "$SDROOT/usr/lib/systemd" "$SDROOT$(dirname "$exec_path")"
cp "$UNIT" "$SDROOT/etc/systemd/system/"
cp "$SERVER" "$SDROOT$exec_path"
for units in /usr/lib/systemd/system /lib/systemd/system; do
  if [[ -d $units ]]; then cp -a "$units" "$SDROOT/usr/lib/systemd/"; break; fi
done
systemd-analyze verify --man=no --recursive-errors=yes --root="$SDROOT" worktogether-room.service ||
  fail "systemd-analyze verify refused $UNIT"
# The offline security review rates the hardening from 0 (locked down) to 10; above 2 fails.
systemd-analyze security --offline=true --threshold=20 --root="$SDROOT" worktogether-room.service >"$ART/unit-security.txt" 2>&1 ||
  { cat "$ART/unit-security.txt" >&2; fail "systemd-analyze security rates $UNIT above 2.0"; }
log "$UNIT: verify passes; $(grep -o 'Overall exposure level.*' "$ART/unit-security.txt")"

# The unit's SystemCallFilter kills nothing the server does: trace the real server, run as an
# unprivileged user as DynamicUser would, through start-up, rooms, an event stream and a clean
# stop, and compare each system call with what the filter allows.
expand_group() { # the system calls of a group, nested groups expanded
  systemd-analyze syscall-filter "$1" | tail -n +2 | sed 's/#.*//' | awk 'NF { print $1 }' |
    while read -r s; do if [[ $s == @* ]]; then expand_group "$s"; else echo "$s"; fi; done
}
allowed=() denied=()
while IFS= read -r value; do
  if [[ $value == ~* ]]; then read -ra words <<<"${value#\~}"; denied+=("${words[@]}")
  else read -ra words <<<"$value"; allowed+=("${words[@]}"); fi
done < <(sed -n 's/^SystemCallFilter=//p' "$UNIT")
for s in "${allowed[@]}"; do if [[ $s == @* ]]; then expand_group "$s"; else echo "$s"; fi; done | sort -u >"$WORK/allowed.txt"
for s in "${denied[@]}"; do if [[ $s == @* ]]; then expand_group "$s"; else echo "$s"; fi; done | sort -u >"$WORK/denied.txt"
comm -23 "$WORK/allowed.txt" "$WORK/denied.txt" >"$WORK/permitted.txt"
[[ -s $WORK/permitted.txt ]] || fail "could not read $UNIT's SystemCallFilter"

RUNDIR=$WORK/room-server
mkdir -p "$RUNDIR"
AS_SERVICE=()
if [[ $(id -u) -eq 0 ]]; then
  chown 65534:65534 "$RUNDIR"
  AS_SERVICE=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The copy in the unit's root: the checkout may lie in a folder that user cannot enter (mktemp's 0700).
"${AS_SERVICE[@]}" strace -f -qq -o "$RUNDIR/trace" "$SDROOT$exec_path" --listen "127.0.0.1:$PORT" \
  --db "$RUNDIR/worktogether-room.sqlite3" >"$ART/room-server.log" 2>&1 &
STRACE_PID=$!
PIDS+=("$STRACE_PID")
URL=http://127.0.0.1:$PORT
wait_for 30 "the room server" curl -sf "$URL/health"
created=$(curl -sf -X POST -H 'content-type: application/json' -d '{"name":"Package test","hostName":"Host"}' "$URL/v1/rooms") ||
  fail "the traced room server did not create a room"
code=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["state"]["room"]["code"])' <<<"$created")
token=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])' <<<"$created")
curl -sf -X POST -H 'content-type: application/json' -d '{"displayName":"Member"}' "$URL/v1/rooms/$code/members" >/dev/null ||
  fail "the traced room server did not let a member join"
# From the start (Last-Event-ID 0): the stream reads the member's joining back from the store.
curl -s --max-time 2 -H "authorization: Bearer $token" -H 'Last-Event-ID: 0' "$URL/v1/rooms/$code/events" >"$WORK/events.txt" || true
grep -q '^event: member_joined' "$WORK/events.txt" || fail "the traced room server's event stream did not send the member's joining"
server_pid=$(pgrep -P "$STRACE_PID" | head -n1)
[[ -n $server_pid ]] || fail "no room server process under strace"
kill -TERM "$server_pid"
wait "$STRACE_PID" || fail "the traced room server did not stop cleanly on SIGTERM"
sed -E 's/^[0-9]+ +//' "$RUNDIR/trace" | grep -oE '^[a-z_0-9]+\(' | tr -d '(' | sort -u >"$ART/room-server-syscalls.txt"
refused=$(comm -23 "$ART/room-server-syscalls.txt" "$WORK/permitted.txt")
[[ -z $refused ]] || fail "$UNIT's SystemCallFilter refuses what the room server calls: $(echo "$refused" | tr '\n' ' ')"
log "the room server's $(wc -l <"$ART/room-server-syscalls.txt") distinct system calls are all allowed by the unit's SystemCallFilter"

log "all checks passed in $((SECONDS - STARTED)) s"
