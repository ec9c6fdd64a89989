//go:build !descentcell

package render

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
	"time"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"github.com/descentlab/descent/lib/viz"
	"gonum.org/v1/gonum/mat"
)

// requests are charts of every kind and feature the helper must draw as
// this program does: contours evaluated over a widened view, equal and
// log axes, paths, histograms, markers, notes, heat maps, tables, an
// explorable, and bad input.
func requests(t *testing.T) map[string]Request {
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
	return map[string]Request{
		"loss curves":  ChartRequest(viz.LossCurves("Loss", viz.ByIter, gd, adam), viz.HTMLConfig{WithLoader: true}),
		"trajectories": ChartRequest(viz.Trajectories("Paths on Rosenbrock", rosen, gd, adam), viz.HTMLConfig{}),
		"zoomed":       ChartRequest(zoomed, viz.HTMLConfig{Format: "png"}),
		"histogram":    ChartRequest(hist, viz.HTMLConfig{NoScript: true}),
		"heat maps":    ChartRequest(viz.NewHeatMaps("Hessian", viz.MatrixOf("H", h)), viz.HTMLConfig{}),
		"table":        ChartRequest(viz.RunTable("Runs", gd, adam), viz.HTMLConfig{}),
		"bad plot":     ChartRequest(bad, viz.HTMLConfig{}),
		"explorable":   {Explore: "momentum", Values: map[string]float64{"beta": 0.5}},
		"explorable, modules sent": {Explore: "momentum", Echarts: true, Module: true,
			Sent: []string{"compression", "firstorder", "secondorder"}},
		"unknown": {Explore: "no-such-explorable"},
		"empty":   {},
	}
}

// local draws r in this program from fresh looks.
func local(r Request) (Reply, string, error) {
	viz.Default.Reset()
	out, err := Render(r, nil)
	looks, _ := viz.Default.MarshalJSON()
	return out, string(looks), err
}

// remote draws r in the helper from fresh looks, r having crossed the
// process boundary as it does from a cell.
func remote(t *testing.T, r Request, asks *int) (Reply, string, error) {
	t.Helper()
	viz.Default.Reset()
	var grid GridFunc
	if r.Plot != nil {
		p := r.Plot
		grid = func(i int, xs, ys []float64) ([][]float64, error) {
			*asks++
			return p.ContourGrid(i, xs, ys)
		}
	}
	out, err := Call(r, grid)
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

// TestHelperDrawsTheSameBytes is the promise of the descentcell build: a
// chart drawn by the helper is the same fragment, id and colour bindings
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
	out, err := Call(ChartRequest(p, viz.HTMLConfig{}), func(int, []float64, []float64) ([][]float64, error) {
		return nil, errors.New("no values today")
	})
	if err != nil || !strings.Contains(out.Err, `plot "Paths"`) || !strings.Contains(out.Err, "no values today") {
		t.Fatalf("got %q, %v; want the grid's error naming the plot", out.Err, err)
	}
	out, err = Call(ChartRequest(p, viz.HTMLConfig{}), func(int, []float64, []float64) ([][]float64, error) {
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
	if _, err := viz.Options(&q); err == nil || !strings.Contains(err.Error(), "did not cross the process boundary") {
		t.Fatalf("drawing a decoded plot without its contour values: %v", err)
	}
	if _, err := q.ContourGrid(5, nil, nil); err == nil || !strings.Contains(err.Error(), "asked for number 5") {
		t.Fatalf("ContourGrid(5): %v", err)
	}
}

func TestWithoutTag(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"-tags=descentcell": "",
		"-buildvcs=false -ldflags=-s -tags=descentcell": "-buildvcs=false -ldflags=-s",
		"-tags=a,descentcell,b -mod=readonly":           "-tags=a,b -mod=readonly",
		"--tags=descentcell,x":                          "--tags=x",
		"-ldflags=-s":                                   "-ldflags=-s",
	} {
		if got := withoutTag(in); got != want {
			t.Errorf("withoutTag(%q) = %q, want %q", in, got, want)
		}
	}
}

// Each of lib/viz's renderers, asked of the helper as a cell's build asks
// it, gives the in-process result byte for byte.
func TestHelperOutputs(t *testing.T) {
	rs := requests(t)
	viz.Default.Reset()
	for _, name := range []string{"trajectories", "heat maps", "table", "histogram"} {
		r0 := rs[name]
		c := r0.Chart()
		var svg, png bytes.Buffer
		svgErr, pngErr := viz.SVG(&svg, c), viz.PNG(&png, c)
		opt, optErr := viz.Options(c)
		html, htmlErr := viz.HTML(c, viz.StaticFormat("png"), viz.StaticOnly())
		want := map[string][]byte{"svg": svg.Bytes(), "png": png.Bytes(), "options": opt, "id": []byte(viz.ID(c)), "html": []byte(html)}
		wantErr := map[string]error{"svg": svgErr, "png": pngErr, "options": optErr, "html": htmlErr}
		for output, w := range want {
			r := ChartRequest(c, viz.HTMLConfig{})
			if output == "html" {
				r.Config = viz.ConfigOf(viz.StaticFormat("png"), viz.StaticOnly())
			}
			r.Output = output
			var grid GridFunc
			if p, ok := c.(*viz.Plot); ok {
				grid = p.ContourGrid
			}
			got, err := Call(r, grid)
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
	got, err := Call(Request{Output: "loader"}, nil)
	if err != nil || string(got.Bytes) != viz.EChartsLoader() {
		t.Errorf("loader: %d bytes, %v; want the in-process loader", len(got.Bytes), err)
	}
	if got, err := Call(Request{Plot: viz.NewPlot("x"), Output: "pdf"}, nil); err != nil || !strings.Contains(got.Err, `unknown output "pdf"`) {
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
	t.Setenv(HelperEnv, script)
	_, err := Call(ChartRequest(viz.NewPlot("x"), viz.HTMLConfig{}), nil)
	if err == nil || !strings.Contains(err.Error(), "out of paint") || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("a failing helper: %v", err)
	}
	t.Setenv(HelperEnv, filepath.Join(t.TempDir(), "missing"))
	_, err = Call(ChartRequest(viz.NewPlot("x"), viz.HTMLConfig{}), nil)
	if err == nil || !strings.Contains(err.Error(), "starting the helper") {
		t.Errorf("a missing helper: %v", err)
	}
}

// In a kernel session the helper is built once into $GONB_TMP_DIR and
// reused while the library's sources stay as they were, and built again
// when they change (here: a stamp that no longer matches).
func TestHelperRebuiltWhenSourcesChange(t *testing.T) {
	stamp := sourceStamp()
	if stamp == "" || stamp != sourceStamp() {
		t.Fatalf("sourceStamp: %q, then %q", stamp, sourceStamp())
	}
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..", "..", "..", "..")
	session := t.TempDir() // what GoNB's $GONB_TMP_DIR holds: a go.work using the module
	if err := os.WriteFile(filepath.Join(session, "go.work"), []byte("go 1.26\n\nuse "+root+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(HelperEnv, "")
	t.Setenv("GONB_TMP_DIR", session)
	built := func() time.Time {
		t.Helper()
		bin, done, err := build()
		if err != nil {
			t.Fatal(err)
		}
		done()
		fi, err := os.Stat(bin)
		if err != nil {
			t.Fatal(err)
		}
		return fi.ModTime()
	}
	first := built()
	if got, _ := os.ReadFile(filepath.Join(session, "descent-vizrender.stamp")); string(got) != stamp {
		t.Fatalf("stamp file %q, want %q", got, stamp)
	}
	if again := built(); !again.Equal(first) {
		t.Error("the helper was built again although the sources did not change")
	}
	if err := os.WriteFile(filepath.Join(session, "descent-vizrender.stamp"), []byte("older sources"), 0o644); err != nil {
		t.Fatal(err)
	}
	if rebuilt := built(); rebuilt.Equal(first) {
		t.Error("the helper was not built again after the sources changed")
	}
}

// The stamp is computed once per program that shows a chart.
func BenchmarkSourceStamp(b *testing.B) {
	for b.Loop() {
		if sourceStamp() == "" {
			b.Fatal("no stamp")
		}
	}
}
