#!/bin/sh
# Installs the differential-test oracles (see tests/oracles/README.md):
#   - a Python virtual environment in .oracles/ with the pinned requirements.txt
#     (botocore, awscrt = aws-c-auth),
#   - tests/oracles/node_modules from the pinned package-lock.json (@smithy/signature-v4).
# Needs python3 (with pip), node >= 18 and npm; downloads from PyPI and npm.
# Idempotent: each half is skipped when its lock file has not changed since the last
# successful install (a stamp file records the lock file's hash). FORCE=1 reinstalls.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv="$root/.oracles"
modules="$here/node_modules"

say() { printf 'oracles setup: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

hash_of() { python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"; }

command -v python3 >/dev/null || fail "python3 not found"
command -v node >/dev/null || fail "node not found (need node >= 18)"
command -v npm >/dev/null || fail "npm not found"

# --- Python: botocore and awscrt -------------------------------------------------------
py_hash=$(hash_of "$here/requirements.txt")
py_stamp="$venv/.installed-requirements"
if [ "${FORCE:-0}" != 1 ] && [ -x "$venv/bin/python" ] && [ "$(cat "$py_stamp" 2>/dev/null)" = "$py_hash" ]; then
    say "python venv up to date ($venv)"
else
    say "creating python venv in $venv"
    rm -rf "$venv"
    if python3 -m venv "$venv" >/dev/null 2>&1 && [ -x "$venv/bin/pip" ]; then
        pip_cmd="$venv/bin/python -m pip"
    else
        # Debian without python3-venv has no ensurepip: make the venv without pip and drive
        # it with the system's pip (pip >= 22.3 has --python).
        rm -rf "$venv"
        python3 -m venv --without-pip "$venv" || fail "python3 -m venv --without-pip $venv"
        python3 -m pip --version >/dev/null 2>&1 || fail "no pip: install python3-pip or python3-venv"
        pip_cmd="python3 -m pip --python $venv/bin/python"
    fi
    # shellcheck disable=SC2086  # pip_cmd is a command line on purpose
    $pip_cmd install --quiet --disable-pip-version-check --no-input -r "$here/requirements.txt" \
        || fail "pip install -r tests/oracles/requirements.txt"
    "$venv/bin/python" -c 'import botocore, awscrt' || fail "botocore/awscrt do not import"
    echo "$py_hash" >"$py_stamp"
    say "python oracles installed: $("$venv/bin/python" -c 'import botocore; from importlib.metadata import version; print("botocore", botocore.__version__, "awscrt", version("awscrt"))')"
fi

# --- JavaScript: @smithy/signature-v4 --------------------------------------------------
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || fail "node $(node --version) is too old (need >= 18)"
js_hash=$(hash_of "$here/package-lock.json")
js_stamp="$modules/.installed-package-lock"
if [ "${FORCE:-0}" != 1 ] && [ -d "$modules" ] && [ "$(cat "$js_stamp" 2>/dev/null)" = "$js_hash" ]; then
    say "node_modules up to date ($modules)"
else
    say "npm ci in tests/oracles"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in tests/oracles"
    echo "$js_hash" >"$js_stamp"
    say "js oracles installed: @smithy/signature-v4 $(node -p 'require(process.argv[1]).version' "$modules/@smithy/signature-v4/package.json")"
fi
say "OK"
