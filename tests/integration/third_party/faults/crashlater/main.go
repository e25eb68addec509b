// crashlater stands in for a release that looks healthy at first and crashes 2 s after
// start: it answers /healthz with 200 until then, so only a stability check catches it.
package main

import (
	"fmt"
	"net/http"
	"os"
	"time"

	"svcwright.test/faults/internal/natsflags"
)

func main() {
	opts := natsflags.Parse("crashlater")
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("/varz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, `{"version":"fault-crashlater"}`)
	})
	go func() {
		if err := http.ListenAndServe(opts.MonitorAddr(), mux); err != nil {
			fmt.Fprintln(os.Stderr, "crashlater:", err)
			os.Exit(1)
		}
	}()
	time.Sleep(2 * time.Second)
	fmt.Fprintln(os.Stderr, "crashlater: crashing 2 s after start (a deliberately broken release)")
	os.Exit(2)
}
