# -*- coding: utf-8 -*-
"""Hypothesis settings for the unit suite: no per-example deadline (a loaded 2-core machine
makes timings meaningless), and on CI the same examples every run, so that a landing is
decided by the code, not by the draw; locally each run draws new examples."""
from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("local", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "local")
