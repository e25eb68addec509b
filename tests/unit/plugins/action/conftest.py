# -*- coding: utf-8 -*-
"""Make the collection importable here too: pytest collects this directory before
module_utils/, whose conftest.py does that for the whole run."""
from __future__ import annotations

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[1] / "module_utils" / "conftest.py"))
