#!/usr/bin/env bash
# The collection as users get it: build the tarball, check what it ships, install it with
# ansible-galaxy into an empty path, and run playbooks/deploy.yml from the installed copy
# (nothing of the checkout on Ansible's collection path) against one systemd host, with the
# demo vars; then ask the service's /health.
#   SVCWRIGHT_ARTIFACT_STATE   harness state dir (default tests/output/hosts-artifact)
#   SVCWRIGHT_ARTIFACT_HOST    host name (default svcw-art1)
#   SVCWRIGHT_ARTIFACT_PORT    port the demo service listens on (default 8080, as the demo)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"
# shellcheck source=tests/ci/demo.sh
source "$top/tests/ci/demo.sh"
state=${SVCWRIGHT_ARTIFACT_STATE:-$top/tests/output/hosts-artifact}
host=${SVCWRIGHT_ARTIFACT_HOST:-svcw-art1}
port=${SVCWRIGHT_ARTIFACT_PORT:-8080}

work=$(mktemp -d "${TMPDIR:-/tmp}/svcw-artifact.XXXXXX")
cleanup() {
  "$top/tests/harness/linux-hosts" down --state "$state" || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "artifact: $*" >&2
  exit 1
}

echo "=== build"
ansible-galaxy collection build --output-path "$work/dist" "$top"
tarballs=("$work"/dist/svcwright-services-*.tar.gz)
if ((${#tarballs[@]} != 1)) || [[ ! -f "${tarballs[0]}" ]]; then
  fail "expected one tarball in $work/dist, found: ${tarballs[*]}"
fi
tarball=${tarballs[0]}

echo "=== contents of $(basename "$tarball")"
tar -tzf "$tarball" | sed 's|^\./||' | sort >"$work/files.txt"
echo "$(wc -l <"$work/files.txt") entries"
# Development and harness files: they need this repository's test machinery and cannot work
# from an installed collection, so galaxy.yml's build_ignore keeps them out.
leaked=$(grep -E '^(bench|scripts|examples|molecule|extensions|\.ci|\.github|tests/(harness|output|molecule|ci|connection_plugins))(/|$)|(^|/)__pycache__(/|$)|\.pyc$|^tests/integration/run-[^/]*\.sh$' \
  "$work/files.txt" || true)
[[ -z "$leaked" ]] || fail "the tarball ships files that build_ignore must keep out:
$leaked"
for required in COPYING README.md meta/runtime.yml playbooks/deploy.yml playbooks/vars/hello.yml \
  plugins/modules/service.py plugins/action/service.py roles/deploy/tasks/main.yml \
  roles/deploy/meta/argument_specs.yml changelogs/config.yaml tests/integration/targets/; do
  grep -qxF "$required" "$work/files.txt" || fail "the tarball lacks $required"
done
grep -q '^tests/unit/plugins/module_utils/test_' "$work/files.txt" || fail "the tarball lacks the unit tests under tests/unit/plugins/module_utils"
cmp -s <(tar -xzOf "$tarball" COPYING) "$top/COPYING" || fail "COPYING in the tarball differs from the checkout's"

echo "=== install into an empty path"
collections="$work/collections"
mkdir -p "$collections"
# Only the installed copy may be visible: env.sh points Ansible and Python at the checkout.
unset PYTHONPATH ANSIBLE_CONNECTION_PLUGINS
export ANSIBLE_COLLECTIONS_PATH="$collections" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
ansible-galaxy collection install --offline -p "$collections" "$tarball"
installed="$collections/ansible_collections/svcwright/services"
[[ -d "$installed" && ! -L "$installed" ]] || fail "ansible-galaxy did not install a copy at $installed"
[[ -f "$installed/MANIFEST.json" ]] || fail "$installed has no MANIFEST.json: not an installed collection"
listed=$(ansible-galaxy collection list svcwright.services 2>/dev/null)
grep -q "^# $collections/ansible_collections\$" <<<"$listed" || fail "ansible-galaxy does not list the install path:
$listed"
if grep -E '^# ' <<<"$listed" | grep -qvxF "# $collections/ansible_collections"; then
  fail "svcwright.services is visible from more than the install path:
$listed"
fi

echo "=== one systemd host"
"$top/tests/harness/linux-hosts" down --state "$state" >/dev/null 2>&1 || true
"$top/tests/harness/linux-hosts" up --state "$state" "$host"
ip=$(awk '/ansible_host:/ {print $2; exit}' "$state/inventory.yml")
[[ -n "$ip" ]] || fail "no ansible_host in $state/inventory.yml"

# The demo vars as installed, with the Go source taken from this checkout (the artifact does
# not ship examples/) and the port this run may use.
demo_overrides "$top/examples/hello" "$port" >"$work/overrides.json"

echo "=== deploy from the installed collection"
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_STDOUT_CALLBACK=default
# Run from the work dir so no ansible.cfg or relative path of the checkout takes part.
cd "$work"
ansible-playbook -i "$state/inventory.yml" svcwright.services.deploy \
  -e @"$installed/playbooks/vars/hello.yml" -e @"$work/overrides.json" | tee "$work/deploy.log"
grep -qF "included: $installed/roles/deploy/tasks/check.yml" "$work/deploy.log" \
  || fail "the deploy role did not run from the installed collection at $installed"

echo "=== /health of $host ($ip:$port)"
demo_health "http://$ip:$port/health" 1.0.0 || fail "no healthy 1.0.0 at http://$ip:$port/health"

echo "=== re-run: nothing changes"
ansible-playbook -i "$state/inventory.yml" svcwright.services.deploy \
  -e @"$installed/playbooks/vars/hello.yml" -e @"$work/overrides.json" | tee "$work/rerun.log"
grep -Eq "^$host +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0" "$work/rerun.log" \
  || fail "the second deploy from the installed collection changed something (see above)"
echo "artifact: built, checked, installed and deployed from the tarball"
