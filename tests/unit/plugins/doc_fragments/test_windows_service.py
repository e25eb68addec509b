# -*- coding: utf-8 -*-
"""The Windows backends document what they share once, in the windows_service fragment, and
ansible-doc merges it into each: the options it documents are the ones both accept."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from ansible_collections.svcwright.services.plugins.action.win_nssm import argument_spec as nssm_argument_spec
from ansible_collections.svcwright.services.plugins.action.win_service import argument_spec as sc_argument_spec
from ansible_collections.svcwright.services.plugins.doc_fragments.windows_service import ModuleDocFragment

PLUGINS = Path(__file__).resolve().parents[4] / "plugins"
FRAGMENT = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)


def module_doc(name: str) -> Dict[str, Any]:
    tree = ast.parse((PLUGINS / "modules" / (name + ".py")).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION":
            return yaml.safe_load(ast.literal_eval(node.value))
    raise AssertionError("%s has no DOCUMENTATION" % name)


@pytest.mark.parametrize("name", ["win_service", "win_nssm"])
def test_each_windows_module_extends_the_fragment_and_keeps_none_of_it(name: str) -> None:
    doc = module_doc(name)
    assert "svcwright.services.windows_service" in doc["extends_documentation_fragment"]
    assert not set(FRAGMENT["options"]) & set(doc["options"])
    assert not set(FRAGMENT["attributes"]) & set(doc.get("attributes", {}))
    assert not set(FRAGMENT["notes"]) & set(doc.get("notes", []))


@pytest.mark.parametrize("spec", [sc_argument_spec, nssm_argument_spec], ids=["sc", "nssm"])
def test_the_fragment_documents_options_as_both_backends_accept_them(spec: Any) -> None:
    accepted = spec()
    for key, documented in FRAGMENT["options"].items():
        assert accepted[key]["type"] == documented["type"], key
        assert accepted[key].get("choices") == documented.get("choices"), key
        assert accepted[key].get("default") == documented.get("default"), key
    assert accepted["password"].get("no_log") is True
