// Package explorecheck drives the explorables of a page in headless
// Chromium (cmd/sitecheck on the lecture notes, and lib/explore/web's own
// test on a fixture page) and checks them against the same Go code run
// natively:
//
//   - once the page has loaded and settled (its main thread idle, every
//     explorable set up or none left to set up: see settleJS), each
//     explorable is scrolled into view in turn and the time until it is
//     drawn and answers a move is measured (ReadyAfterScroll: what a
//     reader who scrolls to it waits);
//   - every explorable draws (data-runs ≥ 1), and the time from navigation
//     to the first drawn explorable is measured;
//   - every control is moved across its range (sliders: Positions evenly
//     spaced positions, ends included; selects: every choice), by setting
//     the input's value and dispatching the event a reader's move fires;
//     each move must complete one more run (data-runs), change the chart
//     (descentExplore.drawing: its echarts option and its series), and
//     produce the figure that web.Explorables().Run gives natively for the
//     values the page used (data-values): every number equal within 1e-12
//     relative, every string equal. The native run is
//     an Oracle (cmd/explore built for GOARCH=386, whose math.Exp and
//     math.Log are the same portable Go code as WebAssembly's); the
//     difference from a run in this process (amd64, whose Exp and Log are
//     assembly) is measured and reported too, not asserted;
//   - the time from the event to the redrawn chart (the handler runs the
//     module and redraws, echarts' zrender flushed: at once, or at the next
//     animation frame when a run already happened in this one) is measured
//     for every move that ran the module (moves it answered from its memo
//     of recent settings are counted apart: descentExplore.last(box).remembered);
//   - where an explorable has a learning rate "alpha", a rate of 0 makes the
//     library panic inside the module: the panic must come back as a message
//     in the container, and the next move must draw again.
package explorecheck

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/web"
	"github.com/descentlab/descent/lib/viz/draw"
)

var debugMoves = os.Getenv("DESCENT_EXPLORE_DEBUG") != ""

// Positions is how many positions of each slider are visited (ends included).
const Positions = 7

// Tolerance is the largest relative difference allowed between a number
// the page drew and the native run's.
const Tolerance = 1e-12

// Explorable is what the check did to one explorable.
type Explorable struct {
	ID, Name string
	// Moves lists what was driven, e.g. "alpha ×7".
	Moves []string
	// Compared counts figures compared with the native run; MaxRel is the
	// largest relative difference seen (against the Oracle), MaxRelHere the
	// largest against Explorable.Run in this process.
	Compared           int
	MaxRel, MaxRelHere float64
	// Latencies are the event-to-redraw times of the moves that ran the
	// module; Remembered counts the moves it answered from its memo of
	// recent settings (a sweep returning a control to its default), whose
	// latencies are not counted.
	Latencies  []time.Duration
	Remembered int
	// ReadyAfterScroll is the time from scrolling the explorable into view,
	// on a settled page, until it was drawn and had answered a move.
	ReadyAfterScroll time.Duration
	// Panic says whether the panic check ran.
	Panic bool
}

// Report is what Drive found on a page.
type Report struct {
	Explorables []Explorable
	// FirstDraw is the time from navigation to the first drawn explorable
	// (performance.now() at its first draw); AllDrawn to the last one's
	// first draw.
	FirstDraw, AllDrawn time.Duration
}

// ReadyAfterScroll returns every explorable's ReadyAfterScroll.
func (r Report) ReadyAfterScroll() []time.Duration {
	var all []time.Duration
	for _, e := range r.Explorables {
		all = append(all, e.ReadyAfterScroll)
	}
	return all
}

// Latencies returns every move's latency of the report.
func (r Report) Latencies() []time.Duration {
	var all []time.Duration
	for _, e := range r.Explorables {
		all = append(all, e.Latencies...)
	}
	return all
}

// Median and Max of a list of durations (0 for none).
func Median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func Max(ds []time.Duration) time.Duration {
	var m time.Duration
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

func (e Explorable) String() string {
	return fmt.Sprintf("%s: %s; %d figures equal to the native run's (largest relative difference %.1g; "+
		"%.1g against amd64's assembly Exp/Log); redraw median %.1f ms, worst %.1f ms over %d moves that ran (%d remembered); ready %.0f ms after scrolling into view%s",
		e.Name, strings.Join(e.Moves, ", "), e.Compared, e.MaxRel, e.MaxRelHere,
		ms(Median(e.Latencies)), ms(Max(e.Latencies)), len(e.Latencies), e.Remembered, ms(e.ReadyAfterScroll),
		map[bool]string{true: "; a library panic recovered", false: ""}[e.Panic])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Drive checks every explorable of the page loaded in the tab ctx (after
// chromedp.Navigate). It returns the report and the problems found; err is
// for a tab that cannot be driven at all.
func Drive(ctx context.Context, wait time.Duration, oracle *Oracle) (Report, []string, error) {
	var rep Report
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	var ids []string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('.`+web.Class+`')).map(b => b.id)`, &ids)); err != nil {
		return rep, nil, err
	}
	if len(ids) == 0 {
		return rep, nil, nil
	}
	// A reader scrolls to each explorable of a settled page.
	ready := map[string]time.Duration{}
	if err := chromedp.Run(ctx, chromedp.Evaluate(settleJS, nil, awaitPromise)); err != nil {
		return rep, nil, fmt.Errorf("waiting for the page to settle: %w", err)
	}
	for _, id := range ids {
		var r struct {
			Ms    float64 `json:"ms"`
			Error string  `json:"error"`
		}
		if err := chromedp.Run(ctx, chromedp.Evaluate(strings.ReplaceAll(scrollJS, "ID", quote(id)), &r, awaitPromise)); err != nil {
			return rep, nil, fmt.Errorf("scrolling to %s: %w", id, err)
		}
		if r.Error != "" {
			add("%s: %s", id, r.Error)
		}
		ready[id] = time.Duration(r.Ms * float64(time.Millisecond))
	}
	// Every explorable draws.
	err := chromedp.Run(ctx, chromedp.Poll(`Array.from(document.querySelectorAll('.`+web.Class+`')).every(b => +b.getAttribute('data-runs') >= 1)`,
		nil, chromedp.WithPollingTimeout(wait)))
	var times struct{ First, All float64 }
	_ = chromedp.Run(ctx, chromedp.Evaluate(`({first: (window.descentExplore||{}).firstDraw||0,
	  all: Math.max(0, ...Array.from(document.querySelectorAll('.`+web.Class+`')).map(b => (descentExplore.timing(b)||{}).drawnAt||0))})`, &times))
	rep.FirstDraw = time.Duration(times.First * float64(time.Millisecond))
	rep.AllDrawn = time.Duration(times.All * float64(time.Millisecond))
	if err != nil {
		var state []string
		_ = chromedp.Run(ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('.`+web.Class+`')).map(b => b.id+': runs '+b.getAttribute('data-runs')+' '+((b.querySelector('.descent-explore-error')||{}).textContent||'')+' '+((window.descentExplore||{}).failed||''))`, &state))
		add("explorables not drawn within %v: %s", wait, strings.Join(state, "; "))
		return rep, problems, nil
	}
	for _, id := range ids {
		e, ps, err := driveOne(ctx, id, oracle)
		if err != nil {
			return rep, problems, fmt.Errorf("explorable %s: %w", id, err)
		}
		e.ReadyAfterScroll = ready[id]
		rep.Explorables = append(rep.Explorables, e)
		problems = append(problems, ps...)
	}
	return rep, problems, nil
}

type pageSpec struct {
	Name     string
	Values   explore.Values
	Data     explore.Data
	Controls []struct {
		Name     string
		Min, Max float64
		Step     float64
		Log      bool
		Choices  []string
	}
}

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// settleJS resolves once the page has loaded and settled: the load event
// fired, no explorable is waiting for its turn to be set up
// (descentExplore.pending), and the main thread has been idle (an idle
// period of 45 ms or more) twice in a row; or after 20 s.
const settleJS = `new Promise(done => {
  const t0 = performance.now();
  const idle = f => (window.requestIdleCallback ? requestIdleCallback(f, {timeout: 1000}) : setTimeout(() => f({timeRemaining: () => 50, didTimeout: false}), 100));
  let quiet = 0;
  const check = d => {
    const api = window.descentExplore || {};
    const waiting = document.readyState !== 'complete' || (api.pending ? api.pending() : 0) > 0;
    quiet = !waiting && !d.didTimeout && d.timeRemaining() >= 45 ? quiet + 1 : 0;
    if (quiet >= 2 || performance.now() - t0 > 20000) done(performance.now() - t0);
    else idle(check);
  };
  idle(check);
})`

// scrollJS scrolls box ID into view (its top at the top of the window)
// and resolves with the time until it was drawn and had answered a move
// to a setting not run before (its first control one step, or one choice,
// away: a run, not a figure the module remembers): data-runs watched by a
// MutationObserver, the end taken from the front-end's own timestamp of
// the drawn run (descentExplore.last(box).at). The control is then put
// back, untimed.
const scrollJS = `new Promise(done => {
  const box = document.getElementById(ID);
  const runs = () => +box.getAttribute('data-runs');
  const fire = inp => inp.dispatchEvent(new Event(inp.tagName === 'SELECT' ? 'change' : 'input', {bubbles: true}));
  let t0 = 0, asked = -1, timer = 0, over = false, inp = null, was = '', result = null;
  const finish = r => { over = true; obs.disconnect(); clearTimeout(timer); done(r); };
  const ask = () => {
    inp = box.querySelector('[data-control]');
    if (!inp) return finish({ms: performance.now() - t0, error: 'drawn without controls'});
    was = inp.value;
    if (inp.tagName === 'SELECT') inp.value = inp.options.length > 1 && was === '0' ? '1' : '0';
    else {
      const step = +inp.step || (inp.max - inp.min) / 100;
      inp.value = String(+was + step <= +inp.max ? +was + step : +was - step);
    }
    asked = runs();
    fire(inp);
    step();
  };
  const step = () => {
    if (over) return;
    if (asked < 0 && runs() >= 1) return ask();
    if (result === null && asked >= 0 && runs() > asked) {
      const last = descentExplore.last(box);
      result = {ms: ((last && last.at) || performance.now()) - t0};
      asked = runs();
      inp.value = was;
      fire(inp);
    }
    if (result !== null && runs() > asked) finish(result);
  };
  const obs = new MutationObserver(step);
  obs.observe(box, {attributes: true, attributeFilter: ['data-runs']});
  timer = setTimeout(() => finish({ms: performance.now() - t0, error: 'not drawn and answering within 30 s of scrolling into view (data-runs ' + runs() + ')'}), 30000);
  t0 = performance.now();
  box.scrollIntoView({block: 'start'});
  step();
})`

// move is what one move returns from the page.
type move struct {
	Ms         float64 `json:"ms"`
	Runs       int     `json:"runs"`
	Before     int     `json:"before"`
	Changed    bool    `json:"changed"`
	Values     string  `json:"values"`
	Figure     *string `json:"figure"`
	Error      *string `json:"error"`
	RunMs      float64 `json:"runMs"`
	DrawMs     float64 `json:"drawMs"`
	Remembered bool    `json:"remembered"`
}

// moveJS sets control NAME of box ID to the slider position POS and fires
// the reader's event, timing the run and redraw it causes: synchronous, or
// at the next animation frame when the front-end coalesces it (then the
// end is the front-end's timestamp of the drawn run; at most 5 s waited).
const moveJS = `(async () => {
  const box = document.getElementById(ID), inp = box.querySelector('[data-control="' + NAME + '"]');
  const opts = () => descentExplore.drawing(box);
  const before = +box.getAttribute('data-runs'), was = opts();
  inp.value = POS;
  const t0 = performance.now();
  inp.dispatchEvent(new Event(inp.tagName === 'SELECT' ? 'change' : 'input', {bubbles: true}));
  let t1 = performance.now();
  for (let k = 0; +box.getAttribute('data-runs') === before && k < 300; k++) {
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  }
  const last = descentExplore.last(box);
  if (last && last.at > t1) t1 = last.at;
  return {ms: t1 - t0, runs: +box.getAttribute('data-runs'), before, changed: opts() !== was,
    values: last.values, figure: last.figure, error: last.error, runMs: last.runMs, drawMs: last.drawMs, remembered: !!last.remembered};
})()`

func driveOne(ctx context.Context, id string, oracle *Oracle) (Explorable, []string, error) {
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(id+": "+format, a...)) }
	var raw string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.getElementById(`+quote(id)+`).querySelector('script.descent-explore-spec').textContent`, &raw)); err != nil {
		return Explorable{}, nil, err
	}
	var sp pageSpec
	if err := json.Unmarshal([]byte(raw), &sp); err != nil {
		return Explorable{}, nil, fmt.Errorf("its specification: %w", err)
	}
	e := Explorable{ID: id, Name: sp.Name}
	compare := func(m move) {
		var values explore.Values
		if err := json.Unmarshal([]byte(m.Values), &values); err != nil {
			add("data-values %q: %v", m.Values, err)
			return
		}
		page := ""
		if m.Figure != nil {
			page = *m.Figure
		} else if m.Error != nil {
			page = string(explore.Response(nil, fmt.Errorf("%s", *m.Error)))
		}
		native, err := oracle.Run(sp.Name, values, sp.Data)
		if err != nil {
			add("%v", err)
			return
		}
		rel, diff := Compare(page, native)
		e.Compared++
		e.MaxRel = math.Max(e.MaxRel, rel)
		if diff != "" {
			add("at %s the page's figure differs from the native (GOARCH=%s) run's: %s", m.Values, oracle.Arch, diff)
		}
		fig, err := web.Explorables().Run(sp.Name, values, sp.Data)
		here, _ := Compare(page, string(explore.Response(fig, err)))
		e.MaxRelHere = math.Max(e.MaxRelHere, here)
	}
	for _, c := range sp.Controls {
		var positions []string
		if c.Choices != nil {
			for i := range c.Choices {
				positions = append(positions, fmt.Sprint(i))
			}
		} else {
			lo, hi := c.Min, c.Max
			if c.Log {
				lo, hi = math.Log10(lo), math.Log10(hi)
			}
			for k := range Positions {
				positions = append(positions, fmt.Sprint(lo+(hi-lo)*float64(k)/float64(Positions-1)))
			}
		}
		// Back to where it was, so the next control moves from the default.
		orig := sp.Values[c.Name]
		if c.Log {
			positions = append(positions, fmt.Sprint(math.Log10(orig)))
		} else {
			positions = append(positions, fmt.Sprint(orig))
		}
		prev := ""
		for _, pos := range positions {
			js := strings.NewReplacer("ID", quote(id), "NAME", quote(c.Name), "POS", quote(pos)).Replace(moveJS)
			var m move
			if err := chromedp.Run(ctx, chromedp.Evaluate(js, &m, awaitPromise)); err != nil {
				return e, problems, fmt.Errorf("moving %s to %s: %w", c.Name, pos, err)
			}
			if m.Remembered {
				e.Remembered++
			} else {
				e.Latencies = append(e.Latencies, time.Duration(m.Ms*float64(time.Millisecond)))
			}
			if debugMoves {
				fmt.Printf("%s %s=%s: %.1f ms (run %.1f, draw %.1f%s)\n", id, c.Name, pos, m.Ms, m.RunMs, m.DrawMs,
					map[bool]string{true: ", remembered", false: ""}[m.Remembered])
			}
			if m.Runs != m.Before+1 {
				add("moving %s to %s: data-runs went from %d to %d, not one more", c.Name, pos, m.Before, m.Runs)
			}
			if m.Error != nil {
				add("moving %s to %s: the module answered with an error: %s", c.Name, pos, *m.Error)
			}
			if m.Values != prev && prev != "" && !m.Changed {
				add("moving %s to %s (values %s): the chart did not change", c.Name, pos, m.Values)
			}
			prev = m.Values
			compare(m)
		}
		e.Moves = append(e.Moves, fmt.Sprintf("%s ×%d", c.Name, len(positions)))
	}
	if sp.Controls != nil && hasControl(sp, "alpha") {
		e.Panic = true
		var r struct {
			Error  *string `json:"error"`
			Shown  string  `json:"shown"`
			Runs   int     `json:"runs"`
			After  *string `json:"after"`
			Figure *string `json:"figure"`
			Hidden bool    `json:"hidden"`
		}
		js := strings.NewReplacer("ID", quote(id), "ORIG", fmt.Sprint(sp.Values["alpha"])).Replace(panicJS)
		if err := chromedp.Run(ctx, chromedp.Evaluate(js, &r)); err != nil {
			return e, problems, fmt.Errorf("the panic check: %w", err)
		}
		switch {
		case r.Error == nil || !strings.Contains(*r.Error, "panic"):
			add("a learning rate of 0 should make the library panic inside the module; the page got %v", deref(r.Error))
		case !strings.Contains(r.Shown, "panic"):
			add("the recovered panic is not shown in the explorable (shown: %q)", r.Shown)
		case r.Runs != 1:
			add("the run that panicked was not counted in data-runs (%d more)", r.Runs)
		case r.After != nil || r.Figure == nil || !r.Hidden:
			add("after a recovered panic the explorable did not draw again: %v", deref(r.After))
		}
	}
	return e, problems, nil
}

// panicJS sets alpha to 0 in box ID (the library panics: a learning rate
// must be positive), reads the message shown, then sets it back to ORIG.
const panicJS = `(() => {
  const box = document.getElementById(ID), el = box.querySelector('.descent-explore-error');
  const before = +box.getAttribute('data-runs');
  let last = descentExplore.set(box, {alpha: 0});
  const shown = el.style.display === 'none' ? '' : el.textContent, error = last.error;
  const runs = +box.getAttribute('data-runs') - before;
  last = descentExplore.set(box, {alpha: ORIG});
  return {error, shown, runs, after: last.error, figure: last.figure, hidden: el.style.display === 'none'};
})()`

func hasControl(sp pageSpec, name string) bool {
	for _, c := range sp.Controls {
		if c.Name == name {
			return true
		}
	}
	return false
}

func deref(s *string) string {
	if s == nil {
		return "no error"
	}
	return *s
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Compare compares two figure JSON texts: the same structure, the same
// strings, numbers within Tolerance relative (null only against null). It
// returns the largest relative difference and a description of the first
// mismatch ("" when they agree).
func Compare(a, b string) (maxRel float64, diff string) {
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		return 0, "the page's figure is not JSON: " + err.Error()
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		return 0, "the native figure is not JSON: " + err.Error()
	}
	var walk func(path string, x, y any) string
	walk = func(path string, x, y any) string {
		switch xv := x.(type) {
		case map[string]any:
			yv, ok := y.(map[string]any)
			if !ok || len(xv) != len(yv) {
				return path + ": different objects"
			}
			keys := make([]string, 0, len(xv))
			for k := range xv {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if d := walk(path+"."+k, xv[k], yv[k]); d != "" {
					return d
				}
			}
		case []any:
			yv, ok := y.([]any)
			if !ok || len(xv) != len(yv) {
				return fmt.Sprintf("%s: %d values against %d", path, len(xv), lenOf(y))
			}
			for i := range xv {
				if d := walk(fmt.Sprintf("%s[%d]", path, i), xv[i], yv[i]); d != "" {
					return d
				}
			}
		case float64:
			yv, ok := y.(float64)
			if !ok {
				return fmt.Sprintf("%s: %v against %v", path, x, y)
			}
			if xv != yv {
				rel := math.Abs(xv-yv) / math.Max(math.Abs(xv), math.Abs(yv))
				maxRel = math.Max(maxRel, rel)
				if !(rel <= Tolerance) {
					return fmt.Sprintf("%s: %v against %v (relative %.1g)", path, xv, yv, rel)
				}
			}
		default:
			if x != y {
				return fmt.Sprintf("%s: %v against %v", path, x, y)
			}
		}
		return ""
	}
	return maxRel, walk("figure", x, y)
}

func lenOf(v any) int {
	if a, ok := v.([]any); ok {
		return len(a)
	}
	return -1
}

// layoutJS moves every control of every explorable to its two ends, runs
// lib/viz's layout check after each move and keeps the problems that name
// the explorable's charts, then puts the controls back.
var layoutJS = `(() => {
  const out = [];
  document.querySelectorAll('.` + web.Class + `').forEach(box => {
    const spec = JSON.parse(box.querySelector('script.descent-explore-spec').textContent);
    const ids = Array.from(box.querySelectorAll('.' + '` + draw.ChartClass + `')).map(c => c.id + ':');
    spec.controls.forEach(c => {
      const ends = c.choices ? [0, c.choices.length - 1] : [c.min, c.max];
      ends.forEach(v => {
        descentExplore.set(box, {[c.name]: v});
        const r = JSON.parse(` + draw.LayoutCheckJS + `);
        r.problems.filter(p => ids.some(id => p.startsWith(id))).forEach(p => out.push(c.name + ' = ' + v + ': ' + p));
      });
      descentExplore.set(box, {[c.name]: spec.values[c.name]});
    });
  });
  return out;
})()`

// LayoutSweep runs layoutJS in the tab ctx, whose page draws with
// draw.RendererOverride (echarts' SVG renderer, so that every text is a
// node the layout check can measure): clipped or overlapping texts, log
// axes not labelled 10ⁿ, at every control's ends. It returns the problems.
func LayoutSweep(ctx context.Context) ([]string, error) {
	var problems []string
	if err := chromedp.Run(ctx, chromedp.Evaluate(layoutJS, &problems)); err != nil {
		return nil, err
	}
	for i, p := range problems {
		problems[i] = "explorable layout: " + p
	}
	return problems, nil
}
