"""Turn run.sh's raw.tsv into the Markdown table: per phase and host count, the median
seconds of every side, each side's median ratio to the baseline of the same run, the round
trips per host (commands run + files sent over SSH, counted by trips.sh), and the requests
that failed (and were refused) during the upgrade.

    python3 report.py RAW.tsv [--title TEXT]
"""
import argparse
import csv
import statistics
from collections import defaultdict

PHASES = [("first", "first deploy (1.0.0)"), ("rerun", "re-run (1.0.0 again)"), ("upgrade", "upgrade (2.0.0)")]
TARGETS = {"first": 0.5, "rerun": 0.25, "upgrade": 0.5}
# A run with nothing to do: at most this many round trips per Linux host.
RERUN_TRIPS = 1


def host_trips(cell):
    """{host: (execs, puts)} from a trips_by_host cell (NAME:EXECS+PUTS,...); {} if absent."""
    trips = {}
    for item in (cell or "").split(","):
        if ":" not in item:
            continue
        name, counts = item.split(":", 1)
        execs, puts = counts.split("+")
        trips[name] = (int(execs), int(puts))
    return trips


def trips_cell(rows):
    """Round trips per host as EXECS+PUTS, one entry per run; hosts that differ show min-max."""
    cells = []
    for r in rows:
        values = sorted(set(host_trips(r.get("trips_by_host")).values()), key=sum)
        if not values:
            cells.append("-")
        elif len(values) == 1:
            cells.append("%d+%d" % values[0])
        else:
            cells.append("%d+%d..%d+%d" % (values[0] + values[-1]))
    return ", ".join(cells)


def most_trips(rows):
    """The most round trips any host had in any of the runs, or None."""
    totals = [sum(t) for r in rows for t in host_trips(r.get("trips_by_host")).values()]
    return max(totals) if totals else None


def fmt(x, spec="%.2f"):
    return "-" if x is None else spec % x


def median_of(rows, key):
    vals = [float(r[key]) for r in rows if r.get(key) not in (None, "", "-")]
    return statistics.median(vals) if vals else None


def added_cost(small, large, key, added):
    a, b = median_of(small, key), median_of(large, key)
    return None if a is None or b is None else (b - a) / added


def fleet(rows, sides, counts, by_key):
    """What a fleet costs: per-host time, the controller's CPU seconds and peak memory, and
    the cost of each added host (from the smallest to the largest host count) per side."""
    serial = sorted({r.get("serial") or "all" for r in rows})
    forks = sorted({r.get("forks") or "-" for r in rows})
    out = ["", "Controller cost (median over the runs): wall seconds per host, CPU seconds of ansible-playbook and "
           "its children, peak resident memory of its process tree (bench/measure.py); serial %s, forks %s."
           % ("/".join(serial), "/".join(forks)), ""]
    out.append("| side | hosts | phase | seconds | seconds per host | CPU s | CPU s per host | peak MB |")
    out.append("|---|---|---|---|---|---|---|---|")
    for s in sides:
        for n in counts:
            for phase, _label in PHASES:
                rs = by_key[(s, n, phase)]
                sec, cpu, peak = median_of(rs, "seconds"), median_of(rs, "cpu_s"), median_of(rs, "peak_mb")
                out.append("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
                    s, n, phase, fmt(sec), fmt(sec / n if sec is not None else None), fmt(cpu),
                    fmt(cpu / n if cpu is not None else None), fmt(peak, "%.0f")))
    if len(counts) > 1:
        lo, hi = counts[0], counts[-1]
        out += ["", "Cost of each added host, from %d to %d hosts: (median at %d - median at %d) / %d, in wall seconds "
                "and CPU seconds; the ratio is the side's wall cost over the baseline's." % (lo, hi, hi, lo, hi - lo), ""]
        out.append("| side | phase | wall s per added host | CPU s per added host | wall / baseline |")
        out.append("|---|---|---|---|---|")
        base = {}
        for s in sides:
            for phase, _label in PHASES:
                wall, cpu = (added_cost(by_key[(s, lo, phase)], by_key[(s, hi, phase)], key, hi - lo)
                             for key in ("seconds", "cpu_s"))
                if s == "baseline":
                    base[phase] = wall
                ratio = wall / base[phase] if base.get(phase) and wall is not None and s != "baseline" else None
                out.append("| %s | %s | %s | %s | %s |" % (s, phase, fmt(wall), fmt(cpu),
                                                           fmt(ratio) + "x" if ratio is not None else "-"))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("raw")
    parser.add_argument("--title", default="Benchmark")
    args = parser.parse_args()
    with open(args.raw, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    sides = list(dict.fromkeys(r["side"] for r in rows))
    counts = sorted({int(r["hosts"]) for r in rows})
    runs = sorted({int(r["run"]) for r in rows})
    seconds = {(int(r["run"]), r["side"], int(r["hosts"]), r["phase"]): float(r["seconds"]) for r in rows}
    by_key = defaultdict(list)
    for r in rows:
        by_key[(r["side"], int(r["hosts"]), r["phase"])].append(r)

    out = ["# " + args.title, ""]
    out.append("Median wall-clock seconds of `ansible-playbook` over %d runs; the ratio is the median, over the "
               "runs, of side / baseline within the same run. Changed: the tasks reported changed (median). "
               "Failed requests: the upgrade's failed /health requests (20 ms poll per host), summed over the "
               "hosts, per run; refused: those of them that were `Connection refused`. Round trips per host: "
               "the SSH connections the controller made to each host during the phase, as commands run + "
               "files sent (bench/trips.sh stands in for ssh, sftp and scp and counts them; one entry per "
               "run)." % len(runs))
    loads = sorted(float(r["load1"]) for r in rows if r.get("load1"))
    if loads:
        out.append("")
        out.append("1-minute load average at the start of the timed runs: median %.2f, range %.2f-%.2f "
                   "(other work on this machine shares its cores; both sides run interleaved under it)."
                   % (statistics.median(loads), loads[0], loads[-1]))
    out.append("")
    others = [s for s in sides if s != "baseline"]
    head = ["phase", "hosts"] + ["%s s" % s for s in sides] + ["%s / baseline" % s for s in others]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    for phase, label in PHASES:
        for n in counts:
            cells = [label, str(n)]
            for s in sides:
                vals = [float(r["seconds"]) for r in by_key[(s, n, phase)]]
                changed = [int(r["changed"]) for r in by_key[(s, n, phase)]]
                summary = "%.2f (changed %d)" % (statistics.median(vals), statistics.median(changed)) if vals else "-"
                cells.append(summary)
            for s in others:
                ratios = [seconds[(k, s, n, phase)] / seconds[(k, "baseline", n, phase)] for k in runs
                          if (k, s, n, phase) in seconds and (k, "baseline", n, phase) in seconds]
                cell = fmt(statistics.median(ratios) if ratios else None) + "x"
                if phase in TARGETS and ratios:
                    met = statistics.median(ratios) <= TARGETS[phase]
                    cell += " (target <= %gx: %s)" % (TARGETS[phase], "met" if met else "missed")
                cells.append(cell)
            out.append("| " + " | ".join(cells) + " |")
    out.append("")
    out.append("Round trips per host (commands run + files sent; one entry per run). Target: a re-run with "
               "nothing to do costs at most %d per Linux host." % RERUN_TRIPS)
    out.append("")
    out.append("| side | hosts | " + " | ".join(label for _phase, label in PHASES) + " |")
    out.append("|---|---|" + "---|" * len(PHASES))
    for s in sides:
        for n in counts:
            cells = [s, str(n)]
            for phase, _label in PHASES:
                rows_ = by_key[(s, n, phase)]
                cell = trips_cell(rows_)
                most = most_trips(rows_)
                if phase == "rerun" and most is not None:
                    cell += " (target <= %d: %s)" % (RERUN_TRIPS, "met" if most <= RERUN_TRIPS else "missed")
                cells.append(cell)
            out.append("| " + " | ".join(cells) + " |")
    out.append("")
    out.append("Failed /health requests during the upgrade (every run, summed over the hosts; per host in brackets), "
               "and how many of them were refused:")
    out.append("")
    out.append("| side | hosts | failed requests per run | refused per run | ok requests per run |")
    out.append("|---|---|---|---|---|")
    for s in sides:
        for n in counts:
            rs = list(by_key[(s, n, "upgrade")])
            out.append("| %s | %d | %s | %s | %s |" % (
                s, n, ", ".join("%s [%s]" % (r["failed_requests"], r["failed_by_host"]) for r in rs),
                ", ".join(r.get("refused") or "-" for r in rs),
                ", ".join(r["ok_requests"] for r in rs)))
    if any(r.get("cpu_s") not in (None, "") for r in rows):
        out += fleet(rows, sides, counts, by_key)
    out.append("")
    out.append("All runs (seconds):")
    out.append("")
    out.append("| side | hosts | phase | " + " | ".join("run %d" % k for k in runs) + " |")
    out.append("|---|---|---|" + "---|" * len(runs))
    for s in sides:
        for n in counts:
            for phase, _label in PHASES:
                out.append("| %s | %d | %s | %s |" % (s, n, phase, " | ".join(
                    fmt(seconds.get((k, s, n, phase))) for k in runs)))
    print("\n".join(out))


if __name__ == "__main__":
    main()
