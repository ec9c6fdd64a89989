package viz

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
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
func SVG(w io.Writer, c Chart) error {
	_, wpx, hpx := c.chart()
	cv := vgsvg.NewWith(vgsvg.UseWH(pxToPt(wpx), pxToPt(hpx)))
	if err := drawStatic(draw.New(cv), c); err != nil {
		return err
	}
	_, err := cv.WriteTo(w)
	return err
}

// PNG writes the static picture of c as PNG at PNGScale pixels per CSS
// pixel. Cost: O(points + pixels).
func PNG(w io.Writer, c Chart) error {
	_, wpx, hpx := c.chart()
	cv := vgimg.NewWith(vgimg.UseWH(pxToPt(wpx), pxToPt(hpx)), vgimg.UseDPI(96*PNGScale), vgimg.UseBackgroundColor(color.White))
	if err := drawStatic(draw.New(cv), c); err != nil {
		return err
	}
	_, err := vgimg.PngCanvas{Canvas: cv}.WriteTo(w)
	return err
}

func drawStatic(dc draw.Canvas, c Chart) error {
	switch c := c.(type) {
	case *Plot:
		pr, err := c.prepare()
		if err != nil {
			return err
		}
		p, err := pr.gonum()
		if err != nil {
			return err
		}
		p.Draw(dc)
		return nil
	case *HeatMaps:
		return c.drawStatic(dc)
	case *Table:
		return c.drawStatic(dc)
	}
	return fmt.Errorf("viz: unknown chart type %T", c)
}

func glyph(s Symbol) draw.GlyphDrawer {
	switch s {
	case Ring:
		return draw.RingGlyph{}
	case Square:
		return draw.BoxGlyph{}
	case Triangle:
		return draw.PyramidGlyph{}
	}
	return draw.CircleGlyph{}
}

func toXYs(part []pt) plotter.XYs {
	xy := make(plotter.XYs, len(part))
	for i, q := range part {
		xy[i] = plotter.XY{X: q.x, Y: q.y}
	}
	return xy
}

// newGonumPlot returns a gonum plot in the sans-serif face echarts uses.
func newGonumPlot() *plot.Plot {
	p := plot.New()
	sans := func(f *font.Font, size float64) {
		f.Variant = "Sans"
		f.Size = vg.Points(size)
	}
	sans(&p.Title.TextStyle.Font, 11)
	p.Title.TextStyle.Font.Weight = xfont.WeightBold
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		sans(&a.Label.TextStyle.Font, 9)
		sans(&a.Tick.Label.Font, 8)
		a.Color, a.Tick.Color = color.Gray{Y: 110}, color.Gray{Y: 110}
	}
	sans(&p.Legend.TextStyle.Font, 8)
	return p
}

// logTicks labels 1, 2 and 5 times powers of ten when the range spans
// fewer than three decades, and powers of ten otherwise.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0 && hi > lo) {
		return nil
	}
	steps := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	labelled := map[float64]bool{1: true}
	if hi/lo < 1000 {
		labelled[2], labelled[5] = true, true
	}
	var ts []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range steps {
			v := m * math.Pow(10, e)
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if labelled[m] {
				t.Label = strconv.FormatFloat(v, 'g', 3, 64)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// gonum builds the gonum/plot picture of a prepared plot.
func (pr *prepared) gonum() (*plot.Plot, error) {
	p := newGonumPlot()
	p.Title.Text = pr.title
	if len(pr.notes) > 0 {
		p.Title.Text += "\n" + strings.Join(pr.notes, "\n")
	}
	p.X.Label.Text, p.Y.Label.Text = pr.x.Label, pr.y.Label
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
	p.Legend.Top = true
	inLegend := map[string]bool{}
	for _, s := range pr.series {
		col := rgba(s.Color)
		ls := draw.LineStyle{Color: col, Width: vg.Points(1.5)}
		if s.Dashed {
			ls.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		gs := draw.GlyphStyle{Color: col, Radius: pxToPt(int(s.Size)) / 2, Shape: glyph(s.Symbol)}
		var thumbs []plot.Thumbnailer
		switch s.Kind {
		case ContourKind:
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
		case StepsKind:
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
			thumbs = append(thumbs, h)
		case LineKind:
			for _, part := range s.parts {
				l, err := plotter.NewLine(toXYs(part))
				if err != nil {
					return nil, fmt.Errorf("viz: plot %q: series %q: %w", pr.title, s.Name, err)
				}
				l.LineStyle = ls
				p.Add(l)
				thumbs = append(thumbs, l)
			}
			if s.Symbol == NoSymbol {
				break
			}
			fallthrough
		case PointsKind:
			for _, part := range s.parts {
				sc, err := plotter.NewScatter(toXYs(part))
				if err != nil {
					return nil, fmt.Errorf("viz: plot %q: series %q: %w", pr.title, s.Name, err)
				}
				sc.GlyphStyle = gs
				p.Add(sc)
				thumbs = append(thumbs, sc)
			}
		}
		if !s.NoLegend && !inLegend[s.Name] && len(thumbs) > 0 {
			inLegend[s.Name] = true
			p.Legend.Add(s.Name, thumbs[:1]...)
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

// staticBytes renders c in the given format ("svg" or "png").
func staticBytes(c Chart, format string) ([]byte, error) {
	var b bytes.Buffer
	var err error
	if format == "png" {
		err = PNG(&b, c)
	} else {
		err = SVG(&b, c)
	}
	return b.Bytes(), err
}
