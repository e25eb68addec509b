// Command hello is the small HTTP service that the svcwright.services
// collection deploys in its demo and its tests.
//
// It serves /health and /, shuts down gracefully on SIGTERM, SIGINT or a
// Windows service Stop/Shutdown request, can take its socket from systemd
// socket activation, and can be told to fail in a few precise ways so that
// restart policies can be tested. README.md documents every behaviour.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// version is set at build time:
//
//	go build -ldflags "-X main.version=1.2.3"
var version = "dev"

// defaultFailAfter is the default of -fail-after, also set at build time, to make a
// deliberately broken build for rollback tests (the service spec stays the same, only
// the binary differs):
//
//	go build -ldflags "-X main.defaultFailAfter=2s"
var defaultFailAfter = "0s"

// Exit codes used by hello itself. -fail-now and -fail-after use the code
// given with -exit-code instead.
const (
	exitOK    = 0 // graceful shutdown, -version, -help
	exitError = 1 // startup or serving error
	exitUsage = 2 // bad command line
)

// config holds the parsed command line.
type config struct {
	listen          string
	shutdownTimeout time.Duration
	failAfter       time.Duration
	exitCode        int
	failNow         bool
	unhealthy       bool
	service         bool
	name            string
	showVersion     bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// parseFlags parses and validates args. Errors and usage go to stderr.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("hello", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.listen, "listen", ":8080", "TCP `address` to listen on when not socket-activated")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 10*time.Second, "how long to let in-flight requests finish on shutdown")
	failAfterDefault, parseErr := time.ParseDuration(defaultFailAfter)
	if parseErr != nil {
		failAfterDefault = 0
	}
	fs.DurationVar(&c.failAfter, "fail-after", failAfterDefault, "exit with -exit-code this long after starting to serve (0: never)")
	fs.IntVar(&c.exitCode, "exit-code", 1, "exit code for -fail-now and -fail-after (0-255)")
	fs.BoolVar(&c.failNow, "fail-now", false, "exit at once with -exit-code, before listening")
	fs.BoolVar(&c.unhealthy, "unhealthy", false, "serve, but answer /health with 503")
	fs.BoolVar(&c.service, "service", false, "run as a Windows service even if not detected (ignored elsewhere)")
	fs.StringVar(&c.name, "name", "hello", "Windows service `name` passed to the service dispatcher")
	fs.BoolVar(&c.showVersion, "version", false, "print \"hello VERSION\" and exit")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	switch {
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q (hello takes flags only)", fs.Arg(0))
	case c.exitCode < 0 || c.exitCode > 255:
		err = fmt.Errorf("-exit-code %d: must be between 0 and 255", c.exitCode)
	case c.shutdownTimeout < 0:
		err = fmt.Errorf("-shutdown-timeout %s: must not be negative", c.shutdownTimeout)
	case c.failAfter < 0:
		err = fmt.Errorf("-fail-after %s: must not be negative", c.failAfter)
	case c.name == "":
		err = errors.New("-name: must not be empty")
	}
	if err != nil {
		fmt.Fprintf(stderr, "hello: %v\n", err)
	}
	return c, err
}

// app is one run of the program.
type app struct {
	cfg  config
	out  *log.Logger // stdout: the normal log
	errs *log.Logger // stderr: errors
	exit func(int)   // os.Exit; -fail-after calls it
}

func newApp(cfg config, stdout, stderr io.Writer) *app {
	// No prefix and no timestamp: every line is exactly as documented in
	// README.md, and journald or the service wrapper adds the time. Each
	// line is a single unbuffered write, so it is visible at once.
	return &app{
		cfg:  cfg,
		out:  log.New(stdout, "", 0),
		errs: log.New(stderr, "", 0),
		exit: os.Exit,
	}
}

// run is main without the os.Exit, for tests.
func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if cfg.showVersion {
		fmt.Fprintf(stdout, "hello %s\n", version)
		return exitOK
	}
	a := newApp(cfg, stdout, stderr)
	if cfg.failNow {
		return a.exitWith(cfg.exitCode, "-fail-now")
	}
	if serviceMode(a) {
		return a.runService()
	}
	return a.runConsole()
}

// exitWith logs the final line and returns code.
func (a *app) exitWith(code int, reason string) int {
	a.out.Printf("hello %s exiting with code %d (%s)", version, code, reason)
	return code
}

// runConsole serves until SIGTERM or SIGINT (Ctrl+C on Windows).
func (a *app) runConsole() int {
	ln, how, err := a.listen()
	if err != nil {
		a.errs.Printf("error: %v", err)
		return a.exitWith(exitError, "startup failed")
	}
	stop := make(chan string, 1)
	defer a.stopOnSignals(stop)()
	return a.serve(ln, how, a.routes(), stop)
}

// stopOnSignals sends the name of the first SIGTERM or SIGINT to stop and
// only logs later ones: they do not cut the drain short. It returns a
// function that undoes the registration.
func (a *app) stopOnSignals(stop chan<- string) (cancel func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		first := true
		for {
			select {
			case s := <-sigs:
				if !first {
					a.out.Printf("received %s again, still draining", signalName(s))
					continue
				}
				first = false
				select {
				case stop <- signalName(s):
				default: // a stop request is already pending
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}
