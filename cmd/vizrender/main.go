// Command vizrender is the chart helper: it draws the charts and
// explorables of notebook cells, which link only lib/viz's descriptions
// (see internal/vizrender). tools/setup.sh builds it into
// .tools/bin/descent-vizrender and writes its stamp beside it; lib/viz/nb
// starts it for each chart, and it answers requests on stdin until stdin
// closes.
//
// Usage:
//
//	descent-vizrender            serve requests on stdin and stdout
//	descent-vizrender -stamp DIR print the stamp of the module's sources in DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/descentlab/descent/internal/vizrender"
	"github.com/descentlab/descent/internal/vizrender/server"
)

func main() {
	stamp := flag.String("stamp", "", "print the `stamp` of the module's sources in this folder and exit")
	flag.Parse()
	if *stamp != "" {
		s, err := vizrender.SourceStamp(*stamp)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vizrender:", err)
			os.Exit(1)
		}
		fmt.Println(s)
		return
	}
	if err := server.Serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "vizrender:", err)
		os.Exit(1)
	}
}
