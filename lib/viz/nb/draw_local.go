//go:build !descentcell

package nb

import "github.com/descentlab/descent/lib/viz/nb/internal/render"

// draw renders r in this program (see draw_helper.go for cells built with
// the descentcell tag).
func draw(r render.Request, _ render.GridFunc) (render.Reply, error) {
	return render.Render(r, nil)
}
