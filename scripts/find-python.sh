# Sourced by the other scripts: sets PY to a Python 3.12+ interpreter or stops with a message.
# Order: $FRICTION_PYTHON, then python3.13/python3.12/python3 on PATH, then pyenv's versions.
_py_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
find_python() {
    local cand
    if [ -n "${FRICTION_PYTHON:-}" ]; then
        if _py_ok "$FRICTION_PYTHON"; then PY=$FRICTION_PYTHON; return 0; fi
        echo "FRICTION_PYTHON=$FRICTION_PYTHON is not a Python 3.12 or newer." >&2
        return 1
    fi
    for cand in python3.14 python3.13 python3.12 python3; do
        if command -v "$cand" >/dev/null 2>&1 && _py_ok "$(command -v "$cand")"; then
            PY=$(command -v "$cand"); return 0
        fi
    done
    local root=${PYENV_ROOT:-$HOME/.pyenv}
    for cand in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
        if _py_ok "$cand"; then PY=$cand; return 0; fi
    done
    cat >&2 <<MSG
Friction Lab needs Python 3.12 or newer (pyodide-build and pyodide-lock require it), and none was
found on PATH or under $root/versions.
Install one (for example your distribution's python3.12 package, or 'pyenv install 3.12'), or
point the scripts at it:  FRICTION_PYTHON=/path/to/python3.12 ./scripts/run
MSG
    return 1
}
