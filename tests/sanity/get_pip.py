"""Stand-in for the pip bootstrap script that ansible-test downloads from a host this
machine cannot reach: ansible-test runs it inside each fresh sanity venv with pip's install
arguments. It seeds pip from the standard library, then lets pip install the pinned versions
from the package index."""
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
