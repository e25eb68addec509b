"""Run a command and measure what it costs the controller: CPU seconds and peak memory.

    python3 measure.py OUT.json -- COMMAND [ARG...]

Exits with the command's exit code and writes OUT.json:

- ``cpu_s``: user + system CPU seconds of the command and every descendant it waited for
  (ansible-playbook's forks and their ssh clients; getrusage(RUSAGE_CHILDREN)). An SSH
  ControlPersist master detaches from the tree and is not counted: it only relays bytes.
- ``peak_mb``: the largest sum of resident memory (RSS) of the command's process tree, sampled
  every ``SAMPLE_S`` seconds from /proc. Shared pages count once per process, as the kernel
  reports RSS, so this is an upper bound of what the run needs.
- ``samples`` and ``peak_processes``: how many samples were taken, and the number of
  processes in the tree at the peak.
"""
import json
import os
import resource
import subprocess
import sys
import threading

SAMPLE_S = 0.1
PAGE = os.sysconf("SC_PAGE_SIZE")


def children_map():
    """{ppid: [pid, ...]} of every process now, from /proc/PID/stat."""
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the fields after its ')'.
        fields = stat[stat.rfind(b")") + 2:].split()
        kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def tree_rss(root):
    """(RSS bytes of ``root`` and its descendants, their number)."""
    kids = children_map()
    total, count, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open("/proc/%d/statm" % pid, "rb") as f:
                total += int(f.read().split()[1]) * PAGE
            count += 1
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(kids.get(pid, ()))
    return total, count


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit("usage: measure.py OUT.json -- COMMAND [ARG...]")
    out, argv = sys.argv[1], sys.argv[3:]
    proc = subprocess.Popen(argv)
    peak = dict(rss=0, processes=0, samples=0)
    done = threading.Event()

    def sample():
        while not done.is_set():
            rss, count = tree_rss(proc.pid)
            peak["samples"] += 1
            if rss > peak["rss"]:
                peak.update(rss=rss, processes=count)
            done.wait(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    rc = proc.wait()
    done.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(dict(cpu_s=round(usage.ru_utime + usage.ru_stime, 2), peak_mb=round(peak["rss"] / 2 ** 20, 1),
                       peak_processes=peak["processes"], samples=peak["samples"]), f)
    return rc


if __name__ == "__main__":
    sys.exit(main())
