"""Ask every host's /health every INTERVAL seconds until SIGTERM (or MAX seconds, a bound),
one thread per host, then print per-host JSON: requests that succeeded, failed (refused,
reset, timed out, non-200), and which versions answered.

    python3 poll.py --interval 0.02 --max 300 NAME=URL [NAME=URL ...]
"""
import argparse
import json
import signal
import threading
import urllib.request


def poll(url, interval, stop, out):
    ok, failed, errors, versions = 0, 0, {}, {}
    while not stop.is_set():
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                version = json.loads(resp.read().decode()).get("version", "?")
            versions[version] = versions.get(version, 0) + 1
            ok += 1
        except Exception as exc:  # every failure counts, whatever its kind
            failed += 1
            reason = str(getattr(exc, "reason", exc))
            errors[reason] = errors.get(reason, 0) + 1
        stop.wait(interval)
    out.update(ok=ok, failed=failed, errors=errors, versions=versions)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--interval", type=float, default=0.02)
    parser.add_argument("--max", type=float, default=300.0)
    parser.add_argument("targets", nargs="+", metavar="NAME=URL")
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    results, threads = {}, []
    for target in args.targets:
        name, url = target.split("=", 1)
        results[name] = {"url": url}
        thread = threading.Thread(target=poll, args=(url, args.interval, stop, results[name]), daemon=True)
        thread.start()
        threads.append(thread)
    stop.wait(args.max)
    stop.set()
    for thread in threads:
        thread.join()
    print(json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
