#!/usr/bin/env bash
# ansible-test integration on a copy of the collection (ansible-test needs it under
# .../ansible_collections/svcwright/services), against one systemd host of the harness,
# reached as ansible-test's own SSH target (--target ssh:root@IP,python=3.11).
#   tests/ci/ansible-test.sh list            the targets ansible-test finds (posix and windows)
#   tests/ci/ansible-test.sh [TARGET...]     run them (default: every enabled Linux target)
#   SVCWRIGHT_ANSIBLE_TEST_STATE   harness state dir (default tests/output/hosts-ansible-test)
#   SVCWRIGHT_ANSIBLE_TEST_HOST    host name (default svcw-at1)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"
state=${SVCWRIGHT_ANSIBLE_TEST_STATE:-$top/tests/output/hosts-ansible-test}
host=${SVCWRIGHT_ANSIBLE_TEST_HOST:-svcw-at1}
work="$top/tests/output/ansible-test/ansible_collections/svcwright/services"
bin="$top/tests/output/ansible-test-bin"

rm -rf "$work"
mkdir -p "$work" "$bin"
(cd "$top" && git ls-files -co --exclude-standard -z | rsync -a --from0 --files-from=- ./ "$work/")
# ansible-test passes no environment through to the playbooks: what the targets need from this
# checkout comes as variables (setup_linux_hosts reads them).
cat >"$work/tests/integration/integration_config.yml" <<EOF
---
svcw_hello_src: "$top/examples/hello"
svcw_test_bin: "$bin"
EOF
cd "$work"
# Outside a git work tree ansible-test walks the directory; the copy's own repository keeps
# it from seeing the checkout's.
git init -q . && git add -A >/dev/null

if [[ "${1:-}" == list ]]; then
  echo "=== ansible-test integration --list-targets"
  ansible-test integration --list-targets --allow-disabled --allow-destructive --allow-root 2>/dev/null
  echo "=== ansible-test windows-integration --list-targets"
  ansible-test windows-integration --list-targets --allow-disabled --allow-destructive 2>/dev/null
  exit 0
fi

targets=("$@")
((${#targets[@]})) || targets=(systemd_unit release service)

cleanup() { "$top/tests/harness/linux-hosts" down --state "$state" || true; }
trap cleanup EXIT
"$top/tests/harness/linux-hosts" down --state "$state" >/dev/null 2>&1 || true
"$top/tests/harness/linux-hosts" up --state "$state" "$host"
ip=$(awk '/ansible_host:/ {print $2; exit}' "$state/inventory.yml")
[[ -n "$ip" ]] || { echo "no ansible_host in $state/inventory.yml" >&2; exit 1; }

# ansible-test logs in with its own key (~/.ansible/test/id_rsa, made on first use): the host
# must accept it.
key="$HOME/.ansible/test/id_rsa"
if [[ ! -f "$key" ]]; then
  mkdir -p "$(dirname "$key")"
  ssh-keygen -q -t rsa -N '' -C ansible-test -f "$key"
fi
"$top/tests/harness/linux-hosts" ssh --state "$state" "$host" "cat >> /root/.ssh/authorized_keys" <"$key.pub"

# In place (--no-temp-workdir): the tasks find tests/integration/files and targets/*/files
# through playbook_dir, which a temporary work dir would not have.
ansible-test integration --color no --allow-destructive --allow-root --no-temp-workdir \
  --target "ssh:root@$ip,python=3.11" "${targets[@]}"
