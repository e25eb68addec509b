# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The service definition a release was shipped with: how it is written into the release,
read back and checked.

A release is the whole service: ``releases/<version>/`` holds the artifact and, in
:data:`DEFINITION_FILE`, the service task arguments it is deployed with (the normalized spec
and the backend options), with the SHA-256 of their canonical JSON. Activating or rolling back
to a release applies its own definition, so the binary and the definition it was verified
with always travel together. Secrets (a Windows password) are never written: the caller adds
them again when it applies the definition.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, Mapping, Optional

DEFINITION_FILE = ".svcwright-definition.json"
DEFINITION_FORMAT = 1
# Never stored in a release: the caller passes them again.
SECRET_KEYS = ("password",)


class DefinitionError(ValueError):
    """A definition file that is not what this collection wrote (changed or truncated)."""


def _canonical(definition: Mapping[str, Any]) -> str:
    # ASCII only (every other character as \\uXXXX): the file reads back the same through any
    # code page, also when a Windows host prints it with `type`.
    return json.dumps(definition, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def storable(definition: Mapping[str, Any]) -> Dict[str, Any]:
    """The definition as a release records it: plain JSON data, without secrets."""
    data = json.loads(_canonical(definition))
    for key in SECRET_KEYS:
        data.pop(key, None)
    return data


def definition_sha256(definition: Mapping[str, Any]) -> str:
    return hashlib.sha256(_canonical(storable(definition)).encode("ascii")).hexdigest()


def encode_definition(definition: Mapping[str, Any]) -> str:
    """The file's text: one line of ASCII JSON, the definition and its checksum."""
    data = storable(definition)
    return _canonical(dict(format=DEFINITION_FORMAT, sha256=definition_sha256(data), definition=data)) + "\n"


def decode_definition(text: Optional[str], where: str) -> Optional[Dict[str, Any]]:
    """The definition in a file's text; None when there is no file (a release shipped without
    one). DefinitionError when the file was changed since it was written."""
    if text is None or not text.strip():
        return None
    try:
        data = json.loads(text)
        definition = data["definition"]
        recorded = data["sha256"]
    except (ValueError, KeyError, TypeError):
        raise DefinitionError("%s is not a definition file this collection wrote. A release never changes once "
                              "shipped: remove the release (state=absent) and ship it again." % where) from None
    if not isinstance(definition, dict) or definition_sha256(definition) != recorded:
        raise DefinitionError("%s does not match its checksum: the release's service definition was changed after "
                              "it was shipped. Remove the release (state=absent) and ship it again." % where)
    return definition


def differences(stored: Mapping[str, Any], wanted: Mapping[str, Any]) -> str:
    """The options whose values differ, for the message that refuses to change a release."""
    keys = sorted(set(stored) | set(wanted))
    changed = [k for k in keys if stored.get(k) != wanted.get(k)]
    return ", ".join(changed) or "(none)"
