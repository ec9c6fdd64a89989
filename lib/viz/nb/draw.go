package nb

import (
	"errors"

	"github.com/descentlab/descent/internal/vizrender"
)

// drawInHelper has the chart helper render r (see package internal/vizrender): a
// cell links lib/viz's descriptions, not their drawing.
func drawInHelper(r vizrender.Request, grid vizrender.GridFunc) (vizrender.Reply, error) {
	out, err := vizrender.Call(r, grid)
	if err != nil {
		return out, err
	}
	if out.Err != "" {
		return out, errors.New(out.Err)
	}
	return out, nil
}
