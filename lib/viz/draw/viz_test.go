package draw

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/viz"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func TestEChartsChecksum(t *testing.T) {
	js, err := os.ReadFile(filepath.Join("assets", "echarts.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(js)
	if got := hex.EncodeToString(sum[:]); got != echartsSHA256 {
		t.Fatalf("assets/echarts.min.js sha256 = %s, want %s (assets/README.md)", got, echartsSHA256)
	}
}

// TestEChartsGzip checks that the embedded compressed bundle is exactly
// assets/echarts.min.js; with -update it remakes assets/echarts.min.js.gz.
func TestEChartsGzip(t *testing.T) {
	js, err := os.ReadFile(filepath.Join("assets", "echarts.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(js)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("assets", "echarts.min.js.gz"), gz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("rewrote assets/echarts.min.js.gz; rebuild and rerun to check the embedded copy")
	}
	zr, err := gzip.NewReader(bytes.NewReader(echartsGzip))
	if err != nil {
		t.Fatalf("embedded echarts.min.js.gz: %v", err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("embedded echarts.min.js.gz: %v", err)
	}
	if !bytes.Equal(got, js) {
		t.Fatalf("embedded echarts.min.js.gz unpacks to %d bytes that differ from assets/echarts.min.js (%d bytes): run go test -run EChartsGzip -update", len(got), len(js))
	}
}

// TestGolden renders every sample chart to echarts JSON and SVG and
// compares with testdata/golden; run with -update to rewrite them.
func TestGolden(t *testing.T) {
	viz.Default.Reset() // looks in first-drawn order, whatever ran before
	for _, c := range sampleCharts() {
		title, _, _ := dims(c)
		name := slug(title)
		opt, err := Options(c)
		if err != nil {
			t.Fatalf("%s: Options: %v", name, err)
		}
		if !json.Valid(opt) {
			t.Fatalf("%s: Options is not valid JSON", name)
		}
		var pretty bytes.Buffer
		json.Indent(&pretty, opt, "", " ")
		var svg bytes.Buffer
		if err := SVG(&svg, c); err != nil {
			t.Fatalf("%s: SVG: %v", name, err)
		}
		for ext, got := range map[string][]byte{".json": pretty.Bytes(), ".svg": svg.Bytes()} {
			file := filepath.Join("testdata", "golden", name+ext)
			if *update {
				os.MkdirAll(filepath.Dir(file), 0o755)
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file (%d vs %d bytes); inspect and run go test -update if intended", file, len(got), len(want))
			}
		}
	}
}

// TestDeterministic renders each chart twice and compares every output.
func TestDeterministic(t *testing.T) {
	a, b := sampleCharts(), sampleCharts()
	for i := range a {
		for _, f := range []func(viz.Chart) (string, error){
			func(c viz.Chart) (string, error) { return HTML(c) },
			func(c viz.Chart) (string, error) { s, err := staticBytes(c, "png"); return string(s), err },
		} {
			x, err1 := f(a[i])
			y, err2 := f(b[i])
			if err1 != nil || err2 != nil {
				t.Fatalf("chart %d: %v %v", i, err1, err2)
			}
			if x != y {
				t.Errorf("chart %d (%s): two renders differ", i, ID(a[i]))
			}
		}
	}
}

func TestIDs(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range sampleCharts() {
		id := ID(c)
		if seen[id] {
			t.Errorf("duplicate id %s", id)
		}
		seen[id] = true
		if !strings.HasPrefix(id, "viz-") {
			t.Errorf("id %q lacks the viz- prefix", id)
		}
	}
	p1 := viz.NewPlot("Same title").Line("a", []float64{0, 1}, []float64{1, 2})
	p2 := viz.NewPlot("Same title").Line("a", []float64{0, 1}, []float64{1, 3})
	if ID(p1) == ID(p2) {
		t.Errorf("different data, same id %s", ID(p1))
	}
	t1 := viz.NewTable("Results", []string{"a"}, []string{"1"})
	t2 := viz.NewTable("Results", []string{"a"}, []string{"2"})
	if ID(t1) == ID(t2) {
		t.Errorf("different tables, same id %s", ID(t1))
	}
}

func TestBadInput(t *testing.T) {
	errCases := []struct {
		name string
		c    viz.Chart
		want []string // substrings of the error
	}{
		{"mismatch", viz.NewPlot("m").Line("adam", []float64{1, 2, 3}, []float64{1, 2}), []string{`"adam"`, "3 x values but 2 y values"}},
		{"log zero", viz.NewPlot("l", viz.LogY()).Line("sgd", []float64{1, 2}, []float64{1, 0}), []string{`"sgd"`, "y = 0", "log"}},
		{"log negative x", viz.NewPlot("l", viz.LogX()).Points("pts", []float64{-1, 2}, []float64{1, 1}), []string{`"pts"`, "x = -1"}},
		{"histogram edges", &viz.Plot{Title: "h", Series: []viz.Series{{Name: "bins", Kind: viz.StepsKind, X: []float64{0, 1}, Y: []float64{1, 2}}}}, []string{`"bins"`, "edges"}},
		{"ragged matrix", viz.NewHeatMaps("hm", viz.Matrix{Name: "H", Data: [][]float64{{1, 2}, {3}}}), []string{`"H"`, "row 1"}},
		{"table row", viz.NewTable("t", []string{"a", "b"}, []string{"1"}), []string{"row 0", "1 cells"}},
		{"labels", viz.Decision("d", []float64{1, 2}, []float64{1, 2}, []int{0}, nil, [4]float64{0, 1, 0, 1}), []string{"dataset", "1 labels"}},
	}
	for _, tc := range errCases {
		for _, render := range []struct {
			name string
			f    func(viz.Chart) error
		}{
			{"SVG", func(c viz.Chart) error { return SVG(&bytes.Buffer{}, c) }},
			{"PNG", func(c viz.Chart) error { return PNG(&bytes.Buffer{}, c) }},
			{"Options", func(c viz.Chart) error { _, err := Options(c); return err }},
			{"HTML", func(c viz.Chart) error { _, err := HTML(c); return err }},
		} {
			err := render.f(tc.c)
			if err == nil {
				t.Errorf("%s/%s: no error", tc.name, render.name)
				continue
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%s/%s: error %q lacks %q", tc.name, render.name, err, w)
				}
			}
		}
	}

	// Non-finite values, a single point and an empty series draw, with notes.
	p := viz.NewPlot("notes", viz.LogY()).
		Line("nan", []float64{0, 1, 2}, []float64{1, math.NaN(), math.Inf(-1)}).
		Line("one", []float64{1}, []float64{2}).
		Line("empty", nil, nil)
	pr, err := plotView{p}.prepare()
	if err != nil {
		t.Fatal(err)
	}
	wantNotes := []string{"nan: skipped 2 non-finite points (NaN/±Inf)", "empty: no data to draw"}
	if fmt.Sprint(pr.notes) != fmt.Sprint(wantNotes) {
		t.Errorf("notes = %q, want %q", pr.notes, wantNotes)
	}
	if len(pr.series) != 2 || pr.series[1].Symbol != viz.Circle {
		t.Errorf("single point should be drawn with a marker: %+v", pr.series)
	}
	var svg bytes.Buffer
	if err := SVG(&svg, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg.String(), "skipped 2 non-finite points") {
		t.Error("the SVG does not show the note about skipped points")
	}
	opt, _ := Options(p)
	if !strings.Contains(string(opt), "skipped 2 non-finite points") {
		t.Error("the echarts options do not show the note about skipped points")
	}
	// An all-empty plot still renders.
	if _, err := HTML(viz.NewPlot("nothing").Line("empty", nil, nil)); err != nil {
		t.Errorf("empty plot: %v", err)
	}
}

func TestPageHasLoaderOnce(t *testing.T) {
	var b bytes.Buffer
	if err := WritePage(&b, "all charts", sampleCharts()...); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "data-descent-echarts="); n != 1 {
		t.Errorf("loader appears %d times, want 1", n)
	}
	for _, host := range []string{"http://", "https://", "//cdn"} {
		if i := strings.Index(b.String(), host); i >= 0 && !strings.Contains(b.String()[max(0, i-200):i], "sourceURL") {
			// echarts itself contains URLs in strings (e.g. SVG namespaces);
			// the browser test checks that none is requested.
			_ = i
		}
	}
}

func TestDecimate(t *testing.T) {
	n := 100000
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i] = float64(i)
		y[i] = math.Sin(float64(i) / 50)
	}
	y[54321] = 7 // a spike must survive
	pr, err := plotView{viz.NewPlot("long").Line("run", x, y)}.prepare()
	if err != nil {
		t.Fatal(err)
	}
	part := pr.series[0].parts[0]
	if len(part) > MaxLinePoints {
		t.Fatalf("%d points drawn, want at most %d", len(part), MaxLinePoints)
	}
	spike, first, last := false, part[0], part[len(part)-1]
	for i, q := range part {
		if q.y == 7 {
			spike = true
		}
		if i > 0 && q.x <= part[i-1].x {
			t.Fatalf("points out of order at %d", i)
		}
	}
	if !spike || first.x != 0 || last.x != float64(n-1) {
		t.Errorf("decimation lost the spike (%v) or an end (%v, %v)", spike, first, last)
	}
}

func TestSimplify(t *testing.T) {
	var part []pt
	for i := 0; i <= 10000; i++ {
		a := 2 * math.Pi * float64(i) / 10000
		part = append(part, pt{math.Cos(a), math.Sin(a)})
	}
	out := simplify([][]pt{part}, SimplifyTolerance)[0]
	if len(out) >= len(part)/10 {
		t.Errorf("circle of %d points simplified to %d", len(part), len(out))
	}
	eps := SimplifyTolerance * math.Hypot(2, 2)
	// Every dropped point lies within eps of the simplified polyline.
	for _, q := range part {
		best := math.Inf(1)
		for i := 0; i+1 < len(out); i++ {
			best = math.Min(best, segDist(q, out[i], out[i+1]))
		}
		if best > eps*(1+1e-9) {
			t.Fatalf("point %v is %g from the simplified line, tolerance %g", q, best, eps)
		}
	}
	// Iterates keep every marker.
	one := viz.NewPlot("iterates").Path("gd", []float64{0, 1, 2, 3}, []float64{0, 1, 2, 3}, viz.Marker(viz.Circle, 5))
	pr, err := plotView{one}.prepare()
	if err != nil || len(pr.series[0].parts[0]) != 4 {
		t.Errorf("a path with markers lost points: %v %v", err, pr.series[0].parts)
	}
}

func TestHTMLOptions(t *testing.T) {
	p := viz.NewPlot("Options", viz.XLabel("x"), viz.YLabel("y")).Line("a", []float64{0, 1}, []float64{1, 2})
	png, err := HTML(p, viz.StaticFormat("png"))
	if err != nil || !strings.Contains(png, `src="data:image/png;base64,`) {
		t.Errorf("StaticFormat(png): %v %.200s", err, png)
	}
	svg, _ := HTML(p)
	if !strings.Contains(svg, `src="data:image/svg+xml;charset=utf-8,`) || !strings.Contains(svg, "<script>") || strings.Contains(svg, "data-descent-echarts") {
		t.Errorf("default fragment: want an SVG picture and a script, no bundle: %.300s", svg)
	}
	only, _ := HTML(p, viz.StaticOnly(), viz.WithLoader())
	if strings.Contains(only, "<script") {
		t.Error("StaticOnly fragment has a script")
	}
	first, _ := HTML(p, viz.WithLoader())
	if strings.Count(first, "data-descent-echarts") != 1 {
		t.Error("WithLoader fragment does not carry the bundle once")
	}
	// Title text is escaped in attributes and the script cannot be closed early.
	evil := viz.NewPlot(`</script><b onclick="x">`).Line(`</script>`, []float64{0}, []float64{1})
	h, err := HTML(evil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(h, "</script>") != 1 || strings.Contains(h, "<b onclick") {
		t.Errorf("title or series name not escaped: %s", h[:min(len(h), 400)])
	}
}
