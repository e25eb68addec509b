# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host side of a verification on Linux: samples from ``systemctl show``, probes from
the host, and the record service_info reads. The verify module runs it to the end; the
release module runs it without waiting, to tell a service that is already serving.

The rules of a verification are ``_verify.Verification``; this file only reads the host.
"""
from __future__ import annotations

import os
import tempfile
import time
from typing import Any, Callable, Dict, Optional

from ._release_plan import parse_marker
from ._systemd_parse import parse_systemctl_show, unit_status
from ._verify import (
    ProbeResult,
    Sample,
    Verification,
    VerifyOptions,
    drive,
    encode_record,
    local_probe,
    record_path,
    sample_from_unit,
    systemctl_show_command,
    verify_record,
)

ENVIRON = {"LC_ALL": "C", "SYSTEMD_PAGER": "", "SYSTEMD_COLORS": "0"}


class WouldWait(Exception):
    """The verification asked to wait: the service has more to prove than one look shows."""


class LinuxVerifier:
    """One verification of ``unit`` on this host. ``on_error(message)`` must not return
    (the module's fail_json)."""

    def __init__(self, module: Any, opts: VerifyOptions, unit: str, on_error: Callable[[str], None]) -> None:
        self.module = module
        self.opts = opts
        self.unit = unit
        self.on_error = on_error
        self.started_at = time.time()
        self.t0 = time.monotonic()
        self.verification = Verification(opts, probing=opts.probe.enabled and opts.probe.where != "controller")

    def clock(self) -> float:
        return time.monotonic() - self.t0

    def take_sample(self) -> Sample:
        t = self.clock()
        cmd = systemctl_show_command(self.unit)
        rc, out, err = self.module.run_command(cmd, environ_update=ENVIRON)
        if rc != 0:
            self.on_error("cannot read its state: %s (rc %d): %s\nIs systemd running on this host "
                          "(systemctl is-system-running)?" % (" ".join(cmd), rc, (err or out).strip()))
        return sample_from_unit(t, unit_status(parse_systemctl_show(out)), time.monotonic())

    def take_probe(self) -> ProbeResult:
        t = self.clock()
        return local_probe(self.opts.probe, t, self.verification.attempt_timeout(t), self.clock)

    def run(self, sleep: Callable[[float], None] = time.sleep) -> str:
        """Drive the verification to its verdict (``pass`` or ``fail``)."""
        return drive(self.verification, self.take_sample, self.take_probe, sleep).verdict

    def at_once(self) -> bool:
        """Whether the service passes without any wait: running longer than stable_for
        already, the same process before and after one probe that passes."""

        def no_wait(delay: float) -> None:
            raise WouldWait()

        try:
            return self.run(no_wait) == "pass"
        except WouldWait:
            return False

    def record(self, passed: bool, reason: str) -> None:
        """The result, for service_info: written atomically, never in check mode. A record
        that cannot be written is a warning: the verification itself stands."""
        if self.module.check_mode:
            return
        last = self.verification.last
        data = verify_record(self.opts.name, time.time(), passed, reason, last.pid if last else None,
                             active_version(self.opts.base))
        path = record_path(self.opts.name, self.opts.base, windows=False)
        directory = os.path.dirname(path)
        tmp: Optional[str] = None
        try:
            os.makedirs(directory, mode=0o755, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".svcwright-verify-", dir=directory)
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(encode_record(data))
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except OSError as exc:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
            self.module.warn("the result could not be recorded in %s (%s); service_info will not show it" % (path, exc))

    def result(self) -> Dict[str, Any]:
        return dict(name=self.opts.name, started_at=int(self.started_at), **self.verification.result())


def active_version(base: Optional[str]) -> Optional[str]:
    """The release ``<base>/current`` points to, when it is a release link."""
    if not base:
        return None
    try:
        target = os.readlink(os.path.join(base, "current")).rstrip("/")
    except OSError:
        return None
    return parse_marker("version=" + os.path.basename(target))
