package server

import (
	"encoding/gob"
	"errors"
	"fmt"
	"io"

	"github.com/descentlab/descent/internal/vizrender"
	"github.com/descentlab/descent/lib/viz"
)

// Serve answers Requests read from r until r ends, writing to w: the
// helper's main loop. Each request's Looks set viz.Default before it is
// drawn, and the reply carries viz.Default after.
func Serve(r io.Reader, w io.Writer) error {
	dec, enc := gob.NewDecoder(r), gob.NewEncoder(w)
	for {
		var req vizrender.Request
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
			if err := enc.Encode(vizrender.Message{Ask: &vizrender.GridAsk{I: i, Xs: xs, Ys: ys}}); err != nil {
				commErr = err
				return nil, err
			}
			var a vizrender.GridAnswer
			if err := dec.Decode(&a); err != nil {
				commErr = err
				return nil, err
			}
			if a.Err != "" {
				return nil, errors.New(a.Err)
			}
			return a.Z, nil
		}
		if req.Version != vizrender.Version {
			reply := vizrender.Reply{Err: fmt.Sprintf("render: the chart helper speaks protocol %d and this program %d: run `%s` to rebuild the helper",
				vizrender.Version, req.Version, vizrender.Setup)}
			if err := enc.Encode(vizrender.Message{Reply: &reply}); err != nil {
				return fmt.Errorf("render: writing a reply: %w", err)
			}
			continue
		}
		reply, err := Render(req, grid)
		if commErr != nil {
			return fmt.Errorf("render: asking for contour values: %w", commErr)
		}
		if err != nil {
			reply = vizrender.Reply{Err: err.Error()}
		}
		if reply.Looks, err = viz.Default.MarshalJSON(); err != nil {
			return fmt.Errorf("render: looks: %w", err)
		}
		if err := enc.Encode(vizrender.Message{Reply: &reply}); err != nil {
			return fmt.Errorf("render: writing a reply: %w", err)
		}
	}
}
