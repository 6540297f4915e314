#!/usr/bin/env bash
# Sets up a fresh machine if needed, then runs every test:
#   1. native unit tests of the plain-Rust layers (cargo test)
#   2. component tests in headless Chromium and Firefox (wasm-bindgen-test)
#   2b. fal's JavaScript client against the fake queue server (conformance)
#   3. the end-to-end suite: release build + fake queue server + WebDriver,
#      in Chromium, Firefox and WebKit
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }
cleanup() { rm -rf /tmp/org.chromium.Chromium.* /tmp/.org.chromium.Chromium.* /tmp/rust_mozprofile* 2>/dev/null || true; }
trap cleanup EXIT

step "native unit tests"
cargo test --locked --workspace --exclude counter --lib --bins

step "fake server conformance (fal's own JavaScript client against it)"
cargo test --locked -p e2e --test conformance

step "browser component tests (wasm-bindgen-test, headless Chromium)"
cargo test --locked --target wasm32-unknown-unknown --test web

step "browser component tests (wasm-bindgen-test, headless Firefox)"
env -u CHROMEDRIVER GECKODRIVER="$(command -v geckodriver)" cargo test --locked --target wasm32-unknown-unknown --test web

step "release build of the app"
trunk_release build --release --locked

# The end-to-end suite in each engine: the whole list, but for what only
# Chromium's driver can do (e2e.rs, CHROMIUM_ONLY, with the reasons). Every
# engine runs even when one fails; the run fails after.
cargo build --locked -p e2e --tests
failed=()
for engine in chromium firefox webkit; do
  step "end-to-end suite in $engine (WebDriver + fake queue server)"
  # Screenshots land in target/screenshots/<engine> (QIE_SHOTS for Chromium's).
  shots="$ROOT/target/screenshots/$engine"
  [ "$engine" = chromium ] && shots="${QIE_SHOTS:-$shots}"
  # WebKit's MiniBrowser needs a display: a virtual one.
  wrap=(); [ "$engine" = webkit ] && wrap=(xvfb-run -a -s "-screen 0 1600x1200x24")
  if ! QIE_ENGINE=$engine QIE_SHOTS="$shots" QIE_DIST="$ROOT/dist" "${wrap[@]}" cargo test --locked -p e2e --test e2e; then
    failed+=("$engine")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "end-to-end suite failed in: ${failed[*]}"
  exit 1
fi
