# -*- coding: utf-8 -*-
"""What a Windows service needs before anything is written: read in the first round trip."""
from __future__ import annotations

from ansible_collections.svcwright.services.plugins.module_utils._spec import build_spec
from ansible_collections.svcwright.services.plugins.plugin_utils._win_runner import CommandResult
from ansible_collections.svcwright.services.plugins.plugin_utils._win_service_ops import (
    ACCOUNT_CHECK,
    missing_prerequisites,
    prerequisite_argvs,
)

EXE = "C:\\svcw test\\[hello]\\hello.exe"
WINE_MISSING_SERVICE = CommandResult(["sc.exe", "query", "NoSuchSvc"], 1, "", "")
NOT_FOUND = "The user name could not be found.\r\n\r\nMore help is available by typing NET HELPMSG 2221.\r\n"


def spec(**kw):
    return build_spec(dict(dict(name="SvcwTest [abc]", command=EXE), **kw), backend="sc")


def test_the_program_the_account_and_each_service_dependency_are_read():
    checks = prerequisite_argvs(spec(account="svcuser", dependencies=["Tcpip", "+NetworkProvider"]))
    assert [key for key, _argv in checks] == ["command", ACCOUNT_CHECK, "Tcpip"]
    assert checks[1][1] == ["net.exe", "user", "svcuser"]
    assert checks[2][1] == ["sc.exe", "query", "Tcpip"]
    assert prerequisite_argvs(spec(state="absent")) == []
    assert [k for k, _a in prerequisite_argvs(spec(), command=False)] == []


def test_each_missing_prerequisite_is_named_with_what_to_do():
    s = spec(account="svcuser", dependencies=["NoSuchSvc"])
    checks = prerequisite_argvs(s)
    results = [CommandResult(checks[0][1], 1, "File Not Found\r\n", ""),
               CommandResult(checks[1][1], 2, NOT_FOUND, ""),
               WINE_MISSING_SERVICE]
    problems = missing_prerequisites(s, checks, results)
    assert len(problems) == 3
    assert "command %s does not exist on the host. Ship the program" % EXE in problems[0]
    assert "account svcuser does not exist on this host. Create it first" in problems[1]
    assert "dependency NoSuchSvc is not a service on this host. Install it first" in problems[2]


def test_present_prerequisites_are_not_problems():
    s = spec(account="svcuser")
    checks = prerequisite_argvs(s)
    results = [CommandResult(checks[0][1], 0, "hello.exe\r\n", ""),
               CommandResult(checks[1][1], 0, "User name                    svcuser\r\n", "")]
    assert missing_prerequisites(s, checks, results) == []
