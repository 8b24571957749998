#!/usr/bin/env bash
# Set up everything Friction Lab needs on a fresh machine; safe to run again (steps are skipped
# when their inputs have not changed). Used by ./scripts/run and ./scripts/test.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-python.sh
find_python

VENV=${FRICTION_VENV:-.venv}
stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }

if [ ! -x "$VENV/bin/python" ] || ! _py_ok "$VENV/bin/python"; then
    echo "==> Creating $VENV with $PY"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
fi
want=$(stamp pyproject.toml)
if [ "$(cat "$VENV/.friction-stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> Installing Python packages into $VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e '.[dev]'
    echo "$want" > "$VENV/.friction-stamp"
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "npm was not found. Install Node.js 20 or newer (Debian: apt-get install nodejs npm)." >&2
    exit 1
fi
want=$(stamp package.json package-lock.json)
if [ ! -d node_modules ] || [ "$(cat node_modules/.friction-stamp 2>/dev/null)" != "$want" ]; then
    echo "==> Installing front-end packages (npm ci: versions and integrity from package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > node_modules/.friction-stamp
fi

echo "==> Building the editor bundle and the self-hosted Pyodide runtime"
"$VENV/bin/python" scripts/build_assets.py
