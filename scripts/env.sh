# shellcheck shell=bash
# Sourced by the project's scripts: where caches and the venv live, the venv on PATH, and
# this checkout visible to Ansible as the collection svcwright.services.
SVCWRIGHT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export SVCWRIGHT_TOP
export SVCWRIGHT_CACHE=${SVCWRIGHT_CACHE:-/var/cache/svcwright}
export SVCWRIGHT_VENV=${SVCWRIGHT_VENV:-$SVCWRIGHT_CACHE/venv}
mkdir -p "$SVCWRIGHT_CACHE"
export PATH="$SVCWRIGHT_VENV/bin:$PATH"
_collections="$SVCWRIGHT_TOP/tests/output/collections"
mkdir -p "$_collections/ansible_collections/svcwright"
ln -sfn ../../../../.. "$_collections/ansible_collections/svcwright/services"
export ANSIBLE_COLLECTIONS_PATH="$_collections"
export ANSIBLE_CONNECTION_PLUGINS="$SVCWRIGHT_TOP/tests/connection_plugins"
export PYTHONPATH="$_collections${PYTHONPATH:+:$PYTHONPATH}"
unset _collections
