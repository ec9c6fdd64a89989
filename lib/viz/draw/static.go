package draw

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"regexp"
	"strconv"

	"github.com/descentlab/descent/lib/viz"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// pxToPt converts CSS pixels (96 per inch) to points (72 per inch).
func pxToPt(px int) vg.Length { return vg.Length(px) * 0.75 }

// PNGScale is the ratio of PNG pixels to CSS pixels, for sharp pictures on
// high-density screens.
const PNGScale = 2

// SVG writes the static picture of c as SVG (fonts are referenced by name,
// not embedded). The output is the same bytes for the same chart.
// Cost: O(points) drawing operations.
func SVG(w io.Writer, c viz.Chart) error {
	_, wpx, hpx := dims(c)
	cv := vgsvg.NewWith(vgsvg.UseWH(pxToPt(wpx), pxToPt(hpx)))
	if err := drawStatic(vgdraw.New(cv), c); err != nil {
		return err
	}
	_, err := cv.WriteTo(w)
	return err
}

// PNG writes the static picture of c as PNG at PNGScale pixels per CSS
// pixel. Cost: O(points + pixels).
func PNG(w io.Writer, c viz.Chart) error {
	_, wpx, hpx := dims(c)
	cv := vgimg.NewWith(vgimg.UseWH(pxToPt(wpx), pxToPt(hpx)), vgimg.UseDPI(96*PNGScale), vgimg.UseBackgroundColor(color.White))
	if err := drawStatic(vgdraw.New(cv), c); err != nil {
		return err
	}
	_, err := vgimg.PngCanvas{Canvas: cv}.WriteTo(w)
	return err
}

func drawStatic(dc vgdraw.Canvas, c viz.Chart) error {
	switch c := c.(type) {
	case *viz.Plot:
		pr, err := plotView{c}.prepare()
		if err != nil {
			return err
		}
		p, err := pr.gonum()
		if err != nil {
			return err
		}
		drawHeader(dc, pr.hdr, pr.series, 12)
		area := dc
		area.Max.Y = dc.Max.Y - px(pr.hdr.height)
		p.Draw(area)
		return nil
	case *viz.HeatMaps:
		return heatView{c}.drawStatic(dc)
	case *viz.Table:
		return tableView{c}.drawStatic(dc)
	}
	return fmt.Errorf("viz: unknown chart type %T", c)
}

func glyph(s viz.Symbol) vgdraw.GlyphDrawer {
	switch s {
	case viz.Ring:
		return vgdraw.RingGlyph{}
	case viz.Square:
		return vgdraw.BoxGlyph{}
	case viz.Triangle:
		return vgdraw.PyramidGlyph{}
	}
	return vgdraw.CircleGlyph{}
}

func toXYs(part []pt) plotter.XYs {
	xy := make(plotter.XYs, len(part))
	for i, q := range part {
		xy[i] = plotter.XY{X: q.x, Y: q.y}
	}
	return xy
}

// px converts CSS pixels to a vg.Length (points).
func px(v float64) vg.Length { return vg.Length(v * 0.75) }

// newGonumPlot returns a gonum plot in the sizes of the interactive chart.
func newGonumPlot() *plot.Plot {
	p := plot.New()
	p.Title.TextStyle = textStyle(titleSize, true)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle = textStyle(axisSize, false)
		a.Tick.Label = textStyle(tickSize, false)
		a.Color, a.Tick.Color = color.Gray{Y: 110}, color.Gray{Y: 110}
	}
	p.Legend.TextStyle = textStyle(legendSize, false)
	return p
}

// drawHeader draws a chart's header at the top of dc: the title and notes
// centred, the legend rows (icons drawn like the series) and the y-axis
// name at yNameX pixels from the left.
func drawHeader(dc vgdraw.Canvas, hd header, series []drawSeries, yNameX float64) {
	top := dc.Max.Y
	cx := (dc.Min.X + dc.Max.X) / 2
	put := func(sty text.Style, x vg.Length, yTop float64, s string) {
		sty.XAlign, sty.YAlign = vgdraw.XCenter, vgdraw.YTop
		dc.FillText(sty, vg.Point{X: x, Y: top - px(yTop)}, s)
	}
	for i, l := range hd.title {
		put(textStyle(titleSize, true), cx, hd.titleTop+float64(i)*titleSize*lineGap, l)
	}
	note := textStyle(noteSize, false)
	note.Color = color.Gray{Y: 68}
	for i, l := range hd.notes {
		put(note, cx, hd.notesTop+float64(i)*noteSize*lineGap, l)
	}
	byName := map[string]drawSeries{}
	for _, s := range series {
		if _, ok := byName[s.Name]; !ok && !s.NoLegend {
			byName[s.Name] = s
		}
	}
	lsty := textStyle(legendSize, false)
	for r, row := range hd.legend {
		widths := make([]vg.Length, len(row))
		total := vg.Length(0)
		for i, n := range row {
			widths[i] = px(legendIcon+legendIconGap) + lsty.Width(n)
			total += widths[i]
		}
		total += px(legendItemGap) * vg.Length(len(row)-1)
		x := cx - total/2
		mid := top - px(hd.legendTop+float64(r)*legendRowH+legendRowH/2)
		for i, n := range row {
			legendIconAt(dc, byName[n], x, mid)
			t := lsty
			t.XAlign, t.YAlign = vgdraw.XLeft, vgdraw.YCenter
			dc.FillText(t, vg.Point{X: x + px(legendIcon+legendIconGap), Y: mid}, n)
			x += widths[i] + px(legendItemGap)
		}
	}
	if hd.yName != "" {
		t := textStyle(axisSize, false)
		t.XAlign, t.YAlign = vgdraw.XLeft, vgdraw.YTop
		dc.FillText(t, vg.Point{X: dc.Min.X + px(yNameX), Y: top - px(hd.yNameTop)}, hd.yName)
	}
}

// lineStyle is how s's line is stroked.
func lineStyle(s drawSeries) vgdraw.LineStyle {
	width := s.width
	if width == 0 {
		width = 2
	}
	ls := vgdraw.LineStyle{Color: rgba(s.Color), Width: px(width)}
	switch s.dash {
	case viz.DashedLine:
		ls.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	case viz.Dotted:
		ls.Dashes = []vg.Length{vg.Points(1.2), vg.Points(2.2)}
	}
	return ls
}

// legendIconAt draws the legend icon of s, 25 pixels wide, from x at the
// height mid.
func legendIconAt(dc vgdraw.Canvas, s drawSeries, x, mid vg.Length) {
	w := px(legendIcon)
	col := rgba(s.Color)
	switch s.Kind {
	case viz.StepsKind:
		h := px(10)
		dc.FillPolygon(color.NRGBA{R: col.R, G: col.G, B: col.B, A: 110},
			[]vg.Point{{X: x, Y: mid - h/2}, {X: x + w, Y: mid - h/2}, {X: x + w, Y: mid + h/2}, {X: x, Y: mid + h/2}})
		return
	case viz.LineKind:
		dc.StrokeLine2(lineStyle(s), x, mid, x+w, mid)
		if s.Symbol == viz.NoSymbol {
			return
		}
	}
	gs := vgdraw.GlyphStyle{Color: col, Radius: pxToPt(int(s.Size)) / 2, Shape: glyph(s.Symbol)}
	dc.DrawGlyph(gs, vg.Point{X: x + w/2, Y: mid})
}

// logTicks labels 1, 2 and 5 times powers of ten when the range spans
// fewer than three decades, and powers of ten otherwise.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0 && hi > lo) {
		return nil
	}
	e0, e1 := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	decades := e1 - e0
	// Label every k-th decade so that at most 8 labels show; minor ticks
	// (2 … 9 × 10ⁿ) only over a few decades, labelled at 2 and 5 below 3.
	every := math.Max(1, math.Ceil(decades/8))
	steps := []float64{1}
	if decades <= 6 {
		steps = []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	}
	labelled := map[float64]bool{1: true}
	if hi/lo < 1000 {
		labelled[2], labelled[5] = true, true
	}
	var ts []plot.Tick
	for e := e0; e <= e1; e++ {
		for _, m := range steps {
			v := m * math.Pow(10, e)
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if labelled[m] && (m != 1 || math.Mod(e, every) == 0) {
				t.Label = tickLabel(v, true)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// linearTicks are gonum's default ticks labelled as tickLabel writes them.
type linearTicks struct{}

func (linearTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = tickLabel(ts[i].Value, false)
		}
	}
	return ts
}

// gonum builds the gonum/plot picture of a prepared plot, without its
// header (drawHeader draws the title, notes, legend and y-axis name).
func (pr *prepared) gonum() (*plot.Plot, error) {
	p := newGonumPlot()
	p.X.Label.Text = pr.x.Label
	p.X.Tick.Marker, p.Y.Tick.Marker = linearTicks{}, linearTicks{}
	if pr.x.Log {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if pr.y.Log {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{Y: 230}
	g.Horizontal.Color = color.Gray{Y: 230}
	p.Add(g)
	for _, s := range pr.series {
		col := rgba(s.Color)
		ls := lineStyle(s)
		gs := vgdraw.GlyphStyle{Color: col, Radius: pxToPt(int(s.Size)) / 2, Shape: glyph(s.Symbol)}
		switch s.Kind {
		case viz.ContourKind:
			ls.Width = vg.Points(0.6)
			for _, part := range s.parts {
				l, err := plotter.NewLine(toXYs(part))
				if err != nil {
					return nil, fmt.Errorf("viz: plot %q: contour %q: %w", pr.title, s.Name, err)
				}
				l.LineStyle = ls
				p.Add(l)
			}
			continue
		case viz.StepsKind:
			part := s.parts[0]
			h := &plotter.Histogram{FillColor: color.NRGBA{R: col.R, G: col.G, B: col.B, A: 110}, LineStyle: ls, LogY: pr.y.Log}
			h.LineStyle.Width = vg.Points(1)
			for i := 0; i+1 < len(part); i++ {
				h.Bins = append(h.Bins, plotter.HistogramBin{Min: part[i].x, Max: part[i+1].x, Weight: part[i].y})
			}
			if len(h.Bins) > 0 {
				h.Width = h.Bins[0].Max - h.Bins[0].Min
			}
			p.Add(h)
		case viz.LineKind:
			for _, part := range s.parts {
				l, err := plotter.NewLine(toXYs(part))
				if err != nil {
					return nil, fmt.Errorf("viz: plot %q: series %q: %w", pr.title, s.Name, err)
				}
				l.LineStyle = ls
				p.Add(l)
			}
			if s.Symbol == viz.NoSymbol {
				break
			}
			fallthrough
		case viz.PointsKind:
			for _, part := range s.parts {
				sc, err := plotter.NewScatter(toXYs(part))
				if err != nil {
					return nil, fmt.Errorf("viz: plot %q: series %q: %w", pr.title, s.Name, err)
				}
				sc.GlyphStyle = gs
				p.Add(sc)
			}
		}
	}
	if pr.x.Min < pr.x.Max {
		p.X.Min, p.X.Max = pr.x.Min, pr.x.Max
	}
	if pr.y.Min < pr.y.Max {
		p.Y.Min, p.Y.Max = pr.y.Min, pr.y.Max
	}
	return p, nil
}

// staticBytes renders c in the given format ("svg", compacted, or "png").
func staticBytes(c viz.Chart, format string) ([]byte, error) {
	var b bytes.Buffer
	var err error
	if format == "png" {
		err = PNG(&b, c)
		return b.Bytes(), err
	}
	err = SVG(&b, c)
	return compactSVG(b.Bytes()), err
}

var (
	svgNumber  = regexp.MustCompile(`-?\d+\.\d{2,}`)
	svgDefault = regexp.MustCompile(`font-(variant|style):normal;|font-weight:normal;`)
)

// compactSVG shortens gonum/plot's SVG for embedding: coordinates to a
// tenth of a point (a seventh of a pixel), default font properties
// dropped, line breaks and tabs folded to spaces. The picture is the same
// to the eye and about a third smaller. Cost O(len(svg)).
func compactSVG(svg []byte) []byte {
	round := func(n []byte) []byte {
		v, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			return n
		}
		out := strconv.AppendFloat(nil, math.Round(v*10)/10, 'f', -1, 64)
		if string(out) == "-0" {
			return []byte("0")
		}
		return out
	}
	// Only inside tags: text between them (titles, legend entries, tick
	// labels such as "0.01" or "γ = 0.99") is what the reader reads.
	out := make([]byte, 0, len(svg))
	for len(svg) > 0 {
		i := bytes.IndexByte(svg, '<')
		if i < 0 {
			out = append(out, svg...)
			break
		}
		out = append(out, svg[:i]...)
		j := bytes.IndexByte(svg[i:], '>')
		if j < 0 {
			out = append(out, svg[i:]...)
			break
		}
		out = append(out, svgNumber.ReplaceAllFunc(svg[i:i+j+1], round)...)
		svg = svg[i+j+1:]
	}
	svg = out
	svg = svgDefault.ReplaceAll(svg, nil)
	svg = bytes.ReplaceAll(svg, []byte("\n\t"), []byte(" "))
	svg = bytes.ReplaceAll(svg, []byte("\t"), []byte(" "))
	return svg
}
