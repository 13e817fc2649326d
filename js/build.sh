#!/usr/bin/env bash
# `npm run build`: compiles ../wasm for wasm32-unknown-unknown in release mode (a panic, which
# the library never reaches, aborts at once: no formatting code), writes the JavaScript glue
# and the .wasm into dist/ with wasm-bindgen, and prints the module's size. Installs the
# toolchain on first use (see ../wasm/toolchain.sh).
set -euo pipefail
cd "$(dirname "$0")"
source ../wasm/toolchain.sh
install_wasm_bindgen
wasm_cargo build --release --lib --quiet \
    --config 'target.wasm32-unknown-unknown.rustflags = ["-Zunstable-options", "-Cpanic=immediate-abort"]'
rm -rf dist
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir dist "$WASM_TARGET_DIR/wasm32-unknown-unknown/release/sigv4_wss_wasm.wasm"
wasm=dist/sigv4_wss_wasm_bg.wasm
echo "$wasm: $(wc -c <"$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) gzipped (gzip -9)"
