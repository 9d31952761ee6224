#!/usr/bin/env bash
# Runs every fuzz target for N seconds each (default 30) and exits non-zero if any crashes.
#
#   tests/fuzz/run.sh [SECONDS]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). cargo-fuzz uses nightly-only rustc
# flags; on a stable toolchain this script sets RUSTC_BOOTSTRAP=1 to allow them. The address
# sanitizer is used when the toolchain has it, else `FUZZ_SANITIZER=none` (set automatically
# if a sanitizer build fails). Seeds: tests/fuzz/seeds/<target>/ (the frozen v1 pack for
# pack_reader). suggest_within and shipped_text code with the shipped packs, read from
# $OCCODER_MODELS_DIR or else www/models/ (`make packs` builds them). The growing corpus and
# any crash inputs go to tests/fuzz/{corpus,artifacts}/ (git-ignored). A crash prints the
# input file to reproduce with
#   cargo fuzz run --fuzz-dir tests/fuzz <target> tests/fuzz/artifacts/<target>/crash-...
set -euo pipefail

seconds="${1:-30}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

export RUSTC_BOOTSTRAP="${RUSTC_BOOTSTRAP:-1}"
sanitizer="${FUZZ_SANITIZER:-address}"
targets=(pack_reader text suggest_within shipped_text)

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "run.sh: cargo-fuzz is not installed; run: cargo install cargo-fuzz --locked" >&2
    exit 2
fi

models="${OCCODER_MODELS_DIR:-$root/www/models}"
for pack in osca2024 anzsco2022; do
    if [ ! -f "$models/$pack.ocpk" ]; then
        echo "run.sh: the shipped pack $models/$pack.ocpk is missing (suggest_within and shipped_text fuzz it): run \`make packs\` or set OCCODER_MODELS_DIR" >&2
        exit 2
    fi
done

if ! cargo fuzz build --fuzz-dir tests/fuzz -s "$sanitizer" >/dev/null 2>&1; then
    if [ "$sanitizer" != none ]; then
        echo "run.sh: building with -s $sanitizer failed; falling back to -s none" >&2
        sanitizer=none
    fi
    cargo fuzz build --fuzz-dir tests/fuzz -s "$sanitizer"
fi

status=0
for t in "${targets[@]}"; do
    corpus="tests/fuzz/corpus/$t"
    mkdir -p "$corpus"
    echo "== fuzzing $t for ${seconds}s (sanitizer: $sanitizer)"
    if ! cargo fuzz run --fuzz-dir tests/fuzz -s "$sanitizer" "$t" "$corpus" "tests/fuzz/seeds/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1; then
        echo "run.sh: target $t FAILED (crash input under tests/fuzz/artifacts/$t/)" >&2
        status=1
    fi
done
exit "$status"
