#!/usr/bin/env bash
# The deploy workflow with a real third-party Go service: nats-server, fetched and built from
# the Go module proxy by tests/integration/third_party/build.sh, deployed by
# playbooks/deploy.yml to two systemd hosts and to the Wine stand-in for Windows (NSSM).
# Per platform: deploy 1, re-run (changed=0), upgrade to 2, then each fault in turn, each
# checked from this machine (tests/integration/third_party/cases.py). Hosts are made fresh
# and torn down on exit, also on failure.
# Environment: SVCWRIGHT_TP_LINUX_STATE, SVCWRIGHT_TP_LINUX_HOSTS (two names),
# SVCWRIGHT_TP_WINDOWS_STATE, SVCWRIGHT_TP_WINDOWS_HOST, SVCWRIGHT_TP_PLATFORMS
# ("linux windows" by default), SVCWRIGHT_KEEP_HOSTS=1 (keep and reuse the hosts).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"
linux_state=${SVCWRIGHT_TP_LINUX_STATE:-$top/tests/output/hosts-third-party-linux}
read -r -a linux_hosts <<<"${SVCWRIGHT_TP_LINUX_HOSTS:-svcw-tp1 svcw-tp2}"
windows_state=${SVCWRIGHT_TP_WINDOWS_STATE:-$top/tests/output/hosts-third-party-windows}
windows_host=${SVCWRIGHT_TP_WINDOWS_HOST:-svcw-tpwin}
read -r -a platforms <<<"${SVCWRIGHT_TP_PLATFORMS:-linux windows}"
((${#linux_hosts[@]} == 2)) || { echo "SVCWRIGHT_TP_LINUX_HOSTS must name two hosts" >&2; exit 2; }

bash "$top/tests/integration/third_party/build.sh"

down() {
  "$top/tests/harness/linux-hosts" down --state "$linux_state" || true
  "$top/tests/harness/wine-host" down --state "$windows_state" || true
}
if [[ "${SVCWRIGHT_KEEP_HOSTS:-}" != 1 ]]; then
  trap down EXIT
  # A host left from an earlier run would turn "deploy 1" into a no-change run.
  down >/dev/null 2>&1
fi

rc=0
for platform in "${platforms[@]}"; do
  echo "=== third-party service on $platform"
  case $platform in
    linux)
      [[ -f "$linux_state/inventory.yml" ]] || "$top/tests/harness/linux-hosts" up --state "$linux_state" "${linux_hosts[@]}"
      # The netns of a harness host is named after the host (tests/harness/README.md).
      python3 "$top/tests/integration/third_party/cases.py" linux --inventory "$linux_state/inventory.yml" \
        --netns-of-second "${linux_hosts[1]}" || rc=1
      ;;
    windows)
      [[ -f "$windows_state/inventory.yml" ]] || "$top/tests/harness/wine-host" up --state "$windows_state" "$windows_host"
      python3 "$top/tests/integration/third_party/cases.py" windows --inventory "$windows_state/inventory.yml" || rc=1
      ;;
    *) echo "unknown platform $platform" >&2; exit 2 ;;
  esac
done
exit $rc
