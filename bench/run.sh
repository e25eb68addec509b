#!/usr/bin/env bash
# Benchmark: the deploy role against a task-per-step baseline playbook (bench/README.md).
#
#   bench/run.sh
#
# Environment:
#   BENCH_RUNS    runs of every (side, host count) pair (default 3)
#   BENCH_COUNTS  host counts (default "1 5")
#   BENCH_SIDES   sides (default "baseline role role-sockets role-sockets-s0")
#   BENCH_HOSTS   how many harness hosts to boot (default: the largest of BENCH_COUNTS, at least 5)
#   BENCH_SERIAL  batch size of both sides' play (serial), e.g. 5; default: all hosts at once
#   BENCH_FORKS   forks of both sides (default 5, from bench/ansible.cfg)
#
# The fleet run (bench/README.md): BENCH_COUNTS="1 20" BENCH_SERIAL=5 BENCH_SIDES="baseline role"
#
# Every side starts on fresh hosts: all hosts are torn down and booted again before each
# (run, side, host count), so no side inherits the other's service, files or SSH masters.
# Results: a table on stdout and in bench/results/<UTC timestamp>.md; playbook logs and the
# raw figures in tests/output/bench-<timestamp>/ (bench/tasks.py reads them: time and round
# trips per task). Round trips are counted by bench/trips.sh, which Ansible runs instead of
# ssh, sftp and scp: one line per connection to a host, nothing else (no -vvv, no callback).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../scripts/env.sh
source "$here/../scripts/env.sh"
top=$SVCWRIGHT_TOP
export ANSIBLE_CONFIG=$here/ansible.cfg

runs=${BENCH_RUNS:-3}
read -r -a counts <<<"${BENCH_COUNTS:-1 5}"
read -r -a sides <<<"${BENCH_SIDES:-baseline role role-sockets role-sockets-s0}"
largest=5
for count in "${counts[@]}"; do ((count > largest)) && largest=$count; done
total=${BENCH_HOSTS:-$largest}
names=()
for ((i = 1; i <= total; i++)); do names+=("svcw-bench$i"); done
serial=${BENCH_SERIAL:-}
[[ -n ${BENCH_FORKS:-} ]] && export ANSIBLE_FORKS=$BENCH_FORKS
harness=$top/tests/harness/linux-hosts
state=$top/tests/output/bench-hosts
stamp=$(date -u +%Y%m%dT%H%M%SZ)
work=$top/tests/output/bench-$stamp
build=$work/build
raw=$work/raw.tsv
mkdir -p "$work/logs" "$build" "$work/bin" "$here/results"

# The round-trip counter stands in for the three programs the ssh connection plugin runs.
for program in ssh sftp scp; do ln -s "$here/trips.sh" "$work/bin/$program"; done
export ANSIBLE_SSH_EXECUTABLE=$work/bin/ssh ANSIBLE_SFTP_EXECUTABLE=$work/bin/sftp ANSIBLE_SCP_EXECUTABLE=$work/bin/scp

poller_pid=""
cleanup() {
    if [[ -n $poller_pid ]]; then kill "$poller_pid" 2>/dev/null || true; fi
    "$harness" down --state "$state" >/dev/null 2>&1 || echo "run.sh: down failed; run: $harness down --state $state" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The two versions, built once for linux/amd64; both sides ship these very files.
for version in 1.0.0 2.0.0; do
    (cd "$top/examples/hello" && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 \
        go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=$version" -o "$build/hello-$version" .)
done
log "built hello 1.0.0 and 2.0.0 in $build"

fresh_hosts() {
    "$harness" down --state "$state" >/dev/null
    "$harness" up --state "$state" "${names[@]}" >"$work/logs/up.log" 2>&1 || { cat "$work/logs/up.log" >&2; return 1; }
}

# play SIDE VERSION LIMIT LOG: one ansible-playbook run of a side.
play() {
    local side=$1 version=$2 limit=$3 out=$4
    # measure.py: the controller's CPU seconds and peak memory of the run, in $out.usage.
    local -a cmd=(python3 "$here/measure.py" "$out.usage" -- ansible-playbook -i "$state/inventory.yml" --limit "$limit")
    [[ -n $serial ]] && cmd+=(-e "bench_serial=$serial")
    case $side in
        baseline) cmd+=("$here/baseline.yml" -e "hello_binary=$build/hello-$version" -e "hello_version=$version") ;;
        role) cmd+=("$here/deploy.yml" -e "deploy_artifact=$build/hello-$version" -e "deploy_version=$version") ;;
        role-sockets) cmd+=("$here/deploy.yml" -e "deploy_artifact=$build/hello-$version" -e "deploy_version=$version"
                            -e '{"deploy_sockets": ["8080"]}') ;;
        role-sockets-s0) cmd+=("$here/deploy.yml" -e "deploy_artifact=$build/hello-$version" -e "deploy_version=$version"
                               -e '{"deploy_sockets": ["8080"], "deploy_verify": {"deadline": 60, "stable_for": 0}}') ;;
        *) echo "run.sh: unknown side $side" >&2; return 2 ;;
    esac
    # log_path puts a timestamp on every line: per-task times without a callback.
    rm -f "$out.timed" "$out.trips"
    : >"$out.trips"
    ANSIBLE_LOG_PATH=$out.timed BENCH_TRIPS=$out.trips "${cmd[@]}" >"$out" 2>&1
}

# trips_of TRIPS: per target host NAME:EXECS+PUTS (commands run and files sent), comma-separated;
# then the connections that named no target host (always 0 unless the counter misreads argv).
trips_of() {
    awk -v wanted="$limit" '
        BEGIN { split(wanted, order, ",") }
        FNR == NR { name_of[$2] = $1; next }
        $2 == "control" { next }
        ($3 in name_of) { if ($2 == "exec") e[name_of[$3]]++; else p[name_of[$3]]++; next }
        { stray++ }
        END {
            out = ""
            for (i = 1; i in order; i++) out = out (i > 1 ? "," : "") order[i] ":" e[order[i]] + 0 "+" p[order[i]] + 0
            print out, stray + 0
        }' <(printf '%s\n' "$hosts_list") "$1"
}

# changed_of LOG: the sum of changed= over the play recap.
changed_of() { sed -n 's/.* changed=\([0-9]*\) .*/\1/p' "$1" | awk '{s += $1} END {print s + 0}'; }

# check_version VERSION HOST...: every host answers /health with VERSION, seen from here.
check_version() {
    local version=$1 name ip got
    shift
    for name in "$@"; do
        ip=$(awk -v n="$name" '$1 == n {print $2}' <<<"$hosts_list")
        got=$(python3 -c 'import json, sys, urllib.request
print(json.load(urllib.request.urlopen(sys.argv[1], timeout=5))["version"])' "http://$ip:8080/health") || got=none
        if [[ $got != "$version" ]]; then
            echo "run.sh: $name answers version $got, expected $version" >&2
            return 1
        fi
    done
}

printf 'run\tside\thosts\tphase\tseconds\tchanged\tfailed_requests\tok_requests\tfailed_by_host\tload1\ttrips_by_host\trefused\tcpu_s\tpeak_mb\tserial\tforks\n' >"$raw"
for ((run = 1; run <= runs; run++)); do
    # Alternate the order of the sides from one run to the next.
    order=("${sides[@]}")
    if ((run % 2 == 0)); then
        order=()
        for ((i = ${#sides[@]} - 1; i >= 0; i--)); do order+=("${sides[i]}"); done
    fi
    for count in "${counts[@]}"; do
        targets=("${names[@]:0:count}")
        limit=$(IFS=,; echo "${targets[*]}")
        for side in "${order[@]}"; do
            fresh_hosts
            hosts_list=$("$harness" list --state "$state")
            BENCH_TRIP_ADDRS=$(awk '{printf "%s ", $2}' <<<"$hosts_list")
            export BENCH_TRIP_ADDRS
            for phase in first rerun upgrade; do
                version=1.0.0
                [[ $phase == upgrade ]] && version=2.0.0
                out=$work/logs/run$run-$side-$count-$phase.log
                failed=- ok=- by_host=- refused=-
                if [[ $phase == upgrade ]]; then
                    urls=()
                    for name in "${targets[@]}"; do
                        urls+=("$name=http://$(awk -v n="$name" '$1 == n {print $2}' <<<"$hosts_list"):8080/health")
                    done
                    python3 "$here/poll.py" --interval 0.02 --max 300 "${urls[@]}" >"$work/poll.json" &
                    poller_pid=$!
                    sleep 0.5
                fi
                load1=$(cut -d' ' -f1 /proc/loadavg)
                start=$(date +%s.%N)
                if ! play "$side" "$version" "$limit" "$out"; then
                    echo "run.sh: $side $phase on $count host(s) failed; see $out" >&2
                    tail -n 30 "$out" >&2
                    exit 1
                fi
                end=$(date +%s.%N)
                if [[ $phase == upgrade ]]; then
                    sleep 0.5
                    kill -TERM "$poller_pid"
                    wait "$poller_pid"
                    poller_pid=""
                    read -r failed ok by_host refused < <(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(sum(h["failed"] for h in r.values()), sum(h["ok"] for h in r.values()),
      ",".join("%s:%d" % (n, h["failed"]) for n, h in sorted(r.items())),
      sum(c for h in r.values() for e, c in h["errors"].items() if "refused" in e.lower()))' "$work/poll.json")
                    cp "$work/poll.json" "$work/logs/run$run-$side-$count-poll.json"
                fi
                check_version "$version" "${targets[@]}"
                seconds=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
                read -r trips stray < <(trips_of "$out.trips")
                if ((stray > 0)); then
                    echo "run.sh: $stray connection(s) in $out.trips name no host of $limit; the counter misread them" >&2
                    exit 1
                fi
                read -r cpu peak < <(python3 -c 'import json, sys
u = json.load(open(sys.argv[1]))
print(u["cpu_s"], u["peak_mb"])' "$out.usage")
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$side" "$count" "$phase" \
                    "$seconds" "$(changed_of "$out")" "$failed" "$ok" "$by_host" "$load1" "$trips" "$refused" "$cpu" "$peak" \
                    "${serial:-all}" "${ANSIBLE_FORKS:-5}" >>"$raw"
                log "run $run/$runs $side $count host(s) $phase: ${seconds}s changed=$(changed_of "$out") failed_requests=$failed refused=$refused load=$load1 cpu=${cpu}s peak=${peak}MB round_trips=$trips"
            done
        done
    done
done

result=$here/results/$stamp.md
python3 "$here/report.py" "$raw" \
    --title "Benchmark $stamp (UTC): $(nproc) cores, $(uname -m), ansible-core $(python3 -c 'import ansible.release; print(ansible.release.__version__)'), $runs runs" \
    >"$result"
{
    printf '\n## Per task (median seconds from a task start to the next)\n'
    python3 "$here/tasks.py" "$work" | sed 's/^## /### /'
} >>"$result"
cat "$result"
log "written: $result (raw figures and logs: $work)"
