/*
 * run-cmdline.exe: run one EXACT Windows command line (test host launcher).
 *
 *   run-cmdline.exe CMDFILE [RCFILE]
 *
 * CMDFILE holds the command line as UTF-8 (no BOM, no trailing newline is
 * added or removed: every byte counts). It is converted to UTF-16 and handed
 * unchanged to CreateProcessW(NULL, cmdline, ...): no argv splitting and no
 * re-quoting happen on the way, which is what wine's own command line
 * handling would do to it. The child inherits this process's standard
 * handles and current directory; the launcher waits for it and exits with
 * its exit code. Unix truncates an exit status to 8 bits, so when RCFILE is
 * given, the full 32-bit exit code is also written there as decimal text.
 *
 * A failure of the launcher itself (unreadable file, bad UTF-8,
 * CreateProcessW error) is reported on stderr as "run-cmdline: ..." with
 * exit code 255, and RCFILE is not written: the caller can tell such a
 * failure from a command that exited 255.
 *
 * Build: x86_64-w64-mingw32-gcc -O2 -municode -o run-cmdline.exe run-cmdline.c
 */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

#define LAUNCHER_FAILED 255

static void fail(const char *what, DWORD error)
{
    fprintf(stderr, "run-cmdline: %s (Win32 error %lu)\n", what, (unsigned long)error);
    fflush(stderr);
    ExitProcess(LAUNCHER_FAILED);
}

static char *read_whole_file(const wchar_t *path, DWORD *size_out)
{
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    LARGE_INTEGER size;
    char *buf;
    DWORD got = 0;

    if (h == INVALID_HANDLE_VALUE)
        fail("cannot open the command file", GetLastError());
    if (!GetFileSizeEx(h, &size))
        fail("cannot size the command file", GetLastError());
    /* CreateProcessW takes at most 32767 UTF-16 units; UTF-8 needs <= 3 bytes each. */
    if (size.QuadPart > 32767 * 3)
        fail("the command file is too large", ERROR_FILENAME_EXCED_RANGE);
    buf = HeapAlloc(GetProcessHeap(), 0, (SIZE_T)size.QuadPart + 1);
    if (buf == NULL)
        fail("out of memory", ERROR_NOT_ENOUGH_MEMORY);
    while (got < (DWORD)size.QuadPart) {
        DWORD n = 0;
        if (!ReadFile(h, buf + got, (DWORD)size.QuadPart - got, &n, NULL))
            fail("cannot read the command file", GetLastError());
        if (n == 0)
            break;
        got += n;
    }
    CloseHandle(h);
    *size_out = got;
    return buf;
}

static wchar_t *utf8_to_utf16(const char *utf8, DWORD len)
{
    int n;
    wchar_t *w;

    if (len == 0)
        fail("the command line is empty", ERROR_INVALID_PARAMETER);
    if (memchr(utf8, 0, len) != NULL)
        fail("the command line contains a NUL byte", ERROR_INVALID_PARAMETER);
    n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, (int)len, NULL, 0);
    if (n <= 0)
        fail("the command line is not valid UTF-8", GetLastError());
    w = HeapAlloc(GetProcessHeap(), 0, ((SIZE_T)n + 1) * sizeof(wchar_t));
    if (w == NULL)
        fail("out of memory", ERROR_NOT_ENOUGH_MEMORY);
    if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, (int)len, w, n) != n)
        fail("the command line is not valid UTF-8", GetLastError());
    w[n] = L'\0';
    return w;
}

static HANDLE inheritable_std_handle(DWORD which)
{
    HANDLE h = GetStdHandle(which);
    if (h != NULL && h != INVALID_HANDLE_VALUE)
        SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    return h;
}

static void write_exit_code(const wchar_t *path, DWORD code)
{
    char text[16];
    DWORD len = (DWORD)snprintf(text, sizeof text, "%lu", (unsigned long)code);
    DWORD written = 0;
    HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);

    if (h == INVALID_HANDLE_VALUE)
        fail("cannot create the exit code file", GetLastError());
    if (!WriteFile(h, text, len, &written, NULL) || written != len)
        fail("cannot write the exit code file", GetLastError());
    CloseHandle(h);
}

int wmain(int argc, wchar_t **argv)
{
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    DWORD size = 0, code = 0;
    char *utf8;
    wchar_t *cmdline;

    if (argc != 2 && argc != 3) {
        fputs("usage: run-cmdline.exe CMDFILE [RCFILE]\n", stderr);
        return LAUNCHER_FAILED;
    }
    utf8 = read_whole_file(argv[1], &size);
    cmdline = utf8_to_utf16(utf8, size);

    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = inheritable_std_handle(STD_INPUT_HANDLE);
    si.hStdOutput = inheritable_std_handle(STD_OUTPUT_HANDLE);
    si.hStdError = inheritable_std_handle(STD_ERROR_HANDLE);
    ZeroMemory(&pi, sizeof pi);

    /* cmdline is writable, as CreateProcessW requires. */
    if (!CreateProcessW(NULL, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        fail("CreateProcessW failed", GetLastError());
    CloseHandle(pi.hThread);
    if (WaitForSingleObject(pi.hProcess, INFINITE) != WAIT_OBJECT_0)
        fail("waiting for the child failed", GetLastError());
    if (!GetExitCodeProcess(pi.hProcess, &code))
        fail("cannot read the child's exit code", GetLastError());
    CloseHandle(pi.hProcess);

    if (argc == 3)
        write_exit_code(argv[2], code);
    ExitProcess(code);
    return (int)code;
}
