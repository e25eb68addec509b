#!/usr/bin/env bash
# Integration tests of the Windows path on a Wine-backed stand-in host: the modules through
# ansible-playbook over the test-only wine connection (cmd.exe /c, like Windows OpenSSH),
# real sc.exe and nssm.exe. Every tests/integration/win_*.yml playbook runs. The host is
# torn down on exit, also on failure.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"
state="$top/tests/output/hosts-windows"
bin="$top/tests/output/bin"
host=svcw-win1
mkdir -p "$bin"

for version in 1.0.0 2.0.0; do
  (cd "$top/examples/hello" && CGO_ENABLED=0 GOOS=windows GOARCH=amd64 \
    go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$bin/hello-$version.exe" .)
done

# SVCWRIGHT_KEEP_HOSTS=1 keeps the host up after the run (and reuses it), for debugging.
if [[ "${SVCWRIGHT_KEEP_HOSTS:-}" != 1 ]]; then
  cleanup() { "$top/tests/harness/wine-host" down --state "$state" || true; }
  trap cleanup EXIT
  "$top/tests/harness/wine-host" down --state "$state" >/dev/null 2>&1 || true
fi
[[ -f "$state/inventory.yml" ]] || "$top/tests/harness/wine-host" up --state "$state" "$host"

# The binaries go in beside the host's tools, as an earlier deploy step would put them.
install_dir="$state/$host/prefix/drive_c/svcw test/[hello]"
mkdir -p "$install_dir"
for version in 1.0.0 2.0.0; do
  cp "$bin/hello-$version.exe" "$install_dir/hello-$version.exe"
done
cp "$bin/hello-1.0.0.exe" "$install_dir/hello.exe"

export SVCWRIGHT_TEST_BIN="$bin"
export SVCWRIGHT_WINE_PREFIX="$state/$host/prefix"
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 ANSIBLE_DISPLAY_SKIPPED_HOSTS=false
shopt -s nullglob
playbooks=("$top"/tests/integration/win_*.yml)
if ((${#playbooks[@]} == 0)); then
  echo "no Windows integration playbooks found" >&2
  exit 1
fi
for playbook in "${playbooks[@]}"; do
  echo "=== $(basename "$playbook")"
  ansible-playbook -i "$state/inventory.yml" "$playbook" "$@"
done
