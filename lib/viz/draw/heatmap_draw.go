package draw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/descentlab/descent/lib/viz"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
)

func (h heatView) panelSize() (int, int) {
	s := h.Panel
	if s <= 0 {
		s = 320
	}
	return s, s + 30
}

// header lays out the title and the colour-scale subtitle across all
// panels.
func (h heatView) header() header {
	w, _ := h.panelSize()
	lo, hi, _, notes, _ := h.scale()
	return layoutHeader(w*max(len(h.Panels), 1), h.Title, []string{h.subtitle(lo, hi, notes)}, nil, "")
}

// colourBarHeight is the strip under the panels that holds the colour bar.
const colourBarHeight = 48

func (h heatView) chart() (string, int, int) {
	pw, ph := h.panelSize()
	return h.Title, pw * max(len(h.Panels), 1), int(h.header().height) + ph + colourBarHeight
}

// colourBar draws the shared colour scale as a strip along the bottom of
// dc, labelled at its ends (and at 0 when the scale is diverging).
func (h heatView) colourBar(dc vgdraw.Canvas, pal rampPalette, lo, hi float64) {
	width := vg.Points(200)
	x0 := (dc.Min.X+dc.Max.X)/2 - width/2
	y0 := dc.Min.Y + vg.Points(14)
	step := width / vg.Length(len(pal))
	for i, c := range pal {
		x := x0 + vg.Length(i)*step
		dc.FillPolygon(c, []vg.Point{{X: x, Y: y0}, {X: x + step + 0.3, Y: y0}, {X: x + step + 0.3, Y: y0 + vg.Points(8)}, {X: x, Y: y0 + vg.Points(8)}})
	}
	sty := newGonumPlot().X.Tick.Label
	sty.XAlign, sty.YAlign = vgdraw.XCenter, vgdraw.YBottom
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
func (h heatView) scale() (lo, hi float64, diverging bool, notes []string, err error) {
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

func (h heatView) ramp(diverging bool) []string {
	if diverging {
		return []string{viz.Palette[0], "#FFFFFF", viz.Palette[3]}
	}
	return []string{"#FFFFFF", viz.Palette[0]}
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
func (h heatView) subtitle(lo, hi float64, notes []string) string {
	s := fmt.Sprintf("colour scale %.3g … %.3g", lo, hi)
	for _, n := range notes {
		s += "; " + n
	}
	return s
}

func (h heatView) drawStatic(dc vgdraw.Canvas) error {
	lo, hi, div, _, err := h.scale()
	if err != nil {
		return err
	}
	pal := newRamp(h.ramp(div), 64)
	hd := h.header()
	drawHeader(dc, hd, nil, 0)
	h.colourBar(dc, pal, lo, hi)
	pw, _ := h.panelSize()
	side := float64(pw - 40)
	for k, m := range h.Panels {
		name := m.Name
		if name == "" {
			name = fmt.Sprintf("panel %d", k+1)
		}
		left := float64(k*pw) + (float64(pw)-side)/2
		t := textStyle(axisSize, true)
		t.XAlign, t.YAlign = vgdraw.XCenter, vgdraw.YTop
		dc.FillText(t, vg.Point{X: dc.Min.X + px(left+side/2), Y: dc.Max.Y - px(hd.height)}, name)
		if len(m.Data) == 0 || len(m.Data[0]) == 0 {
			continue
		}
		p := newGonumPlot()
		p.HideAxes()
		hm := plotter.NewHeatMap(grid(m.Data), pal)
		hm.Min, hm.Max = lo, hi
		hm.NaN = color.RGBA{220, 220, 220, 255}
		p.Add(hm)
		cell := dc
		cell.Min.X = dc.Min.X + px(left)
		cell.Max.X = cell.Min.X + px(side)
		cell.Max.Y = dc.Max.Y - px(hd.height+22)
		cell.Min.Y = cell.Max.Y - px(side)
		p.Draw(cell)
	}
	return nil
}

// options returns the echarts option of the heat maps: one chart with a
// grid per panel, one title and one shared colour scale (visualMap), so
// the title is drawn once and the colour bar's labels show the scale's
// ends to three digits, as the subtitle does.
func (h heatView) options() ([]byte, error) {
	lo, hi, div, _, err := h.scale()
	if err != nil {
		return nil, err
	}
	hd := h.header()
	pw, ph := h.panelSize()
	font := map[string]any{"fontFamily": chartFont}
	titles := []any{
		map[string]any{"text": strings.Join(hd.title, "\n"), "left": "center", "top": hd.titleTop,
			"textStyle": merge(font, map[string]any{"fontSize": titleSize, "fontWeight": "bold", "lineHeight": titleSize * lineGap})},
		map[string]any{"text": strings.Join(hd.notes, "\n"), "left": "center", "top": hd.notesTop,
			"textStyle": merge(font, map[string]any{"fontSize": noteSize, "fontWeight": "normal", "color": "#444", "lineHeight": noteSize * lineGap})},
	}
	var grids, xs, ys, series []any
	side := float64(min(pw-40, ph-40))
	for k, m := range h.Panels {
		name := m.Name
		if name == "" {
			name = fmt.Sprintf("panel %d", k+1)
		}
		left := float64(k*pw) + (float64(pw)-side)/2
		top := hd.height + 22
		titles = append(titles, map[string]any{"text": name, "left": left + side/2, "top": hd.height, "textAlign": "center",
			"textStyle": merge(font, map[string]any{"fontSize": axisSize, "fontWeight": "bold"})})
		grids = append(grids, map[string]any{"left": left, "top": top, "width": side, "height": side})
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
		tick := merge(font, map[string]any{"fontSize": tickSize})
		xs = append(xs, map[string]any{"type": "category", "data": cols, "gridIndex": k, "axisLabel": tick, "splitArea": map[string]any{"show": false}})
		ys = append(ys, map[string]any{"type": "category", "data": rows, "gridIndex": k, "inverse": true, "axisLabel": tick})
		series = append(series, map[string]any{"name": name, "type": "heatmap", "xAxisIndex": k, "yAxisIndex": k,
			"data": json.RawMessage(data.Bytes())})
	}
	opt := map[string]any{
		"backgroundColor": "#FFFFFF",
		"animation":       false,
		"title":           titles,
		"tooltip":         map[string]any{"show": true},
		"grid":            grids,
		"xAxis":           xs,
		"yAxis":           ys,
		"series":          series,
		"visualMap": map[string]any{"min": lo, "max": hi, "calculable": true, "orient": "horizontal", "left": "center",
			"bottom": 4, "itemHeight": 200, "itemWidth": 12, "formatter": "descent:value",
			"inRange": map[string]any{"color": h.ramp(div)}, "textStyle": merge(font, map[string]any{"fontSize": tickSize})},
		"toolbox": map[string]any{"right": 10, "top": 4, "itemSize": 14, "feature": map[string]any{
			"saveAsImage": map[string]any{"title": "save as PNG", "pixelRatio": 2}}},
	}
	return marshal(opt)
}
