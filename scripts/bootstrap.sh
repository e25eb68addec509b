#!/usr/bin/env bash
# Installs everything the demo and the tests need on a fresh Debian 12 machine (as root):
# apt packages, a Python venv with ansible-core and the test tools, Go modules.
# Idempotent and quick when everything is already there.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"

apt_packages=(debootstrap systemd-container zstd iproute2 openssh-client rsync make)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing apt packages: ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

req="$top/tests/requirements.txt"
stamp="$SVCWRIGHT_VENV/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [[ ! -x "$SVCWRIGHT_VENV/bin/python" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  echo "bootstrap: building venv $SVCWRIGHT_VENV"
  python3 -m venv "$SVCWRIGHT_VENV"
  "$SVCWRIGHT_VENV/bin/pip" install -q --upgrade pip
  "$SVCWRIGHT_VENV/bin/pip" install -q -r "$req"
  echo "$want" >"$stamp"
fi

if [[ -f "$top/examples/hello/go.mod" ]]; then
  (cd "$top/examples/hello" && go mod download)
fi
