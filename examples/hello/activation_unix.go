//go:build !windows

package main

import (
	"fmt"
	"net"
	"os"
	"syscall"
)

// systemdListener returns a listener on descriptor fd (3 in production)
// when LISTEN_PID is this process and LISTEN_FDS is at least 1, together
// with LISTEN_FDS. Otherwise it returns a nil listener. Either way it
// removes LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES from the environment,
// so that they do not leak into child processes.
func systemdListener(fd int) (net.Listener, int, error) {
	listenPID, listenFDs := os.Getenv("LISTEN_PID"), os.Getenv("LISTEN_FDS")
	for _, k := range []string{"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"} {
		os.Unsetenv(k)
	}
	n, err := activationCount(listenPID, listenFDs, os.Getpid())
	if err != nil || n == 0 {
		return nil, 0, err
	}
	syscall.CloseOnExec(fd)
	f := os.NewFile(uintptr(fd), "systemd-socket")
	ln, err := net.FileListener(f) // works on a duplicate of fd
	f.Close()
	if err != nil {
		return nil, n, fmt.Errorf("fd %d: %w", fd, err)
	}
	return ln, n, nil
}
