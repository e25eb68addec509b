package main

import (
	"fmt"
	"strconv"
)

// activationCount tells how many sockets systemd socket activation passed
// to the process pid, from the values of LISTEN_PID and LISTEN_FDS, as
// sd_listen_fds(3) does: 0 when LISTEN_PID is unset or names another
// process, an error when a value that applies is not a number.
func activationCount(listenPID, listenFDs string, pid int) (int, error) {
	if listenPID == "" {
		return 0, nil
	}
	p, err := strconv.Atoi(listenPID)
	if err != nil || p <= 0 {
		return 0, fmt.Errorf("LISTEN_PID=%q is not a process id", listenPID)
	}
	if p != pid {
		return 0, nil
	}
	if listenFDs == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(listenFDs)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("LISTEN_FDS=%q is not a count", listenFDs)
	}
	return n, nil
}
