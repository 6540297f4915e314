# Sourced by the other scripts: where the tools live and how they are run.
TOOLS="${QIE_TOOLS:-$HOME/.cache/qie-tools}"
export PATH="$HOME/.cargo/bin:$TOOLS/npm/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export AXE_JS="${AXE_JS:-$TOOLS/npm/node_modules/axe-core/axe.min.js}"
export FAL_CLIENT="${FAL_CLIENT:-$TOOLS/npm/node_modules/@fal-ai/client}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Release builds (`make serve`, the suite's build, the bench, Pages) use a
# pinned nightly Rust that rebuilds the standard library for size and makes
# a panic abort at once (no panic messages or formatting in the wasm):
# 21 KB less brotli than stable (README, "Where the bytes go"). setup.sh
# installs it; without it (an offline machine) the build falls back to the
# stable toolchain, bigger but the same app, and says so.
QIE_NIGHTLY=nightly-2026-05-19
nightly_ready() {
  local sysroot
  sysroot="$(rustup run "$QIE_NIGHTLY" rustc --print sysroot 2>/dev/null)" &&
    [ -d "$sysroot/lib/rustlib/src/rust/library/std" ]
}
trunk_release() { # trunk's own arguments
  if nightly_ready; then
    RUSTUP_TOOLCHAIN="$QIE_NIGHTLY" \
    CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort" \
      trunk "$@"
  else
    echo "warning: $QIE_NIGHTLY with rust-src is missing (bash scripts/setup.sh installs it): building with stable Rust, a bigger wasm" >&2
    trunk "$@"
  fi
}
