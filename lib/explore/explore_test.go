package explore_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/compression"
	"github.com/descentlab/descent/lib/explore/firstorder"
	"github.com/descentlab/descent/lib/explore/secondorder"
	"github.com/descentlab/descent/lib/secondorder/cost"
)

// all is every module's explorables.
var all = append(append(append(explore.Catalog{}, firstorder.Explorables()...),
	secondorder.Explorables()...), compression.Explorables()...).Sorted()

func bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// costData is a small measurement for the "cost" explorable.
func costData(t *testing.T) explore.Data {
	t.Helper()
	rows := cost.Measure([]int{100, 200, 10_000},
		cost.Settings{MaxDense: 200, Memory: 10, MinTime: time.Millisecond, Seed: 1})
	d := secondorder.CostData(rows, 10)
	d["teacher"] = compression.CompressStart()
	return d
}

// settings returns the values at each end of every control, one control
// moved at a time, and the defaults.
func settings(e *explore.Explorable) []explore.Values {
	out := []explore.Values{e.Defaults()}
	for _, c := range e.Controls {
		ends := []float64{c.Min, c.Max}
		if c.Choices != nil {
			ends = []float64{0, float64(len(c.Choices) - 1)}
		}
		for _, v := range ends {
			out = append(out, explore.Values{c.Name: v})
		}
	}
	return out
}

// TestEveryExplorableAtItsEnds runs every explorable at its defaults and
// with each control at each end: no error, valid JSON, the same bytes on a
// second run, the panels it declares, finite numbers where a chart needs
// them, and a readout.
func TestEveryExplorableAtItsEnds(t *testing.T) {
	data := costData(t)
	for _, name := range all.Names() {
		e := all.Lookup(name)
		if e.Title == "" || len(e.Controls) == 0 {
			t.Errorf("%s: no title or no controls", name)
		}
		for _, v := range settings(e) {
			fig, err := all.Run(name, v, data)
			if err != nil {
				t.Errorf("%s %v: %v", name, v, err)
				continue
			}
			js := fig.JSON()
			if !json.Valid(js) {
				t.Errorf("%s %v: invalid JSON", name, v)
			}
			again, _ := all.Run(name, v, data)
			if string(again.JSON()) != string(js) {
				t.Errorf("%s %v: two runs differ", name, v)
			}
			if len(fig.Panels) == 0 || len(fig.Readout) == 0 {
				t.Errorf("%s %v: %d panels, %d readings", name, v, len(fig.Panels), len(fig.Readout))
			}
			for _, p := range fig.Panels {
				for _, s := range p.Series {
					if len(s.X) != len(s.Y) {
						t.Errorf("%s %v: %s: %d x against %d y", name, v, s.Name, len(s.X), len(s.Y))
					}
					if s.Kind == explore.Contour {
						continue
					}
					for i := range s.X {
						if bad(s.X[i]) || bad(s.Y[i]) || (p.LogY && s.Y[i] <= 0) || (p.LogX && s.X[i] <= 0) {
							t.Errorf("%s %v: %s point %d (%g, %g) cannot be drawn", name, v, s.Name, i, s.X[i], s.Y[i])
							break
						}
					}
				}
			}
		}
	}
}

func TestRunErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		v    explore.Values
		want string
	}{
		{"no-such", nil, "no such explorable"},
		{"nonconvex-1d", explore.Values{"beta": 1}, `no control "beta"`},
		{"nonconvex-1d", explore.Values{"alpha": math.NaN()}, "must be finite"},
		{"nonconvex-1d", explore.Values{"alpha": math.Inf(1)}, "must be finite"},
		{"schedule", explore.Values{"shape": 9}, "choice index"},
		// A learning rate of 0 is outside the slider; the library panics on it,
		// and Run returns the panic's message.
		{"nonconvex-1d", explore.Values{"alpha": 0}, "panic: optim"},
		{"cost", nil, "measured rows"},
		{"compress", nil, "trained parameters"},
	} {
		_, err := all.Run(c.name, c.v, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("all.Run(%q, %v) = %v, want an error containing %q", c.name, c.v, err, c.want)
		}
	}
	if _, err := all.Run("no-such", nil, nil); !errors.Is(err, explore.ErrUnknown) {
		t.Errorf("an unknown name: %v is not explore.ErrUnknown", err)
	}
}

func TestResponse(t *testing.T) {
	got := string(explore.Response(nil, errors.New(`bad "x" <y>`)))
	if got != `{"error":"bad \"x\" \u003cy\u003e"}` {
		t.Errorf("Response = %s", got)
	}
	var back struct{ Error string }
	if err := json.Unmarshal([]byte(got), &back); err != nil || back.Error != `bad "x" <y>` {
		t.Errorf("Response does not read back: %v %q", err, back.Error)
	}
}

// TestJSONNumbers: every float64 reads back exactly; NaN and ±Inf are null.
func TestJSONNumbers(t *testing.T) {
	vals := []float64{0, -0.1, 1e-310, math.MaxFloat64, math.Pi, 1.0 / 3, math.NaN(), math.Inf(-1)}
	f := &explore.Figure{Panels: []explore.Panel{{Title: "t\x01\u2207", Series: []explore.Series{{Name: "s", X: vals, Y: vals}}}}}
	var back struct {
		Panels []struct {
			Title  string
			Series []struct{ X []*float64 }
		}
	}
	if err := json.Unmarshal(f.JSON(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Panels[0].Title != "t\x01\u2207" {
		t.Errorf("title %q", back.Panels[0].Title)
	}
	for i, p := range back.Panels[0].Series[0].X {
		switch {
		case bad(vals[i]) && p != nil:
			t.Errorf("%g written as %v, want null", vals[i], *p)
		case !bad(vals[i]) && (p == nil || *p != vals[i]):
			t.Errorf("%g does not read back", vals[i])
		}
	}
}

// TestDivergenceMessage: a rate past the stability limit says where the
// run diverged, and draws no non-finite point.
func TestDivergenceMessage(t *testing.T) {
	fig, err := all.Run("nonconvex-1d", explore.Values{"alpha": 1, "x0": 2.9}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(fig.Panels[0].Message, "diverged at step ") {
		t.Errorf("message %q", fig.Panels[0].Message)
	}
}

// TestFixedSeries checks that a Fixed series is written as the same series
// made plainly, and afresh once its X is set to another slice.
func TestFixedSeries(t *testing.T) {
	plain := explore.Series{Name: "contours", Kind: explore.Contour, X: []float64{0.1, math.NaN(), 1e-300}, Y: []float64{2, 3, -0.5}}
	fig := func(s explore.Series) string {
		return string((&explore.Figure{Panels: []explore.Panel{{Series: []explore.Series{s}}}}).JSON())
	}
	fixed := explore.Fixed(plain)
	if got, want := fig(fixed), fig(plain); got != want {
		t.Fatalf("fixed series:\n%s\nwant\n%s", got, want)
	}
	fixed.X = []float64{7, 8, 9}
	plain.X = fixed.X
	if got, want := fig(fixed), fig(plain); got != want {
		t.Fatalf("fixed series with another X:\n%s\nwant\n%s", got, want)
	}
	empty := explore.Fixed(explore.Series{Name: "none"})
	if got, want := fig(empty), fig(explore.Series{Name: "none"}); got != want {
		t.Fatalf("empty fixed series:\n%s\nwant\n%s", got, want)
	}
}
