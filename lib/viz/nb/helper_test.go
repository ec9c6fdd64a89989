//go:build descentcell

package nb

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/nb/internal/render"
)

// TestMain builds the chart helper once: built with the descentcell tag,
// this package's tests draw every chart through it, as a notebook cell does.
func TestMain(m *testing.M) { os.Exit(render.WithHelper(m.Run)) }

// In a cell's build lib/viz's renderers work, through the helper.
func TestCellRenderers(t *testing.T) {
	p := viz.NewPlot("Parabola", viz.LogY()).Line("x²", []float64{1, 2, 3}, []float64{1, 4, 9}).
		Contours(func(x, y float64) float64 { return x*x + y }, [4]float64{1, 3, 1, 9}, 20)
	var svg, png bytes.Buffer
	if err := viz.SVG(&svg, p); err != nil || !strings.HasPrefix(svg.String(), "<?xml") {
		t.Errorf("SVG: %v, %.40q", err, svg.String())
	}
	if err := viz.PNG(&png, p); err != nil || !bytes.HasPrefix(png.Bytes(), []byte("\x89PNG")) {
		t.Errorf("PNG: %v, %d bytes", err, png.Len())
	}
	if opt, err := viz.Options(p); err != nil || !json.Valid(opt) {
		t.Errorf("Options: %v, %.60q", err, opt)
	}
	if id := viz.ID(p); !strings.HasPrefix(id, "viz-parabola-") || strings.HasSuffix(id, "unhashed") {
		t.Errorf("ID: %q", id)
	}
	var page strings.Builder
	if err := viz.WritePage(&page, "Page", p); err != nil || strings.Count(page.String(), viz.LoaderAttr) != 1 ||
		!strings.Contains(page.String(), `class="descent-viz"`) {
		t.Errorf("WritePage: %v (%d bytes)", err, page.Len())
	}
	bad := viz.NewPlot("Bad", viz.LogY()).Line("zero", []float64{1}, []float64{0})
	if _, err := viz.HTML(bad); err == nil || !strings.Contains(err.Error(), `series "zero"`) {
		t.Errorf("HTML of bad data: %v", err)
	}
}
