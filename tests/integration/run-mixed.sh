#!/usr/bin/env bash
# Integration tests on a mixed fleet: two systemd hosts and one Wine stand-in for Windows,
# in one inventory. Runs the playbooks given as arguments (default: service.yml). Hosts
# are torn down on exit, also on failure.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"
linux_state="$top/tests/output/hosts-mixed-linux"
windows_state="$top/tests/output/hosts-mixed-windows"
bin="$top/tests/output/bin"
mkdir -p "$bin"

for version in 1.0.0 2.0.0; do
  for goos in linux windows; do
    ext=""
    [[ $goos == windows ]] && ext=.exe
    (cd "$top/examples/hello" && CGO_ENABLED=0 GOOS=$goos GOARCH=amd64 \
      go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$bin/hello-$version$ext" .)
  done
done

if [[ "${SVCWRIGHT_KEEP_HOSTS:-}" != 1 ]]; then
  cleanup() {
    "$top/tests/harness/linux-hosts" down --state "$linux_state" || true
    "$top/tests/harness/wine-host" down --state "$windows_state" || true
  }
  trap cleanup EXIT
fi
[[ -f "$linux_state/inventory.yml" ]] || "$top/tests/harness/linux-hosts" up --state "$linux_state" svcw-mx1 svcw-mx2
[[ -f "$windows_state/inventory.yml" ]] || "$top/tests/harness/wine-host" up --state "$windows_state" svcw-mxwin
install_dir="$windows_state/svcw-mxwin/prefix/drive_c/svcw test/[hello]"
mkdir -p "$install_dir"
cp "$bin/hello-1.0.0.exe" "$install_dir/hello.exe"

export SVCWRIGHT_TEST_BIN="$bin"
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_DISPLAY_SKIPPED_HOSTS=false
playbooks=("$@")
((${#playbooks[@]})) || playbooks=(service.yml)
for playbook in "${playbooks[@]}"; do
  echo "=== $playbook"
  ansible-playbook -i "$linux_state/inventory.yml" -i "$windows_state/inventory.yml" "$top/tests/integration/$playbook"
done
