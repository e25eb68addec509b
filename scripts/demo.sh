#!/usr/bin/env bash
# The demo: boots two disposable systemd hosts on this machine, builds examples/hello, and
# deploys it to both with playbooks/deploy.yml; each host then answers /health.
#   scripts/demo.sh          run the demo (hosts stay up to look at)
#   scripts/demo.sh down     remove the demo hosts
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
state="$top/tests/output/demo"
if [[ "${1:-}" == down ]]; then
  exec "$top/tests/harness/linux-hosts" down --state "$state"
fi
bash "$top/scripts/bootstrap.sh"
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"

bin="$top/tests/output/bin"
mkdir -p "$bin"
(cd "$top/examples/hello" && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 \
  go build -trimpath -ldflags "-s -w -X main.version=1.0.0" -o "$bin/hello-1.0.0" .)
"$top/tests/harness/linux-hosts" up --state "$state" svcw-demo1 svcw-demo2

ansible-playbook -i "$state/inventory.yml" "$top/playbooks/deploy.yml" -e "service_binary=$bin/hello-1.0.0"

echo
awk '/ansible_host:/ {print $2}' "$state/inventory.yml" | while read -r ip; do
  printf 'http://%s:8080/health -> %s\n' "$ip" "$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "http://$ip:8080/health")"
done
echo "The hosts stay up: ssh with '$top/tests/harness/linux-hosts ssh --state $state svcw-demo1'; remove them with 'scripts/demo.sh down'."
