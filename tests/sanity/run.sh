#!/usr/bin/env bash
# ansible-test sanity needs the collection at .../ansible_collections/svcwright/services:
# run it on a copy of the tracked files.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work="$top/tests/output/sanity/ansible_collections/svcwright/services"
rm -rf "$work"
mkdir -p "$work"
(cd "$top" && git ls-files -co --exclude-standard -z | rsync -a --from0 --files-from=- ./ "$work/")
cd "$work"
git init -q . && git add -A >/dev/null
ansible-test sanity --python "$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \
  --color no --exclude tests/harness/ --exclude examples/ "$@"
