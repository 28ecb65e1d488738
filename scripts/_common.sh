# shellcheck shell=bash
# Sourced by the scripts in this folder: moves to the project root and provides use_venv.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
# The virtualenv; CI points VENV elsewhere to smoke-test an install without the dev extras.
VENV="${VENV:-$ROOT/.venv}"

die() {
    echo "error: $*" >&2
    exit 1
}

# use_venv [EXTRA]: create $VENV (.venv) if missing, (re)install the project into it when
# pyproject.toml changed since the last install (a stamp file in the venv remembers), and put
# its bin/ first on PATH. EXTRA is an optional-dependency group such as "dev".
use_venv() {
    local extra="${1:-}"
    local python="${PYTHON:-python3}"
    if [ ! -x "$VENV/bin/python" ]; then
        command -v "$python" >/dev/null 2>&1 || die "$python not found; install Python 3.11 or newer (or set PYTHON=/path/to/python3)"
        "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
            || die "$python is $("$python" -V 2>&1); Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)"
        echo "==> Creating $VENV with $("$python" -V 2>&1)"
        "$python" -m venv "$VENV" || die "could not create $VENV (on Debian/Ubuntu: apt-get install python3-venv)"
    fi
    "$VENV/bin/python" -c 'pass' 2>/dev/null || die "$VENV is broken (was its Python removed?); delete it and run again"

    local want stamp
    want="$("$VENV/bin/python" -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')"
    stamp="$VENV/.installed${extra:+-$extra}"
    local installed=""
    [ -f "$stamp" ] && installed="$(cat "$stamp")"
    # An install with extras also satisfies a plain one.
    if [ -z "$extra" ] && [ "$installed" != "$want" ] && [ -f "$VENV/.installed-dev" ]; then
        installed="$(cat "$VENV/.installed-dev")"
    fi
    if [ "$installed" != "$want" ]; then
        echo "==> Installing the project into $VENV${extra:+ (with [$extra])}"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".${extra:+[$extra]}" \
            || die "pip install failed (see above)"
        echo "$want" >"$stamp"
    fi
    export VIRTUAL_ENV="$VENV"
    export PATH="$VIRTUAL_ENV/bin:$PATH"
    hash -r
}

# use_venv_if_present: the serve-* scripts also run in the Docker image, which has no .venv
# (the project is installed into the image's Python); by hand they use .venv when it exists.
use_venv_if_present() {
    if [ -z "${VIRTUAL_ENV:-}" ] && [ -x "$VENV/bin/python" ]; then
        export VIRTUAL_ENV="$VENV"
        export PATH="$VIRTUAL_ENV/bin:$PATH"
    fi
}
