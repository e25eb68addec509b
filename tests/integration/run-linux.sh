#!/usr/bin/env bash
# Integration tests of the Linux path: two real systemd hosts, the modules through
# ansible-playbook over SSH. Hosts are torn down on exit, also on failure.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"
# Host names are unique on this machine; SVCWRIGHT_HOSTS_PREFIX lets two runs coexist.
prefix=${SVCWRIGHT_HOSTS_PREFIX:-svcw-it}
state="$top/tests/output/hosts-linux-$prefix"
bin="$top/tests/output/bin"
mkdir -p "$bin"

for version in 1.0.0 2.0.0; do
  (cd "$top/examples/hello" && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 \
    go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$bin/hello-$version" .)
done

# SVCWRIGHT_KEEP_HOSTS=1 keeps the hosts up after the run (and reuses them), for debugging.
if [[ "${SVCWRIGHT_KEEP_HOSTS:-}" != 1 ]]; then
  cleanup() { "$top/tests/harness/linux-hosts" down --state "$state" || true; }
  trap cleanup EXIT
  "$top/tests/harness/linux-hosts" down --state "$state" >/dev/null 2>&1 || true
fi
[[ -f "$state/inventory.yml" ]] || "$top/tests/harness/linux-hosts" up --state "$state" "${prefix}1" "${prefix}2"

export SVCWRIGHT_TEST_BIN="$bin"
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_STDOUT_CALLBACK=default
export ANSIBLE_DISPLAY_SKIPPED_HOSTS=false
for playbook in systemd_unit.yml release_linux.yml verify_linux.yml; do
  echo "=== $playbook"
  ansible-playbook -i "$state/inventory.yml" "$top/tests/integration/$playbook" "$@"
done
