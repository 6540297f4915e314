#!/usr/bin/env bash
# Installs everything a fresh machine lacks to build, serve and test the app.
# Idempotent: each step is skipped when the right version is already there.
# Tools live outside the repository, so a fresh clone (CI) reuses them.
set -euo pipefail
source "$(dirname "$0")/env.sh"

WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.22.1
BINARYEN_VERSION=132.0.0
AXE_VERSION=4.14.1
FAL_CLIENT_VERSION=1.10.1
GECKODRIVER_VERSION=0.37.1
TOOLS="${QIE_TOOLS:-$HOME/.cache/qie-tools}"

log() { printf '[setup] %s\n' "$*" >&2; }

need_apt_update=1
apt_install() {
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    log "need root to install: $*"; return 1
  fi
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  if [ $need_apt_update = 1 ]; then $sudo apt-get update -qq; need_apt_update=0; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# Whether the output of a command (run to its end, then searched: with
# `pipefail`, `cmd | grep -q` fails whenever grep stops reading before a
# command that prints several lines is done — geckodriver was reinstalled
# by some runs for that) matches `pattern` (grep's extended syntax).
says() {
  local pattern="$1" out
  shift
  out="$("$@" 2>/dev/null)" || true
  grep -qiE "$pattern" <<<"$out"
}

# 1. The wasm target.
if ! says '^wasm32-unknown-unknown$' rustup target list --installed; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 1b. The pinned nightly that release builds use (scripts/env.sh,
#     trunk_release), with the standard library's source to rebuild it for
#     size. About 15 s. Offline, the build falls back to stable.
if ! nightly_ready; then
  log "installing Rust $QIE_NIGHTLY with rust-src (release builds rebuild std for size)"
  rustup toolchain install "$QIE_NIGHTLY" --profile minimal --component rust-src ||
    log "could not install $QIE_NIGHTLY: release builds will use stable Rust (a bigger wasm)"
fi

# 2. wasm-bindgen-cli (must match the crate exactly; no --locked, see TOOLCHAIN).
if ! says " $WASM_BINDGEN_VERSION" wasm-bindgen --version; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 min)"
  cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# 3. Trunk.
if ! says " $TRUNK_VERSION" trunk --version; then
  log "installing trunk $TRUNK_VERSION (about 7 min)"
  cargo install -q trunk --version "$TRUNK_VERSION" --locked --ignore-rust-version --force
fi

# 3b. python3, for the build's step after Trunk (scripts/post_build.py),
# and Chromium, in which that step draws the first screen (scripts/shell.py).
if ! command -v python3 >/dev/null; then apt_install python3; fi
if [ -z "${QIE_CHROMIUM:-}" ] && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && ! command -v google-chrome >/dev/null; then
  log "installing Chromium (the build draws the page's first screen in it)"
  apt_install chromium
fi

# 4. wasm-opt from npm's binaryen (Debian's 108 breaks the app).
if ! says "version ${BINARYEN_VERSION%%.*}" "$TOOLS/npm/node_modules/.bin/wasm-opt" --version; then
  if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
  log "installing binaryen $BINARYEN_VERSION (wasm-opt)"
  mkdir -p "$TOOLS/npm"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/npm" "binaryen@$BINARYEN_VERSION" >/dev/null
fi

# What a build alone needs stops here (QIE_BUILD_ONLY=1, e.g. the Pages
# workflow); the rest is for the tests and the bench.
if [ "${QIE_BUILD_ONLY:-}" = 1 ]; then
  log "build tools ready"
  exit 0
fi

# 5. axe-core, injected by the end-to-end suite for accessibility checks.
if ! grep -q "\"version\": \"$AXE_VERSION\"" "$TOOLS/npm/node_modules/axe-core/package.json" 2>/dev/null; then
  log "installing axe-core $AXE_VERSION"
  mkdir -p "$TOOLS/npm"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/npm" "axe-core@$AXE_VERSION" >/dev/null
fi

# 6. fal's official JavaScript client, run against the fake queue server
#    by the conformance test (tests/e2e/conformance).
if ! grep -q "\"version\": \"$FAL_CLIENT_VERSION\"" "$TOOLS/npm/node_modules/@fal-ai/client/package.json" 2>/dev/null; then
  log "installing @fal-ai/client $FAL_CLIENT_VERSION"
  mkdir -p "$TOOLS/npm"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/npm" "@fal-ai/client@$FAL_CLIENT_VERSION" >/dev/null
fi

# 7. Chromium and its driver, a Chinese font (so the Chinese page renders
#    in screenshots instead of empty boxes), brotli for the bench.
pkgs=()
command -v chromium >/dev/null || pkgs+=(chromium)
command -v chromedriver >/dev/null || pkgs+=(chromium-driver)
command -v brotli >/dev/null || pkgs+=(brotli)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || pkgs+=(fonts-wqy-microhei)
if [ ${#pkgs[@]} -gt 0 ]; then
  log "installing ${pkgs[*]} from Debian"
  apt_install "${pkgs[@]}"
fi

# 8. Firefox and WebKit (Safari's engine) with their drivers, and a
#    display for WebKit's MiniBrowser: the suite runs in all three engines.
#    geckodriver is a crate on crates.io (nothing downloaded from elsewhere).
pkgs=()
command -v firefox-esr >/dev/null || pkgs+=(firefox-esr)
command -v WebKitWebDriver >/dev/null || pkgs+=(webkit2gtk-driver)
command -v xvfb-run >/dev/null || pkgs+=(xvfb xauth)
if [ ${#pkgs[@]} -gt 0 ]; then
  log "installing ${pkgs[*]} from Debian"
  apt_install "${pkgs[@]}"
fi
# WebKitGTK takes the browser's language from the system locale: the
# suite's English and Chinese sessions need both locales generated.
if ! says '^zh_CN\.utf8$' locale -a || ! says '^en_US\.utf8$' locale -a; then
  log "generating the en_US and zh_CN locales (for WebKit's sessions)"
  command -v locale-gen >/dev/null || apt_install locales
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo sed -i 's/^# *\(zh_CN.UTF-8 UTF-8\)/\1/; s/^# *\(en_US.UTF-8 UTF-8\)/\1/' /etc/locale.gen
  $sudo locale-gen >/dev/null
fi
if ! says "^geckodriver $GECKODRIVER_VERSION" geckodriver --version; then
  log "installing geckodriver $GECKODRIVER_VERSION (about 3 min)"
  cargo install -q geckodriver --version "$GECKODRIVER_VERSION" --force
fi

log "tools ready"
