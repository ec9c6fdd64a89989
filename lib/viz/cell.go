//go:build descentcell

package viz

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// In a notebook cell's build (the descentcell tag) the renderers are not
// linked: SVG, PNG, Options, HTML, ID and EChartsLoader ask the helper
// process that lib/viz/nb installs with SetCellDrawer, and give what the
// in-process renderers give, byte for byte. Without lib/viz/nb in the
// program they return an error saying so.

// A CellDrawer draws c in another process. output is "html" (with cfg),
// "svg", "png", "options", "id", or "loader" (the echarts loader; c is
// nil).
type CellDrawer func(c Chart, output string, cfg HTMLConfig) ([]byte, error)

var cellDrawer CellDrawer

// SetCellDrawer installs d as the drawer of this cell's charts.
func SetCellDrawer(d CellDrawer) { cellDrawer = d }

// errNoDrawer is the error of a cell build without lib/viz/nb.
var errNoDrawer = errors.New("viz: this program is built with -tags=descentcell (as notebook cells are), " +
	"where charts are drawn by lib/viz/nb's helper process: import github.com/descentlab/descent/lib/viz/nb")

func drawInHelper(c Chart, output string, cfg HTMLConfig) ([]byte, error) {
	if cellDrawer == nil {
		return nil, errNoDrawer
	}
	return cellDrawer(c, output, cfg)
}

// SVG writes c as an SVG document (see the in-process SVG).
func SVG(w io.Writer, c Chart) error { return writeDrawn(w, c, "svg") }

// PNG writes c as a PNG image (see the in-process PNG).
func PNG(w io.Writer, c Chart) error { return writeDrawn(w, c, "png") }

// writeDrawn writes the helper's drawing of c as output to w.
func writeDrawn(w io.Writer, c Chart, output string) error {
	b, err := drawInHelper(c, output, HTMLConfig{})
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Options returns c's echarts option object (see the in-process Options).
func Options(c Chart) ([]byte, error) { return drawInHelper(c, "options", HTMLConfig{}) }

// HTML returns c's HTML fragment (see the in-process HTML).
func HTML(c Chart, opts ...HTMLOption) (string, error) {
	b, err := drawInHelper(c, "html", ConfigOf(opts...))
	return string(b), err
}

// ID returns c's fixed identifier (see the in-process ID). If the helper
// cannot be asked, the id is made of the title alone.
func ID(c Chart) string {
	b, err := drawInHelper(c, "id", HTMLConfig{})
	if err != nil {
		return "viz-" + slug(titleOf(c)) + "-unhashed"
	}
	return string(b)
}

// EChartsLoader returns the <script> that defines window.echarts (see the
// in-process EChartsLoader). If the helper cannot be asked, it returns an
// HTML comment saying why, and charts keep their pictures.
func EChartsLoader() string {
	b, err := drawInHelper(nil, "loader", HTMLConfig{})
	if err != nil {
		return fmt.Sprintf("<!-- %s -->", strings.ReplaceAll(err.Error(), "--", "- -"))
	}
	return string(b)
}

func titleOf(c Chart) string {
	switch c := c.(type) {
	case *Plot:
		return c.Title
	case *HeatMaps:
		return c.Title
	case *Table:
		return c.Title
	}
	return ""
}
