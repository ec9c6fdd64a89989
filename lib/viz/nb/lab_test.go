//go:build labcheck

// The JupyterLab check is a manual, slow test (it runs GoNB, nbconvert,
// JupyterLab and Chromium), kept out of go test ./... by a build tag:
//
//	go test -tags labcheck -run Lab -v ./lib/viz/nb
//
// It executes a notebook headlessly with nbconvert, then opens the result
// in JupyterLab as a reader who reopens it (untrusted: scripts dropped)
// and checks that every chart shows its picture; then runs all cells in
// the live session and checks that every chart becomes interactive.
// Screenshots go to <repo>/build/.
package nb_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/descentlab/descent/lib/viz"
)

var cells = []string{
	`import (
	"math"
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/nb"
)

func rosen(x, y float64) float64 { return (1-x)*(1-x) + 100*(y-x*x)*(y-x*x) }

func run(label string, step, beta float64) *optim.Trace {
	t := &optim.Trace{Label: label}
	x, y, vx, vy := -1.2, 1.0, 0.0, 0.0
	for i := 0; i <= 400; i++ {
		gx, gy := -2*(1-x)-400*x*(y-x*x), 200*(y-x*x)
		t.Add(optim.Record{Iter: i, X: []float64{x, y}, F: rosen(x, y), GradNorm: math.Hypot(gx, gy)})
		vx, vy = beta*vx-step*gx, beta*vy-step*gy
		x, y = x+vx, y+vy
	}
	return t
}

%%
p := nb.NewProgress("training", 50)
for i := 0; i < 50; i++ { p.Set(i, "") }
p.Done("ok")
nb.Show(viz.LossCurves("Loss on Rosenbrock", viz.ByIter, []*optim.Trace{run("GD", 1e-3, 0), run("heavy ball", 1e-4, 0.9)}))`,
	`%%
nb.Show(viz.Trajectories("Paths on Rosenbrock", rosen, [4]float64{-2, 2, -1, 3}, []*optim.Trace{run("GD", 1e-3, 0), run("heavy ball", 1e-4, 0.9)}))`,
	`%%
nb.Show(viz.NewHeatMaps("Inverse Hessian", viz.Matrix{Name: "exact", Data: [][]float64{{2, -1}, {-1, 2}}}, viz.Matrix{Name: "BFGS", Data: [][]float64{{1.8, -0.9}, {-0.9, 2.1}}}))
nb.Show(viz.TraceTable("Results", []*optim.Trace{run("GD", 1e-3, 0), run("heavy ball", 1e-4, 0.9)}))`,
}

const charts = 3 // cells above show three charts with pictures (and one table)

func repoRoot(t *testing.T) string {
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func writeNotebook(t *testing.T, file string) {
	type cell struct {
		CellType       string         `json:"cell_type"`
		ExecutionCount any            `json:"execution_count"`
		Metadata       map[string]any `json:"metadata"`
		Outputs        []any          `json:"outputs"`
		Source         string         `json:"source"`
	}
	nbk := map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{"kernelspec": map[string]string{"display_name": "Go (gonb)", "language": "go", "name": "gonb"}},
	}
	var cs []cell
	for _, s := range cells {
		cs = append(cs, cell{"code", nil, map[string]any{}, []any{}, s})
	}
	nbk["cells"] = cs
	b, _ := json.MarshalIndent(nbk, "", " ")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLab(t *testing.T) {
	root := repoRoot(t)
	venv := filepath.Join(root, ".venv")
	jupyter := filepath.Join(venv, "bin", "jupyter")
	env := append(os.Environ(), "JUPYTER_DATA_DIR="+filepath.Join(venv, "share", "jupyter"),
		"PATH="+filepath.Join(venv, "bin")+":"+os.Getenv("PATH"))
	dir := t.TempDir()
	writeNotebook(t, filepath.Join(dir, "charts.ipynb"))
	cmd := exec.Command(jupyter, "nbconvert", "--to", "notebook", "--execute", "charts.ipynb", "--output", "executed.ipynb")
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, out)
	}
	executed, err := os.ReadFile(filepath.Join(dir, "executed.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("executed notebook: %d bytes", len(executed))
	if n := strings.Count(string(executed), viz.LoaderAttr+"="); n != 1 {
		t.Errorf("executed notebook carries the echarts bundle %d times, want once", n)
	}

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	token := "viz-labcheck"
	lab := exec.Command(jupyter, "lab", "--no-browser", "--ip=127.0.0.1", fmt.Sprintf("--port=%d", port),
		"--ServerApp.token="+token, "--ServerApp.root_dir="+dir, "--LabApp.expose_app_in_browser=True", "--allow-root")
	lab.Env = append(env, "JUPYTER_RUNTIME_DIR="+filepath.Join(dir, "runtime"), "JUPYTER_CONFIG_DIR="+filepath.Join(dir, "config"))
	logf, _ := os.Create(filepath.Join(dir, "lab.log"))
	lab.Stdout, lab.Stderr = logf, logf
	if err := lab.Start(); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	exited := make(chan struct{})
	go func() { lab.Wait(); close(exited) }()
	t.Cleanup(func() {
		// Kernels run in sessions of their own: ask the server to shut them
		// down with itself before killing it, or gonb kernels outlive the test.
		if resp, err := http.Post(base+"/api/shutdown?token="+token, "", nil); err == nil {
			resp.Body.Close()
		}
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			lab.Process.Kill()
			<-exited
		}
	})
	for i := 0; ; i++ {
		resp, err := http.Get(base + "/api/status?token=" + token)
		if err == nil {
			resp.Body.Close()
			break
		}
		if i > 150 {
			b, _ := os.ReadFile(filepath.Join(dir, "lab.log"))
			t.Fatalf("jupyter lab did not start: %v\n%s", err, b)
		}
		time.Sleep(200 * time.Millisecond)
	}

	profile, _ := os.MkdirTemp("", "viz-lab-chromium-")
	defer os.RemoveAll(profile)
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath("/usr/bin/chromium"), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(profile), chromedp.WindowSize(1200, 2400),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	defer cancel()
	ctx, cancel2 := chromedp.NewContext(actx)
	defer cancel2()
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel3()

	build := filepath.Join(root, "build")
	os.MkdirAll(build, 0o755)
	var shot []byte
	var pics, canvases int
	var kernel string
	// 1. Reopened executed notebook: untrusted, scripts dropped.
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/lab/tree/executed.ipynb?token="+token),
		chromedp.Poll(fmt.Sprintf(`document.querySelectorAll(".jp-OutputArea-output .descent-viz img").length >= %d`, charts), nil,
			chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.Sleep(2*time.Second),
		chromedp.Evaluate(`Array.from(document.querySelectorAll(".jp-OutputArea-output .descent-viz img")).filter(function(i){return i.naturalWidth>0&&i.getBoundingClientRect().height>100}).length`, &pics),
		chromedp.Evaluate(`document.querySelectorAll(".jp-OutputArea-output canvas").length`, &canvases),
		chromedp.FullScreenshot(&shot, 100),
	)
	if err != nil {
		b, _ := os.ReadFile(filepath.Join(dir, "lab.log"))
		t.Fatalf("reopened notebook: %v\n%s", err, b)
	}
	os.WriteFile(filepath.Join(build, "lab-untrusted.png"), shot, 0o644)
	t.Logf("untrusted: %d pictures shown, %d canvases; screenshot build/lab-untrusted.png", pics, canvases)
	if pics != charts || canvases != 0 {
		t.Errorf("untrusted notebook: %d pictures and %d canvases, want %d and 0", pics, canvases, charts)
	}

	// 2. Live: run every cell in this session (outputs are then trusted).
	err = chromedp.Run(ctx,
		chromedp.Poll(`(function(){if(!window.jupyterapp)return false;for(const w of window.jupyterapp.shell.widgets("main"))if(w.sessionContext)return true;return false;})()`, nil,
			chromedp.WithPollingTimeout(30*time.Second)),
		chromedp.Evaluate(`(async function(){var w;for(const x of window.jupyterapp.shell.widgets("main"))if(x.sessionContext)w=x;`+
			`window.jupyterapp.shell.activateById(w.id);await w.sessionContext.ready;`+
			`await window.jupyterapp.commands.execute("notebook:run-all-cells");return w.sessionContext.session.kernel.name;})()`, &kernel,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
		chromedp.Poll(fmt.Sprintf(`document.querySelectorAll(".jp-OutputArea-output .descent-viz[data-live] canvas").length >= %d`, charts+1), nil,
			chromedp.WithPollingTimeout(90*time.Second)),
		chromedp.Sleep(2*time.Second),
		chromedp.Evaluate(`document.querySelectorAll(".jp-OutputArea-output .descent-viz[data-live]").length`, &pics),
		chromedp.FullScreenshot(&shot, 100),
	)
	if err != nil {
		chromedp.Run(ctx, chromedp.FullScreenshot(&shot, 100))
		os.WriteFile(filepath.Join(build, "lab-live-failed.png"), shot, 0o644)
		t.Fatalf("live run: %v (screenshot build/lab-live-failed.png)", err)
	}
	os.WriteFile(filepath.Join(build, "lab-live.png"), shot, 0o644)
	t.Logf("live: kernel %s, %d interactive charts; screenshot build/lab-live.png", kernel, pics)
	if pics != charts {
		t.Errorf("live: %d interactive charts, want %d", pics, charts)
	}
}
