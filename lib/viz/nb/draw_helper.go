//go:build descentcell

package nb

import (
	"errors"

	"github.com/descentlab/descent/lib/viz/nb/internal/render"
)

// draw has the helper process render r: a notebook cell built with the
// descentcell tag (the course kernel's GOFLAGS) links neither gonum/plot
// nor go-echarts, which halves what a chart cell costs to build.
func draw(r render.Request, grid render.GridFunc) (render.Reply, error) {
	out, err := render.Call(r, grid)
	if err != nil {
		return out, err
	}
	if out.Err != "" {
		return out, errors.New(out.Err)
	}
	return out, nil
}
