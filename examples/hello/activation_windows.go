//go:build windows

package main

import "net"

// systemdListener: there is no socket activation on Windows, so -listen is
// always used.
func systemdListener(fd int) (net.Listener, int, error) {
	return nil, 0, nil
}
