package nb

import (
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/descentlab/descent/lib/viz"
)

func TestDisplayReportsBadData(t *testing.T) {
	bad := viz.NewPlot("Loss", viz.LogY()).Line("SGD", []float64{0, 1}, []float64{1, -1})
	err := Display(bad)
	if err == nil || !strings.Contains(err.Error(), `"SGD"`) {
		t.Fatalf("Display(bad) = %v, want an error naming the series", err)
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("Show(bad) did not panic")
		}
	}()
	Show(bad)
}

// The bundle is sent with the first chart of a kernel session: the marker
// in GONB_TMP_DIR makes later cell programs (new processes) skip it.
func TestLoaderOncePerSession(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GONB_TMP_DIR", dir)
	reset := func() { mu.Lock(); sent = false; mu.Unlock() } // a new cell program
	reset()
	if !needLoader() {
		t.Fatal("first chart of the session should carry the bundle")
	}
	markLoaded()
	if needLoader() {
		t.Fatal("second chart in the same program carried the bundle")
	}
	reset()
	if needLoader() {
		t.Fatal("a later cell of the same session carried the bundle")
	}
	if _, err := os.Stat(marker()); err != nil {
		t.Fatalf("no marker: %v", err)
	}
	if err := Reload(); err != nil {
		t.Fatal(err)
	}
	if !needLoader() {
		t.Fatal("after Reload the next chart should carry the bundle")
	}
	t.Setenv("GONB_TMP_DIR", "")
	reset()
	if !needLoader() {
		t.Fatal("without GONB_TMP_DIR every program should carry the bundle")
	}
}

func TestProgressHTML(t *testing.T) {
	h := progressHTML("train <1>", 25, 100, "loss 0.5", 1500*time.Millisecond)
	for _, want := range []string{"train &lt;1&gt;", "25/100 (25%)", "width:25.0%", "1.5s", "loss 0.5"} {
		if !strings.Contains(h, want) {
			t.Errorf("progress HTML lacks %q: %s", want, h)
		}
	}
	if h := progressHTML("n", 7, 0, "", -1); !strings.Contains(h, ">n 7 <") || strings.Contains(h, "width:") {
		t.Errorf("counter without total should be a bare count: %s", h)
	}
	if h := progressHTML("n", 10, 10, "", -1); strings.Contains(h, "·") {
		t.Errorf("final state shows elapsed time: %s", h)
	}
}

// TestLooksPersist: a name keeps its look across processes (cells) of one
// kernel session, whatever order later charts draw their series in.
func TestLooksPersist(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GONB_TMP_DIR", dir)
	viz.Default.Reset()
	looksOnce = sync.Once{}
	if err := Display(viz.NewPlot("a").Line("SGD", []float64{1, 2}, []float64{1, 2}).Line("Adam", []float64{1, 2}, []float64{2, 1})); err != nil {
		t.Fatal(err)
	}
	adam := viz.Default.For("Adam")
	// A new cell: fresh registry, loaded from the session file.
	viz.Default.Reset()
	looksOnce = sync.Once{}
	if err := Display(viz.NewPlot("b").Line("Adam", []float64{1, 2}, []float64{2, 1}).Line("RMSProp", []float64{1, 2}, []float64{1, 1})); err != nil {
		t.Fatal(err)
	}
	if got := viz.Default.For("Adam"); got != adam {
		t.Errorf("Adam's look changed between cells: %v then %v", adam, got)
	}
	if got, sgd := viz.Default.For("RMSProp"), viz.Default.For("SGD"); got == sgd || got == adam {
		t.Errorf("RMSProp took a look already bound: %v (SGD %v, Adam %v)", got, sgd, adam)
	}
}

// TestTableFirstKeepsBundle: a table shown first does not take the echarts
// bundle's place; the first chart after it still carries it.
func TestTableFirstKeepsBundle(t *testing.T) {
	t.Setenv("GONB_TMP_DIR", t.TempDir())
	mu.Lock()
	sent = false
	mu.Unlock()
	if wantsLoader(viz.NewTable("t", []string{"a"}, []string{"1"})) {
		t.Error("a table asks for the echarts bundle")
	}
	if !wantsLoader(viz.NewPlot("p").Line("a", []float64{1}, []float64{1})) {
		t.Error("the first chart after a table does not carry the bundle")
	}
}
