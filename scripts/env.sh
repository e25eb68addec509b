# Sourced by the project's scripts: where caches and the venv live, and the venv on PATH.
export SVCWRIGHT_CACHE=${SVCWRIGHT_CACHE:-/var/cache/svcwright}
export SVCWRIGHT_VENV=${SVCWRIGHT_VENV:-$SVCWRIGHT_CACHE/venv}
mkdir -p "$SVCWRIGHT_CACHE"
export PATH="$SVCWRIGHT_VENV/bin:$PATH"
