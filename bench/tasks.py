"""Where a playbook run spends its time, from the timestamped logs run.sh keeps
(ANSIBLE_LOG_PATH, one per run of a phase): the median seconds from each task's start to the
next task's start, over the runs, and the rest of the wall-clock time (start-up, parsing,
inventory, before the first PLAY line). With the round-trip log of the same run (trips.sh, one
line per SSH connection with its time), each task also gets its round trips per host: the
connections made between its start and the next task's start, divided by the host count.

    python3 tasks.py tests/output/bench-<timestamp> [SIDE ...]
"""
import csv
import datetime
import os
import re
import statistics
import sys
from collections import defaultdict

LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) p=\d+ u=\S+ n=\S+ \w+\| (.*)$")
MARK = re.compile(r"^(TASK \[(.*?)\]|RUNNING HANDLER \[(.*?)\]|PLAY RECAP|PLAY \[)")


def task_times(path):
    """[(task, start, seconds)] of one timed log, and the seconds from its first line to its last."""
    marks, first, last = [], None, None
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
            first = t if first is None else first
            last = t
            mm = MARK.match(m.group(2))
            if mm:
                name = mm.group(2) or (("handler: " + mm.group(3)) if mm.group(3) else mm.group(1).strip("[ "))
                marks.append((name, t))
    times = [(name, t, marks[i + 1][1] - t) for i, (name, t) in enumerate(marks[:-1]) if not name.startswith("PLAY")]
    return times, (last - first) if first is not None else 0.0


def trip_times(path):
    """The times of the connections to hosts in one round-trip log (control commands left out);
    None when the run has no such log (results from before trips.sh)."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return [float(t) for t, kind, _addr in (line.split() for line in f if line.strip()) if kind != "control"]


def trips_in(trips, start, seconds):
    """How many connections started in [start, start + seconds); the log's stamps have whole
    milliseconds, so the window is widened by one."""
    return sum(1 for t in trips if start - 0.001 <= t < start + seconds)


def main():
    work, wanted = sys.argv[1], sys.argv[2:]
    with open(os.path.join(work, "raw.tsv"), newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    per = defaultdict(lambda: defaultdict(list))
    per_trips = defaultdict(lambda: defaultdict(list))
    order = defaultdict(list)
    for r in rows:
        if wanted and r["side"] not in wanted:
            continue
        key = (r["side"], r["hosts"], r["phase"])
        log = os.path.join(work, "logs", "run%s-%s-%s-%s.log" % (r["run"], r["side"], r["hosts"], r["phase"]))
        times, logged = task_times(log + ".timed")
        trips = trip_times(log + ".trips")
        for name, start, sec in times:
            if name not in order[key]:
                order[key].append(name)
            per[key][name].append(sec)
            if trips is not None:
                per_trips[key][name].append(trips_in(trips, start, sec) / int(r["hosts"]))
        per[key]["(start-up before the first line, and exit)"].append(float(r["seconds"]) - logged)
        per[key]["(wall clock)"].append(float(r["seconds"]))
        if trips is not None:
            per_trips[key]["(wall clock)"].append(len(trips) / int(r["hosts"]))
    for key in per:
        print("\n## %s, %s host(s), %s\n" % key)
        print("| task | median s | round trips per host |\n|---|---|---|")
        for name in order[key] + ["(start-up before the first line, and exit)", "(wall clock)"]:
            trips = per_trips[key].get(name)
            print("| %s | %.2f | %s |" % (name, statistics.median(per[key][name]),
                                          "%g" % statistics.median(trips) if trips else "-"))


if __name__ == "__main__":
    main()
