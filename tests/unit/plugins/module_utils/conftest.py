# -*- coding: utf-8 -*-
"""Make ``ansible_collections.svcwright.services`` importable for these tests.

When the collection is not already importable (``scripts/env.sh`` sets PYTHONPATH to a
collection tree), a temporary ``ansible_collections/svcwright/services`` symlink to the
repository root is made and put first on ``sys.path``.
"""
from __future__ import annotations

import atexit
import importlib
import shutil
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[4]


def _ensure_collection_importable() -> None:
    try:
        importlib.import_module("ansible_collections.svcwright.services.plugins.module_utils")
        return
    except ImportError:
        pass
    top = Path(tempfile.mkdtemp(prefix="svcwright-collections-"))
    atexit.register(shutil.rmtree, str(top), True)
    namespace = top / "ansible_collections" / "svcwright"
    namespace.mkdir(parents=True)
    (namespace / "services").symlink_to(REPO_ROOT, target_is_directory=True)
    sys.path.insert(0, str(top))
    for name in list(sys.modules):
        if name == "ansible_collections" or name.startswith("ansible_collections."):
            del sys.modules[name]
    importlib.invalidate_caches()


_ensure_collection_importable()
