#!/usr/bin/env bash
# Provision the wasm toolchain and browser-test tools. Idempotent: every step
# checks first, so a warm rerun takes seconds. Safe for CI (root, no stdin).
#   - rustup's wasm32-unknown-unknown target if installed; otherwise Debian's
#     rustc-web (+ std, std sources, LLVM, wasm-ld) unpacked into
#     .toolchain/rustc-web, because rustup cannot download targets here.
#   - wasm-bindgen-cli matching the wasm-bindgen crate, in .toolchain/bin.
#   - Debian chromium + chromium-driver, npm playwright-core + axe-core.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TC="$ROOT/.toolchain"
WEB="$TC/rustc-web"
export DEBIAN_FRONTEND=noninteractive
log() { printf '[setup] %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

# --- apt helpers ---------------------------------------------------------
APT_UPDATED=0
apt_update() {
  [ "$APT_UPDATED" = 1 ] && return 0
  log "apt-get update"
  as_root apt-get update -qq
  APT_UPDATED=1
}
# A fresh image may have no package lists at all.
compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null || apt_update

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
apt_install() { # install only the packages that are missing; retry after an update
  local missing=() p
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} = 0 ] && return 0
  log "apt-get install ${missing[*]}"
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { apt_update; as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
}

# --- wasm32 compiler -----------------------------------------------------
setup_rustc_web() {
  if [ -f "$WEB/.complete" ] &&
     LD_LIBRARY_PATH="$WEB/usr/lib/x86_64-linux-gnu" "$WEB/usr/bin/rustc" --version >/dev/null 2>&1; then
    log "rustc-web present: $(cat "$WEB/.complete")"
    return 0
  fi
  # Pick versions from apt so a later security update (1.97, LLVM 23...) still works.
  local ver mm llvm
  ver=$(apt-cache policy rustc-web | awk '/Candidate:/{print $2}')
  if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
    apt_update; ver=$(apt-cache policy rustc-web | awk '/Candidate:/{print $2}')
  fi
  mm=$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$ver")
  llvm=$(apt-cache depends "libstd-rust-web-$mm" | sed -nE 's/^ *Depends: libllvm([0-9]+)$/\1/p' | head -n1)
  [ -n "$llvm" ] || { echo "cannot find the LLVM of libstd-rust-web-$mm" >&2; exit 1; }
  local pkgs=("rustc-web=$ver" "libstd-rust-web-$mm=$ver" "libstd-rust-web-dev=$ver"
              "rust-web-src=$ver" "libllvm$llvm" "lld-$llvm")
  log "fetching Debian ${pkgs[*]}"
  # Runtime libraries the unpacked binaries link against (normally already there)
  # plus the C toolchain rustc-web depends on for host build scripts.
  apt_install gcc libc6-dev binutils libedit2 libffi8 libxml2 libz3-4 libzstd1 zlib1g
  local dl="$TC/.debs"; rm -rf "$dl"; mkdir -p "$dl"
  (cd "$dl" && apt-get download -q "${pkgs[@]}" >/dev/null) ||
    { apt_update; (cd "$dl" && apt-get download -q "${pkgs[@]}" >/dev/null); }
  rm -rf "$WEB"; mkdir -p "$WEB"
  local deb; for deb in "$dl"/*.deb; do dpkg -x "$deb" "$WEB"; done
  rm -rf "$dl"
  # Fail here, not in the first build, if a shared library is missing.
  local miss
  miss=$(LD_LIBRARY_PATH="$WEB/usr/lib/x86_64-linux-gnu" ldd "$WEB/usr/bin/rustc" \
         "$WEB/usr/lib/llvm-$llvm/bin/wasm-ld" | grep 'not found' || true)
  [ -z "$miss" ] || { echo "missing libraries:"$'\n'"$miss" >&2; exit 1; }
  LD_LIBRARY_PATH="$WEB/usr/lib/x86_64-linux-gnu" "$WEB/usr/bin/rustc" --version > "$WEB/.complete"
  log "rustc-web ready: $(cat "$WEB/.complete")"
}

if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "using rustup's wasm32-unknown-unknown target"
else
  setup_rustc_web
fi

# --- wasm-bindgen-cli ----------------------------------------------------
# The CLI must be exactly the version of the wasm-bindgen crate in the build.
wb_version() {
  if [ -f "$ROOT/Cargo.lock" ]; then
    awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock"
  else
    sed -nE 's/^wasm-bindgen[[:space:]]*=[[:space:]]*"=?([0-9][^"]*)".*/\1/p;
              s/^wasm-bindgen[[:space:]]*=.*version[[:space:]]*=[[:space:]]*"=?([0-9][^"]*)".*/\1/p' \
        "$ROOT/Cargo.toml" | head -n1
  fi
}
WB=$(wb_version)
[ -n "$WB" ] || { echo "cannot find the wasm-bindgen version in Cargo.lock/Cargo.toml" >&2; exit 1; }
if [ "$("$TC/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}')" = "$WB" ]; then
  log "wasm-bindgen $WB present"
else
  log "cargo install wasm-bindgen-cli $WB (takes a few minutes)"
  cargo install --locked --quiet --root "$TC" wasm-bindgen-cli --version "$WB" --force
fi

# --- browser -------------------------------------------------------------
# fonts-liberation: chromium only recommends it, but screenshots need real text.
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  log "chromium present"
else
  apt_install chromium chromium-driver fonts-liberation
fi

# --- npm -----------------------------------------------------------------
# node_modules is stale when package-lock.json changed since the last install.
if [ -f "$ROOT/package.json" ]; then
  stamp="$ROOT/node_modules/.setup-lock-sha"
  want=$(cat "$ROOT/package.json" "$ROOT/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    log "node_modules up to date"
  else
    cd "$ROOT"
    if [ -f package-lock.json ]; then log "npm ci"; npm ci --no-audit --no-fund --loglevel=error
    else log "npm install"; npm install --no-audit --no-fund --loglevel=error; fi
    cat package.json package-lock.json | sha256sum | cut -d' ' -f1 > "$stamp"
  fi
fi
log "done"
