// SPDX-License-Identifier: MIT
// fxbench-capture peer: exec.Command(spew, size).Output().
//
// Prints, per run, the wall time in nanoseconds of one run (spawn,
// capture, wait) on a line of its own; exits 1 if the child fails or the
// capture is not the expected length.  Each timed run follows an untimed
// one of the same size (see capture.c on why).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"
)

func main() {
	spew := flag.String("spew", "", "the writer")
	size := flag.Int64("size", 0, "bytes it writes")
	reps := flag.Int("reps", 1, "timed runs")
	flag.Parse()
	for i := 0; i < *reps; i++ {
		if _, err := exec.Command(*spew, strconv.FormatInt(*size, 10)).Output(); err != nil {
			fmt.Fprintln(os.Stderr, "peer_capture:", err)
			os.Exit(1)
		}
		t0 := time.Now()
		out, err := exec.Command(*spew, strconv.FormatInt(*size, 10)).Output()
		d := time.Since(t0)
		if err != nil || int64(len(out)) != *size {
			fmt.Fprintf(os.Stderr, "peer_capture: %v, %d bytes\n", err, len(out))
			os.Exit(1)
		}
		fmt.Println(d.Nanoseconds())
	}
}
