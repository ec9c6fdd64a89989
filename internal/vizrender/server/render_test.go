package server

import (
	"bytes"
	"encoding/gob"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/descentlab/descent/internal/vizrender"
	"github.com/descentlab/descent/internal/vizstate"
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/draw"
	"gonum.org/v1/gonum/mat"
)

// requests are charts of every kind and feature the helper must draw as
// this program does: contours evaluated over a widened view, equal and
// log axes, paths, histograms, markers, notes, heat maps, tables, an
// explorable, and bad input.
func requests(t *testing.T) map[string]vizrender.Request {
	t.Helper()
	rosen := problems.Rosenbrock()
	run := func(m optim.Optimizer, label string) optim.Result {
		return optim.Run(rosen, []float64{-1.2, 1}, m, optim.Settings{MaxIter: 300, Label: label})
	}
	gd, adam := run(optim.NewSGD(1e-3), "GD"), run(optim.NewAdam(0.05), "Adam")
	h := mat.NewSymDense(3, []float64{2, -1, 0, -1, 2, -1, 0, -1, 2})
	hist := viz.NewPlot("Histogram", viz.LogY(), viz.Note("a note")).
		Histogram("draws", []float64{0.1, 0.2, 0.2, 0.5, 0.9, math.NaN()}, 5).
		Points("marks", []float64{0.2, 0.4}, []float64{1, 2}, viz.Marker(viz.Triangle, 9)).
		Line("dashed", []float64{0, 1}, []float64{1, 3}, viz.Dashed(), viz.Color("#123456"))
	zoomed := viz.Trajectories("Zoomed paths", rosen, gd, adam).With(viz.XRange(-2, 2), viz.YRange(-1, 3))
	bad := viz.NewPlot("Bad").Line("short", []float64{1, 2}, []float64{1})
	return map[string]vizrender.Request{
		"loss curves":  vizrender.ChartRequest(viz.LossCurves("Loss", viz.ByIter, gd, adam), viz.HTMLConfig{WithLoader: true}),
		"trajectories": vizrender.ChartRequest(viz.Trajectories("Paths on Rosenbrock", rosen, gd, adam), viz.HTMLConfig{}),
		"zoomed":       vizrender.ChartRequest(zoomed, viz.HTMLConfig{Format: "png"}),
		"histogram":    vizrender.ChartRequest(hist, viz.HTMLConfig{NoScript: true}),
		"heat maps":    vizrender.ChartRequest(viz.NewHeatMaps("Hessian", viz.MatrixOf("H", h)), viz.HTMLConfig{}),
		"table":        vizrender.ChartRequest(viz.RunTable("Runs", gd, adam), viz.HTMLConfig{}),
		"bad plot":     vizrender.ChartRequest(bad, viz.HTMLConfig{}),
		"explorable":   {Explore: "momentum", Values: map[string]float64{"beta": 0.5}},
		"explorable, modules sent": {Explore: "momentum", Echarts: true, Module: true,
			Sent: []string{"compression", "firstorder", "secondorder"}},
		"unknown": {Explore: "no-such-explorable"},
		"empty":   {},
	}
}

// local draws r in this program from fresh looks.
func local(r vizrender.Request) (vizrender.Reply, string, error) {
	viz.Default.Reset()
	out, err := Render(r, nil)
	looks, _ := viz.Default.MarshalJSON()
	return out, string(looks), err
}

// remote draws r in the helper from fresh looks, r having crossed the
// process boundary as it does from a cell.
func remote(t *testing.T, r vizrender.Request, asks *int) (vizrender.Reply, string, error) {
	t.Helper()
	viz.Default.Reset()
	var grid vizrender.GridFunc
	if r.Plot != nil {
		p := r.Plot
		grid = func(i int, xs, ys []float64) ([][]float64, error) {
			*asks++
			return vizstate.Of(p).Grid(i, xs, ys)
		}
	}
	out, err := vizrender.Call(r, grid)
	if err != nil {
		t.Fatalf("Call: %v", err)
	}
	looks, _ := viz.Default.MarshalJSON()
	out.Looks = nil
	if out.Err != "" {
		return out, string(looks), errors.New(out.Err)
	}
	return out, string(looks), nil
}

// TestHelperDrawsTheSameBytes is the helper's promise: a chart drawn by
// the helper is the same fragment, id and colour bindings
// as one drawn in the cell's program, and a drawing error the same text.
func TestHelperDrawsTheSameBytes(t *testing.T) {
	for name, r := range requests(t) {
		t.Run(name, func(t *testing.T) {
			want, wantLooks, wantErr := local(r)
			asks := 0
			got, gotLooks, gotErr := remote(t, r, &asks)
			if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
				t.Fatalf("error: helper %v, in process %v", gotErr, wantErr)
			}
			if got.HTML != want.HTML {
				i := 0
				for i < min(len(got.HTML), len(want.HTML)) && got.HTML[i] == want.HTML[i] {
					i++
				}
				t.Fatalf("HTML differs at byte %d of %d/%d: helper %.80q, in process %.80q",
					i, len(got.HTML), len(want.HTML), got.HTML[i:], want.HTML[i:])
			}
			if got.ID != want.ID || got.Module != want.Module || got.ModuleName != want.ModuleName || got.Warning != want.Warning {
				t.Errorf("reply: helper %+v, in process %+v", got, want)
			}
			if gotLooks != wantLooks {
				t.Errorf("looks: helper %s, in process %s", gotLooks, wantLooks)
			}
			if wantErr == nil && r.Explore == "" && len(want.HTML) < 200 {
				t.Errorf("suspiciously short fragment: %q", want.HTML)
			}
			if strings.HasPrefix(name, "trajectories") || name == "zoomed" {
				if asks == 0 {
					t.Error("the helper drew contours without asking for their values")
				}
			} else if asks != 0 {
				t.Errorf("the helper asked for %d contour grids of a chart without contours", asks)
			}
		})
	}
}

// A plot whose contour function cannot answer is an error naming the
// plot, not a picture without contours.
func TestHelperReportsContourErrors(t *testing.T) {
	p := viz.Trajectories("Paths", problems.Rosenbrock())
	out, err := vizrender.Call(vizrender.ChartRequest(p, viz.HTMLConfig{}), func(int, []float64, []float64) ([][]float64, error) {
		return nil, errors.New("no values today")
	})
	if err != nil || !strings.Contains(out.Err, `plot "Paths"`) || !strings.Contains(out.Err, "no values today") {
		t.Fatalf("got %q, %v; want the grid's error naming the plot", out.Err, err)
	}
	out, err = vizrender.Call(vizrender.ChartRequest(p, viz.HTMLConfig{}), func(int, []float64, []float64) ([][]float64, error) {
		return [][]float64{{1}}, nil
	})
	if err != nil || !strings.Contains(out.Err, "contour grid has 1 rows") {
		t.Fatalf("got %q, %v; want the wrong grid size reported", out.Err, err)
	}
}

// A decoded plot draws only with its contour values supplied; its other
// state (a constructor's error, path flags) crosses.
func TestPlotGob(t *testing.T) {
	p := viz.Trajectories("Paths", problems.Rosenbrock())
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(p); err != nil {
		t.Fatal(err)
	}
	var q viz.Plot
	if err := gob.NewDecoder(&b).Decode(&q); err != nil {
		t.Fatal(err)
	}
	if _, err := draw.Options(&q); err == nil || !strings.Contains(err.Error(), "did not cross the process boundary") {
		t.Fatalf("drawing a decoded plot without its contour values: %v", err)
	}
	if _, err := vizstate.Of(&q).Grid(5, nil, nil); err == nil || !strings.Contains(err.Error(), "asked for number 5") {
		t.Fatalf("ContourGrid(5): %v", err)
	}
}

// Each of lib/viz/draw's renderers, asked of the helper, gives the in-process result byte for byte.
func TestHelperOutputs(t *testing.T) {
	rs := requests(t)
	viz.Default.Reset()
	for _, name := range []string{"trajectories", "heat maps", "table", "histogram"} {
		r0 := rs[name]
		c := r0.Chart()
		var svg, png bytes.Buffer
		svgErr, pngErr := draw.SVG(&svg, c), draw.PNG(&png, c)
		opt, optErr := draw.Options(c)
		html, htmlErr := draw.HTML(c, viz.StaticFormat("png"), viz.StaticOnly())
		want := map[string][]byte{"svg": svg.Bytes(), "png": png.Bytes(), "options": opt, "id": []byte(draw.ID(c)), "html": []byte(html)}
		wantErr := map[string]error{"svg": svgErr, "png": pngErr, "options": optErr, "html": htmlErr}
		for output, w := range want {
			r := vizrender.ChartRequest(c, viz.HTMLConfig{})
			if output == "html" {
				r.Config = viz.ConfigOf(viz.StaticFormat("png"), viz.StaticOnly())
			}
			r.Output = output
			var grid vizrender.GridFunc
			if p, ok := c.(*viz.Plot); ok {
				grid = vizstate.Of(p).Grid
			}
			got, err := vizrender.Call(r, grid)
			if err != nil {
				t.Fatalf("%s %s: %v", name, output, err)
			}
			if e := wantErr[output]; e != nil || got.Err != "" {
				if e == nil || got.Err != e.Error() {
					t.Errorf("%s %s: helper error %q, in process %v", name, output, got.Err, e)
				}
				continue
			}
			if !bytes.Equal(got.Bytes, w) || len(w) == 0 {
				t.Errorf("%s %s: helper gave %d bytes, in process %d, not the same", name, output, len(got.Bytes), len(w))
			}
		}
	}
	got, err := vizrender.Call(vizrender.Request{Output: "loader"}, nil)
	if err != nil || string(got.Bytes) != draw.EChartsLoader() {
		t.Errorf("loader: %d bytes, %v; want the in-process loader", len(got.Bytes), err)
	}
	if got, err := vizrender.Call(vizrender.Request{Plot: viz.NewPlot("x"), Output: "pdf"}, nil); err != nil || !strings.Contains(got.Err, `unknown output "pdf"`) {
		t.Errorf("an unknown output: %+v, %v", got, err)
	}
}

// A helper that fails, or cannot start, is an error that says so, with
// what the helper wrote to stderr.
func TestHelperFailures(t *testing.T) {
	script := filepath.Join(t.TempDir(), "broken-helper")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho 'out of paint' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	stamp, err := os.ReadFile(os.Getenv(vizrender.HelperEnv) + vizrender.StampSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script+vizrender.StampSuffix, stamp, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(vizrender.HelperEnv, script)
	_, err = vizrender.Call(vizrender.ChartRequest(viz.NewPlot("x"), viz.HTMLConfig{}), nil)
	if err == nil || !strings.Contains(err.Error(), "out of paint") || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("a failing helper: %v", err)
	}
	t.Setenv(vizrender.HelperEnv, filepath.Join(t.TempDir(), "missing"))
	_, err = vizrender.Call(vizrender.ChartRequest(viz.NewPlot("x"), viz.HTMLConfig{}), nil)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a missing helper: %v", err)
	}
}

// A helper built from other sources, or one that is missing, is an error
// naming the command that builds it; so is one that speaks another
// version of the protocol.
func TestHelperStale(t *testing.T) {
	bin := os.Getenv(vizrender.HelperEnv)
	stale := filepath.Join(t.TempDir(), vizrender.HelperName)
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale+vizrender.StampSuffix, []byte("older sources\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(vizrender.HelperEnv, stale)
	_, err = vizrender.Call(vizrender.ChartRequest(viz.NewPlot("x"), viz.HTMLConfig{}), nil)
	if err == nil || !strings.Contains(err.Error(), "built from other sources") || !strings.Contains(err.Error(), "make setup") {
		t.Errorf("a stale helper: %v", err)
	}
	os.Remove(stale + vizrender.StampSuffix)
	if _, err = vizrender.Call(vizrender.ChartRequest(viz.NewPlot("x"), viz.HTMLConfig{}), nil); err == nil || !strings.Contains(err.Error(), "make setup") {
		t.Errorf("a helper without its stamp: %v", err)
	}
	t.Setenv(vizrender.HelperEnv, filepath.Join(t.TempDir(), "missing"))
	if _, err = vizrender.Call(vizrender.ChartRequest(viz.NewPlot("x"), viz.HTMLConfig{}), nil); err == nil || !strings.Contains(err.Error(), "make setup") {
		t.Errorf("a missing helper: %v", err)
	}
	// The helper's side of a version mismatch.
	var in, out bytes.Buffer
	if err := gob.NewEncoder(&in).Encode(vizrender.Request{Version: vizrender.Version + 1, Plot: viz.NewPlot("x")}); err != nil {
		t.Fatal(err)
	}
	if err := Serve(&in, &out); err != nil {
		t.Fatal(err)
	}
	var m vizrender.Message
	if err := gob.NewDecoder(&out).Decode(&m); err != nil || m.Reply == nil || !strings.Contains(m.Reply.Err, "make setup") {
		t.Errorf("another protocol version: %+v, %v", m.Reply, err)
	}
}

// The stamp is the same for the same sources and computed in milliseconds.
func BenchmarkSourceStamp(b *testing.B) {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..", "..")
	first, err := vizrender.SourceStamp(root)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if s, _ := vizrender.SourceStamp(root); s != first {
			b.Fatal("the stamp changed")
		}
	}
}
