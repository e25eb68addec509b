/*
 * Stand-in for bcryptprimitives.dll, which Wine 8 does not ship.
 *
 * Go >= 1.22 binaries for Windows load bcryptprimitives.dll at start-up and
 * take their random bytes from its ProcessPrng export; without the DLL they
 * die before main. This DLL provides only that export and fills the buffer
 * with RtlGenRandom (advapi32's SystemFunction036), which Wine implements.
 *
 * Build: x86_64-w64-mingw32-gcc -O2 -shared -o bcryptprimitives.dll \
 *          bcryptprimitives.c -ladvapi32
 * Install: C:\windows\system32\bcryptprimitives.dll in the Wine prefix.
 * Test-only: it is part of the Wine test host, never of a real Windows host.
 */
#include <windows.h>

/* RtlGenRandom is exported by advapi32 under the name SystemFunction036. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Same contract as the real export: fills the buffer, always returns TRUE. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000u ? 0x40000000u : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            /* The real ProcessPrng never fails; never hand back unfilled bytes. */
            TerminateProcess(GetCurrentProcess(), 0xC0000001u);
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
