package viz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Options returns the echarts option object of c as JSON (for *HeatMaps, an
// array with one option per matrix; for *Table, null). It is built with
// go-echarts and is the same bytes for the same chart: numbers are written
// with 6 significant digits, keys in sorted order, animation off.
// Cost O(points).
func Options(c Chart) ([]byte, error) {
	switch c := c.(type) {
	case *Plot:
		pr, err := c.prepare()
		if err != nil {
			return nil, err
		}
		return marshal(pr.echarts())
	case *HeatMaps:
		return c.options()
	case *Table:
		if err := c.check(); err != nil {
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
// with prec significant digits.
func points(parts [][]pt, prec int) json.RawMessage {
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
			b.Write(strconv.AppendFloat(nil, q.x, 'g', prec, 64))
			b.WriteByte(',')
			b.Write(strconv.AppendFloat(nil, q.y, 'g', prec, 64))
			b.WriteByte(']')
		}
	}
	b.WriteByte(']')
	return b.Bytes()
}

var echartsSymbol = map[Symbol]string{Circle: "circle", Ring: "emptyCircle", Square: "rect", Triangle: "triangle"}

func axisType(a Axis) string {
	if a.Log {
		return "log"
	}
	return "value"
}

func axisRange(a Axis) (lo, hi any) {
	if a.Min < a.Max {
		return json.RawMessage(fmtNum(a.Min)), json.RawMessage(fmtNum(a.Max))
	}
	return nil, nil
}

// echarts builds the go-echarts chart for a prepared plot and returns its
// option object.
func (pr *prepared) echarts() map[string]any {
	c := charts.NewLine()
	top := marginTop + noteHeight*len(pr.notes)
	xmin, xmax := axisRange(pr.x)
	ymin, ymax := axisRange(pr.y)
	var legend []string
	seen := map[string]bool{}
	for _, s := range pr.series {
		if !s.NoLegend && !seen[s.Name] {
			seen[s.Name] = true
			legend = append(legend, s.Name)
		}
	}
	c.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: pr.title, Subtitle: strings.Join(pr.notes, "\n"), Left: "center",
			SubtitleStyle: &opts.TextStyle{LineHeight: noteHeight, FontSize: 12}}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(legend) > 0), Type: "scroll", Top: strconv.Itoa(top - 28), Data: legend}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithAnimation(false),
		charts.WithInitializationOpts(opts.Initialization{BackgroundColor: "#FFFFFF"}),
		charts.WithGridOpts(opts.Grid{Left: strconv.Itoa(marginLeft), Right: strconv.Itoa(marginRight), Top: strconv.Itoa(top), Bottom: strconv.Itoa(marginBottom)}),
		charts.WithXAxisOpts(opts.XAxis{Type: axisType(pr.x), Name: pr.x.Label, NameLocation: "middle", NameGap: 28, Min: xmin, Max: xmax, Scale: opts.Bool(true),
			AxisLine: &opts.AxisLine{Show: opts.Bool(true), OnZero: opts.Bool(false)}, AxisLabel: edgeLabels(pr.widenedX)}),
		charts.WithYAxisOpts(opts.YAxis{Type: axisType(pr.y), Name: pr.y.Label, NameLocation: "middle", NameGap: 50, Min: ymin, Max: ymax, Scale: opts.Bool(true),
			AxisLine: &opts.AxisLine{Show: opts.Bool(true), OnZero: opts.Bool(false)}, AxisLabel: edgeLabels(pr.widenedY)}),
		charts.WithColorsOpts(opts.Colors(Palette)),
	)
	for _, s := range pr.series {
		prec := 6
		if s.Kind == ContourKind {
			prec = 4 // context lines: a tenth of a pixel is plenty
		}
		ss := charts.SingleSeries{Name: s.Name, Type: "line", Data: points(s.parts, prec), Color: s.Color, ConnectNulls: opts.Bool(false)}
		ss.ItemStyle = &opts.ItemStyle{Color: s.Color}
		ls := &opts.LineStyle{Color: s.Color, Width: 2}
		if s.Dashed {
			ls.Type = "dashed"
		}
		switch s.Kind {
		case ContourKind:
			ls.Width = 0.8
			ss.ShowSymbol = opts.Bool(false)
			ss.Symbol = "none"
		case StepsKind:
			ss.Step = "end"
			ss.ShowSymbol = opts.Bool(false)
			ss.Symbol = "none"
			ss.AreaStyle = &opts.AreaStyle{Color: s.Color, Opacity: opts.Float(0.45)}
			ls.Width = 1
		case PointsKind:
			ss.Type = "scatter"
			ls = nil
		}
		if s.Kind == LineKind || s.Kind == PointsKind {
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
	// go-echarts writes "icon": null for the zoom tool, which hides it.
	obj["toolbox"] = map[string]any{"right": 10, "feature": map[string]any{
		"dataZoom":    map[string]any{"filterMode": "none"},
		"restore":     map[string]any{},
		"saveAsImage": map[string]any{"title": "save as PNG", "pixelRatio": 2},
	}}
	if len(pr.series) == 0 {
		obj["series"] = []any{}
	}
	return obj
}

// edgeLabels hides the labels at the ends of an axis whose range was
// widened for equal axes (they would show odd numbers like 2.35294).
func edgeLabels(widened bool) *opts.AxisLabel {
	if !widened {
		return nil
	}
	return &opts.AxisLabel{Show: opts.Bool(true), ShowMinLabel: opts.Bool(false), ShowMaxLabel: opts.Bool(false)}
}
