#!/usr/bin/env bash
# Installs what building and testing Worktogether needs on Debian 12, and nothing twice:
# Debian packages only when dpkg says one is missing (so `apt-get update` runs only then),
# and ui/node_modules only when it is missing or older than ui/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build: what Tauri 2 with a tray needs. Tests: WebKit's WebDriver, a virtual display,
# a session bus, a notification server, screenshots (imagemagick `import`), xwininfo, xdotool,
# an XEmbed tray (trayer) for the tray icon, DejaVu (the fonts test sets the desktop
# font to DejaVu Serif), and a Secret Service (gnome-keyring, read back with secret-tool) for
# the room tokens; PostgreSQL for the room server's second store (scripts/postgres.sh starts a
# throw-away cluster of its own) and HAProxy in front of several instances of it. The package test (scripts/package-test.sh): appstreamcli, desktop-file-validate
# (and the desktop database's trigger), xdg-mime and gio, systemd-analyze, strace, curl.
PACKAGES=(
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev
  libgtk-3-dev libxdo-dev libasound2-dev pkg-config build-essential
  webkit2gtk-driver xvfb dbus-x11 dunst imagemagick x11-utils xdotool trayer fonts-dejavu-core
  gnome-keyring libsecret-tools postgresql haproxy
  appstream desktop-file-utils xdg-utils libglib2.0-bin systemd strace curl
)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  # A mirror hiccup should not fail a CI run: try each step up to three times.
  retry() { local n; for n in 1 2 3; do "$@" && return 0; echo "install-deps: retrying ($n): $*" >&2; sleep $((n * 5)); done; return 1; }
  retry "${SUDO[@]}" apt-get update -qq
  retry "${SUDO[@]}" apt-get install -y -qq "${missing[@]}" </dev/null
else
  echo "install-deps: Debian packages present"
fi

if [[ -f ui/package-lock.json ]]; then
  if [[ ! -d ui/node_modules || ui/package-lock.json -nt ui/node_modules ]]; then
    echo "install-deps: npm ci in ui/"
    (cd ui && npm ci --no-audit --no-fund)
    # npm ci recreates node_modules; touch it so the next run sees it as fresh.
    touch ui/node_modules
  else
    echo "install-deps: ui/node_modules up to date"
  fi
else
  echo "install-deps: no ui/package-lock.json yet, skipping npm ci" >&2
fi
