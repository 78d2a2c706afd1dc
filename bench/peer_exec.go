// SPDX-License-Identifier: MIT
// fxbench peer: times exec.Command(target).Run() in Go's own loop.
//
// Run by fxbench once per slice.  Prints one spawn-then-wait time in
// nanoseconds per line on stdout; exits 1 if a child does not exit 0.
// The child's stdio is the peer's own *os.File, so os/exec passes the
// descriptors straight through (no /dev/null opened, no copying goroutine),
// like the C strategies, which let the child inherit them.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"time"
)

func run(target string) error {
	cmd := exec.Command(target)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return cmd.Run()
}

func main() {
	target := flag.String("target", "", "program to run")
	budgetMs := flag.Float64("budget-ms", 1000, "time budget in milliseconds")
	min := flag.Int("min", 5, "at least this many spawns")
	flag.Parse()
	if *target == "" {
		fmt.Fprintln(os.Stderr, "peer_exec: --target is required")
		os.Exit(2)
	}

	// Warm-up, not timed.
	if err := run(*target); err != nil {
		fmt.Fprintf(os.Stderr, "peer_exec: %s: %v\n", *target, err)
		os.Exit(1)
	}

	times := make([]int64, 0, 1024)
	deadline := time.Now().Add(time.Duration(*budgetMs * float64(time.Millisecond)))
	for len(times) < *min || time.Now().Before(deadline) {
		t0 := time.Now()
		err := run(*target)
		d := time.Since(t0)
		if err != nil {
			fmt.Fprintf(os.Stderr, "peer_exec: %s: %v\n", *target, err)
			os.Exit(1)
		}
		times = append(times, d.Nanoseconds())
	}
	w := bufio.NewWriter(os.Stdout)
	for _, t := range times {
		fmt.Fprintln(w, t)
	}
	w.Flush()
}
