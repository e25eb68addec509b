// exitnow stands in for a release that exits as soon as it starts.
package main

import (
	"fmt"
	"os"

	"svcwright.test/faults/internal/natsflags"
)

func main() {
	natsflags.Parse("exitnow")
	fmt.Fprintln(os.Stderr, "exitnow: exiting at once with status 3 (a deliberately broken release)")
	os.Exit(3)
}
