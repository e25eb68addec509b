"""Read a file over and over for some seconds; print how many reads found it and how many did not.

Usage: read_loop.py PATH SECONDS MAGIC_HEX
"""
import json
import sys
import time

path, seconds, magic = sys.argv[1], float(sys.argv[2]), bytes.fromhex(sys.argv[3])
end = time.monotonic() + seconds
reads = misses = 0
errors = []
while time.monotonic() < end:
    try:
        with open(path, "rb") as f:
            if f.read(len(magic)) != magic:
                raise ValueError("unexpected content")
        reads += 1
    except (OSError, ValueError) as exc:
        misses += 1
        errors.append(str(exc))
print(json.dumps(dict(reads=reads, misses=misses, errors=errors[:5])))
