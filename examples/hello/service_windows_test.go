//go:build windows

package main

import (
	"bytes"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/windows/svc"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServiceExecute drives the service handler the way the service
// control manager does, without one.
func TestServiceExecute(t *testing.T) {
	for _, tc := range []struct {
		cmd    svc.Cmd
		reason string
	}{{svc.Stop, "service Stop"}, {svc.Shutdown, "service Shutdown"}} {
		t.Run(tc.reason, func(t *testing.T) {
			a := testApp(config{listen: "127.0.0.1:0", shutdownTimeout: 5 * time.Second, name: "hello"})
			var out lockedBuffer
			a.out = log.New(&out, "", 0)
			h := &serviceHandler{a: a}
			req := make(chan svc.ChangeRequest)
			status := make(chan svc.Status, 10)
			type ret struct {
				ssec bool
				code uint32
			}
			done := make(chan ret, 1)
			go func() {
				ssec, code := h.Execute([]string{"hello", "-x", "y z"}, req, status)
				done <- ret{ssec, code}
			}()
			next := func() svc.Status {
				t.Helper()
				select {
				case s := <-status:
					return s
				case <-time.After(5 * time.Second):
					t.Fatalf("no status reported; log %q", out.String())
				}
				return svc.Status{}
			}
			if s := next(); s.State != svc.StartPending {
				t.Fatalf("first status %+v, want StartPending", s)
			}
			if s := next(); s.State != svc.Running || s.Accepts != svc.AcceptStop|svc.AcceptShutdown {
				t.Fatalf("second status %+v, want Running accepting Stop and Shutdown", s)
			}
			// The socket is bound before Running is reported; the start
			// line is logged by the serving goroutine right after.
			var addr string
			for deadline := time.Now().Add(5 * time.Second); addr == "" && time.Now().Before(deadline); {
				for _, l := range strings.Split(out.String(), "\n") {
					if strings.Contains(l, " listening on ") {
						addr = addrFromStart(t, l)
					}
				}
				time.Sleep(10 * time.Millisecond)
			}
			r, err := http.Get("http://" + addr + "/health")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
			if r.StatusCode != 200 {
				t.Fatalf("/health: %d", r.StatusCode)
			}

			running := svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
			req <- svc.ChangeRequest{Cmd: svc.Interrogate, CurrentStatus: running}
			if s := next(); s != running {
				t.Fatalf("Interrogate answered %+v", s)
			}
			req <- svc.ChangeRequest{Cmd: tc.cmd}
			if s := next(); s.State != svc.StopPending || s.WaitHint != 10000 {
				t.Fatalf("after %s: %+v, want StopPending with WaitHint 10000", tc.reason, s)
			}
			select {
			case r := <-done:
				if r.ssec || r.code != 0 {
					t.Fatalf("Execute returned %v, %d", r.ssec, r.code)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Execute did not return")
			}
			log := out.String()
			for _, want := range []string{
				`Windows service "hello" starting, args ["hello" "-x" "y z"]`,
				"shutdown requested by " + tc.reason + ", draining in-flight requests (timeout 5s)",
				"hello " + version + " exiting with code 0 (shutdown complete)",
			} {
				if !strings.Contains(log, want+"\n") {
					t.Errorf("no line %q in log %q", want, log)
				}
			}
		})
	}
}
