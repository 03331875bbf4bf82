#!/usr/bin/env bash
# Builds the Debian package with the Tauri CLI (`@tauri-apps/cli`, a devDependency in ui/):
# the app, its desktop entry (packaging/worktogether.desktop), icons, AppStream metadata and
# declared dependencies, all from tauri.conf.json's `bundle` section. Then it packs the result
# again with dpkg-deb: Tauri's bundler only knows gzip, and xz (dpkg-deb's default) makes the
# release package about a third smaller (12.3 MB with gzip here, over the 12 MB target; 8.3 MB).
#
#   packaging/build-deb.sh            release build → target/package/worktogether_<version>_<arch>.deb
#   packaging/build-deb.sh --debug    debug build (shares target/debug with `cargo test` and e2e)
#                                     → target/package-debug/worktogether_<version>_<arch>.deb
#
# ui/dist must be built first (`make ui`): tauri.conf.json has no beforeBuildCommand, so the
# Makefile decides when the UI is rebuilt. Prints the package's path and size last.
#
# The icons: icons/ has 32, 128, 256 (as 128@2x) and 512 pixels; packaging/icons/ the other
# hicolor sizes, made from icons/icon.png with
#   npm --prefix ui exec tauri icon icons/icon.png -- -o packaging/icons -p 16 -p 22 -p 24 -p 48 -p 64 -p 96 -p 192 -p 256
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
log() { echo "package: $*" >&2; }

PROFILE=release
TAURI_ARGS=()
OUT=$ROOT/target/package
COMPRESS=(-Zxz -z6)
if [[ ${1:-} == --debug ]]; then
  PROFILE=debug
  TAURI_ARGS+=(--debug)
  OUT=$ROOT/target/package-debug
  # A debug binary is ~90 MB: gzip keeps the test quick (xz would take a minute); the size
  # that counts is the release package's.
  COMPRESS=(-Zgzip -z6)
fi

TAURI=$ROOT/ui/node_modules/.bin/tauri
[[ -x $TAURI ]] || { log "no Tauri CLI at $TAURI: run 'make deps'"; exit 1; }
[[ -f ui/dist/index.html ]] || { log "ui/dist is missing: run 'make ui' first"; exit 1; }

# Two steps, so that the binary other builds and tests share is never written to: Tauri's
# bundler rewrites the main binary in place after each bundle (to undo its updater marker,
# even with --no-binary-patching), which fails with "Text file busy" while anyone runs
# target/*/worktogether (the e2e tests do) and would change it under their feet otherwise.
# 1. `tauri build --no-bundle` compiles as `cargo build` does (--locked passed on). The debug
#    package takes the binary `make test` built for its tests (scripts/debug-build.sh): the
#    same program (the UI embedded, no beforeBuildCommand), without compiling it a second time
#    with other dependency features.
if [[ $PROFILE == debug ]]; then
  log "scripts/debug-build.sh (the debug binary the tests use)"
  scripts/debug-build.sh -q
else
  log "tauri build ${TAURI_ARGS[*]} --no-bundle"
  CI=true "$TAURI" build "${TAURI_ARGS[@]}" --no-bundle --ci -- --locked
fi
# 2. `tauri bundle` on a copy, in a target directory of its own (the CLI asks cargo where
#    the target directory is, so CARGO_TARGET_DIR points it there).
STAGE=$ROOT/target/package-stage-$PROFILE
rm -rf "$STAGE"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/$PROFILE"
cp "$ROOT/target/$PROFILE/worktogether" "$STAGE/$PROFILE/worktogether"
log "tauri bundle ${TAURI_ARGS[*]} --bundles deb"
CI=true CARGO_TARGET_DIR=$STAGE "$TAURI" bundle "${TAURI_ARGS[@]}" --bundles deb --ci --no-binary-patching

VERSION=$(python3 -c 'import json; print(json.load(open("tauri.conf.json"))["version"])')
shopt -s nullglob
built=("$STAGE/$PROFILE/bundle/deb/"*"_${VERSION}_"*.deb)
shopt -u nullglob
((${#built[@]} == 1)) || { log "expected one .deb for $VERSION in $STAGE/$PROFILE/bundle/deb, found ${#built[@]}"; exit 1; }

# Unpack and pack again, named the Debian way (<package>_<version>_<arch>.deb) by dpkg-deb
# itself, owned by root, xz instead of gzip, and with two slips of Tauri's bundler mended:
WORK=$(mktemp -d "${TMPDIR:-/tmp}/worktogether-deb.XXXXXX")
trap 'rm -rf "$WORK" "$STAGE"' EXIT
dpkg-deb -R "${built[0]}" "$WORK/root"
# 1. It appends its own Depends (WebKitGTK, GTK, the tray's appindicator) after ours, which
#    already name them with versions: keep each package once, the clause that says more.
python3 - "$WORK/root/DEBIAN/control" <<'PY'
import sys
path = sys.argv[1]
lines = open(path, encoding="utf-8").read().split("\n")
for i, line in enumerate(lines):
    if line.startswith("Depends: "):
        clauses = [c.strip() for c in line[len("Depends: "):].split(",") if c.strip()]
        versioned = {c.split()[0] for c in clauses if "|" not in c and "(" in c}
        kept = []
        for c in clauses:
            if c in kept or ("|" not in c and "(" not in c and c in versioned):
                continue
            kept.append(c)
        lines[i] = "Depends: " + ", ".join(kept)
open(path, "w", encoding="utf-8").write("\n".join(lines))
PY
# 2. It files a 256-pixel "@2x" icon under 256x256@2 (a 512-pixel slot); its place is 128x128@2.
hicolor=$WORK/root/usr/share/icons/hicolor
if [[ -d $hicolor/256x256@2 ]]; then
  mkdir -p "$hicolor/128x128@2"
  mv "$hicolor/256x256@2/apps" "$hicolor/128x128@2/apps"
  rmdir "$hicolor/256x256@2"
  sed -i 's|usr/share/icons/hicolor/256x256@2/|usr/share/icons/hicolor/128x128@2/|' "$WORK/root/DEBIAN/md5sums"
fi
rm -rf "$OUT"
mkdir -p "$OUT"
dpkg-deb --root-owner-group "${COMPRESS[@]}" -b "$WORK/root" "$OUT/" >/dev/null
deb=("$OUT"/*.deb)
size=$(stat -c %s "${deb[0]}")
log "built ${deb[0]#"$ROOT"/} ($((size / 1024)) KiB, $(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1000000 }') MB)"
echo "${deb[0]}"
