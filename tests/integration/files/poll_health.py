"""Ask a /health URL every INTERVAL seconds for DURATION seconds (bounded) and report, as
JSON, how many requests succeeded, how many failed and why, and which versions answered."""
import json
import sys
import time
import urllib.request

url, duration, interval = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
ok, failures, versions = 0, [], {}
end = time.monotonic() + duration
while time.monotonic() < end:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            version = json.loads(resp.read().decode()).get("version", "?")
            versions[version] = versions.get(version, 0) + 1
            ok += 1
    except Exception as exc:  # every failure counts, whatever its kind
        failures.append(str(exc))
    time.sleep(interval)
print(json.dumps({"ok": ok, "failed": len(failures), "errors": failures[:10], "versions": versions}))
