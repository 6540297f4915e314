#!/usr/bin/env bash
# The release bundle's raw and brotli sizes (wasm, js, css, html), beside a
# plain Leptos counter built the same way (same profile, same wasm-opt) in
# the same run. A benchmark, not a test: it prints, it does not judge.
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash scripts/setup.sh >/dev/null
OUT="$ROOT/target/bench"
rm -rf "$OUT" && mkdir -p "$OUT"

build() { # name dir
  local t0=$SECONDS
  (cd "$2" && trunk_release build --release --locked --dist "$OUT/$1" >"$OUT/$1.log" 2>&1) || { cat "$OUT/$1.log"; exit 1; }
  echo "$1 built in $((SECONDS - t0)) s" >&2
}
build counter "$ROOT/bench/counter"
build app "$ROOT"

# Only the files that exist (release builds put the app's CSS into its page).
present() { for f in "$@"; do [ -f "$f" ] && printf '%s\0' "$f"; done; }
size() { present "$@" | xargs -0 -r cat | wc -c | tr -d ' '; }
br() { [ "$(size "$@")" = 0 ] && { echo 0; return; }; present "$@" | xargs -0 -r cat | brotli -q 11 -c | wc -c | tr -d ' '; }

row() { # label files...
  printf '| %-5s | %9s | %9s |' "$1" "$(size "${@:2}")" "$(br "${@:2}")"
}

echo
echo "| part  | app raw   | app br    | counter raw | counter br |"
echo "|-------|-----------|-----------|-------------|------------|"
for part in wasm js css html; do
  case $part in
    wasm) pat='*.wasm' ;; js) pat='*.js' ;; css) pat='*.css' ;; html) pat='index.html' ;;
  esac
  a=( "$OUT"/app/$pat ); c=( "$OUT"/counter/$pat )
  printf '| %-5s | %9s | %9s | %11s | %10s |\n' "$part" "$(size "${a[@]}")" "$(br "${a[@]}")" "$(size "${c[@]}")" "$(br "${c[@]}")"
done
A=( "$OUT"/app/*.wasm "$OUT"/app/*.js "$OUT"/app/*.css "$OUT"/app/index.html )
C=( "$OUT"/counter/*.wasm "$OUT"/counter/*.js "$OUT"/counter/*.css "$OUT"/counter/index.html )
printf '| %-5s | %9s | %9s | %11s | %10s |\n' "all" "$(size "${A[@]}")" "$(br "${A[@]}")" "$(size "${C[@]}")" "$(br "${C[@]}")"
echo
echo "brotli -q 11 of html+css+js+wasm together; the budget for the whole app is 250000 bytes (TOOLCHAIN.md)."
echo "app over counter: $(( $(br "${A[@]}") - $(br "${C[@]}") )) bytes brotli"

# A first visit on a slow phone, the app beside the counter: brotli copies
# of each file, as a static host that compresses sends them.
for d in "$OUT/app" "$OUT/counter"; do
  for f in "$d"/*.wasm "$d"/*.js "$d"/*.css "$d"/index.html; do [ -f "$f" ] && brotli -k -f -q 11 "$f"; done
done
echo
cargo run --locked -q -p e2e --bin bench-first-visit -- "$OUT/app" "$OUT/counter"
rm -rf /tmp/org.chromium.Chromium.* 2>/dev/null || true

echo
cargo run --locked -q -p e2e --bin bench-images -- "$OUT/app"
rm -rf /tmp/org.chromium.Chromium.* 2>/dev/null || true

echo
cargo run --locked -q -p e2e --bin bench-requests -- "$OUT/app"
rm -rf /tmp/org.chromium.Chromium.* 2>/dev/null || true

echo
cargo run --locked -q -p e2e --bin bench-groups -- "$OUT/app"
rm -rf /tmp/org.chromium.Chromium.* 2>/dev/null || true

echo
cargo run --locked -q -p e2e --bin bench-kept -- "$OUT/app"
rm -rf /tmp/org.chromium.Chromium.* 2>/dev/null || true

# The region work (issue 22): mask, feather, composite and difference at
# 1 and 4 MP, and a pointer move while drawing on a 2048² image, in the
# release profile in headless Chromium (ignored by the test suite).
echo
cargo test --locked --release --target wasm32-unknown-unknown --test web bench:: -- --include-ignored --nocapture 2>&1 | grep '^|'
rm -rf /tmp/org.chromium.Chromium.* 2>/dev/null || true
echo
cargo run --locked -q -p e2e --bin bench-regions -- "$OUT/app"
rm -rf /tmp/org.chromium.Chromium.* 2>/dev/null || true

echo
cargo run --locked -q -p e2e --bin bench-uploads -- "$OUT/app"
rm -rf /tmp/org.chromium.Chromium.* 2>/dev/null || true
