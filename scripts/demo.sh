#!/usr/bin/env bash
# The demo: boots disposable hosts on this machine (two systemd hosts over SSH, one Wine
# stand-in for Windows), then runs the main playbook, playbooks/deploy.yml, which builds
# examples/hello per platform, ships it as a release, runs it as a service and proves it
# healthy on all three.
#   scripts/demo.sh          run the demo (hosts stay up to look at)
#   scripts/demo.sh down     remove the demo hosts
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
linux_state="$top/tests/output/demo-linux"
windows_state="$top/tests/output/demo-windows"
if [[ "${1:-}" == down ]]; then
  "$top/tests/harness/linux-hosts" down --state "$linux_state"
  "$top/tests/harness/wine-host" down --state "$windows_state"
  exit 0
fi
bash "$top/scripts/bootstrap.sh"
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"

"$top/tests/harness/linux-hosts" up --state "$linux_state" svcw-demo1 svcw-demo2
"$top/tests/harness/wine-host" up --state "$windows_state" svcw-demo-win

ansible-playbook -i "$linux_state/inventory.yml" -i "$windows_state/inventory.yml" \
  "$top/playbooks/deploy.yml" -e @"$top/playbooks/vars/hello.yml"

echo
{
  awk '/ansible_host:/ {print $2}' "$linux_state/inventory.yml"
  echo 127.0.0.1 # the Wine host's services listen in this machine's network namespace
} | while read -r ip; do
  printf 'http://%s:8080/health -> %s\n' "$ip" "$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "http://$ip:8080/health")"
done
echo "The hosts stay up; remove them with 'scripts/demo.sh down'."
