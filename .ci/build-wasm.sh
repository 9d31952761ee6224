#!/usr/bin/env bash
# Build the occupation-coder crate for the browser: release wasm32 + wasm-bindgen
# (--target web) into www/pkg/.  Env: WASM_OPT_LEVEL (default 3; "s"/"z" for size).
# Note: Cargo.toml sets opt-level 3 for dependencies; this only changes our crate.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CRATE=occupation-coder LIB=occupation_coder OUT="$ROOT/www/pkg"
WB="$ROOT/.toolchain/bin/wasm-bindgen"
[ -x "$WB" ] || { echo "build-wasm: $WB missing; run .ci/setup.sh" >&2; exit 1; }

opt=${WASM_OPT_LEVEL:-3}
case $opt in [0-9]) optval=$opt ;; *) optval="\"$opt\"" ;; esac  # TOML: 3 vs "s"

echo "build-wasm: cargo build (opt-level=$opt)"
"$ROOT/.ci/cargo-wasm" build --release --lib -p "$CRATE" --config "profile.release.opt-level=$optval"

wasm="$("$ROOT/.ci/cargo-wasm" --print-target-dir)/wasm32-unknown-unknown/release/$LIB.wasm"
[ -f "$wasm" ] || { echo "build-wasm: $wasm not found" >&2; exit 1; }
echo "build-wasm: wasm-bindgen $wasm -> $OUT"
rm -rf "$OUT"
"$WB" --target web --typescript --out-dir "$OUT" "$wasm"
ls -l "$OUT" | awk 'NR>1{printf "build-wasm:   %9d  %s\n", $5, $9}'
