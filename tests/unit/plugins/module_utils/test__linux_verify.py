# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verification without waiting that tells a release's service is already serving, on
the recorded ``systemctl show`` of a running service."""
from __future__ import annotations

import os
import time
from typing import Any, List

from ansible_collections.svcwright.services.plugins.module_utils._linux_verify import LinuxVerifier
from ansible_collections.svcwright.services.plugins.module_utils._verify import options_from_params

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "systemd", "show-running-ssh.txt")


class Host:
    """``systemctl show`` answers with the recorded output, its process started ``up_for`` seconds ago."""

    check_mode = True

    def __init__(self, up_for: float) -> None:
        with open(FIXTURE, encoding="utf-8") as f:
            text = f.read()
        start_us = int((time.monotonic() - up_for) * 1e6)
        self.show = "\n".join("ExecMainStartTimestampMonotonic=%d" % start_us
                              if line.startswith("ExecMainStartTimestampMonotonic=") else line
                              for line in text.splitlines()) + "\n"
        self.commands: List[List[str]] = []

    def run_command(self, cmd: List[str], **_kw: Any) -> Any:
        self.commands.append(list(cmd))
        return 0, self.show, ""


def verifier(host: Host, **params: Any) -> LinuxVerifier:
    opts = options_from_params(dict(dict(name="ssh", deadline=60.0, stable_for=3.0, log_lines=30), **params))

    def on_error(what: str) -> None:
        raise AssertionError(what)

    return LinuxVerifier(host, opts, "ssh.service", on_error)


def test_a_service_up_longer_than_stable_for_passes_at_once() -> None:
    host = Host(up_for=120.0)
    v = verifier(host)
    assert v.at_once() is True
    assert all(c[:2] == ["systemctl", "show"] for c in host.commands)


def test_a_service_up_for_less_than_stable_for_is_not_serving_yet() -> None:
    assert verifier(Host(up_for=0.5)).at_once() is False


def test_a_probe_that_does_not_answer_at_once_is_not_serving() -> None:
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    v = verifier(Host(up_for=120.0), probe=dict(type="tcp", host="127.0.0.1", port=1, timeout=0.5, interval=1.0))
    assert v.at_once() is False
    assert v.verification.attempts == 1
