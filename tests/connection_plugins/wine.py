# Copyright: svcwright maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only connection to a Wine prefix that stands in for a Windows host."""
from __future__ import annotations

DOCUMENTATION = r"""
name: wine
short_description: Run Windows commands in a Wine prefix (test hosts only)
description:
  - >-
    Reaches a Windows stand-in made by C(tests/harness/wine-host): a Wine prefix with its
    own persistent wineserver on the controller itself.
  - >-
    Behaves like Windows OpenSSH with its default shell C(cmd.exe), the way the C(ssh)
    connection with the C(cmd) shell sees it. A command string C(CMD) becomes the exact
    Windows command line C("C:\Windows\System32\cmd.exe" /c "CMD"), handed unchanged to
    C(CreateProcessW) by the prefix's launcher C(C:\wine-harness\run-cmdline.exe). Its
    exit code (all 32 bits), stdout and stderr bytes come back as produced (CRLF and the
    console code page included).
  - >-
    File transfer maps a Windows path (C(C:\...) or C(C:/...)) onto the prefix's drive
    directory, matching existing path components case-insensitively. Parent directories are
    not created. Overwriting an executable that a running program has mapped fails, as
    Windows refuses to overwrite a running program's image.
  - >-
    It runs raw commands only (M(ansible.builtin.raw) and action plugins that call
    C(_low_level_execute_command) or C(exec_command)); there is no PowerShell under Wine,
    so PowerShell-based modules cannot run over it. Become is not supported.
author: svcwright maintainers
options:
  wine_prefix:
    description:
      - >-
        Absolute path of the Wine prefix of the host. A wineserver must be running for it
        (C(tests/harness/wine-host up) starts one); the connection refuses to start one of
        its own, because Wine stops the services of a prefix soon after its last program
        exits unless its wineserver is persistent.
    type: path
    required: true
    vars:
      - name: ansible_wine_prefix
    env:
      - name: ANSIBLE_WINE_PREFIX
  wine_timeout:
    description:
      - >-
        Seconds one command may run. Past that the command's Wine processes are killed and
        the task fails with a connection error.
    type: int
    default: 300
    vars:
      - name: ansible_wine_timeout
    env:
      - name: ANSIBLE_WINE_TIMEOUT
"""

import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid

from ansible.errors import AnsibleConnectionFailure, AnsibleError, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.connection import ConnectionBase
from ansible.utils.display import Display

display = Display()

CMD_EXE = "C:\\Windows\\System32\\cmd.exe"
LAUNCHER = "C:\\wine-harness\\run-cmdline.exe"
TMP_WIN = "C:\\wine-harness\\tmp"
TMP_REL = ("drive_c", "wine-harness", "tmp")
LAUNCHER_FAILED = 255

# Characters Windows forbids in a file name (besides the separators and control chars).
_BAD_NAME_CHARS = re.compile(r'[<>:"|?*\x00-\x1f]')


def _wine_loader() -> str:
    # Debian's /usr/bin/wine wrapper only picks wine64 when wine32 is absent: skip it.
    for candidate in ("/usr/lib/wine/wine64", shutil.which("wine64"), shutil.which("wine")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise AnsibleConnectionFailure("wine is not installed (no wine64 or wine found)")


def wine_env(prefix: str) -> dict[str, str]:
    """The headless environment every Wine program of a test host runs in."""
    env = dict(os.environ)
    for var in ("WAYLAND_DISPLAY", "WINESERVER", "WINELOADER", "WINEDLLPATH"):
        env.pop(var, None)
    env.update(
        WINEPREFIX=prefix,
        WINEARCH="win64",
        WINEDEBUG="-all",
        WINEDLLOVERRIDES="mscoree=d;mshtml=d",
        DISPLAY="",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
    )
    return env


def wineserver_running(prefix: str) -> bool:
    """True when a wineserver serves this prefix. Its cwd is its server-<dev>-<inode>
    directory, except for the moments it spends in the prefix itself while it saves the
    registry; both count."""
    st = os.stat(prefix)
    want = f"server-{st.st_dev:x}-{st.st_ino:x}"
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm", encoding="utf-8", errors="replace") as f:
                if not f.read().startswith("wineserver"):
                    continue
            cwd = os.readlink(f"/proc/{entry}/cwd")
            if os.path.basename(cwd) == want or os.path.normpath(cwd) == os.path.normpath(prefix):
                return True
        except OSError:
            continue
    return False


def mapped_by_a_process(path: str) -> bool:
    """True when some process has this file mapped (a running program or DLL image)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    # /proc/PID/maps lines end in "dev inode path"; match on the inode, then the device.
    inode = str(st.st_ino)
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}"
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/maps", encoding="utf-8", errors="replace") as f:
                for line in f:
                    fields = line.split(None, 5)
                    if len(fields) >= 5 and fields[4] == inode and fields[3] == dev:
                        return True
        except OSError:
            continue
    return False


LAUNCH_ATTEMPTS = 3


class _NotLaunched(Exception):
    """The launcher could not create the command's process: nothing ran."""


class Connection(ConnectionBase):
    """Run commands and move files on a Wine prefix standing in for a Windows host."""

    transport = "wine"
    has_pipelining = False
    has_tty = False
    # Windows semantics, as the ssh connection uses with a Windows shell: the command
    # string goes to the remote shell as it is, never wrapped in /bin/sh -c.
    allow_executable = False
    module_implementation_preferences = (".ps1", ".exe", "")
    _shell_type = "cmd"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prefix: str | None = None

    # ------------------------------------------------------------------ connection

    def _connect(self):
        if self._connected:
            return self
        prefix = self.get_option("wine_prefix")
        if not prefix or not os.path.isabs(prefix):
            raise AnsibleConnectionFailure(f"wine_prefix must be an absolute path, got {prefix!r}")
        prefix = os.path.normpath(prefix)
        if not os.path.isfile(os.path.join(prefix, "system.reg")):
            raise AnsibleConnectionFailure(f"{prefix} is not a Wine prefix (no system.reg)")
        if not os.path.isdir(os.path.join(prefix, *TMP_REL)):
            raise AnsibleConnectionFailure(
                f"{prefix} has no C:\\wine-harness: make the host with tests/harness/wine-host up")
        if not wineserver_running(prefix):
            raise AnsibleConnectionFailure(
                f"no wineserver is running for {prefix}: start the host with "
                "tests/harness/wine-host up (the connection never starts one itself)")
        display.vvv(f"WINE CONNECTION: prefix {prefix}", host=self._play_context.remote_addr)
        self._prefix = prefix
        self._connected = True
        return self

    def close(self):
        self._connected = False

    def reset(self):
        self.close()

    def _profile_dir(self) -> str:
        user = pwd.getpwuid(os.getuid()).pw_name
        path = os.path.join(self._prefix, "drive_c", "users", user)
        return path if os.path.isdir(path) else os.path.join(self._prefix, "drive_c")

    # ------------------------------------------------------------------ commands

    def exec_command(self, cmd, in_data=None, sudoable=True):
        super().exec_command(cmd, in_data=in_data, sudoable=sudoable)
        if self.become is not None:
            raise AnsibleError("the wine connection does not support become")
        cmd = to_text(cmd, errors="surrogate_or_strict")
        cmdline = f'"{CMD_EXE}" /c "{cmd}"'
        display.vvv(f"EXEC {cmdline}", host=self._play_context.remote_addr)
        return self._run_exact(cmdline, in_data)

    def _run_exact(self, cmdline: str, in_data: bytes | None) -> tuple[int, bytes, bytes]:
        # Wine 8 under load sometimes fails the launcher's CreateProcessW with
        # ERROR_INTERNAL_ERROR (1359): the child was never created, so nothing ran and the
        # command can be started again. Only that failure of the stand-in itself is retried;
        # a command that ran, whatever its result, never is.
        for attempt in range(1, LAUNCH_ATTEMPTS + 1):
            try:
                return self._run_once(cmdline, in_data)
            except _NotLaunched as exc:
                if attempt == LAUNCH_ATTEMPTS:
                    raise AnsibleConnectionFailure("launcher failed %d times: %s" % (attempt, exc)) from None
                display.vvv(f"launcher failed ({exc}); starting the command again", host=self._play_context.remote_addr)
                time.sleep(0.5 * attempt)
        raise AssertionError("not reached")

    def _run_once(self, cmdline: str, in_data: bytes | None) -> tuple[int, bytes, bytes]:
        token = uuid.uuid4().hex
        tmp_unix = os.path.join(self._prefix, *TMP_REL)
        cmd_unix = os.path.join(tmp_unix, f"cmd-{token}.txt")
        rc_unix = os.path.join(tmp_unix, f"cmd-{token}.rc")
        argv = [_wine_loader(), LAUNCHER, f"{TMP_WIN}\\cmd-{token}.txt", f"{TMP_WIN}\\cmd-{token}.rc"]
        timeout = self.get_option("wine_timeout")
        try:
            with open(cmd_unix, "wb") as f:
                f.write(cmdline.encode("utf-8"))
            # Files, not pipes: a program that outlives the command (a service started by
            # `start`, say) must not keep us waiting for an end-of-file.
            with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
                    tempfile.TemporaryFile() as inp:
                if in_data:
                    inp.write(to_bytes(in_data))
                    inp.seek(0)
                proc = subprocess.Popen(
                    argv, stdin=inp if in_data else subprocess.DEVNULL, stdout=out, stderr=err,
                    env=wine_env(self._prefix), cwd=self._profile_dir(), start_new_session=True)
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    # The command's Wine processes share the launcher's session; services
                    # and Wine's own processes were started outside it and survive.
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
                    raise AnsibleConnectionFailure(
                        f"command timed out after {timeout} s (wine_timeout): {cmdline}")
                out.seek(0)
                err.seek(0)
                stdout, stderr = out.read(), err.read()
            try:
                with open(rc_unix, encoding="ascii") as f:
                    rc = int(f.read())
            except FileNotFoundError:
                if proc.returncode == LAUNCHER_FAILED and stderr.startswith(b"run-cmdline:"):
                    message = to_text(stderr, errors='replace').strip()
                    if b"CreateProcessW failed (Win32 error 1359)" in stderr:
                        raise _NotLaunched(message)
                    raise AnsibleConnectionFailure(f"launcher failed: {message}")
                rc = proc.returncode  # wine itself failed before the launcher ran
            display.vvvvv(f"EXEC rc={rc}", host=self._play_context.remote_addr)
            return rc, stdout, stderr
        finally:
            for path in (cmd_unix, rc_unix):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)

    # ------------------------------------------------------------------ files

    def _unix_path(self, win_path: str, want_parent_only: bool) -> str:
        """Map a Windows path to its Unix path in the prefix.

        Existing components are matched case-insensitively, as Windows does. All components
        but the last must exist; the last must too unless want_parent_only.
        """
        path = to_text(win_path, errors="surrogate_or_strict").replace("/", "\\")
        if path.startswith("\\\\?\\"):
            path = path[4:]
        if re.match(r"^[A-Za-z]:\\", path):
            drive, rest = path[0].lower(), path[3:]
        elif re.match(r"^[A-Za-z]:", path):
            raise AnsibleError(f"drive-relative paths are not supported: {win_path}")
        elif path.startswith("\\\\"):
            raise AnsibleError(f"UNC paths are not supported: {win_path}")
        elif path.startswith("\\"):
            drive, rest = "c", path[1:]
        else:  # relative: to the user's profile, the working directory of a command
            drive = "c"
            rest = os.path.relpath(self._profile_dir(), os.path.join(self._prefix, "drive_c"))
            rest = rest.replace("/", "\\") + "\\" + path
        root = os.path.join(self._prefix, "dosdevices", f"{drive}:")
        if not os.path.isdir(root):
            raise AnsibleError(f"no drive {drive.upper()}: on this host: {win_path}")
        parts: list[str] = []
        for part in rest.split("\\"):
            if part in ("", "."):
                continue
            if part == "..":
                if parts:
                    parts.pop()
                continue
            # Win32 path normalisation drops trailing dots and spaces of a component.
            part = part.rstrip(" .") or part
            if _BAD_NAME_CHARS.search(part):
                raise AnsibleError(f"invalid character in Windows path: {win_path}")
            parts.append(part)
        if not parts:
            raise AnsibleError(f"not a file path: {win_path}")
        current = root
        for i, part in enumerate(parts):
            candidate = os.path.join(current, part)
            if not os.path.lexists(candidate) and os.path.isdir(current):
                folded = part.casefold()
                for entry in os.listdir(current):
                    if entry.casefold() == folded:
                        candidate = os.path.join(current, entry)
                        break
            last = i == len(parts) - 1
            if not last and not os.path.isdir(candidate):
                missing = "\\".join([drive.upper() + ":"] + parts[:i + 1])
                raise AnsibleError(f"the directory {missing} does not exist: {win_path}")
            if last and not want_parent_only and not os.path.lexists(candidate):
                raise AnsibleError(f"file not found on the Windows host: {win_path}")
            current = candidate
        return current

    def put_file(self, in_path, out_path):
        super().put_file(in_path, out_path)
        display.vvv(f"PUT {in_path} TO {out_path}", host=self._play_context.remote_addr)
        b_in = to_bytes(in_path, errors="surrogate_or_strict")
        if not os.path.exists(b_in):
            raise AnsibleFileNotFound(f"file or module does not exist: {in_path}")
        dest = self._unix_path(out_path, want_parent_only=True)
        if os.path.isdir(dest):
            raise AnsibleError(f"cannot write {out_path}: it is a directory")
        if mapped_by_a_process(dest):
            raise AnsibleError(
                f"cannot write {out_path}: the file is in use by a running program "
                "(Windows refuses to overwrite a running program's image)")
        tmp = f"{dest}.put-{uuid.uuid4().hex}"
        try:
            shutil.copyfile(b_in, tmp)
            os.replace(tmp, dest)
        except OSError as e:
            raise AnsibleError(f"failed to transfer {in_path} to {out_path}: {e}") from e
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def fetch_file(self, in_path, out_path):
        super().fetch_file(in_path, out_path)
        display.vvv(f"FETCH {in_path} TO {out_path}", host=self._play_context.remote_addr)
        src = self._unix_path(in_path, want_parent_only=False)
        if not os.path.isfile(src):
            raise AnsibleError(f"not a file on the Windows host: {in_path}")
        try:
            shutil.copyfile(src, to_bytes(out_path, errors="surrogate_or_strict"))
        except OSError as e:
            raise AnsibleError(f"failed to fetch {in_path} to {out_path}: {e}") from e
