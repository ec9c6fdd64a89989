package nb

import (
	"fmt"
	"os"
)

// ClaimPrefix starts the line Claim prints for a claim that holds; the
// notebook runner counts these lines to report how many claims a notebook checks.
const ClaimPrefix = "✔ claim: "

// Claim checks a statement the notebook's prose makes. When ok is true it
// prints "✔ claim: <statement>" and returns; when it is false it prints
// "✘ claim failed: <statement>" to stderr and ends the cell's program with
// exit status 1, so that the cell, and a headless run of the notebook, fails.
//
// The statement is formatted with fmt.Sprintf(format, args...) and should
// carry the measured numbers, e.g.
//
//	nb.Claim(momIters < sgdIters, "momentum needs fewer steps than SGD on κ=100 (%d < %d)", momIters, sgdIters)
//
// Claim is meant for notebook cells, whose program ends with the cell; library
// code returns errors instead. The notebook runner (cmd/nbrun) also fails a
// cell that ends early — os.Exit(0), a return — before the Claim calls at the
// top level of its main, or in notebook functions called there, have printed.
func Claim(ok bool, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if ok {
		fmt.Println(ClaimPrefix + msg)
		return
	}
	fmt.Fprintln(os.Stderr, "✘ claim failed: "+msg)
	os.Exit(1)
}
