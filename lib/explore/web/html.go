package web

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/draw"
)

// Options say how HTML shows an explorable.
type Options struct {
	// Values override the defaults of some controls.
	Values explore.Values
	// Data is handed to every run (e.g. timings measured by the notebook).
	Data explore.Data
	// Looks binds series names to colours (nil: viz.Default, the notebook's registry).
	Looks *viz.Looks
	// Format is the static pictures' format: "svg" (default) or "png".
	Format string
}

// spec is what the front-end reads from the container.
type spec struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Title    string          `json:"title"`
	Controls []control       `json:"controls"`
	Values   explore.Values  `json:"values"`
	Data     explore.Data    `json:"data"`
	Looks    map[string]look `json:"looks"`
	Panels   []panelSpec     `json:"panels"`
}

type control struct {
	Name    string   `json:"name"`
	Label   string   `json:"label"`
	Unit    string   `json:"unit,omitempty"`
	Min     float64  `json:"min"`
	Max     float64  `json:"max"`
	Step    float64  `json:"step"`
	Log     bool     `json:"log,omitempty"`
	Int     bool     `json:"int,omitempty"`
	Choices []string `json:"choices,omitempty"`
	Default float64  `json:"default"`
	Play    bool     `json:"play,omitempty"`
}

type look struct {
	Color string `json:"color"`
	Dash  int    `json:"dash"`
}

type panelSpec struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Base   string `json:"base"` // lib/viz's echarts options for the panel, without series (JSON text)
}

// HTML returns the fragment that shows the explorable named name: a
// container of class Class holding its specification (a JSON script), one
// box per panel with the static picture of the default run (drawn by
// lib/viz from the same Figure, so that readers without scripts — an
// untrusted notebook, GitHub, a page read with JavaScript off — see the
// experiment at its default setting), the readout of that run, and a short
// script that asks the front-end to mount it. The asset (Asset.Loader) must
// be on the page too, once, before or after. The fragment is the same bytes
// for the same inputs. Cost: one native run and one static render per panel.
func HTML(name string, o Options) (string, error) {
	all := Explorables()
	e := all.Lookup(name)
	if e == nil {
		return "", fmt.Errorf("web: %w: %q (have %v)", explore.ErrUnknown, name, all.Names())
	}
	values := e.Defaults()
	for k, v := range o.Values {
		values[k] = v
	}
	fig, err := e.Run(values, o.Data)
	if err != nil {
		return "", fmt.Errorf("web: the default run of %s: %w", name, err)
	}
	looks := o.Looks
	if looks == nil {
		looks = viz.Default
	}
	s := spec{Name: name, Title: e.Title, Values: values, Data: o.Data, Looks: map[string]look{}}
	if s.Data == nil {
		s.Data = explore.Data{}
	}
	for _, c := range e.Controls {
		s.Controls = append(s.Controls, control{Name: c.Name, Label: c.Label, Unit: c.Unit, Min: c.Min, Max: c.Max,
			Step: c.Step, Log: c.Log, Int: c.Int, Choices: c.Choices, Default: c.Default, Play: c.Play})
	}
	// Bind every named series without its own colour now, in order, so the
	// static picture and the live chart agree and later charts of the
	// notebook keep these colours.
	var names []string
	for _, p := range fig.Panels {
		for _, sr := range p.Series {
			if sr.Color == "" && sr.Kind != explore.Contour && !contains(names, sr.Name) {
				names = append(names, sr.Name)
			}
		}
	}
	for i, l := range looks.Assign(names) {
		s.Looks[names[i]] = look{Color: l.Color, Dash: int(l.Dash)}
	}
	width, height := e.Size()
	var pics []string
	for i, p := range fig.Panels {
		// The live chart draws a run's message over the plot; the layout it
		// takes over has no line for it.
		quiet := p
		quiet.Message = ""
		opt, err := draw.Options(plotOf(quiet, width, height, s.Looks))
		if err != nil {
			return "", fmt.Errorf("web: %s panel %d: %w", name, i+1, err)
		}
		var m map[string]any
		if err := json.Unmarshal(opt, &m); err != nil {
			return "", fmt.Errorf("web: %s panel %d: %w", name, i+1, err)
		}
		m["series"] = []any{}
		base, _ := json.Marshal(m) // decoded JSON always encodes
		s.Panels = append(s.Panels, panelSpec{Width: width, Height: height, Base: string(base)})
		// The picture as lib/viz shows a chart without scripts: a box of
		// class draw.ChartClass holding an <img>, where the live chart goes.
		format := o.Format
		if format == "" {
			format = "svg"
		}
		pic, err := draw.HTML(plotOf(p, width, height, s.Looks), viz.StaticOnly(), viz.StaticFormat(format))
		if err != nil {
			return "", fmt.Errorf("web: %s panel %d: %w", name, i+1, err)
		}
		pics = append(pics, pic)
	}
	h := fnv.New32a()
	raw, _ := json.Marshal(s) // the id is a hash of everything else
	h.Write(raw)
	s.ID = fmt.Sprintf("%s-%08x", name, h.Sum32())
	js, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("web: %s: %w", name, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="%s" id="explore-%s" data-explore="%s" data-module="%s" data-runs="0">`,
		Class, s.ID, html.EscapeString(name), e.Module)
	fmt.Fprintf(&b, `<script type="application/json" class="descent-explore-spec">%s</script>`, js)
	fmt.Fprintf(&b, `<div class="descent-explore-title" style="font-weight:bold;margin:4px 0">%s</div>`, html.EscapeString(e.Title))
	b.WriteString(`<div class="descent-explore-panels" style="display:flex;flex-wrap:wrap;gap:8px">`)
	for _, pic := range pics {
		b.WriteString(pic)
	}
	b.WriteString(`</div>`)
	fmt.Fprintf(&b, `<p class="descent-explore-readout">%s</p>`, html.EscapeString(Readout(fig)))
	fmt.Fprintf(&b, `<p class="descent-explore-static"><em>With JavaScript, sliders re-run this in the page. Shown at %s.</em></p>`,
		html.EscapeString(settings(e, values)))
	b.WriteString(`<div class="descent-explore-controls" style="display:none"></div>`)
	b.WriteString(`<p class="descent-explore-error" style="display:none"></p>`)
	b.WriteString(`</div>`)
	fmt.Fprintf(&b, "\n<script>(function(){var s=document.currentScript,b=s&&s.previousElementSibling;"+
		`if(!b||b.className!==%q)b=document.getElementById(%q);if(!b)return;`+
		`function m(){window.descentExplore.mount(b);}`+
		`if(window.descentExplore&&window.descentExplore.mount)m();else window.addEventListener("descent-explore",m,{once:true});`+
		`})();</script>`, Class, "explore-"+s.ID)
	return b.String(), nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// settings describes the values as the controls show them.
func settings(e *explore.Explorable, v explore.Values) string {
	var parts []string
	for _, c := range e.Controls {
		x := v[c.Name]
		if c.Choices != nil {
			parts = append(parts, c.Label+": "+c.Choices[int(x)])
			continue
		}
		s := c.Label + " = " + Format(x)
		if c.Unit != "" {
			s += " " + c.Unit
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// Readout writes a figure's readout as the front-end does.
func Readout(f *explore.Figure) string {
	var parts []string
	for _, r := range f.Readout {
		if r.Text != "" {
			parts = append(parts, r.Label+": "+r.Text)
			continue
		}
		s := r.Label + " = " + Format(r.Value)
		if r.Unit != "" {
			s += " " + r.Unit
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "   ·   ")
}

var superscript = strings.NewReplacer("0", "⁰", "1", "¹", "2", "²", "3", "³", "4", "⁴",
	"5", "⁵", "6", "⁶", "7", "⁷", "8", "⁸", "9", "⁹", "-", "⁻")

// Format writes a number as the front-end's fmt does: integers as they
// are, 4 significant digits (5 from 1000) in [10⁻³, 10⁵), m×10ⁿ with 3
// outside, a minus sign for negatives.
func Format(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	if v == 0 {
		return "0"
	}
	a := math.Abs(v)
	var s string
	switch {
	case a >= 1e-3 && a < 1e5 && v == math.Trunc(v):
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case a >= 1e-3 && a < 1e5:
		prec := 4
		if a >= 1000 {
			prec = 5
		}
		r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', prec, 64), 64)
		s = strconv.FormatFloat(r, 'f', -1, 64)
	default:
		e := math.Floor(math.Log10(a) + 1e-12)
		m, _ := strconv.ParseFloat(strconv.FormatFloat(v/math.Pow(10, e), 'g', 3, 64), 64)
		s = strconv.FormatFloat(m, 'f', -1, 64) + "×10" + superscript.Replace(strconv.Itoa(int(e)))
	}
	return strings.Replace(s, "-", "−", 1)
}

// plotOf draws one panel of a figure as a lib/viz chart, with the looks
// bound to its series' names: the static picture, and the layout the live
// chart takes over.
func plotOf(p explore.Panel, width, height int, looks map[string]look) *viz.Plot {
	pl := &viz.Plot{Title: p.Title, Width: width, Height: height,
		X: viz.Axis{Label: p.XLabel, Log: p.LogX, Min: p.XMin, Max: p.XMax},
		Y: viz.Axis{Label: p.YLabel, Log: p.LogY, Min: p.YMin, Max: p.YMax}}
	if p.Note != "" {
		pl.Notes = append(pl.Notes, p.Note)
	}
	if p.Message != "" {
		pl.Notes = append(pl.Notes, p.Message)
	}
	symbols := map[string]viz.Symbol{"circle": viz.Circle, "ring": viz.Ring, "square": viz.Square, "triangle": viz.Triangle}
	for _, s := range p.Series {
		color, dashed := s.Color, s.Dashed
		if l, ok := looks[s.Name]; ok && color == "" {
			color, dashed = l.Color, dashed || l.Dash == int(viz.DashedLine)
		}
		var opts []viz.SeriesOption
		if color != "" {
			opts = append(opts, viz.Color(color))
		}
		if dashed {
			opts = append(opts, viz.Dashed())
		}
		if sym, ok := symbols[s.Symbol]; ok {
			opts = append(opts, viz.Marker(sym, s.Size))
		}
		if s.NoLegend {
			opts = append(opts, viz.NoLegend())
		}
		switch s.Kind {
		case explore.Contour:
			pl.Series = append(pl.Series, viz.Series{Name: s.Name, Kind: viz.ContourKind, X: s.X, Y: s.Y, Color: s.Color})
		case explore.Points:
			pl.Points(s.Name, s.X, s.Y, opts...)
		case explore.Path:
			if len(s.X) > 0 {
				pl.Path(s.Name, s.X, s.Y, opts...)
			}
		default:
			if len(s.X) > 0 {
				pl.Line(s.Name, s.X, s.Y, opts...)
			}
		}
	}
	return pl
}
