//go:build windows

package main

import (
	"time"

	"golang.org/x/sys/windows/svc"
)

// serviceMode reports whether to run under the service control manager:
// when Windows says this process is a service, or -service is given (Wine,
// for one, does not let svc.IsWindowsService detect it).
func serviceMode(a *app) bool {
	is, err := svc.IsWindowsService()
	if err != nil {
		a.errs.Printf("warning: cannot tell whether this is a Windows service: %v", err)
	}
	return is || a.cfg.service
}

// runService runs the service dispatcher; it returns once the service has
// stopped.
func (a *app) runService() int {
	h := &serviceHandler{a: a, code: exitError}
	if err := svc.Run(a.cfg.name, h); err != nil {
		a.errs.Printf("error: running as Windows service %q: %v", a.cfg.name, err)
		return a.exitWith(exitError, "service dispatcher failed")
	}
	return h.code
}

// serviceHandler implements svc.Handler on top of app.serve.
type serviceHandler struct {
	a    *app
	code int // exit code of the last Execute
}

// Execute reports StartPending, binds, reports Running (accepting Stop and
// Shutdown), and on Stop or Shutdown reports StopPending and drains like
// SIGTERM does. A non-zero exit code is returned as service-specific.
func (h *serviceHandler) Execute(args []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	a := h.a
	status <- svc.Status{State: svc.StartPending}
	a.out.Printf("Windows service %q starting, args %q", a.cfg.name, args)

	ln, how, err := a.listen()
	if err != nil {
		a.errs.Printf("error: %v", err)
		h.code = a.exitWith(exitError, "startup failed")
		return true, uint32(h.code)
	}
	stop := make(chan string, 1)
	defer a.stopOnSignals(stop)() // a console Ctrl+C still works under -service
	done := make(chan int, 1)
	go func() { done <- a.serve(ln, how, a.routes(), stop) }()
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}

	for {
		select {
		case h.code = <-done:
			return h.code != 0, uint32(h.code)
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				reason := "service Stop"
				if c.Cmd == svc.Shutdown {
					reason = "service Shutdown"
				}
				wait := a.cfg.shutdownTimeout + 5*time.Second
				status <- svc.Status{State: svc.StopPending, WaitHint: uint32(wait / time.Millisecond)}
				select {
				case stop <- reason:
				default: // a stop request is already pending
				}
			default:
				a.errs.Printf("warning: unexpected service control request %d", c.Cmd)
			}
		}
	}
}
