// neverhealthy stands in for a release that runs and listens but never becomes healthy:
// /healthz answers 503 for as long as it runs.
package main

import (
	"fmt"
	"net/http"
	"os"

	"svcwright.test/faults/internal/natsflags"
)

func main() {
	opts := natsflags.Parse("neverhealthy")
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"status":"unavailable","error":"never healthy"}`, http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/varz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, `{"version":"fault-neverhealthy"}`)
	})
	if err := http.ListenAndServe(opts.MonitorAddr(), mux); err != nil {
		fmt.Fprintln(os.Stderr, "neverhealthy:", err)
		os.Exit(1)
	}
}
