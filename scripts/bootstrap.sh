#!/usr/bin/env bash
# Installs everything the demo and the tests need on a fresh Debian 12 machine (as root):
# apt packages, a Python venv with ansible-core and the test tools, Go modules.
# Idempotent and quick when everything is already there.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/env.sh
source "$top/scripts/env.sh"

apt_packages=(debootstrap systemd-container zstd iproute2 openssh-client rsync make curl)
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

# ansible-test builds a venv per sanity test and seeds pip in it with a script it downloads
# from a host this machine cannot reach: a stand-in goes where it looks for a cached copy.
pip_version=$("$SVCWRIGHT_VENV/bin/python" -c 'import re, ansible_test, os; p = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"); print(re.search(r"pip=.([0-9.]+).", open(p).read()).group(1))')
mkdir -p ~/.ansible/test/cache
cp "$top/tests/sanity/get_pip.py" ~/.ansible/test/cache/get_pip_"${pip_version//./_}".py
