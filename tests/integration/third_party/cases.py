# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deploy workflow with a real third-party Go service (nats-server), case by case.

Every case runs playbooks/deploy.yml itself through ansible-playbook with -e variables, then
asks each host from this machine (HTTP GET of nats-server's monitoring /varz: Linux hosts by
their IP, the Wine host on 127.0.0.1) which release answers. A fault case passes when the
play fails for every host and the previous release still answers afterwards.

Usage: cases.py linux|windows --inventory FILE [--netns-of-second NAME]
Prints one line per case, a table at the end and "N passed, N failed"; exits 1 on a failure.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BIN = os.path.join(TOP, "tests", "output", "bin", "third-party")
WORK = os.path.join(TOP, "tests", "output", "third-party")
ARTIFACT_SERVER = os.path.join(TOP, "tests", "integration", "targets", "release", "files", "artifact_server.py")

NAME = "nats-server"
FIRST = "2.15.2"
SECOND = "2.15.3"
# Ports of this suite's range (18500-18599): Linux hosts have addresses of their own, the Wine
# host shares this machine's loopback.
PORTS = {"linux": ("18510", "18511"), "windows": ("18520", "18521")}
VERIFY = {"deadline": 20, "stable_for": 3}

RECAP_RE = re.compile(
    r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
    r"\s+failed=(?P<failed>\d+)\s+skipped=\d+\s+rescued=(?P<rescued>\d+)\s+ignored=(?P<ignored>\d+)",
    re.M,
)
ROLLBACK_MARKERS = ("Rolled back to", "The rollback failed", "Nothing to roll back")
FATAL_RE = re.compile(r"^fatal: \[(?P<host>[^\]]+)\]: (?:FAILED|UNREACHABLE)! => (?P<result>\{.*\})$", re.M)


@dataclasses.dataclass
class Platform:
    name: str
    inventory: str
    hosts: dict[str, str]  # inventory name -> address this machine reaches the service on
    extra: dict[str, Any]

    def binary(self, base: str) -> str:
        return os.path.join(BIN, self.name, base + (".exe" if self.name == "windows" else ""))

    def args(self) -> list[str]:
        client, monitor = PORTS[self.name]
        addr = "127.0.0.1" if self.name == "windows" else "0.0.0.0"
        return ["-a", addr, "-p", client, "-m", monitor]


@dataclasses.dataclass
class Run:
    rc: int
    recap: dict[str, dict[str, int]]
    output: str
    log: str

    def outcome(self, host: str) -> str:
        """The message of the host's last failure (the role's summary is the last one)."""
        said = ""
        for match in FATAL_RE.finditer(self.output):
            if match.group("host") == host:
                try:
                    said = str(json.loads(match.group("result")).get("msg", ""))
                except ValueError:
                    said = match.group("result")
        return f"{host}: {summary(' '.join(said.split()))}" if said else ""


def summary(message: str, head: int = 220) -> str:
    """The start of the role's message and its last sentence on the rollback, without the
    journal lines between them (the full text is in the case's log)."""
    tail_at = max(message.rfind(marker) for marker in ROLLBACK_MARKERS)
    if len(message) <= head or tail_at <= head:
        return message
    return f"{message[:head]} [...] {message[tail_at:]}"


@dataclasses.dataclass
class Result:
    platform: str
    case: str
    passed: bool
    detail: str
    said: str
    log: str


def load_platform(name: str, inventory: str) -> Platform:
    with open(inventory, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    hosts: dict[str, str] = {}

    def walk(group: dict[str, Any]) -> None:
        for host, hostvars in (group.get("hosts") or {}).items():
            hosts[host] = "127.0.0.1" if name == "windows" else (hostvars or {})["ansible_host"]
        for child in (group.get("children") or {}).values():
            walk(child or {})

    for group in data.values():
        walk(group or {})
    if not hosts:
        raise SystemExit(f"cases.py: no hosts in {inventory}: boot them first")
    extra: dict[str, Any] = {}
    if name == "windows":
        # nats-server is a console program: NSSM wraps it (the harness inventory says where
        # nssm.exe is). Under Wine NSSM can set no account but LocalSystem.
        extra = {
            "deploy_windows_manager": "nssm",
            "deploy_account": "LocalSystem",
            "deploy_nssm_binary": "{{ nssm_binary }}",
        }
    return Platform(name, inventory, hosts, extra)


def deploy_vars(platform: Platform, version: str, artifact: str, **override: Any) -> dict[str, Any]:
    monitor = PORTS[platform.name][1]
    variables: dict[str, Any] = {
        "deploy_name": NAME,
        "deploy_version": version,
        "deploy_artifact": platform.binary(artifact),
        "deploy_args": platform.args(),
        "deploy_health_url": f"http://127.0.0.1:{monitor}/healthz",
        "deploy_verify": VERIFY,
    }
    variables.update(platform.extra)
    variables.update(override)
    return variables


def ansible_env() -> dict[str, str]:
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    # Without keepalives an SSH master whose host vanished hangs for the TCP timeout (many
    # minutes) instead of reporting the host unreachable.
    env["ANSIBLE_SSH_ARGS"] = (
        "-C -o ControlMaster=auto -o ControlPersist=60s -o ServerAliveInterval=2 -o ServerAliveCountMax=3"
    )
    return env


def start_deploy(platform: Platform, step: str, variables: dict[str, Any]) -> tuple[subprocess.Popen[str], str]:
    os.makedirs(WORK, exist_ok=True)
    varfile = os.path.join(WORK, f"{platform.name}-{step}.vars.json")
    with open(varfile, "w", encoding="utf-8") as f:
        json.dump(variables, f, indent=2)
    log = os.path.join(WORK, f"{platform.name}-{step}.log")
    argv = ["ansible-playbook", "-i", platform.inventory, os.path.join(TOP, "playbooks", "deploy.yml"), "-e", f"@{varfile}"]
    if "deploy_serial" in variables:
        argv += ["-e", f"deploy_serial={variables['deploy_serial']}"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ansible_env(), cwd=TOP)
    return proc, log


def finish_deploy(proc: subprocess.Popen[str], log: str) -> Run:
    output = proc.communicate()[0]
    with open(log, "w", encoding="utf-8") as f:
        f.write(output)
    recap = {
        m.group("host"): {k: int(v) for k, v in m.groupdict().items() if k != "host"}
        for m in RECAP_RE.finditer(output)
    }
    return Run(proc.returncode, recap, output, log)


def deploy(platform: Platform, step: str, variables: dict[str, Any]) -> Run:
    return finish_deploy(*start_deploy(platform, step, variables))


def served_version(platform: Platform, host: str, timeout: float = 2.0) -> str:
    """The version nats-server reports on /varz, or what kept it from answering."""
    url = f"http://{platform.hosts[host]}:{PORTS[platform.name][1]}/varz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return str(json.load(response).get("version", "<no version in /varz>"))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"<nothing: {reason}>"


def wait_served(platform: Platform, host: str, expected: str, seconds: float = 15.0) -> str:
    # The role has already verified what it left running; the wait only covers a restart
    # that is still settling when the play ends.
    deadline = time.monotonic() + seconds
    seen = served_version(platform, host)
    while seen != expected and time.monotonic() < deadline:
        time.sleep(0.5)
        seen = served_version(platform, host)
    return seen


def check_serves(platform: Platform, expected: str, hosts: list[str] | None = None) -> list[str]:
    problems = []
    for host in hosts or list(platform.hosts):
        seen = wait_served(platform, host, expected)
        if seen != expected:
            problems.append(f"{host} serves {seen}, expected {expected}")
    return problems


def recap_problems(run: Run, hosts: list[str], *, want_failed: bool, want_unchanged: bool = False) -> list[str]:
    problems = []
    if want_failed == (run.rc == 0):
        problems.append(f"ansible-playbook exited {run.rc}, expected {'non-zero' if want_failed else '0'}")
    for host in hosts:
        stats = run.recap.get(host)
        if stats is None:
            last = next((line for line in reversed(run.output.splitlines()) if line.strip()), "no output")
            problems.append(f"{host} missing from the play recap (the run ended with: {last.strip()[:300]})")
            continue
        failed = stats["failed"] + stats["unreachable"] > 0
        if failed != want_failed:
            problems.append(f"{host}: recap failed={stats['failed']} unreachable={stats['unreachable']}")
        if want_unchanged and stats["changed"] != 0:
            problems.append(f"{host}: re-run changed={stats['changed']}, expected 0")
    return problems


class Suite:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.results: list[Result] = []

    def record(self, case: str, problems: list[str], run: Run | None, note: str = "") -> None:
        outcome = ""
        if run is not None:
            outcome = "; ".join(filter(None, (run.outcome(h) for h in self.platform.hosts)))
        detail = "; ".join(problems) if problems else "ok"
        if note:
            detail += f" [{note}]"
        log = os.path.relpath(run.log, TOP) if run is not None else ""
        result = Result(self.platform.name, case, not problems, detail, outcome, log)
        self.results.append(result)
        print(f"{'PASS' if result.passed else 'FAIL'} {result.platform} {case}: {detail}", flush=True)
        if outcome:
            print(f"    the role said: {outcome}", flush=True)
        if log:
            print(f"    log: {log}", flush=True)

    def good(self, step: str, version: str, artifact: str) -> Run:
        return deploy(self.platform, step, deploy_vars(self.platform, version, artifact))

    def ensure_second(self) -> str:
        """Brings every host back to a healthy SECOND before a fault case; says if it had to."""
        if not check_serves(self.platform, SECOND):
            return ""
        run = self.good("restore", SECOND, f"nats-server-{SECOND}")
        left = check_serves(self.platform, SECOND)
        if run.rc != 0 or left:
            return f"restoring {SECOND} before this case failed too: {'; '.join(left) or run.log}"
        return f"{SECOND} had to be deployed again before this case"

    def deploy_upgrade(self) -> None:
        hosts = list(self.platform.hosts)
        run = self.good("deploy-1", FIRST, f"nats-server-{FIRST}")
        self.record("deploy 1", recap_problems(run, hosts, want_failed=False) + check_serves(self.platform, FIRST), run)
        run = self.good("rerun-1", FIRST, f"nats-server-{FIRST}")
        self.record(
            "re-run changed=0",
            recap_problems(run, hosts, want_failed=False, want_unchanged=True) + check_serves(self.platform, FIRST),
            run,
        )
        run = self.good("upgrade-2", SECOND, f"nats-server-{SECOND}")
        self.record("upgrade to 2", recap_problems(run, hosts, want_failed=False) + check_serves(self.platform, SECOND), run)

    def fault(self, case: str, step: str, variables: dict[str, Any]) -> None:
        note = self.ensure_second()
        run = deploy(self.platform, step, variables)
        problems = recap_problems(run, list(self.platform.hosts), want_failed=True)
        problems += [f"after the failed deploy {p} (the previous release)" for p in check_serves(self.platform, SECOND)]
        self.record(case, problems, run, note)

    def faults(self) -> None:
        p = self.platform
        good = f"nats-server-{FIRST}"
        self.fault("exits at once", "fault-exitnow", deploy_vars(p, "fault-exitnow", "exitnow"))
        self.fault("crashes after 2 s", "fault-crashlater", deploy_vars(p, "fault-crashlater", "crashlater"))
        self.fault("never healthy", "fault-neverhealthy", deploy_vars(p, "fault-neverhealthy", "neverhealthy"))
        # nats-server rejects an unknown option: "flag provided but not defined", then usage.
        self.fault(
            "good binary, bad argument",
            "fault-badarg",
            deploy_vars(p, "fault-badarg", good, deploy_args=p.args() + ["--no_such_option"]),
        )
        # The Go runtime of nats-server refuses a malformed GOMEMLIMIT before main runs
        # ("fatal error: malformed GOMEMLIMIT").
        self.fault(
            "bad environment value",
            "fault-badenv",
            deploy_vars(p, "fault-badenv", good, deploy_env={"GOMEMLIMIT": "lots"}),
        )
        self.fault(
            "account that does not exist",
            "fault-noaccount",
            deploy_vars(p, "fault-noaccount", good, deploy_account="nosuchuser"),
        )

    def unreachable_mid_rollout(self, netns: str) -> None:
        """serial=1 over two hosts; the second loses its network once the first serves the new release."""
        first, second = list(self.platform.hosts)[:2]
        if netns != second:
            raise SystemExit(f"cases.py: --netns-of-second {netns} is not the second host {second}")
        note = self.ensure_second()
        new = f"{FIRST}-rolling"
        variables = deploy_vars(self.platform, new, f"nats-server-{FIRST}", deploy_serial=1)
        first_seen: list[str] = []
        cut = threading.Event()
        stop = threading.Event()

        def watch() -> None:
            while not stop.is_set():
                seen = served_version(self.platform, first, timeout=1.0)
                first_seen.append(seen)
                if seen == FIRST and not cut.is_set():
                    subprocess.run(["ip", "-n", netns, "link", "set", "eth0", "down"], check=True)
                    cut.set()
                time.sleep(0.2)

        watcher = threading.Thread(target=watch, daemon=True)
        proc, log = start_deploy(self.platform, "fault-unreachable", variables)
        watcher.start()
        try:
            run = finish_deploy(proc, log)
        finally:
            stop.set()
            watcher.join()
            subprocess.run(["ip", "-n", netns, "link", "set", "eth0", "up"], check=True)
        problems: list[str] = []
        if not cut.is_set():
            problems.append(f"{first} never served {FIRST} during the run, so {second} was never cut off")
        if run.rc == 0:
            problems.append("ansible-playbook exited 0 although a host was unreachable")
        stats = run.recap.get(second, {})
        if stats.get("unreachable", 0) + stats.get("failed", 0) == 0:
            problems.append(f"{second} is not unreachable or failed in the recap: {stats or 'missing'}")
        seen = wait_served(self.platform, first, FIRST)
        if seen not in (FIRST, SECOND):
            problems.append(f"{first} serves {seen} after the run, expected {FIRST} (new) or {SECOND} (previous)")
        gaps = sum(1 for s in first_seen if s.startswith("<nothing"))
        problems += check_serves(self.platform, SECOND, [second])
        note = "; ".join(filter(None, (note, f"{first} unanswered in {gaps} of {len(first_seen)} polls during the run")))
        self.record("host unreachable mid rolling deploy", problems, run, note)

    def from_url(self) -> None:
        """Linux: the hosts download the release themselves from an HTTP server on this machine's
        side of the test network; a re-run downloads nothing; a download with another checksum
        fails and the release before keeps serving."""
        hosts = list(self.platform.hosts)
        controller = ".".join(self.platform.hosts[hosts[0]].split(".")[:3] + ["1"])
        state = os.path.join(WORK, "artifact-server")
        subprocess.run(["rm", "-rf", state], check=True)
        server = subprocess.Popen([sys.executable, ARTIFACT_SERVER, "--dir", os.path.dirname(self.platform.binary("x")),
                                   "--bind", controller, "--state", state, "--lifetime", "900"])
        try:
            port_file = os.path.join(state, "port")
            deadline = time.monotonic() + 30
            while not os.path.exists(port_file) and time.monotonic() < deadline:
                time.sleep(0.1)
            with open(port_file, encoding="ascii") as f:
                base = f"http://{controller}:{f.read().strip()}/files"
            artifact = f"nats-server-{FIRST}"
            with open(self.platform.binary(artifact), "rb") as f:
                sha = hashlib.sha256(f.read()).hexdigest()
            version = f"{FIRST}-url"
            url_vars = dict(deploy_artifact="", deploy_artifact_url=f"{base}/{artifact}", deploy_artifact_sha256=sha)
            note = self.ensure_second()
            run = deploy(self.platform, "url-1", deploy_vars(self.platform, version, artifact, **url_vars))
            self.record("deploy from a URL", recap_problems(run, hosts, want_failed=False)
                        + check_serves(self.platform, FIRST) + self._fetched(state, artifact, len(hosts)), run, note)
            run = deploy(self.platform, "url-rerun", deploy_vars(self.platform, version, artifact, **url_vars))
            self.record("re-run from a URL changed=0, nothing fetched",
                        recap_problems(run, hosts, want_failed=False, want_unchanged=True)
                        + check_serves(self.platform, FIRST) + self._fetched(state, artifact, len(hosts)), run)
            wrong = {**url_vars, "deploy_artifact_url": f"{base}/nats-server-{SECOND}"}
            run = deploy(self.platform, "url-wrongsha", deploy_vars(self.platform, f"{SECOND}-url", artifact, **wrong))
            self.record("download with another checksum", recap_problems(run, hosts, want_failed=True)
                        + [f"after the failed deploy {p} (the previous release)" for p in check_serves(self.platform, FIRST)],
                        run)
        finally:
            server.terminate()
            server.wait(timeout=10)

    @staticmethod
    def _fetched(state: str, artifact: str, want: int) -> list[str]:
        with open(os.path.join(state, "requests"), encoding="utf-8") as f:
            got = sum(1 for line in f if line.strip() == f"GET /files/{artifact} 200")
        return [] if got == want else [f"the artifact server served {artifact} {got} times, expected {want} (once per host)"]


def table(results: list[Result]) -> str:
    width = max(len(r.case) for r in results)
    lines = [f"{'platform':<8}  {'case':<{width}}  result  detail"]
    for r in results:
        lines.append(f"{r.platform:<8}  {r.case:<{width}}  {'pass' if r.passed else 'FAIL':<6}  {r.detail}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("platform", choices=["linux", "windows"])
    parser.add_argument("--inventory", required=True)
    parser.add_argument("--netns-of-second", default="", help="Linux: netns of the second host, to cut it off")
    options = parser.parse_args()
    suite = Suite(load_platform(options.platform, options.inventory))
    suite.deploy_upgrade()
    suite.faults()
    if options.netns_of_second:
        suite.unreachable_mid_rollout(options.netns_of_second)
    if options.platform == "linux":
        suite.from_url()
    results_file = os.path.join(WORK, f"{options.platform}-results.json")
    with open(results_file, "w", encoding="utf-8") as f:
        json.dump([dataclasses.asdict(r) for r in suite.results], f, indent=2)
    print(table(suite.results))
    passed = sum(r.passed for r in suite.results)
    print(f"{options.platform}: {passed} passed, {len(suite.results) - passed} failed")
    return 0 if passed == len(suite.results) else 1


if __name__ == "__main__":
    sys.exit(main())
