# shellcheck shell=bash
# The demo deploy's vars for a run from an installed collection, and its /health check; sourced
# by the tests/ci suites that deploy examples/hello to one harness host.

# demo_overrides SRC PORT: JSON of the vars that differ from playbooks/vars/hello.yml there: the
# Go source from this checkout (the tarball does not ship examples/) and the port of this run.
demo_overrides() {
  python3 - "$1" "$2" <<'PY'
import json
import sys

src, port = sys.argv[1], sys.argv[2]
print(json.dumps({
    "deploy_go_src": src,
    "deploy_args": ["-service", "-listen", ":%s" % port],
    "deploy_health_url": "http://127.0.0.1:%s/health" % port,
}))
PY
}

# demo_health URL VERSION: asks URL from this machine; fails unless it says ok and VERSION.
demo_health() {
  local body
  body=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
    "$1") || { echo "$1 did not answer" >&2; return 1; }
  echo "$body"
  python3 - "$body" "$2" <<'PY' || { echo "$1 answered, but not a healthy $2: $body" >&2; return 1; }
import json
import sys

health = json.loads(sys.argv[1])
sys.exit(0 if health.get("status") == "ok" and health.get("version") == sys.argv[2] else 1)
PY
}
