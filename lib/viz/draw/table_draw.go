package draw

import (
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
)

// drawStatic draws the table as text, columns sized to their widest cell.
func (t tableView) drawStatic(dc vgdraw.Canvas) error {
	if err := t.check(); err != nil {
		return err
	}
	sty := textStyle(tickSize+1, false)
	bold := textStyle(tickSize+1, true)
	title := textStyle(titleSize, true)
	title.XAlign = vgdraw.XCenter
	cols := len(t.Header)
	widths := make([]vg.Length, cols)
	for j := range cols {
		widths[j] = bold.Width(t.Header[j])
		for _, r := range t.Rows {
			widths[j] = max(widths[j], sty.Width(r[j]))
		}
	}
	line := vg.Points(16.5)
	y := dc.Max.Y - vg.Points(20)
	dc.FillText(title, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: y}, t.Title)
	pad := vg.Points(12)
	row := func(cells []string, s text.Style) {
		y -= line
		x := dc.Min.X + pad
		for j, c := range cells {
			cs := s
			if numeric(c) {
				cs.XAlign = vgdraw.XRight
				dc.FillText(cs, vg.Point{X: x + widths[j], Y: y}, c)
			} else {
				dc.FillText(cs, vg.Point{X: x, Y: y}, c)
			}
			x += widths[j] + pad
		}
	}
	row(t.Header, bold)
	for _, r := range t.Rows {
		row(r, sty)
	}
	return nil
}
