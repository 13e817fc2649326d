# Sourced (bash) by tests/browser/run and js/build.sh: the toolchain that builds this crate for
# wasm32-unknown-unknown, installed on first use.
#
# rustup cannot download the wasm32 standard library here, so the build uses Debian's
# rustc-web and cargo-web with the matching std sources (rust-web-src) and builds std from
# source (-Zbuild-std, allowed on a stable compiler through RUSTC_BOOTSTRAP=1). lld-NN, NN being
# that rustc's LLVM major version, links the .wasm. The rustup toolchains are left alone:
# Debian's rustc and cargo are called by absolute path.
#
# Defines:
#   wasm_cargo COMMAND ARGS...  Debian's cargo COMMAND for wasm32-unknown-unknown, run in wasm/
#   install_wasm_bindgen        wasm-bindgen and wasm-bindgen-test-runner at the version that
#                               wasm/Cargo.lock pins, with `cargo install`
#   apt_install PACKAGE...      apt-get install, quietly, of what is not installed yet
# Sets WASM_DIR (this directory) and WASM_TARGET_DIR (its target directory, under
# CARGO_TARGET_DIR when that is set).

WASM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WASM_TARGET_DIR=${CARGO_TARGET_DIR:-$WASM_DIR/target}/wasm

apt_install() {
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$package")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    echo "toolchain: apt-get install ${missing[*]}"
    if [ -z "${apt_updated:-}" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >/dev/null
}

wasm_toolchain() {
    [ -n "${wasm_linker:-}" ] && return 0
    apt_install rustc-web cargo-web rust-web-src || return 1
    # rust-web-src does not depend on rustc-web: the std sources must be the compiler's.
    if [ "$(dpkg-query -W -f='${Version}' rustc-web)" != "$(dpkg-query -W -f='${Version}' rust-web-src)" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            rustc-web cargo-web rust-web-src >/dev/null || return 1
    fi
    local llvm
    llvm=$(/usr/bin/rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
    apt_install "lld-$llvm" || return 1
    wasm_linker=wasm-ld-$llvm
}

wasm_cargo() {
    wasm_toolchain || return 1
    (cd "$WASM_DIR" && env -u RUSTUP_TOOLCHAIN -u RUSTC_WRAPPER -u RUSTFLAGS \
        RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
        CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$wasm_linker" \
        /usr/bin/cargo "$1" --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort "${@:2}")
}

install_wasm_bindgen() {
    local version
    version=$(grep -A1 '^name = "wasm-bindgen"$' "$WASM_DIR/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')
    [ -n "$version" ] || { echo "toolchain: no wasm-bindgen in $WASM_DIR/Cargo.lock"; return 1; }
    if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $version" ]; then
        echo "toolchain: cargo install wasm-bindgen-cli $version"
        # Not --locked: its lockfile can name a version that the registry has since yanked.
        # No default features: they add TLS, which talking to a local chromedriver never needs.
        cargo install --quiet --no-default-features wasm-bindgen-cli --version "$version" || return 1
    fi
}
