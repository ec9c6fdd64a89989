//go:build descentcell

package nb

import (
	"errors"

	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/nb/internal/render"
)

// In a cell's build viz's renderers ask the helper too.
func init() {
	viz.SetCellDrawer(func(c viz.Chart, output string, cfg viz.HTMLConfig) ([]byte, error) {
		req, grid, err := chartRequest(c, cfg, output)
		if err != nil {
			return nil, err
		}
		out, err := draw(req, grid)
		return out.Bytes, err
	})
}

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
