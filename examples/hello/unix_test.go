//go:build !windows

package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestSignalGracefulShutdown(t *testing.T) {
	for _, tc := range []struct {
		sig  syscall.Signal
		name string
	}{{syscall.SIGTERM, "SIGTERM"}, {syscall.SIGINT, "SIGINT"}} {
		t.Run(tc.name, func(t *testing.T) {
			c := startChild(t, []string{"-listen", "127.0.0.1:0", "-shutdown-timeout", "5s"}, nil, nil)
			start := c.waitLine(t, " listening on ")
			if want := "hello " + version + " listening on "; start[:len(want)] != want {
				t.Fatalf("start line %q", start)
			}
			addr := addrFromStart(t, start)

			type result struct {
				code int
				body string
				at   time.Time
				err  error
			}
			res := make(chan result, 1)
			go func() {
				r, err := http.Get("http://" + addr + "/sleep?d=700ms")
				if err != nil {
					res <- result{err: err}
					return
				}
				b, err := io.ReadAll(r.Body)
				r.Body.Close()
				res <- result{r.StatusCode, string(b), time.Now(), err}
			}()
			time.Sleep(200 * time.Millisecond) // let the request reach the handler
			sent := time.Now()
			if err := c.cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			c.waitLine(t, "shutdown requested by "+tc.name)
			if !stopsAccepting(addr) {
				t.Error("still accepting connections 2s after the signal")
			}
			r := <-res
			if r.err != nil || r.code != 200 || r.body != "slept 700ms\n" {
				t.Fatalf("in-flight request: %d %q %v", r.code, r.body, r.err)
			}
			if !r.at.After(sent) {
				t.Error("the request finished before the signal was sent; the test proves nothing")
			}
			if code := c.wait(t, 10*time.Second); code != 0 {
				t.Fatalf("exit code %d, want 0; stderr %q", code, c.stderr.String())
			}
			out := c.output()
			for _, want := range []string{
				"shutdown requested by " + tc.name + ", draining in-flight requests (timeout 5s)",
				"hello " + version + " exiting with code 0 (shutdown complete)",
			} {
				if !hasLine(out, want) {
					t.Errorf("no line %q in %q", want, out)
				}
			}
			if out[len(out)-1] != "hello "+version+" exiting with code 0 (shutdown complete)" {
				t.Errorf("last line %q", out[len(out)-1])
			}
		})
	}
}

// TestSocketActivation passes a listening socket as fd 3 with LISTEN_FDS=1
// and LISTEN_PID set to the child's pid, as systemd does.
func TestSocketActivation(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	f, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	// -listen names an address that cannot be bound: the child must not use it.
	c := startChild(t, []string{"-listen", "256.0.0.1:80"},
		[]string{"HELLO_TEST_SET_LISTEN_PID=1", "LISTEN_FDS=1", "LISTEN_FDNAMES=web"}, []*os.File{f})
	// Only the child holds the socket from now on.
	f.Close()
	ln.Close()

	start := c.waitLine(t, " listening on ")
	want := "hello " + version + " listening on " + addr + " pid " + strconv.Itoa(c.cmd.Process.Pid) + " via socket activation"
	if start != want {
		t.Fatalf("start line %q, want %q", start, want)
	}
	r, err := http.Get("http://" + addr + "/health")
	if err != nil {
		t.Fatal(err)
	}
	var h healthBody
	err = json.NewDecoder(r.Body).Decode(&h)
	r.Body.Close()
	if err != nil || r.StatusCode != 200 || h.PID != c.cmd.Process.Pid {
		t.Fatalf("/health: %d %+v %v", r.StatusCode, h, err)
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	if code := c.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("exit code %d; stderr %q", code, c.stderr.String())
	}
}

// TestSocketActivationOtherPID: sockets meant for another process are
// left alone and -listen is bound.
func TestSocketActivationOtherPID(t *testing.T) {
	c := startChild(t, []string{"-listen", "127.0.0.1:0"}, []string{"LISTEN_PID=1", "LISTEN_FDS=1"}, nil)
	c.waitLine(t, " via -listen")
	c.cmd.Process.Signal(syscall.SIGTERM)
	if code := c.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("exit code %d; stderr %q", code, c.stderr.String())
	}
}

// TestSystemdListenerRealFD hands systemdListener a real socket descriptor
// and checks that it serves on it and clears the environment.
func TestSystemdListenerRealFD(t *testing.T) {
	orig, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	f, err := orig.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	fd, err := syscall.Dup(int(f.Fd())) // systemdListener owns and closes fd
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("LISTEN_PID", strconv.Itoa(os.Getpid()))
	t.Setenv("LISTEN_FDS", "2")
	t.Setenv("LISTEN_FDNAMES", "web:other")

	ln, n, err := systemdListener(fd)
	if err != nil || ln == nil || n != 2 {
		t.Fatalf("systemdListener = %v, %d, %v", ln, n, err)
	}
	defer ln.Close()
	if ln.Addr().String() != orig.Addr().String() {
		t.Errorf("listener on %s, want %s", ln.Addr(), orig.Addr())
	}
	for _, k := range []string{"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"} {
		if v, ok := os.LookupEnv(k); ok {
			t.Errorf("%s=%q still set", k, v)
		}
	}
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
		done <- err
	}()
	conn, err := net.Dial("tcp", orig.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no connection accepted on the inherited socket")
	}
}

func TestSystemdListenerNotOurs(t *testing.T) {
	t.Setenv("LISTEN_PID", "1")
	t.Setenv("LISTEN_FDS", "1")
	ln, n, err := systemdListener(3)
	if ln != nil || n != 0 || err != nil {
		t.Fatalf("systemdListener = %v, %d, %v; want nothing", ln, n, err)
	}
	if _, ok := os.LookupEnv("LISTEN_PID"); ok {
		t.Error("LISTEN_PID still set")
	}
}

func TestSystemdListenerBadFD(t *testing.T) {
	r, w, err := os.Pipe() // a descriptor that is not a socket
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	fd, err := syscall.Dup(int(r.Fd()))
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("LISTEN_PID", strconv.Itoa(os.Getpid()))
	t.Setenv("LISTEN_FDS", "1")
	if ln, _, err := systemdListener(fd); err == nil {
		ln.Close()
		t.Fatal("no error for a descriptor that is not a socket")
	}
}
