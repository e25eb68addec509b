#!/usr/bin/env bash
# Builds the third-party service of the deploy tests, nats-server (a real Go program from
# the Go module proxy, not written in this project), at two pinned versions for linux/amd64
# and windows/amd64, and the fault binaries of tests/integration/third_party/faults, into
# tests/output/bin/third-party/<goos>/. A binary already built from the same module version
# is kept.
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
here="$top/tests/integration/third_party"
out="$top/tests/output/bin/third-party"
work="$top/tests/output/third-party-build"
module=github.com/nats-io/nats-server/v2
versions=(v2.15.2 v2.15.3)
export CGO_ENABLED=0 GOFLAGS=-mod=mod

for version in "${versions[@]}"; do
  # go install refuses cross-compiled binaries with GOBIN set, so each version gets a
  # throwaway main module that requires it, and go build names the package.
  mod="$work/nats-server-$version"
  if [[ ! -f "$mod/go.mod" ]] || ! grep -q "$module $version" "$mod/go.mod"; then
    rm -rf "$mod"
    mkdir -p "$mod"
    (cd "$mod" && go mod init svcwright.test/third-party-build >/dev/null 2>&1 &&
      go get "$module@$version")
  fi
  for goos in linux windows; do
    ext=""
    [[ $goos == windows ]] && ext=.exe
    bin="$out/$goos/nats-server-${version#v}$ext"
    if [[ -f "$bin" ]] && go version -m "$bin" 2>/dev/null | grep -q "mod.*$module.*$version"; then
      continue
    fi
    mkdir -p "$out/$goos"
    echo "building nats-server $version for $goos/amd64"
    (cd "$mod" && GOOS=$goos GOARCH=amd64 go build -trimpath -ldflags "-s -w" -o "$bin" "$module")
  done
done

(cd "$here/faults" && go vet ./...)
for fault in exitnow crashlater neverhealthy; do
  for goos in linux windows; do
    ext=""
    [[ $goos == windows ]] && ext=.exe
    mkdir -p "$out/$goos"
    (cd "$here/faults" && GOOS=$goos GOARCH=amd64 go build -trimpath -ldflags "-s -w" -o "$out/$goos/$fault$ext" "./$fault")
  done
done
ls -l "$out/linux" "$out/windows"
