#!/usr/bin/env bash
# Sets up a fresh machine if needed, then runs every test:
#   1. native unit tests of the plain-Rust layers (cargo test)
#   2. component tests in headless Chromium (wasm-bindgen-test)
#   2b. fal's JavaScript client against the fake queue server (conformance)
#   3. the end-to-end suite: release build + fake queue server + WebDriver
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }
cleanup() { rm -rf /tmp/org.chromium.Chromium.* /tmp/.org.chromium.Chromium.* 2>/dev/null || true; }
trap cleanup EXIT

step "native unit tests"
cargo test --locked --workspace --exclude counter --lib --bins

step "fake server conformance (fal's own JavaScript client against it)"
cargo test --locked -p e2e --test conformance

step "browser component tests (wasm-bindgen-test, headless Chromium)"
cargo test --locked --target wasm32-unknown-unknown --test web

step "release build of the app"
trunk build --release --locked

step "end-to-end suite (WebDriver + fake queue server)"
# Screenshots of the main screen land in target/screenshots (QIE_SHOTS).
QIE_SHOTS="${QIE_SHOTS:-$ROOT/target/screenshots}" QIE_DIST="$ROOT/dist" cargo test --locked -p e2e --test e2e
