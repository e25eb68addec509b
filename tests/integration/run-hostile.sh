#!/usr/bin/env bash
# The hostile-input suite: one systemd host and one Wine stand-in for Windows, every module
# and the deploy role fed values that must be refused without changing the host
# (tests/integration/hostile.yml). Prints the table of cases at the end. Hosts are torn
# down on exit, also on failure.
# SVCWRIGHT_HOSTILE_LINUX / SVCWRIGHT_HOSTILE_WINDOWS name the hosts; SVCWRIGHT_KEEP_HOSTS=1
# keeps them up after the run (and reuses them), for debugging.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"
linux_host=${SVCWRIGHT_HOSTILE_LINUX:-svcw-h3a}
windows_host=${SVCWRIGHT_HOSTILE_WINDOWS:-svcw-win-h3}
linux_state="$top/tests/output/hosts-h3"
windows_state="$top/tests/output/hosts-win-h3"
bin="$top/tests/output/bin"
report="$top/tests/output"
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
  # shellcheck disable=SC2317  # called by the EXIT trap
  cleanup() {
    "$top/tests/harness/linux-hosts" down --state "$linux_state" || true
    "$top/tests/harness/wine-host" down --state "$windows_state" || true
  }
  trap cleanup EXIT
  "$top/tests/harness/linux-hosts" down --state "$linux_state" >/dev/null 2>&1 || true
  "$top/tests/harness/wine-host" down --state "$windows_state" >/dev/null 2>&1 || true
fi
[[ -f "$linux_state/inventory.yml" ]] || "$top/tests/harness/linux-hosts" up --state "$linux_state" "$linux_host"
[[ -f "$windows_state/inventory.yml" ]] || "$top/tests/harness/wine-host" up --state "$windows_state" "$windows_host"

export SVCWRIGHT_TEST_BIN="$bin" SVCWRIGHT_HOSTILE_REPORT_DIR="$report"
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_STDOUT_CALLBACK=default
export ANSIBLE_DISPLAY_SKIPPED_HOSTS=false ANSIBLE_DISPLAY_OK_HOSTS=false ANSIBLE_PIPELINING=1
rm -f "$report/hostile-$linux_host.md" "$report/hostile-$windows_host.md"
rc=0
ansible-playbook -i "$linux_state/inventory.yml" -i "$windows_state/inventory.yml" \
  "$top/tests/integration/hostile.yml" "$@" || rc=$?
for host in "$linux_host" "$windows_host"; do
  if [[ -f "$report/hostile-$host.md" ]]; then
    echo
    cat "$report/hostile-$host.md"
  else
    echo "no table for $host: the play stopped before its cases ran" >&2
    rc=${rc/#0/1}
  fi
done
exit "$rc"
