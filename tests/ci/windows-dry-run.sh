#!/usr/bin/env bash
# What can be checked here of .github/workflows/windows.yml (which needs hosted Windows runners):
# the workflow's YAML and shape, the bash of its WSL steps, that tests/ci/windows-inventory.py
# writes an inventory Ansible reads for every transport, and that the target selection
# (tests/ci/windows-targets.txt) names existing playbooks and misses none.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/svcw-dry-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
workflow="$top/.github/workflows/windows.yml"

echo "=== workflow: YAML, runners, transports, bash steps"
python3 - "$workflow" "$work" <<'EOF'
import importlib.util
import os
import sys

import yaml

path, work = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    wf = yaml.safe_load(f)
errors = []
# PyYAML reads the key `on` as True (YAML 1.1).
if not ({"on", True} & set(wf)):
    errors.append("no `on:` triggers")
job = wf.get("jobs", {}).get("integration")
if not job:
    sys.exit("%s: no job `integration`" % path)
matrix = job.get("strategy", {}).get("matrix", {})
for want in ("windows-2022", "windows-2025"):
    if want not in matrix.get("os", []):
        errors.append("matrix.os lacks %s" % want)
spec = importlib.util.spec_from_file_location(
    "windows_inventory", os.path.join(os.path.dirname(path), "..", "..", "tests", "ci", "windows-inventory.py"))
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
if sorted(matrix.get("transport", [])) != sorted(mod.TRANSPORTS):
    errors.append("matrix.transport %s differs from the transports windows-inventory.py knows: %s"
                  % (matrix.get("transport"), sorted(mod.TRANSPORTS)))
names = []
for i, step in enumerate(job.get("steps", [])):
    name = step.get("name", "step %d" % i)
    names.append(name)
    if "uses" not in step and "run" not in step:
        errors.append("step %r neither uses an action nor runs anything" % name)
    if "run" in step:
        shell = step.get("shell", "")
        if shell not in ("pwsh", "wsl-bash {0}"):
            errors.append("step %r: shell %r; the steps run in pwsh or wsl-bash {0}" % (name, shell))
        if shell.startswith("wsl-bash"):
            with open(os.path.join(work, "step-%02d.sh" % i), "w", encoding="utf-8") as out:
                out.write("# %s\n%s" % (name, step["run"]))
if not any("uses" in s and s["uses"].startswith("actions/checkout@") for s in job.get("steps", [])):
    errors.append("no checkout step")
if errors:
    sys.exit("%s:\n  %s" % (path, "\n  ".join(errors)))
print("%d steps: %s" % (len(names), "; ".join(names)))
EOF
for step in "$work"/step-*.sh; do
  bash -n "$step" || { echo "bash syntax error in $(head -1 "$step")" >&2; exit 1; }
done
echo "bash steps parse: $(find "$work" -name 'step-*.sh' | wc -l)"

echo "=== inventory generation"
for transport in ssh-cmd ssh-powershell ssh-pwsh winrm; do
  inv="$work/inventory-$transport.yml"
  python3 "$top/tests/ci/windows-inventory.py" --transport "$transport" --user svcwci \
    --key /nonexistent/id_ed25519 --password-env SVCW_CI_PASSWORD --nssm /nonexistent/nssm.exe --out "$inv"
  SVCW_CI_PASSWORD=dry-run ansible-inventory -i "$inv" --list >"$work/list-$transport.json"
  python3 - "$work/list-$transport.json" "$transport" <<'EOF'
import json
import sys

path, transport = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    inv = json.load(f)
hosts = inv.get("windows", {}).get("hosts", [])
if hosts != ["win-" + transport]:
    sys.exit("%s: group windows has %s, expected the one host win-%s" % (transport, hosts, transport))
hv = inv["_meta"]["hostvars"][hosts[0]]
want = {"ansible_host": "localhost", "ansible_user": "svcwci", "nssm_binary": "/nonexistent/nssm.exe"}
want["ansible_connection"] = "winrm" if transport == "winrm" else "ssh"
if transport.startswith("ssh-"):
    want["ansible_shell_type"] = "cmd" if transport == "ssh-cmd" else "powershell"
    want["ansible_ssh_private_key_file"] = "/nonexistent/id_ed25519"
bad = {k: (hv.get(k), v) for k, v in want.items() if hv.get(k) != v}
if bad:
    sys.exit("%s: wrong host vars (got, expected): %s" % (transport, bad))
if transport == "winrm" and "SVCW_CI_PASSWORD" not in str(hv.get("ansible_password")):
    sys.exit("winrm: ansible_password does not read SVCW_CI_PASSWORD: %r" % hv.get("ansible_password"))
print("%s: %s, %d host vars" % (transport, hosts[0], len(hv)))
EOF
done
if python3 "$top/tests/ci/windows-inventory.py" --transport ssh-cmd --user u --nssm n --out "$work/bad.yml" 2>"$work/bad.err"; then
  echo "windows-inventory.py accepted an ssh transport without --key" >&2
  exit 1
fi
grep -q -- '--key' "$work/bad.err" || { echo "the refusal does not name --key: $(cat "$work/bad.err")" >&2; exit 1; }

echo "=== target selection"
mapfile -t selected < <(grep -v '^#' "$top/tests/ci/windows-targets.txt" | sed '/^$/d')
((${#selected[@]})) || { echo "tests/ci/windows-targets.txt selects nothing" >&2; exit 1; }
for playbook in "${selected[@]}"; do
  [[ -f "$top/tests/integration/$playbook" ]] || { echo "selected $playbook: no tests/integration/$playbook" >&2; exit 1; }
  ansible-playbook --syntax-check -i "$work/inventory-ssh-cmd.yml" "$top/tests/integration/$playbook" >/dev/null 2>"$work/syntax.err" \
    || { echo "selected $playbook: syntax check failed:" >&2; cat "$work/syntax.err" >&2; exit 1; }
done
for path in "$top"/tests/integration/win_*.yml; do
  name=$(basename "$path")
  printf '%s\n' "${selected[@]}" | grep -qxF "$name" || { echo "$name is not in tests/ci/windows-targets.txt" >&2; exit 1; }
done
echo "selected: ${selected[*]}"
echo "windows dry run: the workflow, the inventories and the target selection check out"
