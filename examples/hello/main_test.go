package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The test binary doubles as the program: with HELLO_TEST_CHILD_ARGS set
// (a JSON list of arguments) it runs hello instead of the tests, so that
// tests can watch real exit codes, signals and inherited descriptors.
func TestMain(m *testing.M) {
	if js, ok := os.LookupEnv("HELLO_TEST_CHILD_ARGS"); ok {
		var args []string
		if err := json.Unmarshal([]byte(js), &args); err != nil {
			panic(err)
		}
		if os.Getenv("HELLO_TEST_SET_LISTEN_PID") == "1" {
			// What systemd does between fork and exec.
			os.Setenv("LISTEN_PID", strconv.Itoa(os.Getpid()))
		}
		os.Exit(run(args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// child is hello running as a separate process.
type child struct {
	cmd    *exec.Cmd
	lines  chan string // stdout, line by line
	mu     sync.Mutex
	out    []string // every stdout line so far
	eof    chan struct{}
	stderr bytes.Buffer
}

func startChild(t *testing.T, args []string, env []string, files []*os.File) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(args)
	c := &child{cmd: exec.Command(exe), lines: make(chan string, 100), eof: make(chan struct{})}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LISTEN_") {
			c.cmd.Env = append(c.cmd.Env, kv)
		}
	}
	c.cmd.Env = append(c.cmd.Env, "HELLO_TEST_CHILD_ARGS="+string(js))
	c.cmd.Env = append(c.cmd.Env, env...)
	c.cmd.ExtraFiles = files
	c.cmd.Stderr = &c.stderr
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
	})
	go func() {
		defer close(c.eof)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.mu.Lock()
			c.out = append(c.out, sc.Text())
			c.mu.Unlock()
			select {
			case c.lines <- sc.Text():
			default:
			}
		}
	}()
	return c
}

// waitLine returns the first stdout line, from the ones not yet waited
// for, that contains substr.
func (c *child) waitLine(t *testing.T, substr string) string {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case l := <-c.lines:
			if strings.Contains(l, substr) {
				return l
			}
		case <-deadline:
			t.Fatalf("no line with %q within 5s; stdout so far: %q; stderr: %q", substr, c.output(), c.stderr.String())
		}
	}
}

func (c *child) output() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.out...)
}

// wait waits for the child to exit and returns its exit code.
func (c *child) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-c.eof:
	case <-time.After(timeout):
		c.cmd.Process.Kill()
		t.Fatalf("child still running after %s; stdout: %q", timeout, c.output())
	}
	err := c.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

func hasLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

// addrFromStart takes the address out of
// "hello V listening on ADDR pid N via HOW".
func addrFromStart(t *testing.T, line string) string {
	t.Helper()
	f := strings.Fields(line)
	if len(f) < 8 || f[2] != "listening" || f[3] != "on" || f[5] != "pid" || f[7] != "via" {
		t.Fatalf("start line %q is not in the documented form", line)
	}
	return f[4]
}

func TestParseFlagsDefaults(t *testing.T) {
	c, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := config{listen: ":8080", shutdownTimeout: 10 * time.Second, exitCode: 1, name: "hello"}
	if c != want {
		t.Fatalf("defaults = %+v, want %+v", c, want)
	}
}

func TestBadCommandLineExits2(t *testing.T) {
	for _, args := range [][]string{
		{"-exit-code", "256"},
		{"-exit-code", "-1"},
		{"-shutdown-timeout", "-1s"},
		{"-fail-after", "-1s"},
		{"-fail-after", "soon"},
		{"-name", ""},
		{"-no-such-flag"},
		{"extra"},
	} {
		var stderr bytes.Buffer
		if code := run(args, io.Discard, &stderr); code != exitUsage {
			t.Errorf("run(%q) = %d, want %d", args, code, exitUsage)
		}
		if stderr.Len() == 0 {
			t.Errorf("run(%q) said nothing on stderr", args)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"-version"}, &out, io.Discard); code != exitOK {
		t.Fatalf("exit code %d", code)
	}
	if got, want := out.String(), "hello "+version+"\n"; got != want {
		t.Fatalf("-version printed %q, want %q", got, want)
	}
}

// TestVersionLdflag builds the program the documented way and checks that
// -X main.version reaches it.
func TestVersionLdflag(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	bin := filepath.Join(t.TempDir(), "hello")
	// Same settings as the test binary itself, so that only linking is
	// left to do (-trimpath or CGO_ENABLED=0 would rebuild the standard
	// library on a cold cache).
	build := exec.Command(gobin, "build", "-ldflags", "-X main.version=9.8.7", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "-version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "hello 9.8.7\n" {
		t.Fatalf("-version printed %q", out)
	}
}

func testApp(cfg config) *app {
	if cfg.shutdownTimeout == 0 {
		cfg.shutdownTimeout = 10 * time.Second
	}
	a := newApp(cfg, io.Discard, io.Discard)
	a.exit = func(code int) { panic("exit " + strconv.Itoa(code)) }
	return a
}

func get(t *testing.T, h http.Handler, method, target string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec.Result()
}

func checkHealth(t *testing.T, res *http.Response, wantCode int, wantStatus string) {
	t.Helper()
	if res.StatusCode != wantCode {
		t.Errorf("status code %d, want %d", res.StatusCode, wantCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	raw, _ := io.ReadAll(res.Body)
	want := `{"status":"` + wantStatus + `","version":"` + version + `","pid":` + strconv.Itoa(os.Getpid()) + "}\n"
	if string(raw) != want {
		t.Errorf("body %q, want %q", raw, want)
	}
}

func TestHealthOK(t *testing.T) {
	checkHealth(t, get(t, testApp(config{}).routes(), "GET", "/health"), 200, "ok")
}

func TestHealthUnhealthy(t *testing.T) {
	checkHealth(t, get(t, testApp(config{unhealthy: true}).routes(), "GET", "/health"), 503, "unhealthy")
}

func TestHealthHead(t *testing.T) {
	res := get(t, testApp(config{}).routes(), "HEAD", "/health")
	if res.StatusCode != 200 {
		t.Fatalf("HEAD /health: %d", res.StatusCode)
	}
}

func TestRoot(t *testing.T) {
	for _, unhealthy := range []bool{false, true} {
		res := get(t, testApp(config{unhealthy: unhealthy}).routes(), "GET", "/")
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || string(body) != "Hello from hello "+version+"\n" {
			t.Errorf("GET / = %d %q", res.StatusCode, body)
		}
		if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
	}
}

func TestOtherRequests(t *testing.T) {
	h := testApp(config{}).routes()
	for _, tc := range []struct {
		method, target string
		code           int
	}{
		{"GET", "/nope", 404},
		{"GET", "/health/", 404},
		{"POST", "/health", 405},
		{"DELETE", "/", 405},
		{"GET", "/sleep?d=forever", 400},
		{"GET", "/sleep?d=-1s", 400},
		{"GET", "/sleep?d=6m", 400},
		{"GET", "/sleep?d=0s", 200},
	} {
		if res := get(t, h, tc.method, tc.target); res.StatusCode != tc.code {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.target, res.StatusCode, tc.code)
		}
	}
}

func TestListenErrorExits1(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	t.Setenv("LISTEN_PID", "") // not socket-activated
	var out, errs bytes.Buffer
	if code := run([]string{"-listen", busy.Addr().String()}, &out, &errs); code != exitError {
		t.Fatalf("exit code %d, want %d", code, exitError)
	}
	if !strings.Contains(errs.String(), "error: ") {
		t.Errorf("stderr %q", errs.String())
	}
	if want := "hello " + version + " exiting with code 1 (startup failed)\n"; out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
}

// stopsAccepting reports whether connecting to addr fails within 2s.
func stopsAccepting(addr string) bool {
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return true
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// startServe runs a.serve on a loopback port with handler h.
func startServe(t *testing.T, a *app, h http.Handler) (addr string, stop chan string, code chan int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop = make(chan string, 1)
	code = make(chan int, 1)
	go func() { code <- a.serve(ln, "-listen", h, stop) }()
	return ln.Addr().String(), stop, code
}

// slowHandler tells started when a request arrives, then answers after d
// unless the connection is closed first.
func slowHandler(started chan<- struct{}, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		select {
		case <-time.After(d):
			io.WriteString(w, "done\n")
		case <-r.Context().Done():
		}
	})
}

func TestGracefulShutdownDrains(t *testing.T) {
	started := make(chan struct{}, 1)
	addr, stop, code := startServe(t, testApp(config{shutdownTimeout: 5 * time.Second}), slowHandler(started, 500*time.Millisecond))

	type result struct {
		body string
		err  error
	}
	res := make(chan result, 1)
	go func() {
		r, err := http.Get("http://" + addr + "/")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		res <- result{string(b), err}
	}()
	<-started
	stop <- "test"

	// The listener closes at once, while the request is still in flight.
	if !stopsAccepting(addr) {
		t.Error("still accepting connections 2s after shutdown began")
	}
	select {
	case r := <-res:
		if r.err != nil || r.body != "done\n" {
			t.Fatalf("in-flight request: %q, %v", r.body, r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("in-flight request did not finish")
	}
	select {
	case c := <-code:
		if c != exitOK {
			t.Fatalf("serve returned %d, want 0", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return")
	}
}

func TestShutdownTimeoutCutsDrain(t *testing.T) {
	started := make(chan struct{}, 1)
	addr, stop, code := startServe(t, testApp(config{shutdownTimeout: 200 * time.Millisecond}), slowHandler(started, time.Minute))
	errc := make(chan error, 1)
	go func() {
		r, err := http.Get("http://" + addr + "/")
		if err == nil {
			_, err = io.ReadAll(r.Body)
			r.Body.Close()
		}
		errc <- err
	}()
	<-started
	begin := time.Now()
	stop <- "test"
	select {
	case c := <-code:
		if c != exitOK {
			t.Fatalf("serve returned %d, want 0", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return: -shutdown-timeout ignored")
	}
	if took := time.Since(begin); took < 200*time.Millisecond || took > 3*time.Second {
		t.Errorf("shutdown took %s with a 200ms timeout", took)
	}
	if err := <-errc; err == nil {
		t.Error("the cut-off request succeeded")
	}
}

func TestFailAfterExitCode(t *testing.T) {
	begin := time.Now()
	c := startChild(t, []string{"-listen", "127.0.0.1:0", "-fail-after", "300ms", "-exit-code", "3"}, nil, nil)
	if code := c.wait(t, 10*time.Second); code != 3 {
		t.Fatalf("exit code %d, want 3; stdout %q; stderr %q", code, c.output(), c.stderr.String())
	}
	if took := time.Since(begin); took < 300*time.Millisecond {
		t.Errorf("exited after %s, before -fail-after 300ms", took)
	}
	out := c.output()
	if len(out) != 2 || !strings.HasPrefix(out[0], "hello "+version+" listening on 127.0.0.1:") ||
		out[1] != "hello "+version+" exiting with code 3 (-fail-after 300ms elapsed)" {
		t.Errorf("stdout %q", out)
	}
}

func TestFailAfterZeroExitCode(t *testing.T) {
	c := startChild(t, []string{"-listen", "127.0.0.1:0", "-fail-after", "100ms", "-exit-code", "0"}, nil, nil)
	if code := c.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
}

func TestFailNow(t *testing.T) {
	// An address that cannot be bound proves nothing is listened on.
	c := startChild(t, []string{"-listen", "256.0.0.1:80", "-fail-now", "-exit-code", "7"}, nil, nil)
	if code := c.wait(t, 10*time.Second); code != 7 {
		t.Fatalf("exit code %d, want 7; stderr %q", code, c.stderr.String())
	}
	if out := c.output(); len(out) != 1 || out[0] != "hello "+version+" exiting with code 7 (-fail-now)" {
		t.Errorf("stdout %q", out)
	}
}

func TestActivationCount(t *testing.T) {
	for _, tc := range []struct {
		pid, fds string
		want     int
		err      bool
	}{
		{"", "", 0, false},
		{"", "2", 0, false},
		{"4242", "1", 1, false},
		{"4242", "3", 3, false},
		{"4242", "0", 0, false},
		{"4242", "", 0, false},
		{"99", "1", 0, false}, // another process's sockets
		{"4242", "x", 0, true},
		{"4242", "-1", 0, true},
		{"abc", "1", 0, true},
	} {
		n, err := activationCount(tc.pid, tc.fds, 4242)
		if n != tc.want || (err != nil) != tc.err {
			t.Errorf("activationCount(%q, %q) = %d, %v; want %d, error %v", tc.pid, tc.fds, n, err, tc.want, tc.err)
		}
	}
}
