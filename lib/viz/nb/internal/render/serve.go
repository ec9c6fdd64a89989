//go:build !descentcell

package render

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"

	"github.com/descentlab/descent/lib/viz"
)

// Serve answers Requests read from r until r ends, writing to w: the
// helper's main loop. Each request's Looks set viz.Default before it is
// drawn, and the reply carries viz.Default after.
func Serve(r io.Reader, w io.Writer) error {
	dec, enc := gob.NewDecoder(r), gob.NewEncoder(w)
	for {
		var req Request
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("render: reading a request: %w", err)
		}
		if len(req.Looks) > 0 {
			if err := viz.Default.UnmarshalJSON(req.Looks); err != nil {
				return fmt.Errorf("render: the request's looks: %w", err)
			}
		}
		var commErr error // a failure to talk to the asking program
		grid := func(i int, xs, ys []float64) ([][]float64, error) {
			if err := enc.Encode(message{Ask: &GridAsk{I: i, Xs: xs, Ys: ys}}); err != nil {
				commErr = err
				return nil, err
			}
			var a GridAnswer
			if err := dec.Decode(&a); err != nil {
				commErr = err
				return nil, err
			}
			if a.Err != "" {
				return nil, errors.New(a.Err)
			}
			return a.Z, nil
		}
		reply, err := Render(req, grid)
		if commErr != nil {
			return fmt.Errorf("render: asking for contour values: %w", commErr)
		}
		if err != nil {
			reply = Reply{Err: err.Error()}
		}
		if reply.Looks, err = viz.Default.MarshalJSON(); err != nil {
			return fmt.Errorf("render: looks: %w", err)
		}
		if err := enc.Encode(message{Reply: &reply}); err != nil {
			return fmt.Errorf("render: writing a reply: %w", err)
		}
	}
}
