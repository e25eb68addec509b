#!/usr/bin/env bash
# Runs every test of the project on this machine: installs what it needs first (apt
# packages, the venv, Go modules, test host images), then unit tests, Go tests, sanity and
# lint, and the integration tests on real systemd hosts (systemd-nspawn over SSH).
# Usage: scripts/test.sh [suite...]   suites: unit go static sanity lint controller linux windows mixed hostile molecule artifact ansible-test ci-dry-run third_party service_info ee (default: all)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
bash scripts/bootstrap.sh || { echo "bootstrap failed"; exit 1; }
# shellcheck source=scripts/env.sh
source scripts/env.sh

suites=("$@")
((${#suites[@]})) || suites=(unit go static sanity lint controller linux windows mixed hostile molecule artifact ansible-test ci-dry-run third_party service_info ee)
passed=0
failed=0
logs=$(mktemp -d "${TMPDIR:-/tmp}/svcwright-suites.XXXXXX")
failed_names=()
started=$(date +%s)

run_suite() {
  local name=$1
  shift
  local t0
  t0=$(date +%s)
  echo "=== suite $name"
  # Each suite's output is also kept, so that the end of the run can say what failed.
  # (tee through a process substitution: a daemon a suite leaves running may hold the output open.)
  if "$@" > >(tee "$logs/$name.log") 2>&1; then
    passed=$((passed + 1))
    echo "=== suite $name passed in $(($(date +%s) - t0)) s"
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    echo "=== suite $name FAILED in $(($(date +%s) - t0)) s"
  fi
}

# What a failed suite printed where it failed: Ansible's failures with the lines around them
# (or the suite's last lines), repeated at the end, where a reader of a long log looks first.
report_failure() {
  local name=$1 log="$logs/$1.log"
  echo "=== what suite $name printed where it failed ($log)"
  if grep -qE '^(fatal|failed):|FAILED!|^ERROR|Traceback|[0-9]+ failed' "$log"; then
    grep -nE -B12 -A25 '^(fatal|failed):|FAILED!|^ERROR|Traceback|[0-9]+ failed' "$log" | tail -n 150
  else
    tail -n 60 "$log"
  fi
}

run_lint() {
  # ansible-lint and molecule install a copy of the collection here; one left by an earlier run
  # would hide this checkout's new modules from the syntax check.
  rm -rf "$HOME/.ansible/collections/ansible_collections/svcwright/services"
  ansible-lint --offline -q --nocolor roles playbooks tests/integration molecule tests/molecule
}

run_static() {
  # ruff (ruff.toml) on the Python of the project, mypy on the collection's plugins.
  ruff check --no-cache plugins tests/unit tests/connection_plugins tests/ci tests/integration/third_party bench &&
    MYPYPATH=tests/output/collections mypy --ignore-missing-imports --explicit-package-bases --no-incremental \
      --cache-dir=/dev/null -p ansible_collections.svcwright.services.plugins
}

run_molecule() {
  local scenario
  for scenario in default windows fleet; do
    # Scenarios live in molecule/ at the top: said outright, because molecule's own guess for
    # a collection is extensions/molecule.
    MOLECULE_GLOB='molecule/*/molecule.yml' molecule test -s "$scenario" || return 1
  done
}

for suite in "${suites[@]}"; do
  case $suite in
    unit) run_suite unit python -m pytest tests/unit -q -p no:cacheprovider ;;
    go) run_suite go bash -c 'cd examples/hello && go vet ./... && go test -count=1 ./...' ;;
    sanity) run_suite sanity bash tests/sanity/run.sh ;;
    lint) run_suite lint run_lint ;;
    static) run_suite static run_static ;;
    controller) run_suite controller ansible-playbook -i tests/integration/go_build.inventory.yml tests/integration/go_build.yml ;;
    linux) run_suite linux bash tests/integration/run-linux.sh ;;
    windows) run_suite windows bash tests/integration/run-windows.sh ;;
    mixed) run_suite mixed bash tests/integration/run-mixed.sh ;;
    hostile) run_suite hostile bash tests/integration/run-hostile.sh ;;
    molecule) run_suite molecule run_molecule ;;
    artifact) run_suite artifact bash tests/ci/artifact.sh ;;
    ee) run_suite ee bash tests/ci/ee.sh ;;
    ansible-test) run_suite ansible-test bash tests/ci/ansible-test.sh ;;
    ci-dry-run) run_suite ci-dry-run bash tests/ci/windows-dry-run.sh ;;
    service_info) run_suite service_info bash tests/integration/run-service-info.sh ;;
    third_party) run_suite third_party bash tests/integration/run-third-party.sh ;;
    *) echo "unknown suite $suite"; exit 2 ;;
  esac
done

for name in "${failed_names[@]}"; do report_failure "$name"; done
echo "test suites took $(($(date +%s) - started)) s${failed_names:+; failed: ${failed_names[*]}}"
echo "suites: $passed passed, $failed failed"
((failed == 0))
