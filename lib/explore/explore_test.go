package explore

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/descentlab/descent/lib/secondorder/cost"
)

// costData is a small measurement for the "cost" explorable.
func costData(t *testing.T) Data {
	t.Helper()
	rows := cost.Measure([]int{100, 200, 10_000},
		cost.Settings{MaxDense: 200, Memory: 10, MinTime: time.Millisecond, Seed: 1})
	d := CostData(rows, 10)
	d["teacher"] = CompressStart()
	return d
}

// settings returns the values at each end of every control, one control
// moved at a time, and the defaults.
func settings(e *Explorable) []Values {
	out := []Values{e.Defaults()}
	for _, c := range e.Controls {
		ends := []float64{c.Min, c.Max}
		if c.Choices != nil {
			ends = []float64{0, float64(len(c.Choices) - 1)}
		}
		for _, v := range ends {
			out = append(out, Values{c.Name: v})
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
	for _, name := range Names() {
		e := Lookup(name)
		if e.Title == "" || len(e.Controls) == 0 {
			t.Errorf("%s: no title or no controls", name)
		}
		for _, v := range settings(e) {
			fig, err := Run(name, v, data)
			if err != nil {
				t.Errorf("%s %v: %v", name, v, err)
				continue
			}
			js := fig.JSON()
			if !json.Valid(js) {
				t.Errorf("%s %v: invalid JSON", name, v)
			}
			again, _ := Run(name, v, data)
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
					if s.Kind == Contour {
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
		v    Values
		want string
	}{
		{"no-such", nil, "no such explorable"},
		{"nonconvex-1d", Values{"beta": 1}, `no control "beta"`},
		{"nonconvex-1d", Values{"alpha": math.NaN()}, "must be finite"},
		{"nonconvex-1d", Values{"alpha": math.Inf(1)}, "must be finite"},
		{"schedule", Values{"shape": 9}, "choice index"},
		// A learning rate of 0 is outside the slider; the library panics on it,
		// and Run returns the panic's message.
		{"nonconvex-1d", Values{"alpha": 0}, "panic: optim"},
		{"cost", nil, "measured rows"},
		{"compress", nil, "trained parameters"},
	} {
		_, err := Run(c.name, c.v, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Run(%q, %v) = %v, want an error containing %q", c.name, c.v, err, c.want)
		}
	}
	if _, err := Run("no-such", nil, nil); !errors.Is(err, ErrUnknown) {
		t.Errorf("an unknown name: %v is not ErrUnknown", err)
	}
}

func TestResponse(t *testing.T) {
	got := string(Response(nil, errors.New(`bad "x" <y>`)))
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
	f := &Figure{Panels: []Panel{{Title: "t\x01\u2207", Series: []Series{{Name: "s", X: vals, Y: vals}}}}}
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

// TestContourCircle: the level set x² + y² = 1 is one closed polyline whose
// points lie on the circle up to the interpolation error of the grid.
func TestContourCircle(t *testing.T) {
	g := sample(func(x, y float64) float64 { return x*x + y*y }, [4]float64{-2, 2, -2, 2}, 40)
	xs, ys := g.contour(1)
	if len(xs) < 20 {
		t.Fatalf("%d points", len(xs))
	}
	for i := range xs {
		if bad(xs[i]) {
			t.Fatalf("a separator at %d: the circle is not one polyline", i)
		}
		if r := math.Hypot(xs[i], ys[i]); math.Abs(r-1) > 0.01 {
			t.Errorf("point %d at radius %g", i, r)
		}
	}
	if xs[0] != xs[len(xs)-1] || ys[0] != ys[len(ys)-1] {
		t.Errorf("not closed: (%g, %g) … (%g, %g)", xs[0], ys[0], xs[len(xs)-1], ys[len(ys)-1])
	}
	// Two levels: two loops, one separator between them.
	xs, _ = g.contours(0.25, 1)
	seps := 0
	for _, x := range xs {
		if math.IsNaN(x) {
			seps++
		}
	}
	if seps != 1 {
		t.Errorf("two circles with %d separators", seps)
	}
}

// TestCostDataRoundTrip: the rows CostData writes read back exactly.
func TestCostDataRoundTrip(t *testing.T) {
	rows := cost.Measure([]int{100, 10_000},
		cost.Settings{MaxDense: 100, Memory: 5, MinTime: time.Millisecond, Seed: 1})
	back, m := costRows(CostData(rows, 5))
	if m != 5 || len(back) != len(rows) {
		t.Fatalf("m = %d, %d rows", m, len(back))
	}
	for i := range rows {
		if back[i] != rows[i] {
			t.Errorf("row %d: %+v, want %+v", i, back[i], rows[i])
		}
	}
}

// TestDivergenceMessage: a rate past the stability limit says where the
// run diverged, and draws no non-finite point.
func TestDivergenceMessage(t *testing.T) {
	fig, err := Run("nonconvex-1d", Values{"alpha": 1, "x0": 2.9}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(fig.Panels[0].Message, "diverged at step ") {
		t.Errorf("message %q", fig.Panels[0].Message)
	}
}
