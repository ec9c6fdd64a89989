//go:build descentcell

package nb

import (
	"errors"
	"fmt"

	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/nb/internal/render"
)

// In a cell's build viz's renderers ask the helper too.
func init() {
	viz.SetCellDrawer(func(c viz.Chart, output string, cfg viz.HTMLConfig) ([]byte, error) {
		req := render.ChartRequest(c, cfg)
		req.Output = output
		if output != "loader" && req.Chart() == nil {
			return nil, fmt.Errorf("viz: nothing to draw: %T(%v)", c, c)
		}
		var grid render.GridFunc
		if p, ok := c.(*viz.Plot); ok {
			grid = p.ContourGrid
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
