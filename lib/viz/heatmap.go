package viz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Matrix is one panel of a HeatMaps: Data[i][j] is row i, column j,
// drawn with row 0 at the top.
type Matrix struct {
	Name string
	Data [][]float64
}

// HeatMaps draws matrices side by side on one shared colour scale, e.g.
// an exact inverse Hessian next to its BFGS approximation. The scale is
// symmetric about 0 (blue < 0 < vermillion, through white) when the
// values have both signs, and white to blue otherwise.
type HeatMaps struct {
	Title  string
	Panels []Matrix
	// Panel is the side of each square panel in CSS pixels (0 means 320).
	Panel int
}

// MatrixOf returns the panel named name showing the entries of m, e.g. a
// gonum *mat.SymDense. Cost O(rows·columns).
func MatrixOf(name string, m mat.Matrix) Matrix {
	r, c := m.Dims()
	data := make([][]float64, r)
	for i := range data {
		data[i] = make([]float64, c)
		for j := range data[i] {
			data[i][j] = m.At(i, j)
		}
	}
	return Matrix{Name: name, Data: data}
}

// NewHeatMaps returns matrices side by side under one title.
func NewHeatMaps(title string, panels ...Matrix) *HeatMaps {
	return &HeatMaps{Title: title, Panels: panels}
}

func (h *HeatMaps) panelSize() (int, int) {
	s := h.Panel
	if s <= 0 {
		s = 320
	}
	return s, s + 60
}

func (h *HeatMaps) chart() (string, int, int) {
	w, ht := h.panelSize()
	return h.Title, w * max(len(h.Panels), 1), ht + 40
}

// colourBar draws the shared colour scale as a strip along the bottom of
// dc, labelled at its ends (and at 0 when the scale is diverging).
func (h *HeatMaps) colourBar(dc draw.Canvas, pal rampPalette, lo, hi float64) {
	width := vg.Points(200)
	x0 := (dc.Min.X+dc.Max.X)/2 - width/2
	y0 := dc.Min.Y + vg.Points(14)
	step := width / vg.Length(len(pal))
	for i, c := range pal {
		x := x0 + vg.Length(i)*step
		dc.FillPolygon(c, []vg.Point{{X: x, Y: y0}, {X: x + step + 0.3, Y: y0}, {X: x + step + 0.3, Y: y0 + vg.Points(8)}, {X: x, Y: y0 + vg.Points(8)}})
	}
	sty := newGonumPlot().X.Tick.Label
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YBottom
	label := func(v float64) {
		x := x0 + width*vg.Length((v-lo)/(hi-lo))
		dc.FillText(sty, vg.Point{X: x, Y: dc.Min.Y + vg.Points(2)}, strconv.FormatFloat(v, 'g', 3, 64))
	}
	label(lo)
	label(hi)
	if lo < 0 && hi > 0 {
		label(0)
	}
}

// scale checks the panels and returns the colour range and notes.
func (h *HeatMaps) scale() (lo, hi float64, diverging bool, notes []string, err error) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for k, m := range h.Panels {
		name := m.Name
		if name == "" {
			name = fmt.Sprintf("panel %d", k+1)
		}
		if len(m.Data) == 0 || len(m.Data[0]) == 0 {
			notes = append(notes, name+": no data to draw")
			continue
		}
		bad := 0
		for i, row := range m.Data {
			if len(row) != len(m.Data[0]) {
				return 0, 0, false, nil, fmt.Errorf("viz: heat maps %q: matrix %q: row %d has %d values, row 0 has %d", h.Title, name, i, len(row), len(m.Data[0]))
			}
			for _, v := range row {
				if !finite(v) {
					bad++
					continue
				}
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if bad > 0 {
			notes = append(notes, fmt.Sprintf("%s: %d non-finite entries left blank", name, bad))
		}
	}
	if lo > hi {
		lo, hi = 0, 1
	}
	if lo < 0 && hi > 0 {
		m := math.Max(-lo, hi)
		return -m, m, true, notes, nil
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	return lo, hi, false, notes, nil
}

func (h *HeatMaps) ramp(diverging bool) []string {
	if diverging {
		return []string{Palette[0], "#FFFFFF", Palette[3]}
	}
	return []string{"#FFFFFF", Palette[0]}
}

// rampPalette is a gonum palette interpolating the given colours.
type rampPalette []color.Color

func (r rampPalette) Colors() []color.Color { return r }

func newRamp(stops []string, n int) rampPalette {
	out := make(rampPalette, n)
	for i := range out {
		t := float64(i) / float64(n-1) * float64(len(stops)-1)
		k := min(int(t), len(stops)-2)
		f := t - float64(k)
		a, b := rgba(stops[k]), rgba(stops[k+1])
		mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + f*(float64(y)-float64(x)))) }
		out[i] = color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
	}
	return out
}

// grid adapts a Matrix to plotter.GridXYZ with row 0 at the top.
type grid [][]float64

func (g grid) Dims() (c, r int)   { return len(g[0]), len(g) }
func (g grid) Z(c, r int) float64 { return g[len(g)-1-r][c] }
func (g grid) X(c int) float64    { return float64(c) }
func (g grid) Y(r int) float64    { return float64(r) }
func (h *HeatMaps) subtitle(lo, hi float64, notes []string) string {
	s := fmt.Sprintf("colour scale %.3g … %.3g", lo, hi)
	for _, n := range notes {
		s += "; " + n
	}
	return s
}

func (h *HeatMaps) drawStatic(dc draw.Canvas) error {
	lo, hi, div, notes, err := h.scale()
	if err != nil {
		return err
	}
	pal := newRamp(h.ramp(div), 64)
	head := newGonumPlot()
	head.HideAxes()
	head.Title.Text = h.Title + "\n" + h.subtitle(lo, hi, notes)
	top := dc
	top.Min.Y = dc.Max.Y - vg.Points(40)
	head.Draw(top)
	body := dc
	body.Max.Y = top.Min.Y
	body.Min.Y += vg.Points(30)
	h.colourBar(dc, pal, lo, hi)
	var row []*plot.Plot
	for k, m := range h.Panels {
		p := newGonumPlot()
		p.Title.Text = m.Name
		if p.Title.Text == "" {
			p.Title.Text = fmt.Sprintf("panel %d", k+1)
		}
		p.HideAxes()
		if len(m.Data) > 0 && len(m.Data[0]) > 0 {
			hm := plotter.NewHeatMap(grid(m.Data), pal)
			hm.Min, hm.Max = lo, hi
			hm.NaN = color.RGBA{220, 220, 220, 255}
			p.Add(hm)
		}
		row = append(row, p)
	}
	if len(row) == 0 {
		return nil
	}
	tiles := draw.Tiles{Rows: 1, Cols: len(row), PadX: vg.Points(8), PadTop: vg.Points(4), PadBottom: vg.Points(4)}
	cs := plot.Align([][]*plot.Plot{row}, tiles, body)
	for j, p := range row {
		p.Draw(cs[0][j])
	}
	return nil
}

// options returns one echarts heatmap option per panel, as a JSON array.
func (h *HeatMaps) options() ([]byte, error) {
	lo, hi, div, notes, err := h.scale()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteByte('[')
	for k, m := range h.Panels {
		if k > 0 {
			out.WriteByte(',')
		}
		name := m.Name
		if name == "" {
			name = fmt.Sprintf("panel %d", k+1)
		}
		c := charts.NewHeatMap()
		var cols, rows []string
		var data bytes.Buffer
		data.WriteByte('[')
		for i, r := range m.Data {
			rows = append(rows, strconv.Itoa(i))
			for j, v := range r {
				if i == 0 {
					cols = append(cols, strconv.Itoa(j))
				}
				if !finite(v) {
					continue
				}
				if data.Len() > 1 {
					data.WriteByte(',')
				}
				fmt.Fprintf(&data, "[%d,%d,%s]", j, i, fmtNum(v))
			}
		}
		data.WriteByte(']')
		sub := name
		if k == 0 {
			sub = name + "\n" + h.subtitle(lo, hi, notes)
		}
		c.SetGlobalOptions(
			charts.WithTitleOpts(opts.Title{Title: h.Title, Subtitle: sub, Left: "center",
				TitleStyle: &opts.TextStyle{FontSize: 14}, SubtitleStyle: &opts.TextStyle{LineHeight: noteHeight, FontSize: 12}}),
			charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
			charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
			charts.WithAnimation(false),
			charts.WithInitializationOpts(opts.Initialization{BackgroundColor: "#FFFFFF"}),
			charts.WithGridOpts(opts.Grid{Left: "40", Right: "15", Top: "75", Bottom: "75"}),
			charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: cols}),
			charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: rows, Inverse: opts.Bool(true)}),
			charts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: float32(lo), Max: float32(hi),
				Orient: "horizontal", Left: "center", Bottom: "0", InRange: &opts.VisualMapInRange{Color: h.ramp(div)}}),
		)
		c.MultiSeries = append(c.MultiSeries, charts.SingleSeries{Name: name, Type: "heatmap", Data: json.RawMessage(data.Bytes())})
		c.Validate()
		b, err := marshal(c.JSON())
		if err != nil {
			return nil, err
		}
		out.Write(b)
	}
	out.WriteByte(']')
	return out.Bytes(), nil
}
