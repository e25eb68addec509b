# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""go_build: build the service binary on the controller for this host's platform, once.

Nothing runs on the host. The host only decides the platform, from the inventory (its shell
type and variables), so no facts are needed; the build and the cache are in
``plugin_utils/_go_build_cache.py``.
"""
from __future__ import annotations

import os
import shlex
import shutil
from typing import Any, Dict, List, Optional, Tuple

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.svcwright.services.plugins.module_utils._go_build import (
    GoBuild,
    GoBuildError,
    cache_key,
    default_name,
    goos_for_shell,
    module_path,
    relative_inside,
)
from ansible_collections.svcwright.services.plugins.plugin_utils._platform import is_windows
from ansible_collections.svcwright.services.plugins.plugin_utils._action_args import validate_args
from ansible_collections.svcwright.services.plugins.plugin_utils._go_build_cache import (
    GoBuildFailed,
    build_once,
    go_env,
    hash_sources,
)

ARGUMENT_SPEC: Dict[str, Any] = dict(
    src=dict(type="path", required=True),
    package=dict(type="str", default="."),
    version=dict(type="str", required=True),
    version_var=dict(type="str", default="main.version"),
    ldflags=dict(type="str", default="-s -w"),
    tags=dict(type="list", elements="str", default=[]),
    goos=dict(type="str"),
    goarch=dict(type="str"),
    name=dict(type="str"),
    output_dir=dict(type="path"),
    env=dict(type="dict", default={}),
    go=dict(type="str", default="go"),
)

GOOS_VAR = "svcw_goos"
GOARCH_VAR = "svcw_goarch"
DEFAULT_GOARCH = "amd64"


def default_output_dir(environ: Dict[str, str]) -> str:
    cache = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "svcwright", "go-build")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)
    _supports_check_mode = True

    def run(self, tmp: Any = None, task_vars: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        self._svcw_host = task_vars.get("inventory_hostname", "")
        params = validate_args(self, ARGUMENT_SPEC, self._task.args)
        try:
            result.update(self._build(params, task_vars))
        except (GoBuildError, OSError) as exc:
            # OSError: the cache or the source cannot be read or written; its text names the path.
            raise AnsibleActionFail(self._fail_text(str(exc)))
        except GoBuildFailed as exc:
            result.update(failed=True, changed=False, cmd=exc.argv, rc=exc.rc, stdout=exc.stdout, stderr=exc.stderr,
                          msg=self._fail_text("%s: %s\n%s" % (exc, shlex.join(exc.argv), exc.stderr.rstrip())))
        return result

    def _fail_text(self, text: str) -> str:
        return "host %s: go_build: %s" % (self._svcw_host, text)

    def _host_var(self, task_vars: Dict[str, Any], name: str) -> Optional[str]:
        value = task_vars.get(name)
        if value is None:
            return None
        value = self._templar.template(value)
        if not isinstance(value, str) or not value:
            raise GoBuildError("host variable %s must be a non-empty string, not %r" % (name, value))
        return value

    def _platform(self, params: Dict[str, Any], task_vars: Dict[str, Any]) -> Tuple[str, str]:
        goos = params["goos"] or self._host_var(task_vars, GOOS_VAR)
        if not goos:
            # The shell Ansible uses for the host, from the inventory: no connection is made.
            goos = goos_for_shell(is_windows(self))
        goarch = params["goarch"] or self._host_var(task_vars, GOARCH_VAR) or DEFAULT_GOARCH
        return goos, goarch

    def _paths(self, params: Dict[str, Any]) -> Tuple[str, str, List[str], str]:
        """src, output_dir, what of src is not source (the output dir when inside it), go."""
        src = os.path.realpath(self._loader.path_dwim(params["src"]))
        if not os.path.isfile(os.path.join(src, "go.mod")):
            raise GoBuildError("src %s is not a Go module's directory (no go.mod in it)" % src)
        output_dir = os.path.realpath(params["output_dir"] or default_output_dir(dict(os.environ)))
        inside = relative_inside(output_dir, src)
        if inside == ".":
            raise GoBuildError("output_dir must not be src itself (%s): the binaries would become part of the "
                               "source they are built from; use a subdirectory or another directory" % src)
        go = shutil.which(params["go"])
        if go is None:
            raise GoBuildError("go command %r not found in PATH (%s); install Go on the controller or set go to "
                               "its full path" % (params["go"], os.environ.get("PATH", "")))
        return src, output_dir, [inside] if inside else [], go

    def _build(self, params: Dict[str, Any], task_vars: Dict[str, Any]) -> Dict[str, Any]:
        src, output_dir, excluded, go = self._paths(params)
        goos, goarch = self._platform(params, task_vars)
        name = params["name"]
        if not name:
            with open(os.path.join(src, "go.mod"), encoding="utf-8", errors="replace") as go_mod:
                name = default_name(module_path(go_mod.read()), params["package"])
        build = GoBuild(
            name=name,
            version=params["version"],
            goos=goos,
            goarch=goarch,
            package=params["package"],
            version_var=params["version_var"],
            ldflags=params["ldflags"],
            tags=tuple(params["tags"]),
            env=params["env"],
        )
        build.check()
        environ = dict(os.environ)
        sources = hash_sources(src, excluded)
        key = cache_key(build, sources, go_env(go, src, build, environ))
        outcome = build_once(go, src, build, key, output_dir, environ, check_mode=bool(self._task.check_mode))
        return dict(
            changed=outcome.built or bool(self._task.check_mode and not outcome.cached),
            built=outcome.built,
            cached=outcome.cached,
            path=outcome.path,
            sha256=outcome.sha256,
            goos=goos,
            goarch=goarch,
            version=build.version,
            key=key,
            build_seconds=outcome.build_seconds,
        )
