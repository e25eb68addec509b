# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Win32 error codes that service management meets, with what to do about each.

sc.exe exits with the Win32 error code and prints it (``[SC] StartService FAILED 1053:``);
NSSM prints the system message text only (``OpenService(): The specified service does not
exist as an installed service.``), and the SCM's event log entries quote the same texts.
``message`` is the English text Windows' FormatMessage gives, ``wine_message`` Wine 8's
text for the same code (read from its message table), so that a message can be mapped back
to its code on both (:func:`win32_code_for_message`). ``hint`` says what to do.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional


@dataclass(frozen=True)
class Win32Error:
    code: int
    name: str
    message: str
    hint: str
    wine_message: Optional[str] = None


_ERRORS = (
    Win32Error(0, "ERROR_SUCCESS", "The operation completed successfully.",
               "Nothing failed.", "Success."),
    Win32Error(1, "ERROR_INVALID_FUNCTION", "Incorrect function.",
               "From Wine's sc.exe, exit code 1 means any failure: read the service state "
               "instead of trusting the code.", "Invalid function."),
    Win32Error(2, "ERROR_FILE_NOT_FOUND", "The system cannot find the file specified.",
               "The service binary (the program path of ImagePath) does not exist: check "
               "the release directory and that the path in the service points at it.",
               "File not found."),
    Win32Error(3, "ERROR_PATH_NOT_FOUND", "The system cannot find the path specified.",
               "A directory in the program path or the working directory is missing.",
               "Path not found."),
    Win32Error(5, "ERROR_ACCESS_DENIED", "Access is denied.",
               "Run with administrative rights (become: yes, become_method: runas) or grant "
               "the account rights on the service; the service account also needs read and "
               "execute rights on its binary.", "Access denied."),
    Win32Error(87, "ERROR_INVALID_PARAMETER", "The parameter is incorrect.",
               "An sc.exe option got a value it does not accept (e.g. an account name in "
               "the wrong form, or a dependency list with a bad separator).",
               "Invalid parameter."),
    Win32Error(193, "ERROR_BAD_EXE_FORMAT", "%1 is not a valid Win32 application.",
               "The program path does not point at a Windows executable for this "
               "architecture: check GOOS/GOARCH of the build and the quoting of ImagePath."),
    Win32Error(1051, "ERROR_DEPENDENT_SERVICES_RUNNING",
               "A stop control has been sent to a service that other running services are "
               "dependent on.",
               "Stop the dependent services first, or stop them together.",
               "Dependent services are running."),
    Win32Error(1052, "ERROR_INVALID_SERVICE_CONTROL",
               "The requested control is not valid for this service.",
               "The service does not accept this control in its current state.",
               "Invalid service control."),
    Win32Error(1053, "ERROR_SERVICE_REQUEST_TIMEOUT",
               "The service did not respond to the start or control request in a timely "
               "fashion.",
               "The program did not report to the SCM within 30 s: it is probably not a "
               "service program (use NSSM to wrap it), it crashed at start, or it waits for "
               "something (network, a missing file). Under Wine a Go service must be forced "
               "into service mode.", "Service request timeout."),
    Win32Error(1054, "ERROR_SERVICE_NO_THREAD",
               "A thread could not be created for the service.",
               "The host is short of resources.", "Cannot create service thread."),
    Win32Error(1055, "ERROR_SERVICE_DATABASE_LOCKED", "The service database is locked.",
               "Another configuration change is in progress: retry.",
               "Service database locked."),
    Win32Error(1056, "ERROR_SERVICE_ALREADY_RUNNING",
               "An instance of the service is already running.",
               "Nothing to do: the service is running.", "Service already running."),
    Win32Error(1057, "ERROR_INVALID_SERVICE_ACCOUNT",
               "The account name is invalid or does not exist, or the password is invalid "
               "for the account name specified.",
               "Check the account name (DOMAIN\\user, .\\user, NT SERVICE\\name, a gMSA "
               "ending in $) and its password.", "Invalid service account."),
    Win32Error(1058, "ERROR_SERVICE_DISABLED",
               "The service cannot be started, either because it is disabled or because it "
               "has no enabled devices associated with it.",
               "The start mode is disabled: set start_mode to manual, auto or delayed first.",
               "Service is disabled."),
    Win32Error(1059, "ERROR_CIRCULAR_DEPENDENCY",
               "Circular service dependency was specified.",
               "Remove the dependency cycle.", "Circular dependency."),
    Win32Error(1060, "ERROR_SERVICE_DOES_NOT_EXIST",
               "The specified service does not exist as an installed service.",
               "The service is not installed (check the service name, not the display "
               "name).", "Service does not exist."),
    Win32Error(1061, "ERROR_SERVICE_CANNOT_ACCEPT_CTRL",
               "The service cannot accept control messages at this time.",
               "The service is starting or stopping: wait for a stable state and retry.",
               "Service cannot accept control message."),
    Win32Error(1062, "ERROR_SERVICE_NOT_ACTIVE", "The service has not been started.",
               "Nothing to stop: the service is already stopped.", "Service not active."),
    Win32Error(1063, "ERROR_FAILED_SERVICE_CONTROLLER_CONNECT",
               "The service process could not connect to the service controller.",
               "The program was started outside the SCM, or is not a service program.",
               "Service controller connect failed."),
    Win32Error(1064, "ERROR_EXCEPTION_IN_SERVICE",
               "An exception occurred in the service when handling the control request.",
               "The service crashed handling a control: read its logs and the System "
               "event log.", "Exception in service."),
    Win32Error(1066, "ERROR_SERVICE_SPECIFIC_ERROR",
               "The service has returned a service-specific error code.",
               "The service stopped with its own error code (SERVICE_EXIT_CODE): read its "
               "logs.", "Service-specific error."),
    Win32Error(1067, "ERROR_PROCESS_ABORTED", "The process terminated unexpectedly.",
               "The program exited or crashed: read its stdout/stderr logs and the System "
               "event log (7031/7034).", "Process aborted."),
    Win32Error(1068, "ERROR_SERVICE_DEPENDENCY_FAIL",
               "The dependency service or group failed to start.",
               "Start (or fix) the services listed in the dependencies first.",
               "Service dependency failed."),
    Win32Error(1069, "ERROR_SERVICE_LOGON_FAILED",
               "The service did not start due to a logon failure.",
               "Wrong or expired password, or the account lacks the 'Log on as a service' "
               "right (SeServiceLogonRight).", "Service login failed."),
    Win32Error(1070, "ERROR_SERVICE_START_HANG",
               "After starting, the service hung in a start-pending state.",
               "The program reported START_PENDING but never RUNNING: read its logs.",
               "Service start-hang."),
    Win32Error(1072, "ERROR_SERVICE_MARKED_FOR_DELETE",
               "The specified service has been marked for deletion.",
               "A deleted service goes only when it is stopped and every handle to it is "
               "closed: stop it, close services.msc/Event Viewer and other tools, and retry "
               "(or reboot).", "Service marked for delete."),
    Win32Error(1073, "ERROR_SERVICE_EXISTS", "The specified service already exists.",
               "A service with this name is installed already: reconfigure it instead of "
               "creating it.", "Service exists."),
    Win32Error(1075, "ERROR_SERVICE_DEPENDENCY_DELETED",
               "The dependency service does not exist or has been marked for deletion.",
               "A service named in the dependencies is not installed: check its name.",
               "Service dependency deleted."),
    Win32Error(1077, "ERROR_SERVICE_NEVER_STARTED",
               "No attempts to start the service have been made since the last boot.",
               "Not a failure: the WIN32_EXIT_CODE of a service never started since boot.",
               "Service not started since last boot."),
    Win32Error(1078, "ERROR_DUPLICATE_SERVICE_NAME",
               "The name is already in use as either a service name or a service display "
               "name.",
               "Choose another display name: another service already uses it.",
               "Duplicate service name."),
    Win32Error(1079, "ERROR_DIFFERENT_SERVICE_ACCOUNT",
               "The account specified for this service is different from the account "
               "specified for other services running in the same process.",
               "Services sharing a process must use the same account: use an own-process "
               "service.", "Different service account."),
    Win32Error(1083, "ERROR_SERVICE_NOT_IN_EXE",
               "The executable program that this service is configured to run in does not "
               "implement the service.",
               "The service name registered by the program differs from the installed "
               "name (or the program is not a service).", "Service not implemented by exe."),
    Win32Error(1275, "ERROR_DRIVER_BLOCKED", "This driver has been blocked from loading",
               "Windows blocks this driver (vulnerable-driver blocklist or policy)."),
    Win32Error(1290, "ERROR_INCOMPATIBLE_SERVICE_SID_TYPE",
               "The service start failed since one or more services in the same process "
               "have an incompatible service SID type setting. A service with restricted "
               "service SID type can only coexist in the same process with other services "
               "with a restricted SID type. If the service SID type for this service was "
               "just configured, the hosting process must be restarted in order to start "
               "this service.",
               "Give the service its own process, or the same SID type as the others in "
               "its svchost group."),
    Win32Error(1314, "ERROR_PRIVILEGE_NOT_HELD",
               "A required privilege is not held by the client.",
               "The connection's user lacks a privilege the change needs: use an "
               "administrator.", "Privilege not held."),
    Win32Error(1326, "ERROR_LOGON_FAILURE", "The user name or password is incorrect.",
               "Check the service account's password.", "Logon failure."),
    Win32Error(1385, "ERROR_LOGON_TYPE_NOT_GRANTED",
               "Logon failure: the user has not been granted the requested logon type at "
               "this computer.",
               "Grant the account 'Log on as a service' (SeServiceLogonRight).",
               "Logon type not granted."),
    Win32Error(1639, "ERROR_INVALID_COMMAND_LINE",
               "Invalid command line argument. Consult the Windows Installer SDK for "
               "detailed command line help.",
               "sc.exe did not understand its arguments and printed its usage: an option "
               "is misspelt or lacks the space after '=' (binPath= value)."),
)

WIN32_ERRORS: Dict[int, Win32Error] = {e.code: e for e in _ERRORS}


def _norm(text: str) -> str:
    return " ".join(text.split()).rstrip(".").lower()


_BY_MESSAGE: Dict[str, int] = {}
for _e in _ERRORS:
    _BY_MESSAGE[_norm(_e.message)] = _e.code
    if _e.wine_message:
        _BY_MESSAGE.setdefault(_norm(_e.wine_message), _e.code)


def describe_win32_error(code: int) -> str:
    """One line for an error message: ``1053 ERROR_SERVICE_REQUEST_TIMEOUT: <official
    text> <hint>``. Negative codes (as a signed 32-bit print) are read as unsigned; an
    unknown code gets its hex form and, for HRESULT-style values, that remark."""
    code &= 0xFFFFFFFF
    err = WIN32_ERRORS.get(code)
    if err is not None:
        return "%d %s: %s %s" % (code, err.name, err.message, err.hint)
    if code & 0x80000000:
        return "0x%08X: an HRESULT or NTSTATUS value, not a Win32 error code" % code
    return "%d (0x%X): Win32 error not in the service error table" % (code, code)


def win32_code_for_message(message: str) -> Optional[int]:
    """The code whose Windows (English) or Wine message is ``message``, or None (e.g. a
    translated message). Whitespace, case and the final period do not matter."""
    return _BY_MESSAGE.get(_norm(message))
