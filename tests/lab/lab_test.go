// The course in JupyterLab, tested in a real browser (issue 8). Slow (GoNB,
// JupyterLab, Chromium), so it runs only with DESCENT_SLOW=1 (testenv.Slow);
// `make test` runs it after the notebooks were executed into build/notebooks:
//
//	DESCENT_SLOW=1 go test -count=1 -v -run TestLab ./tests/lab
//
// It starts the checkout's JupyterLab on a free loopback port with a
// generated token and asserts that requests without the token, or with a
// wrong one, are refused. In headless Debian Chromium it then
//
//   - opens course notebooks, runs every cell with JupyterLab's own
//     "Run All Cells" command (runmenu:run-all), waits until the kernel is
//     idle and every code cell has run, and asserts: the kernel is
//     "Go (gonb)", no cell has an error output (or stderr with panic: or
//     exit status), every chart shows a drawn echarts canvas, the page logged
//     no console error and made no request to another host;
//   - opens executed notebooks from build/notebooks without running them
//     (untrusted: JupyterLab drops their scripts) and asserts that every
//     chart shows its static picture.
//
// Screenshots go to build/screenshots/lab-*.png. At the end (also when the
// test fails) JupyterLab is shut down and the test asserts that no process
// it started — JupyterLab, kernels, compiled cells, Chromium — is alive, and
// that the course notebooks on disk are unchanged.
//
// Missing pieces (/usr/bin/chromium, .venv, the gonb kernel) skip the test,
// except when CI is set: then they fail it (testenv.Missing).
package lab

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/descentlab/descent/internal/testenv"
	"github.com/descentlab/descent/lib/explore/web"
	"github.com/descentlab/descent/lib/viz/draw"
)

// liveNotebooks are run cell by cell in the browser: the first, short one,
// and one with several charts of different kinds.
var liveNotebooks = []string{
	"notebooks/00-getting-started.ipynb",
	"notebooks/07-learning-rate-schedules.ipynb",
}

// benignConsole lists console messages JupyterLab itself may log that say
// nothing about the course. Each entry is matched as a substring. Keep it
// empty unless a message is understood and harmless.
var benignConsole = []string{}

const kernelDisplay = "Go (gonb)"

var runTimeout = 5 * time.Minute // one notebook's run-all

func TestLab(t *testing.T) {
	testenv.Slow(t)
	root := testenv.Root(t)
	testenv.NeedChromium(t)
	testenv.Need(t, root, testenv.Setup...)
	testenv.Sweep(t.Logf)
	deadline, hasDeadline := t.Deadline()
	ctx, cancel := testenv.WithDeadline(context.Background(), deadline, hasDeadline, time.Minute, 10*time.Minute)
	defer cancel()
	shots := filepath.Join(root, "build", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	// The course notebooks must come out of the test as they went in
	// (autosave is off; a live run only changes the page's copy).
	before := map[string][32]byte{}
	for _, nb := range liveNotebooks {
		before[nb] = fileHash(t, filepath.Join(root, nb))
	}

	// Executed notebooks to reopen: those of build/notebooks that were run
	// live here, or one executed now when build/notebooks has none.
	reopen := executedNotebooks(t, root)

	start := time.Now()
	srv, err := Start(root, 90*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("jupyter lab answered on %s after %.1fs (runtime dir %s)", srv.URL, time.Since(start).Seconds(), filepath.Join(srv.Dir, "runtime"))
	marker := srv.Marker
	// Cleanups run last-registered first: browser, then server, then this check.
	t.Cleanup(func() {
		if left := testenv.Marked(marker); len(left) > 0 {
			t.Errorf("processes started by this test are still alive: %v", left)
			testenv.KillMarked(marker, 5*time.Second)
		}
		for nb, h := range before {
			if fileHash(t, filepath.Join(root, nb)) != h {
				t.Errorf("%s changed on disk during the test", nb)
			}
		}
	})
	t.Cleanup(func() {
		killed, err := srv.Stop()
		if len(killed) > 0 {
			t.Logf("killed after jupyter's own shutdown: %v", killed)
		}
		if err != nil {
			t.Errorf("stopping jupyter lab: %v (its files are kept in %s)", err, srv.Dir)
		}
	})

	t.Run("auth", func(t *testing.T) { checkAuth(t, srv) })
	if t.Failed() {
		t.FailNow() // an open server is not tested further
	}

	br, err := testenv.StartBrowser(ctx, testenv.BrowserConfig{Width: 1400, Height: 1000, Marker: marker})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(br.Close)
	browser := br.Ctx

	type timing struct {
		name                  string
		load, run, check, all time.Duration
		cells, charts         int
	}
	var timings []timing
	for _, nb := range liveNotebooks {
		t.Run("live/"+base(nb), func(t *testing.T) {
			tm := timing{name: base(nb)}
			t0 := time.Now()
			res := liveRun(t, browser, srv, nb, shots)
			tm.load, tm.run, tm.check, tm.all = res.load, res.run, res.check, time.Since(t0)
			tm.cells, tm.charts = res.cells, res.charts
			timings = append(timings, tm)
		})
	}
	for _, nb := range reopen {
		t.Run("reopened/"+base(nb), func(t *testing.T) {
			t0 := time.Now()
			n := reopened(t, browser, srv, nb, shots)
			t.Logf("%s reopened untrusted: %d static pictures in %.1fs", nb, n, time.Since(t0).Seconds())
		})
	}
	t.Logf("live runs in JupyterLab (page load / run all / chart checks / total):")
	for _, tm := range timings {
		t.Logf("  %-40s %2d code cells %2d charts  %5.1fs / %5.1fs / %4.1fs / %5.1fs",
			tm.name, tm.cells, tm.charts, tm.load.Seconds(), tm.run.Seconds(), tm.check.Seconds(), tm.all.Seconds())
	}
}

func base(p string) string { return strings.TrimSuffix(filepath.Base(p), ".ipynb") }

func fileHash(t *testing.T, path string) [32]byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// executedNotebooks returns the executed copies (paths relative to root)
// of the live notebooks found in build/notebooks; when there is none, it
// executes the first live notebook with nbrun into a temporary folder under
// build/ (JupyterLab serves only the checkout) removed at the end.
func executedNotebooks(t *testing.T, root string) []string {
	var out []string
	for _, nb := range liveNotebooks {
		rel := filepath.Join("build", "notebooks", filepath.Base(nb))
		st, err := os.Stat(filepath.Join(root, rel))
		if err != nil {
			continue
		}
		if src, err := os.Stat(filepath.Join(root, nb)); err == nil && src.ModTime().After(st.ModTime()) {
			t.Logf("note: %s is older than %s (run `make test` or `make notes` to refresh it)", rel, nb)
		}
		out = append(out, rel)
	}
	if len(out) > 0 {
		return out
	}
	dir, err := os.MkdirTemp(filepath.Join(root, "build"), "lab-executed-")
	if err != nil {
		os.MkdirAll(filepath.Join(root, "build"), 0o755)
		if dir, err = os.MkdirTemp(filepath.Join(root, "build"), "lab-executed-"); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	nb := liveNotebooks[0]
	var cmd *exec.Cmd
	if nbrun := filepath.Join(root, ".tools", "bin", "nbrun"); isFile(nbrun) {
		cmd = exec.Command(nbrun, "-root", root, "-out", dir, nb)
	} else {
		cmd = exec.Command("go", "run", "./cmd/nbrun", "-root", root, "-out", dir, nb)
	}
	cmd.Dir = root
	t0 := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("no executed notebook in build/notebooks, and executing %s failed: %v\n%s", nb, err, out)
	}
	rel, _ := filepath.Rel(root, filepath.Join(dir, filepath.Base(nb)))
	t.Logf("build/notebooks has no executed copy: executed %s with nbrun in %.1fs", nb, time.Since(t0).Seconds())
	return []string{rel}
}

func isFile(p string) bool { st, err := os.Stat(p); return err == nil && !st.IsDir() }

// checkAuth asserts that the server refuses requests without its token or
// with a wrong one, accepts the right one, offers the gonb kernel, and
// listens on loopback only.
func checkAuth(t *testing.T, s *Server) {
	wrong, _ := testenv.NewToken()
	refused := func(what, path, auth string) {
		t.Helper()
		resp, err := s.Get(path, auth)
		if err != nil {
			t.Errorf("%s: %v", what, err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		switch {
		case resp.StatusCode == http.StatusForbidden:
		case resp.StatusCode/100 == 3 && strings.Contains(loc, "/login"):
		default:
			t.Errorf("%s: GET %s answered %s (Location %q); want 403 or a redirect to /login", what, path, resp.Status, loc)
			return
		}
		show := strings.ReplaceAll(path, wrong, "<wrong>")
		if i := strings.Index(loc, "?"); i >= 0 {
			loc = loc[:i] + "?…"
		}
		t.Logf("refused: %-26s GET %-46s -> %d %s", what, show, resp.StatusCode, loc)
	}
	refused("no token", "/api/contents/notebooks", "")
	refused("no token", "/api/kernels", "")
	refused("no token", "/lab", "")
	refused("no token", "/lab/tree/notebooks/00-getting-started.ipynb", "")
	refused("wrong token in the URL", "/api/contents/notebooks?token="+wrong, "")
	refused("wrong token in the URL", "/lab?token="+wrong, "")
	refused("wrong token in the header", "/api/contents/notebooks", "token "+wrong)
	refused("empty token in the URL", "/api/contents/notebooks?token=", "")

	resp, err := s.Get("/api/kernelspecs", "token "+s.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var specs struct {
		Default     string `json:"default"`
		Kernelspecs map[string]struct {
			Spec struct {
				DisplayName string `json:"display_name"`
			} `json:"spec"`
		} `json:"kernelspecs"`
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("with the token, GET /api/kernelspecs answered %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&specs); err != nil {
		t.Fatal(err)
	}
	if specs.Default != "gonb" || specs.Kernelspecs["gonb"].Spec.DisplayName != kernelDisplay {
		t.Errorf("kernel specs: default %q, gonb display name %q; want gonb and %q", specs.Default, specs.Kernelspecs["gonb"].Spec.DisplayName, kernelDisplay)
	}

	// Autosave is off in this server, so a live run cannot write outputs into notebooks/.
	resp2, err := s.Get("/lab/api/settings/@jupyterlab/docmanager-extension:plugin", "token "+s.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	var set struct {
		Settings map[string]any `json:"settings"`
	}
	if err := json.NewDecoder(resp2.Body).Decode(&set); err != nil || set.Settings["autosave"] != false {
		t.Errorf("docmanager settings: autosave = %v (%v); want false", set.Settings["autosave"], err)
	}

	// Loopback only: the port is closed on every other address of the machine.
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() {
			continue
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort(ipn.IP.String(), fmt.Sprint(s.Port)), time.Second)
		if err == nil {
			c.Close()
			t.Errorf("jupyter lab answers on %s:%d, not only on loopback", ipn.IP, s.Port)
		}
	}
}

// page is one browser tab on the server, recording what went wrong in it.
type page struct {
	ctx   context.Context
	watch *testenv.Watch
}

func (p *page) problems() []string { return p.watch.Problems() }

// openPage opens a new tab on path (relative to the checkout) in a
// workspace of its own, so that no earlier layout is restored into it.
func openPage(t *testing.T, browser context.Context, s *Server, workspace, path string) *page {
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	p := &page{ctx: ctx, watch: &testenv.Watch{Allowed: testenv.AllowHost(strings.TrimPrefix(s.URL, "http://")), Benign: benignConsole}}
	p.watch.Listen(ctx)
	u := s.URL + "/lab/workspaces/" + workspace + "/tree/" + path + "?token=" + s.Token
	if err := chromedp.Run(ctx, testenv.Domains(), chromedp.Navigate(u)); err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	return p
}

// The page scripts. panelJS finds the notebook panel showing PATH.
const panelJS = `(function(){const a=window.jupyterapp;if(!a||!a.shell)return null;` +
	`for(const w of a.shell.widgets("main"))if(w.context&&w.context.path===PATH&&w.content&&w.sessionContext)return w;return null;})()`

func js(script, path string) string {
	p, _ := json.Marshal(path)
	return strings.ReplaceAll(script, "PATH", string(p))
}

// readyJS: the notebook is loaded, every cell is attached and its kernel is
// connected and not busy. (GoNB publishes no status until its first
// execution, so JupyterLab shows a fresh gonb kernel as "unknown", not "idle".)
const readyJS = `(function(){const w=` + panelJS + `;if(!w||!w.context.isReady||!w.content.model)return false;` +
	`if(w.content.widgets.length!==w.content.model.cells.length)return false;` +
	`const s=w.sessionContext.session,k=s&&s.kernel;` +
	`return !!(k&&k.connectionStatus==="connected"&&(k.status==="idle"||k.status==="unknown"));})()`

type kernelInfo struct {
	Name    string `json:"name"`
	Display string `json:"display"`
	Toolbar string `json:"toolbar"`
}

const kernelJS = `(function(){const w=` + panelJS + `;const k=w.sessionContext.session.kernel;` +
	`const tb=w.node.querySelector(".jp-KernelName, .jp-Toolbar-kernelName");` +
	`return {name:k.name,display:w.sessionContext.kernelDisplayName,toolbar:tb?tb.textContent.trim():""};})()`

// runAllJS starts JupyterLab's own "Run All Cells" (Run menu) on the panel.
const runAllJS = `(function(){const a=window.jupyterapp,w=` + panelJS + `;a.shell.activateById(w.id);` +
	`const c="runmenu:run-all";if(!a.commands.hasCommand(c))return "no command "+c;if(!a.commands.isEnabled(c))return c+" is disabled";` +
	`window.__labRun={done:false,ok:null,err:""};` +
	`a.commands.execute(c).then(function(r){__labRun.done=true;__labRun.ok=r;},function(e){__labRun.done=true;__labRun.err=String(e);});return "";})()`

type cellState struct {
	Index   int      `json:"index"`
	Count   *int     `json:"count"`
	Running bool     `json:"running"`
	Errors  []string `json:"errors"`
	Charts  int      `json:"charts"` // charts in the outputs, in the model (an explorable has one per panel)
	Trusted bool     `json:"trusted"`
}

type runState struct {
	Status  string      `json:"status"`
	Run     *runResult  `json:"run"`
	Cells   []cellState `json:"cells"`
	Pending int         `json:"pending"`
}

type runResult struct {
	Done bool   `json:"done"`
	OK   any    `json:"ok"`
	Err  string `json:"err"`
}

// stateJS reports the kernel's status and every code cell: execution
// count, whether it is queued or running, its error outputs and charts.
var stateJS = `(function(){const w=` + panelJS + `;const s=w.sessionContext.session,k=s&&s.kernel;` +
	`const r={status:k?k.status:"none",run:window.__labRun||null,cells:[],pending:0};` +
	`w.content.widgets.forEach(function(c,i){if(c.model.type!=="code")return;` +
	`const p=c.node.querySelector(".jp-InputArea-prompt");const running=!!(p&&p.textContent.indexOf("*")>=0);if(running)r.pending++;` +
	`const e=[];let charts=0;for(const o of c.model.outputs.toJSON()){` +
	`if(o.output_type==="error")e.push((o.ename||"error")+": "+(o.evalue||""));` +
	`else if(o.output_type==="stream"&&o.name==="stderr"){const tx=[].concat(o.text).join("");if(/panic:|exit status/.test(tx))e.push("stderr: "+tx.slice(0,300));}` +
	`else if(o.data&&o.data["text/html"])charts+=[].concat(o.data["text/html"]).join("").split('class="` + draw.ChartClass + `"').length-1;}` +
	`c.node.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').forEach(function(n){` +
	`if(/panic:|exit status/.test(n.textContent)&&!e.some(function(x){return x.indexOf("stderr")===0}))e.push("stderr (shown): "+n.textContent.slice(0,300));});` +
	`r.cells.push({index:i,count:c.model.executionCount,running:running,errors:e,charts:charts,trusted:!!c.model.trusted});});return r;})()`

type chartState struct {
	Cell     int     `json:"cell"`
	ID       string  `json:"id"`
	Live     bool    `json:"live"`
	Canvases int     `json:"canvases"`
	CanvasW  float64 `json:"cw"`
	CanvasH  float64 `json:"ch"`
	ImgShown bool    `json:"imgShown"`
	ImgW     float64 `json:"iw"`
	ImgH     float64 `json:"ih"`
	ImgNat   int     `json:"natural"`
}

// chartsJS scrolls every chart of the panel into view in turn (JupyterLab
// skips drawing cells out of view) and reports what it shows.
var chartsJS = `(async function(){const w=` + panelJS + `;const out=[];` +
	`const boxes=Array.from(w.content.node.querySelectorAll(".jp-OutputArea-output .` + draw.ChartClass + `"));` +
	`const shown=function(el){if(!el)return false;const cs=getComputedStyle(el),b=el.getBoundingClientRect();return cs.display!=="none"&&cs.visibility!=="hidden"&&b.width>10&&b.height>10;};` +
	`for(const b of boxes){b.scrollIntoView({block:"center"});await new Promise(function(r){requestAnimationFrame(function(){requestAnimationFrame(r);});});` +
	`const cell=b.closest(".jp-Cell");const idx=w.content.widgets.findIndex(function(c){return c.node===cell;});` +
	`const cv=Array.from(b.querySelectorAll("canvas"));let cw=0,ch=0;for(const c of cv){const r=c.getBoundingClientRect();if(shown(c)){cw=Math.max(cw,r.width);ch=Math.max(ch,r.height);}}` +
	`const img=b.querySelector("img"),ir=img?img.getBoundingClientRect():{width:0,height:0};` +
	`out.push({cell:idx,id:b.id,live:b.hasAttribute("data-live"),canvases:cv.length,cw:cw,ch:ch,` +
	`imgShown:shown(img)&&img.complete&&img.naturalWidth>0,iw:ir.width,ih:ir.height,natural:img?img.naturalWidth:0});}` +
	`if(boxes.length)boxes[0].scrollIntoView({block:"center"});return out;})()`

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

func poll(ctx context.Context, expr string, timeout time.Duration) error {
	return chromedp.Run(ctx, chromedp.Poll(expr, nil, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(250*time.Millisecond)))
}

func screenshot(t *testing.T, p *page, file string) {
	var png []byte
	if err := chromedp.Run(p.ctx, chromedp.Sleep(500*time.Millisecond), chromedp.CaptureScreenshot(&png)); err != nil {
		t.Logf("screenshot %s: %v", file, err)
		return
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Logf("screenshot: %v", err)
		return
	}
	t.Logf("screenshot %s", file)
}

type liveResult struct {
	load, run, check time.Duration
	cells, charts    int
}

// liveRun opens nb, runs all its cells with JupyterLab's Run All command
// and checks kernel, outputs, charts and console.
func liveRun(t *testing.T, browser context.Context, s *Server, nb, shots string) (res liveResult) {
	t0 := time.Now()
	p := openPage(t, browser, s, "live-"+base(nb), nb)
	shot := filepath.Join(shots, "lab-live-"+base(nb)+".png")
	failShot := func() { screenshot(t, p, filepath.Join(shots, "lab-live-"+base(nb)+"-failed.png")) }
	if err := poll(p.ctx, js(readyJS, nb), 90*time.Second); err != nil {
		failShot()
		t.Fatalf("%s did not open with a connected, idle kernel: %v\nconsole: %v\njupyter log:\n%s", nb, err, p.problems(), s.LogTail(20))
	}
	res.load = time.Since(t0)

	var k kernelInfo
	if err := chromedp.Run(p.ctx, chromedp.Evaluate(js(kernelJS, nb), &k)); err != nil {
		t.Fatal(err)
	}
	if k.Name != "gonb" || k.Display != kernelDisplay {
		t.Errorf("kernel %q shown as %q; want gonb shown as %q", k.Name, k.Display, kernelDisplay)
	}
	if k.Toolbar != "" && k.Toolbar != kernelDisplay {
		t.Errorf("the notebook's toolbar names the kernel %q; want %q", k.Toolbar, kernelDisplay)
	}

	t1 := time.Now()
	var msg string
	if err := chromedp.Run(p.ctx, chromedp.Evaluate(js(runAllJS, nb), &msg)); err != nil || msg != "" {
		t.Fatalf("run all: %v %s", err, msg)
	}
	var st runState
	deadline := time.Now().Add(runTimeout)
	for {
		if err := chromedp.Run(p.ctx, chromedp.Sleep(500*time.Millisecond), chromedp.Evaluate(js(stateJS, nb), &st)); err != nil {
			failShot()
			t.Fatalf("%s: reading the notebook's state: %v", nb, err)
		}
		if st.Run != nil && st.Run.Done && st.Status == "idle" && st.Pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			failShot()
			t.Fatalf("%s: run all did not finish within %v (kernel %s, %d cells queued or running)", nb, runTimeout, st.Status, st.Pending)
		}
	}
	res.run = time.Since(t1)
	res.cells = len(st.Cells)
	if st.Run.Err != "" {
		t.Errorf("%s: runmenu:run-all failed: %s", nb, st.Run.Err)
	}
	charts := 0
	for _, c := range st.Cells {
		for _, e := range c.Errors {
			t.Errorf("%s cell %d: error output: %s", nb, c.Index+1, e)
		}
		if c.Count == nil {
			t.Errorf("%s cell %d did not run", nb, c.Index+1)
		}
		charts += c.Charts
	}
	res.charts = charts
	if charts == 0 {
		t.Errorf("%s: no chart in the outputs; the live test needs notebooks with charts", nb)
	}

	// Every chart is drawn by echarts; give the bundle time to unpack.
	t2 := time.Now()
	var cs []chartState
	for {
		if err := chromedp.Run(p.ctx, chromedp.Evaluate(js(chartsJS, nb), &cs, awaitPromise)); err != nil {
			t.Fatal(err)
		}
		if len(cs) == charts && allLive(cs) || time.Since(t2) > 30*time.Second {
			break
		}
		chromedp.Run(p.ctx, chromedp.Sleep(time.Second))
	}
	res.check = time.Since(t2)
	if len(cs) != charts {
		t.Errorf("%s: %d charts on the page, %d in the outputs", nb, len(cs), charts)
	}
	for _, c := range cs {
		if !c.Live || c.Canvases == 0 || c.CanvasW <= 10 || c.CanvasH <= 10 {
			t.Errorf("%s cell %d: chart %s is not drawn interactively (data-live %v, %d canvases, largest shown %.0f×%.0f px)",
				nb, c.Cell+1, c.ID, c.Live, c.Canvases, c.CanvasW, c.CanvasH)
		}
		if c.ImgShown {
			t.Errorf("%s cell %d: chart %s still shows its static picture beside the live one", nb, c.Cell+1, c.ID)
		}
	}
	screenshot(t, p, shot)
	explorables(t, p, nb, shots)
	for _, e := range p.problems() {
		t.Errorf("%s: %s", nb, e)
	}
	t.Logf("%s: kernel %q, %d code cells run, %d interactive charts; load %.1fs, run all %.1fs, charts %.1fs",
		nb, k.Display, res.cells, len(cs), res.load.Seconds(), res.run.Seconds(), res.check.Seconds())
	// Leave without a save prompt: the page's copy is not written back.
	chromedp.Run(p.ctx, chromedp.Evaluate(js(`(function(){const w=`+panelJS+`;if(w)w.context.model.dirty=false;return true;})()`, nb), nil))
	return res
}

func allLive(cs []chartState) bool {
	for _, c := range cs {
		if !c.Live || c.CanvasW <= 10 || c.CanvasH <= 10 {
			return false
		}
	}
	return true
}

// chartsInFile counts the chart outputs of an executed notebook on disk.
func chartsInFile(t *testing.T, path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nbk struct {
		Cells []struct {
			Outputs []struct {
				Data map[string]json.RawMessage `json:"data"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(b, &nbk); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	n := 0
	for _, c := range nbk.Cells {
		for _, o := range c.Outputs {
			if h, ok := o.Data["text/html"]; ok {
				n += strings.Count(string(h), `class=\"`+draw.ChartClass+`\"`) // an explorable has one per panel
			}
		}
	}
	return n
}

var untrustedWait = 3 * time.Second // time given to any script that would (wrongly) run

// reopened opens an executed notebook without running it and checks that
// JupyterLab treats it as untrusted and that every chart shows its picture.
func reopened(t *testing.T, browser context.Context, s *Server, nb, shots string) int {
	want := chartsInFile(t, filepath.Join(s.Root, nb))
	if want == 0 {
		t.Fatalf("%s has no chart output", nb)
	}
	p := openPage(t, browser, s, "reopened-"+regexp.MustCompile(`[^A-Za-z0-9-]`).ReplaceAllString(base(nb), "-"), nb)
	shot := filepath.Join(shots, "lab-reopened-"+base(nb)+".png")
	ready := fmt.Sprintf(`(function(){const w=%s;return !!(w&&w.context.isReady&&w.content.widgets.length===w.content.model.cells.length&&w.content.node.querySelectorAll(".jp-OutputArea-output .%s").length>=%d);})()`, panelJS, draw.ChartClass, want)
	if err := poll(p.ctx, js(ready, nb), 90*time.Second); err != nil {
		screenshot(t, p, filepath.Join(shots, "lab-reopened-"+base(nb)+"-failed.png"))
		t.Fatalf("%s: the %d charts did not appear: %v\nconsole: %v", nb, want, err, p.problems())
	}
	chromedp.Run(p.ctx, chromedp.Sleep(untrustedWait))
	var st runState
	if err := chromedp.Run(p.ctx, chromedp.Evaluate(js(stateJS, nb), &st)); err != nil {
		t.Fatal(err)
	}
	for _, c := range st.Cells {
		if c.Trusted {
			t.Errorf("%s cell %d is trusted; a reopened executed notebook must not be", nb, c.Index+1)
		}
		for _, e := range c.Errors {
			t.Errorf("%s cell %d: stored error output: %s", nb, c.Index+1, e)
		}
	}
	var cs []chartState
	t0 := time.Now()
	for {
		if err := chromedp.Run(p.ctx, chromedp.Evaluate(js(chartsJS, nb), &cs, awaitPromise)); err != nil {
			t.Fatal(err)
		}
		if allStatic(cs) || time.Since(t0) > 20*time.Second {
			break
		}
		chromedp.Run(p.ctx, chromedp.Sleep(time.Second))
	}
	if len(cs) != want {
		t.Errorf("%s: %d charts on the page, %d in the file", nb, len(cs), want)
	}
	for _, c := range cs {
		if !c.ImgShown {
			t.Errorf("%s cell %d: chart %s shows no static picture (img %.0f×%.0f px, natural width %d)", nb, c.Cell+1, c.ID, c.ImgW, c.ImgH, c.ImgNat)
		}
		if c.Live || c.Canvases > 0 {
			t.Errorf("%s cell %d: chart %s ran its script in an untrusted notebook (data-live %v, %d canvases)", nb, c.Cell+1, c.ID, c.Live, c.Canvases)
		}
	}
	screenshot(t, p, shot)
	// Explorables whose script ran (runs counted, or a canvas drawn), or
	// whose controls show. Lab's sanitizer drops data-runs from untrusted
	// output (and renames id to data-jupyter-id): a missing count is none.
	var live []string
	if err := chromedp.Run(p.ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('.`+web.Class+`')).filter(b => `+
		`+(b.getAttribute('data-runs') || 0) > 0 || b.querySelector('canvas') || `+
		`getComputedStyle(b.querySelector('.descent-explore-controls')).display !== 'none').map(b => b.id || b.getAttribute('data-jupyter-id'))`, &live)); err != nil {
		t.Fatal(err)
	}
	for _, id := range live {
		t.Errorf("%s: explorable %s ran in an untrusted notebook", nb, id)
	}
	for _, e := range p.problems() {
		t.Errorf("%s: %s", nb, e)
	}
	return len(cs)
}

// explorables checks the explorables of a live run (lib/viz/nb.Explore):
// each has drawn (data-runs ≥ 1), and moving its first slider runs the
// WebAssembly module again and redraws; the first is photographed.
func explorables(t *testing.T, p *page, nb, shots string) {
	var ids []string
	if err := chromedp.Run(p.ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('.jp-OutputArea-output .`+web.Class+`')).map(b => b.id)`, &ids)); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		sel := "#" + id
		drawn := `(function(){const b=document.getElementById(` + strconvQuote(id) + `);return !!b&&+b.getAttribute("data-runs")>=1;})()`
		if err := poll(p.ctx, drawn, 60*time.Second); err != nil {
			t.Errorf("%s: explorable %s never drew: %v", nb, id, err)
			continue
		}
		var moved struct {
			Before, After int
			Error         string
		}
		move := `(function(){const b=document.getElementById(` + strconvQuote(id) + `),i=b.querySelector('input[type=range]');` +
			`const before=+b.getAttribute("data-runs");if(!i)return {before:before,after:before,error:"no slider"};` +
			`i.value=String((+i.min*3+ +i.max)/4);i.dispatchEvent(new Event("input",{bubbles:true}));` +
			`const last=descentExplore.last(b);return {before:before,after:+b.getAttribute("data-runs"),error:last.error||""};})()`
		if err := chromedp.Run(p.ctx, chromedp.Evaluate(move, &moved)); err != nil {
			t.Fatal(err)
		}
		if moved.After != moved.Before+1 || moved.Error != "" {
			t.Errorf("%s: moving a slider of %s: runs %d → %d, error %q", nb, id, moved.Before, moved.After, moved.Error)
		}
		if i == 0 {
			var png []byte
			file := filepath.Join(shots, "lab-live-"+base(nb)+"-explorable.png")
			// The viewport, scrolled to the explorable: an element screenshot
			// inside Lab's scrolled notebook panel came out blank.
			if err := chromedp.Run(p.ctx, chromedp.Evaluate(`document.querySelector(`+strconvQuote(sel)+`).scrollIntoView({block: "start"})`, nil),
				chromedp.Sleep(time.Second), chromedp.CaptureScreenshot(&png)); err == nil && os.WriteFile(file, png, 0o644) == nil {
				t.Logf("screenshot %s", file)
			}
		}
	}
	t.Logf("%s: %d explorables drawn and moved", nb, len(ids))
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

func allStatic(cs []chartState) bool {
	for _, c := range cs {
		if !c.ImgShown {
			return false
		}
	}
	return len(cs) > 0
}
