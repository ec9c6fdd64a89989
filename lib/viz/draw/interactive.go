package draw

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/descentlab/descent/lib/viz"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Options returns the echarts option object of c as JSON (for *HeatMaps, an
// array with one option per matrix; for *Table, null). It is built with
// go-echarts and is the same bytes for the same chart: numbers are written
// with 6 significant digits, keys in sorted order, animation off.
// Cost O(points).
func Options(c viz.Chart) ([]byte, error) {
	switch c := c.(type) {
	case *viz.Plot:
		pr, err := plotView{c}.prepare()
		if err != nil {
			return nil, err
		}
		return marshal(pr.echarts())
	case *viz.HeatMaps:
		return heatView{c}.options()
	case *viz.Table:
		if err := (tableView{c}).check(); err != nil {
			return nil, err
		}
		return []byte("null"), nil
	}
	return nil, fmt.Errorf("viz: unknown chart type %T", c)
}

// marshal encodes v as JSON with HTML-sensitive characters escaped, so the
// result can sit inside a <script> element.
func marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("viz: encoding echarts options: %w", err)
	}
	return b, nil
}

// num formats v with 6 significant digits, the precision a chart can show.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// points encodes polylines as an echarts data array, null between parts,
// x and y with xdec and ydec decimals (see decimals), trailing zeros cut.
func points(parts [][]pt, xdec, ydec int) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('[')
	for k, part := range parts {
		if k > 0 {
			b.WriteString(",null,")
		}
		for i, q := range part {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('[')
			b.Write(appendFixed(nil, q.x, xdec))
			b.WriteByte(',')
			b.Write(appendFixed(nil, q.y, ydec))
			b.WriteByte(']')
		}
	}
	b.WriteByte(']')
	return b.Bytes()
}

// decimals is the number of decimals that places a value on an axis
// spanning lo…hi to within a 10⁴th of the span (a tenth of a pixel on a
// 1000-pixel axis), at most 12.
func decimals(lo, hi float64) int {
	span := hi - lo
	if !(span > 0) || math.IsInf(span, 0) {
		return 6
	}
	return max(0, min(12, int(math.Ceil(-math.Log10(span/1e4)))))
}

// appendFixed writes v with dec decimals, without trailing zeros (and in
// exponent form when that is shorter, for values far beyond the span).
func appendFixed(b []byte, v float64, dec int) []byte {
	if math.Abs(v) >= 1e15 {
		return strconv.AppendFloat(b, v, 'g', 6, 64)
	}
	f := strconv.AppendFloat(nil, v, 'f', dec, 64)
	if dec > 0 {
		f = bytes.TrimRight(f, "0")
		f = bytes.TrimSuffix(f, []byte("."))
	}
	if string(f) == "-0" {
		f = []byte("0")
	}
	return append(b, f...)
}

var echartsSymbol = map[viz.Symbol]string{viz.Circle: "circle", viz.Ring: "emptyCircle", viz.Square: "rect", viz.Triangle: "triangle"}

// axisType is the echarts type of an axis: always "value", since a log
// axis is drawn as a linear axis of log₁₀ values (see logDecades).
func axisType(viz.Axis) string { return "value" }

func axisRange(a viz.Axis) (lo, hi any) {
	if a.Min < a.Max && !a.Log {
		return json.RawMessage(fmtNum(a.Min)), json.RawMessage(fmtNum(a.Max))
	}
	return nil, nil
}

// logParts returns the parts with x and/or y replaced by their log₁₀.
func logParts(parts [][]pt, logX, logY bool) [][]pt {
	if !logX && !logY {
		return parts
	}
	out := make([][]pt, len(parts))
	for k, part := range parts {
		q := make([]pt, len(part))
		for i, p := range part {
			if logX {
				p.x = math.Log10(p.x)
			}
			if logY {
				p.y = math.Log10(p.y)
			}
			q[i] = p
		}
		out[k] = q
	}
	return out
}

// echarts builds the go-echarts chart for a prepared plot and returns its
// option object. The header (title, notes, legend, y-axis name) is placed
// where layoutHeader put it, the same as in the static picture.
func (pr *prepared) echarts() map[string]any {
	c := charts.NewLine()
	hd := pr.hdr
	xmin, xmax := axisRange(pr.x)
	ymin, ymax := axisRange(pr.y)
	legend := pr.legendNames()
	c.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithAnimation(false),
		charts.WithInitializationOpts(opts.Initialization{BackgroundColor: "#FFFFFF"}),
		charts.WithGridOpts(opts.Grid{Left: fmtNum(pr.left), Right: fmtNum(pr.right), Top: fmtNum(hd.height), Bottom: fmtNum(pr.bottom)}),
		charts.WithXAxisOpts(opts.XAxis{Type: axisType(pr.x), Name: pr.x.Label, NameLocation: "middle", NameGap: 24, Min: xmin, Max: xmax, Scale: opts.Bool(true),
			AxisLine: &opts.AxisLine{Show: opts.Bool(true), OnZero: opts.Bool(false)}, AxisLabel: edgeLabels(pr.widenedX)}),
		charts.WithYAxisOpts(opts.YAxis{Type: axisType(pr.y), Min: ymin, Max: ymax, Scale: opts.Bool(true),
			AxisLine: &opts.AxisLine{Show: opts.Bool(true), OnZero: opts.Bool(false)}, AxisLabel: edgeLabels(pr.widenedY)}),
		charts.WithColorsOpts(opts.Colors(viz.Palette)),
	)
	// Coordinates to a tenth of a pixel (in log₁₀ units on a log axis).
	x0, x1, y0, y1 := pr.bounds()
	if pr.x.Log {
		x0, x1 = math.Log10(x0), math.Log10(x1)
	}
	if pr.y.Log {
		y0, y1 = math.Log10(y0), math.Log10(y1)
	}
	xdec, ydec := decimals(x0, x1), decimals(y0, y1)
	for _, s := range pr.series {
		ss := charts.SingleSeries{Name: s.Name, Type: "line", Data: points(logParts(s.parts, pr.x.Log, pr.y.Log), xdec, ydec), Color: s.Color, ConnectNulls: opts.Bool(false)}
		ss.ItemStyle = &opts.ItemStyle{Color: s.Color}
		width := s.width
		if width == 0 {
			width = 2
		}
		ls := &opts.LineStyle{Color: s.Color, Width: float32(width)}
		switch s.dash {
		case viz.DashedLine:
			ls.Type = "dashed"
		case viz.Dotted:
			ls.Type = "dotted"
		}
		switch s.Kind {
		case viz.ContourKind:
			ls.Width = 0.8
			ss.ShowSymbol = opts.Bool(false)
			ss.Symbol = "none"
		case viz.StepsKind:
			ss.Step = "end"
			ss.ShowSymbol = opts.Bool(false)
			ss.Symbol = "none"
			ss.AreaStyle = &opts.AreaStyle{Color: s.Color, Opacity: opts.Float(0.45)}
			ls.Width = 1
		case viz.PointsKind:
			ss.Type = "scatter"
			ls = nil
		}
		if s.Kind == viz.LineKind || s.Kind == viz.PointsKind {
			if sym, ok := echartsSymbol[s.Symbol]; ok {
				ss.Symbol = sym
				ss.SymbolSize = s.Size
				ss.ShowSymbol = opts.Bool(true)
			} else {
				ss.Symbol = "none"
				ss.ShowSymbol = opts.Bool(false)
			}
		}
		ss.LineStyle = ls
		c.MultiSeries = append(c.MultiSeries, ss)
	}
	c.Validate()
	obj := c.JSON()
	font := map[string]any{"fontFamily": chartFont}
	// The title and the notes are two title components, wrapped in Go.
	titles := []any{}
	if len(hd.title) > 0 {
		titles = append(titles, map[string]any{"text": strings.Join(hd.title, "\n"), "left": "center", "top": hd.titleTop,
			"textStyle": merge(font, map[string]any{"fontSize": titleSize, "fontWeight": "bold", "lineHeight": titleSize * lineGap})})
	}
	if len(hd.notes) > 0 {
		titles = append(titles, map[string]any{"text": strings.Join(hd.notes, "\n"), "left": "center", "top": hd.notesTop,
			"textStyle": merge(font, map[string]any{"fontSize": noteSize, "fontWeight": "normal", "color": "#444", "lineHeight": noteSize * lineGap})})
	}
	obj["title"] = titles
	obj["tooltip"] = map[string]any{"show": true, "trigger": "item", "formatter": "descent:point", "logX": pr.x.Log, "logY": pr.y.Log}
	obj["legend"] = map[string]any{"show": len(legend) > 0, "type": "plain", "data": legend, "top": hd.legendTop,
		"left": "center", "width": pr.w - 30, "itemGap": legendItemGap, "itemWidth": legendIcon, "itemHeight": 12,
		"textStyle": merge(font, map[string]any{"fontSize": legendSize})}
	label := func(a viz.Axis, widened bool) map[string]any {
		kind := "value"
		if a.Log {
			kind = "exp10"
		}
		l := merge(font, map[string]any{"fontSize": tickSize, "formatter": "descent:" + kind})
		if a.Log {
			l["descentLog"] = true // for LayoutCheckJS: labels must be powers of ten
		}
		if widened {
			l["showMinLabel"], l["showMaxLabel"] = false, false
		}
		return l
	}
	if xa, ok := obj["xAxis"].([]opts.XAxis); ok && len(xa) == 1 {
		x := axisJSON(xa[0], label(pr.x, pr.widenedX), merge(font, map[string]any{"fontSize": axisSize}))
		if pr.x.Log {
			lo, hi := pr.xBounds()
			logDecades(x, pr.x, lo, hi)
		}
		hideOddEdges(x)
		obj["xAxis"] = x
	}
	if ya, ok := obj["yAxis"].([]opts.YAxis); ok && len(ya) == 1 {
		y := axisJSON(ya[0], label(pr.y, pr.widenedY), merge(font, map[string]any{"fontSize": axisSize, "align": "left"}))
		if pr.y.Label != "" {
			y["name"], y["nameLocation"], y["nameGap"] = pr.y.Label, "end", 10
		}
		if pr.y.Log {
			lo, hi := pr.yBounds()
			logDecades(y, pr.y, lo, hi)
		}
		hideOddEdges(y)
		obj["yAxis"] = y
	}
	// go-echarts writes "icon": null for the zoom tool, which hides it.
	obj["toolbox"] = map[string]any{"right": 10, "top": 4, "itemSize": 14, "feature": map[string]any{
		"dataZoom":    map[string]any{"filterMode": "none"},
		"restore":     map[string]any{},
		"saveAsImage": map[string]any{"title": "save as PNG", "pixelRatio": 2},
	}}
	if len(pr.series) == 0 {
		obj["series"] = []any{}
	}
	return obj
}

// logDecades sets up a log axis, drawn as a linear axis of log₁₀ values
// labelled 10ⁿ: it spans whole decades (or the fixed range) and is
// labelled every k decades so that about six labels show. (echarts' own
// log axis labels every tenth decade of a range wider than ten.)
func logDecades(axis map[string]any, a viz.Axis, lo, hi float64) {
	if a.Min < a.Max {
		lo, hi = a.Min, a.Max
	}
	if !(lo > 0 && hi >= lo) {
		return
	}
	l0, l1 := math.Log10(lo), math.Log10(hi)
	e0, e1 := math.Floor(l0), math.Ceil(l1)
	if e1 == e0 {
		e1++
	}
	k := math.Max(1, math.Ceil((e1-e0)/6))
	e0 = e1 - k*math.Ceil((e1-e0)/k) // ticks on whole multiples of k from the top
	if a.Min < a.Max {
		axis["min"], axis["max"] = l0, l1
	} else {
		axis["min"], axis["max"] = e0, e1
	}
	axis["interval"] = k
	axis["scale"] = false
}

// hideOddEdges hides the label at an end of a fixed axis range that is not
// on a tick: echarts labels a fixed min and max whatever they are, so a
// range padded to -0.6…17 shows "-0.6" pressed against "0" and a log range
// 0.02…3 shows "0.02" among the powers of ten. Ticks are echarts' own: the
// axis's interval, else its nice step for five intervals (numberUtil.nice).
func hideOddEdges(axis map[string]any) {
	lo, okLo := axis["min"].(float64)
	hi, okHi := axis["max"].(float64)
	if !okLo && !okHi {
		return
	}
	step, ok := axis["interval"].(float64)
	if !ok {
		if !(okLo && okHi && hi > lo) {
			return
		}
		step = niceStep((hi - lo) / 5)
	}
	onTick := func(v float64) bool {
		q := v / step
		return math.Abs(q-math.Round(q)) <= 1e-9*math.Max(1, math.Abs(q))
	}
	l, ok := axis["axisLabel"].(map[string]any)
	if !ok {
		l = map[string]any{}
		axis["axisLabel"] = l
	}
	if okLo && !onTick(lo) {
		l["showMinLabel"] = false
	}
	if okHi && !onTick(hi) {
		l["showMaxLabel"] = false
	}
}

// niceStep rounds a raw tick step to 1, 2, 3, 5 or 10 times a power of ten,
// as echarts does for a value axis.
func niceStep(raw float64) float64 {
	if !(raw > 0) || math.IsInf(raw, 0) {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / e; {
	case f < 1.5:
		return e
	case f < 2.5:
		return 2 * e
	case f < 4:
		return 3 * e
	case f < 7:
		return 5 * e
	}
	return 10 * e
}

// chartFont is the font both renderers ask for: the static pictures are
// measured and drawn with DejaVu Sans.
const chartFont = "'DejaVu Sans', Verdana, sans-serif"

// merge returns a new map with the entries of a, then b.
func merge(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// axisJSON re-encodes a go-echarts axis as a map, with the label and name
// styles the layout needs.
func axisJSON(axis any, label, name map[string]any) map[string]any {
	b, _ := json.Marshal(axis) // go-echarts option types always encode
	m := map[string]any{}
	_ = json.Unmarshal(b, &m)
	m["axisLabel"] = label
	m["nameTextStyle"] = name
	return m
}

// edgeLabels hides the labels at the ends of an axis whose range was
// widened for equal axes (they would show odd numbers like 2.35294).
func edgeLabels(widened bool) *opts.AxisLabel {
	if !widened {
		return nil
	}
	return &opts.AxisLabel{Show: opts.Bool(true), ShowMinLabel: opts.Bool(false), ShowMaxLabel: opts.Bool(false)}
}
