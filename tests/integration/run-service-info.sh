#!/usr/bin/env bash
# Integration test of svcwright.services.service_info and playbooks/status.yml on one
# systemd host and the Wine stand-in: tests/integration/service_info.yml deploys the demo,
# reads it and drifts it; then playbooks/status.yml must print one aligned row per host with
# the drift. Hosts are torn down on exit, also on failure (SVCWRIGHT_KEEP_HOSTS=1 keeps them).
# SVCWRIGHT_INFO_LINUX_STATE / SVCWRIGHT_INFO_WINDOWS_STATE: state dirs of hosts already up.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"
linux_state=${SVCWRIGHT_INFO_LINUX_STATE:-$top/tests/output/hosts-info-linux}
windows_state=${SVCWRIGHT_INFO_WINDOWS_STATE:-$top/tests/output/hosts-info-windows}

if [[ "${SVCWRIGHT_KEEP_HOSTS:-}" != 1 ]]; then
  cleanup() {
    "$top/tests/harness/linux-hosts" down --state "$linux_state" || true
    "$top/tests/harness/wine-host" down --state "$windows_state" || true
  }
  trap cleanup EXIT
fi
[[ -f "$linux_state/inventory.yml" ]] || "$top/tests/harness/linux-hosts" up --state "$linux_state" svcw-info1
[[ -f "$windows_state/inventory.yml" ]] || "$top/tests/harness/wine-host" up --state "$windows_state" svcw-infowin

export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_DISPLAY_SKIPPED_HOSTS=false
inventory=(-i "$linux_state/inventory.yml" -i "$windows_state/inventory.yml")
ansible-playbook "${inventory[@]}" "$top/tests/integration/service_info.yml"

defaults="$top/tests/integration/targets/service_info/defaults/main.yml"
out=$(mktemp)
trap 'rm -f "$out"; [[ "${SVCWRIGHT_KEEP_HOSTS:-}" == 1 ]] || cleanup' EXIT
for mode in --check ""; do
  # shellcheck disable=SC2086
  ansible-playbook "${inventory[@]}" "$top/playbooks/status.yml" $mode -e @"$defaults" \
    -e 'status_name={{ info_name }}' \
    -e "status_base={{ info_windows_base if 'windows' in group_names else info_linux_base }}" | tee "$out"
  python3 - "$out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rows = re.findall(r'^\s*"((?:host|svcw)[^"]*)",?$', text, re.M)
assert rows and rows[0].split() == ["host", "platform", "service", "active", "previous", "state", "pid",
                                    "restarts", "drift", "verify"], rows
body = [r.split() for r in rows[1:]]
assert len(body) == 2, rows
starts = [m.start() for m in re.finditer(r"\S+", rows[0])]
for row in rows[1:]:
    # Aligned: every cell begins at its column's start.
    assert all(row[s - 1] == " " for s in starts[1:]) and all(row[s] != " " for s in starts), (rows[0], row)
platforms = sorted(r[1] for r in body)
assert platforms == ["linux", "windows"], body
for r in body:
    assert r[2] == "svcw-info" and r[3] == "1.0.0" and r[4] == "-" and r[5] == "running", r
    assert r[8] == "yes" and r[9] == "passed" and re.match(r"\d{4}-\d\d-\d\dT", r[10]), r
print("status table: %d rows, aligned, drift shown" % len(body))
PY
done
