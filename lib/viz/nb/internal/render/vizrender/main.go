//go:build !descentcell

// Command vizrender is the helper process that draws the charts and
// explorables of a notebook cell built with the descentcell tag (see
// package render). lib/viz/nb builds it at a kernel session's first chart
// (and again after the library's sources change) and starts it for each
// chart; it answers requests on stdin until stdin closes.
package main

import (
	"fmt"
	"os"

	"github.com/descentlab/descent/lib/viz/nb/internal/render"
)

func main() {
	if err := render.Serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "vizrender:", err)
		os.Exit(1)
	}
}
