#!/usr/bin/env bash
# The execution environment and ansible-runner, as AWX / Automation Platform run jobs:
# `ansible-builder create` on execution-environment.yml (no image is built: this machine has no
# container runtime), the collection installed from the build context's own galaxy
# requirements into an empty path, and the demo deploy run once by `ansible-runner run`
# (process isolation off) against one systemd host; then the service's /health.
#   SVCWRIGHT_EE_STATE   harness state dir (default tests/output/hosts-ee)
#   SVCWRIGHT_EE_HOST    host name (default svcw-ee1)
#   SVCWRIGHT_EE_PORT    port the demo service listens on (default 18931)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"
# shellcheck source=tests/ci/demo.sh
source "$top/tests/ci/demo.sh"
state=${SVCWRIGHT_EE_STATE:-$top/tests/output/hosts-ee}
host=${SVCWRIGHT_EE_HOST:-svcw-ee1}
port=${SVCWRIGHT_EE_PORT:-18931}

work=$(mktemp -d "${TMPDIR:-/tmp}/svcw-ee.XXXXXX")
cleanup() {
  "$top/tests/harness/linux-hosts" down --state "$state" || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "ee: $*" >&2
  exit 1
}

echo "=== build the tarball the definition names"
version=$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "$top/galaxy.yml")
tarball_name=svcwright-services-$version.tar.gz
grep -qF "build/$tarball_name" "$top/execution-environment.yml" \
  || fail "execution-environment.yml does not copy build/$tarball_name (galaxy.yml's version $version): update its file names"
# The definition's relative paths start at its own directory: a copy in the work dir lets the
# tarball go there and not into the checkout.
cp "$top/execution-environment.yml" "$work/"
ansible-galaxy collection build --output-path "$work/build" "$top"
[[ -f "$work/build/$tarball_name" ]] || fail "ansible-galaxy collection build made no $work/build/$tarball_name"

echo "=== ansible-builder create"
ctx=$work/context
ansible-builder create -f "$work/execution-environment.yml" --context "$ctx" --output-filename Containerfile
[[ -f "$ctx/Containerfile" ]] || fail "ansible-builder wrote no $ctx/Containerfile"
grep -qF 'ARG EE_BASE_IMAGE="quay.io/ansible/' "$ctx/Containerfile" || fail "the Containerfile has no ansible base image"
grep -qF 'ARG ANSIBLE_INSTALL_REFS="ansible-core==2.19.' "$ctx/Containerfile" \
  || fail "the Containerfile does not install ansible-core 2.19"
grep -qF -- '-r requirements.yml --collections-path' "$ctx/Containerfile" \
  || fail "the Containerfile installs no collections from requirements.yml"
cmp -s "$ctx/_build/collections/$tarball_name" "$work/build/$tarball_name" \
  || fail "the build context lacks the collection tarball at _build/collections/$tarball_name"
for pkg in pywinrm pypsrp; do
  grep -qxF "$pkg" "$ctx/_build/requirements.txt" || fail "_build/requirements.txt lacks $pkg"
done
grep -qE '^golang-go \[platform:dpkg\]$' "$ctx/_build/bindep.txt" || fail "_build/bindep.txt lacks the Go toolchain"
# bindep must read the file (rc 0: all present here, 1: some missing here; anything else: broken).
rc=0
bindep --file "$ctx/_build/bindep.txt" --brief >"$work/bindep.out" 2>&1 || rc=$?
((rc <= 1)) || fail "bindep cannot read _build/bindep.txt: $(cat "$work/bindep.out")"

echo "=== install as the image's galaxy stage does"
collections="$work/collections"
mkdir -p "$collections"
# Only the installed copy may be visible: env.sh points Ansible and Python at the checkout.
unset PYTHONPATH ANSIBLE_CONNECTION_PLUGINS
export ANSIBLE_COLLECTIONS_PATH="$collections" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
(cd "$ctx/_build" && ansible-galaxy collection install --offline -r requirements.yml --collections-path "$collections")
installed="$collections/ansible_collections/svcwright/services"
[[ -f "$installed/MANIFEST.json" ]] || fail "the galaxy requirements of the context installed nothing at $installed"

echo "=== one systemd host"
"$top/tests/harness/linux-hosts" down --state "$state" >/dev/null 2>&1 || true
"$top/tests/harness/linux-hosts" up --state "$state" "$host"
ip=$(awk '/ansible_host:/ {print $2; exit}' "$state/inventory.yml")
[[ -n "$ip" ]] || fail "no ansible_host in $state/inventory.yml"

echo "=== ansible-runner private data dir"
pdd=$work/runner
mkdir -p "$pdd/inventory" "$pdd/env" "$pdd/project"
cp "$state/inventory.yml" "$pdd/inventory/hosts.yml"
demo_overrides "$top/examples/hello" "$port" >"$work/overrides.json"
# extravars: the installed demo vars with this run's overrides on top, as a job template's
# extra variables would carry them.
python3 - "$installed/playbooks/vars/hello.yml" "$work/overrides.json" >"$pdd/env/extravars" <<'EOF'
import json
import sys

import yaml

with open(sys.argv[1]) as demo, open(sys.argv[2]) as overrides:
    merged = {**yaml.safe_load(demo), **json.load(overrides)}
print(json.dumps(merged, indent=2))
EOF
python3 - "$collections" >"$pdd/env/envvars" <<'EOF'
import json
import sys

print(json.dumps({
    "ANSIBLE_COLLECTIONS_PATH": sys.argv[1],
    "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
    "ANSIBLE_FORCE_COLOR": "0",
    "ANSIBLE_NOCOLOR": "1",
}))
EOF
cat >"$pdd/project/deploy.yml" <<'EOF'
---
- name: The collection's deploy playbook, as a job template runs it
  ansible.builtin.import_playbook: svcwright.services.deploy
EOF

echo "=== ansible-runner run (process isolation off)"
cd "$work"
runner_rc=0
ansible-runner run "$pdd" -p deploy.yml --ident ee-demo || runner_rc=$?
artifacts=$pdd/artifacts/ee-demo
status=$(cat "$artifacts/status" 2>/dev/null || true)
rc=$(cat "$artifacts/rc" 2>/dev/null || true)
[[ "$status" == successful && "$rc" == 0 && $runner_rc == 0 ]] \
  || fail "ansible-runner: status '$status', rc '$rc', exit $runner_rc (see $artifacts/stdout above)"
grep -qF "included: $installed/roles/deploy/tasks/check.yml" "$artifacts/stdout" \
  || fail "the deploy role did not run from the installed collection at $installed"

echo "=== /health of $host ($ip:$port)"
demo_health "http://$ip:$port/health" 1.0.0 || fail "the demo is not healthy after the runner's deploy"
echo "ee: context created, collection installed from it, demo deployed by ansible-runner"
