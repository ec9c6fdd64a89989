//go:build !(js && wasm)

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/web"
)

// request is one line of -oracle's input.
type request struct {
	Name   string         `json:"name"`
	Values explore.Values `json:"values"`
	Data   explore.Data   `json:"data"`
}

// oracle answers requests, one JSON object per line, with the figure's
// JSON (explore.Response), one per line: the native side of the browser
// check (internal/explorecheck), which builds this command for GOARCH=386,
// whose math.Exp and math.Log are the portable Go code that WebAssembly
// runs too (amd64 has assembly versions that differ in the last bit).
func oracle(in io.Reader, out io.Writer) error {
	all := web.Explorables()
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	w := bufio.NewWriter(out)
	for sc.Scan() {
		var r request
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return fmt.Errorf("explore: -oracle: %w", err)
		}
		fig, err := all.Run(r.Name, r.Values, r.Data)
		w.Write(explore.Response(fig, err))
		w.WriteByte('\n')
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return sc.Err()
}
