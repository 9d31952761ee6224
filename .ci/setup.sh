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
# CI runs in a fresh clone on the same machine: keep downloads and the built
# wasm-bindgen outside the work tree too, so such a run needn't rebuild them.
CACHE="${OCC_SETUP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/occupation-coder-setup}"
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
compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null || apt_update

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
# The oldest rustc the locked dependencies accept (postcard 1.2 needs 1.88): the workspace's
# rust-version. A machine's package lists can be old enough to offer an older rustc-web.
MIN_RUST=$(sed -nE 's/^rust-version[[:space:]]*=[[:space:]]*"([0-9]+\.[0-9]+).*/\1/p' "$ROOT/Cargo.toml" | head -n1)
[ -n "$MIN_RUST" ] || { echo "cannot find rust-version in Cargo.toml" >&2; exit 1; }
new_enough() { # "1.96.0+dfsg..." or "rustc 1.96.0 (...)" against MIN_RUST
  local v; v=$(grep -oE '[0-9]+\.[0-9]+' <<<"$1" | head -n1)
  [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$MIN_RUST" "$v" | sort -V | head -n1)" = "$MIN_RUST" ]
}
rustc_web_candidate() { apt-cache policy rustc-web 2>/dev/null | awk '/Candidate:/{print $2}'; }

setup_rustc_web() {
  if [ -f "$WEB/.complete" ] && new_enough "$(cat "$WEB/.complete")" &&
     LD_LIBRARY_PATH="$WEB/usr/lib/x86_64-linux-gnu" "$WEB/usr/bin/rustc" --version >/dev/null 2>&1; then
    log "rustc-web present: $(cat "$WEB/.complete")"
    return 0
  fi
  # Pick versions from apt so a later security update (1.97, LLVM 23...) still works.
  local ver mm llvm
  ver=$(rustc_web_candidate)
  if [ -z "$ver" ] || [ "$ver" = "(none)" ] || ! new_enough "$ver"; then
    log "rustc-web candidate '${ver:-none}' is older than rust-version $MIN_RUST: refreshing the package lists"
    apt_update; ver=$(rustc_web_candidate)
  fi
  new_enough "$ver" || { echo "setup: Debian offers rustc-web '${ver:-none}', but the dependencies need rustc >= $MIN_RUST;" \
    "install rustup's wasm32-unknown-unknown target instead (rustup target add wasm32-unknown-unknown)" >&2; exit 1; }
  mm=$(sed -E 's/^([0-9]+\.[0-9]+).*/\1/' <<<"$ver")
  llvm=$(apt-cache depends "libstd-rust-web-$mm" | sed -nE 's/^ *Depends: libllvm([0-9]+)$/\1/p' | head -n1)
  [ -n "$llvm" ] || { echo "cannot find the LLVM of libstd-rust-web-$mm" >&2; exit 1; }
  local pkgs=("rustc-web=$ver" "libstd-rust-web-$mm=$ver" "libstd-rust-web-dev=$ver"
              "rust-web-src=$ver" "libllvm$llvm" "lld-$llvm")
  # Runtime libraries the unpacked binaries link against (normally already there)
  # plus the C toolchain rustc-web depends on for host build scripts.
  apt_install gcc libc6-dev binutils libedit2 libffi8 libxml2 libz3-4 libzstd1 zlib1g
  local dl="$CACHE/debs-$ver"
  if [ ! -f "$dl/.complete" ]; then
    rm -rf "$CACHE"/debs-*; mkdir -p "$dl"
    log "fetching Debian ${pkgs[*]}"
    # Sandbox user root: _apt may not be able to write into our folders.
    local get=(apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}")
    (cd "$dl" && "${get[@]}" >/dev/null) || { apt_update; (cd "$dl" && "${get[@]}" >/dev/null); }
    touch "$dl/.complete"
  else
    log "using cached Debian packages in $dl"
  fi
  log "unpacking into $WEB"
  rm -rf "$WEB"; mkdir -p "$WEB"
  local deb; for deb in "$dl"/*.deb; do dpkg -x "$deb" "$WEB"; done
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
lock_wb() { [ -f "$ROOT/Cargo.lock" ] &&
  awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock"; }
toml_wb() { # wasm-bindgen = "=0.2.130"  or  wasm-bindgen = { version = "=0.2.130", ... }
  sed -nE 's/^wasm-bindgen[[:space:]]*=[[:space:]]*"=?([0-9][^"]*)".*/\1/p;
            s/^wasm-bindgen[[:space:]]*=.*version[[:space:]]*=[[:space:]]*"=?([0-9][^"]*)".*/\1/p' \
      "$ROOT/Cargo.toml" | head -n1; }
WB=$(lock_wb || true); [ -n "$WB" ] || WB=$(toml_wb)
[ -n "$WB" ] || { echo "cannot find the wasm-bindgen version in Cargo.lock/Cargo.toml" >&2; exit 1; }
wb_ok() { [ "$("$1/wasm-bindgen" --version 2>/dev/null | awk '{print $2}' || true)" = "$WB" ]; }
if wb_ok "$TC/bin"; then
  log "wasm-bindgen $WB present"
elif wb_ok "$CACHE/wasm-bindgen-$WB/bin"; then
  log "wasm-bindgen $WB from $CACHE"
  mkdir -p "$TC/bin"; cp -f "$CACHE/wasm-bindgen-$WB/bin/"* "$TC/bin/"
else
  log "cargo install wasm-bindgen-cli $WB (takes a few minutes)"
  # --locked first, for the tested dependency set; if a locked crate has been yanked
  # (webpki-roots 1.0.11 for 0.2.130), fall back to a fresh resolution.
  cargo install --locked --quiet --root "$TC" wasm-bindgen-cli --version "$WB" --force ||
    { log "locked install failed; retrying without --locked";
      cargo install --quiet --root "$TC" wasm-bindgen-cli --version "$WB" --force; }
fi
wb_ok "$CACHE/wasm-bindgen-$WB/bin" ||
  { mkdir -p "$CACHE/wasm-bindgen-$WB/bin"; cp -f "$TC"/bin/wasm* "$CACHE/wasm-bindgen-$WB/bin/"; }

# --- python3 -------------------------------------------------------------
# The trainer's fixture test generates its invented data with tests/fixtures/make_fixture_data.py.
if command -v python3 >/dev/null; then log "python3 present"; else apt_install python3; fi

# --- browser -------------------------------------------------------------
# fonts-liberation: chromium only recommends it, but screenshots need real text.
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  log "chromium present"
else
  apt_install chromium chromium-driver fonts-liberation
fi

# --- npm -----------------------------------------------------------------
# node_modules is stale when package.json/package-lock.json changed since the
# last install (hash kept in node_modules; mtimes are meaningless in a fresh clone).
lock_sha() { { cat "$ROOT/package.json"; cat "$ROOT/package-lock.json" 2>/dev/null || true; } |
             sha256sum | cut -c1-64; }
if [ -f "$ROOT/package.json" ]; then
  stamp="$ROOT/node_modules/.setup-lock-sha"
  if [ "$(cat "$stamp" 2>/dev/null || true)" = "$(lock_sha)" ]; then
    log "node_modules up to date"
  else
    cd "$ROOT"
    if [ -f package-lock.json ]; then log "npm ci"; npm ci --no-audit --no-fund --loglevel=error
    else log "npm install"; npm install --no-audit --no-fund --loglevel=error; fi
    lock_sha > "$stamp"
  fi
fi
# --- cargo-fuzz ----------------------------------------------------------
# The fuzz targets (tests/fuzz) run briefly in `make test`. Installed once per machine into
# the cache, then linked into .toolchain/bin like wasm-bindgen.
if cargo fuzz --version >/dev/null 2>&1 || [ -x "$TC/bin/cargo-fuzz" ]; then
  log "cargo-fuzz present"
elif [ -x "$CACHE/cargo-fuzz/bin/cargo-fuzz" ]; then
  log "cargo-fuzz from $CACHE"
  mkdir -p "$TC/bin"; cp -f "$CACHE/cargo-fuzz/bin/cargo-fuzz" "$TC/bin/"
else
  log "cargo install cargo-fuzz (takes a minute or two)"
  cargo install --locked --quiet --root "$CACHE/cargo-fuzz" cargo-fuzz
  mkdir -p "$TC/bin"; cp -f "$CACHE/cargo-fuzz/bin/cargo-fuzz" "$TC/bin/"
fi
log "done"
