//go:build descentcell

package viz

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// In a cell's build every renderer asks the installed drawer for its
// output, and without one says to import lib/viz/nb.
func TestCellRenderersAskTheDrawer(t *testing.T) {
	p := NewPlot("Loss curves").Line("GD", []float64{0, 1}, []float64{1, 0.5})
	SetCellDrawer(nil)
	if err := SVG(&bytes.Buffer{}, p); !errors.Is(err, errNoDrawer) {
		t.Errorf("SVG without a drawer: %v", err)
	}
	if _, err := HTML(p); err == nil || !strings.Contains(err.Error(), "import github.com/descentlab/descent/lib/viz/nb") {
		t.Errorf("HTML without a drawer: %v", err)
	}
	if id := ID(p); id != "viz-loss-curves-unhashed" {
		t.Errorf("ID without a drawer: %q", id)
	}
	if l := EChartsLoader(); !strings.HasPrefix(l, "<!-- viz: ") || strings.Contains(l[4:len(l)-3], "--") {
		t.Errorf("EChartsLoader without a drawer: %q", l)
	}

	var asked []string
	SetCellDrawer(func(c Chart, output string, cfg HTMLConfig) ([]byte, error) {
		asked = append(asked, output+":"+cfg.Format)
		return []byte(output), nil
	})
	defer SetCellDrawer(nil)
	var b bytes.Buffer
	_ = SVG(&b, p)
	_ = PNG(&b, p)
	opt, _ := Options(p)
	frag, _ := HTML(p, StaticFormat("png"))
	id := ID(p)
	loader := EChartsLoader()
	var page strings.Builder
	if err := WritePage(&page, "Page", p); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(asked, " "); got != "svg: png: options: html:png id: loader: loader: html:" {
		t.Errorf("asked %q", got)
	}
	if b.String() != "svgpng" || string(opt) != "options" || frag != "html" || id != "id" || loader != "loader" ||
		!strings.Contains(page.String(), "loader\nhtml\n") {
		t.Errorf("outputs %q %q %q %q %q %q", b.String(), opt, frag, id, loader, page.String())
	}
}
