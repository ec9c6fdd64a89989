package draw

import (
	"fmt"
	"html"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/descentlab/descent/internal/vizstate"
	"github.com/descentlab/descent/lib/viz"
)

// plotView, heatView and tableView are the charts of lib/viz as this
// package draws them: the drawing methods hang on them.
type (
	plotView  struct{ *viz.Plot }
	heatView  struct{ *viz.HeatMaps }
	tableView struct{ *viz.Table }
)

// chart returns the plot's title and size in CSS pixels.
func (p plotView) chart() (string, int, int) {
	w, h := p.Width, p.Height
	if w <= 0 {
		w = viz.DefaultWidth
	}
	if h <= 0 {
		h = viz.DefaultHeight
	}
	return p.Title, w, h
}

// state is what the plot keeps unexported: a constructor's error, which
// series Path added, and its Contours calls.
func (p plotView) state() vizstate.State { return vizstate.Of(p.Plot) }

func (t tableView) chart() (string, int, int) {
	return t.Title, viz.DefaultWidth, 50 + 22*(len(t.Rows)+1)
}

func (t tableView) check() error {
	for i, r := range t.Rows {
		if len(r) != len(t.Header) {
			return fmt.Errorf("viz: table %q: row %d has %d cells, the header has %d", t.Title, i, len(r), len(t.Header))
		}
	}
	return nil
}

func numeric(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func (t tableView) html() (string, error) {
	if err := t.check(); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`<table class="descent-viz-table" style="border-collapse:collapse;font-variant-numeric:tabular-nums">`)
	fmt.Fprintf(&b, `<caption style="font-weight:bold;padding:4px">%s</caption><thead><tr>`, html.EscapeString(t.Title))
	for _, h := range t.Header {
		fmt.Fprintf(&b, `<th style="border-bottom:1px solid #888;padding:2px 8px">%s</th>`, html.EscapeString(h))
	}
	b.WriteString("</tr></thead><tbody>")
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for _, c := range r {
			align := "left"
			if numeric(c) {
				align = "right"
			}
			fmt.Fprintf(&b, `<td style="padding:2px 8px;text-align:%s">%s</td>`, align, html.EscapeString(c))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String(), nil
}

// slug is s in lower case, letters and digits joined by single dashes,
// at most about 40 bytes; "chart" if nothing is left.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "chart"
	}
	return out
}

// finite reports whether v is neither NaN nor ±Inf.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

type pt struct{ x, y float64 }

// rgba parses "#RRGGBB" into a color.RGBA; other strings give black.
func rgba(hex string) color.RGBA {
	var r, g, b uint8
	if _, err := fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b); err != nil {
		return color.RGBA{A: 255}
	}
	return color.RGBA{R: r, G: g, B: b, A: 255}
}
