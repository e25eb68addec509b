package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// maxSleep bounds GET /sleep?d=...
const maxSleep = 5 * time.Minute

// routes returns the HTTP handler. Patterns with a method also match HEAD;
// other methods get 405 with an Allow header, unknown paths get 404.
func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", a.handleHealth)
	mux.HandleFunc("GET /sleep", a.handleSleep)
	mux.HandleFunc("GET /{$}", a.handleRoot)
	return mux
}

// healthBody is the JSON answer of /health; field order is fixed.
type healthBody struct {
	Status  string `json:"status"`
	Version string `json:"version"`
	PID     int    `json:"pid"`
}

func (a *app) handleHealth(w http.ResponseWriter, r *http.Request) {
	body := healthBody{Status: "ok", Version: version, PID: os.Getpid()}
	code := http.StatusOK
	if a.cfg.unhealthy {
		body.Status = "unhealthy"
		code = http.StatusServiceUnavailable
	}
	b, err := json.Marshal(body)
	if err != nil { // cannot happen with these field types
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

func (a *app) handleRoot(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "Hello from hello %s\n", version)
}

// handleSleep answers after the duration given in ?d= (default 1s), so
// that tests can have a request in flight during a shutdown.
func (a *app) handleSleep(w http.ResponseWriter, r *http.Request) {
	d := time.Second
	if s := r.URL.Query().Get("d"); s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil || d < 0 || d > maxSleep {
			http.Error(w, fmt.Sprintf("bad d=%q: want a duration from 0s to %s", s, maxSleep), http.StatusBadRequest)
			return
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done(): // client gone, or connections forcibly closed
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "slept %s\n", d)
}

// listen returns the socket passed by systemd socket activation if there
// is one for this process, and otherwise binds -listen. how says which,
// for the start line.
func (a *app) listen() (ln net.Listener, how string, err error) {
	ln, n, err := systemdListener(3)
	if err != nil {
		return nil, "", fmt.Errorf("socket activation: %w", err)
	}
	if ln != nil {
		if n > 1 {
			a.out.Printf("socket activation passed %d sockets, using only the first (fd 3)", n)
		}
		return ln, "socket activation", nil
	}
	ln, err = net.Listen("tcp", a.cfg.listen)
	if err != nil {
		return nil, "", err
	}
	return ln, "-listen", nil
}

// serve serves h on ln until a reason arrives on stop, then stops
// accepting, lets in-flight requests finish within -shutdown-timeout and
// returns exitOK. With -fail-after it calls a.exit(-exit-code) once that
// much time has passed, unless a stop came first.
func (a *app) serve(ln net.Listener, how string, h http.Handler, stop <-chan string) int {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          a.errs,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	a.out.Printf("hello %s listening on %s pid %d via %s", version, ln.Addr(), os.Getpid(), how)

	var failAfter <-chan time.Time
	if a.cfg.failAfter > 0 {
		t := time.NewTimer(a.cfg.failAfter)
		defer t.Stop()
		failAfter = t.C
	}

	select {
	case <-failAfter:
		code := a.exitWith(a.cfg.exitCode, fmt.Sprintf("-fail-after %s elapsed", a.cfg.failAfter))
		a.exit(code) // no drain: this simulates a crash
		return code
	case err := <-served:
		a.errs.Printf("error: serving: %v", err)
		return a.exitWith(exitError, "serving failed")
	case reason := <-stop:
		a.out.Printf("shutdown requested by %s, draining in-flight requests (timeout %s)", reason, a.cfg.shutdownTimeout)
	}

	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.shutdownTimeout)
	defer cancel()
	// Shutdown closes the listener at once, then waits for every
	// connection to go idle.
	if err := srv.Shutdown(ctx); err != nil {
		a.out.Printf("drain not finished after %s, closing remaining connections", a.cfg.shutdownTimeout)
		srv.Close()
		<-served
		return a.exitWith(exitOK, "shutdown complete, drain timed out")
	}
	<-served
	return a.exitWith(exitOK, "shutdown complete")
}
