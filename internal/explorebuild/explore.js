// The explorables' front-end (lib/explore/web). Plain JavaScript, no
// framework: it finds each explorable's container (class descent-explore,
// written by web.HTML), builds its sliders and selects, runs the Go code
// compiled to WebAssembly (cmd/explore: one function per explorable in
// window.descentExploreModules, from the module the asset booted) on
// every change and draws the result with echarts (the frame through its
// options, the series through its zrender: see draw) in the course's chart
// style: the layout (title, legend, margins, fonts) comes from lib/viz's
// options for the same panel, computed natively (spec.panels[i].base); the
// colours of named series from lib/viz's registry (spec.looks); log axes are
// drawn as log₁₀ values labelled 10ⁿ, as lib/viz draws them.
//
// Contract for checks: the container's data-runs counts the runs completed
// (≥ 1 once drawn), data-values holds the values of the last run (JSON),
// and descentExplore.last(box) returns {values, figure, error, runMs,
// drawMs, at, remembered}: the figure is the JSON text the Go code
// returned, at the performance.now() when the run was drawn, remembered
// whether the module answered from its memo of recent settings (no run). descentExplore.pending() counts
// the explorables not set up yet (see mount).
(function () {
  var api = window.descentExplore = window.descentExplore || {};
  if (api.mount) return;
  var queue = [], started = false, booted = {}, failed = {};
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"];
  var GRAY = "#9A9A9A", ALERT = "#D55E00";
  var FONT = "'DejaVu Sans', Verdana, sans-serif";
  var SYMBOLS = { circle: "circle", ring: "emptyCircle", square: "rect", triangle: "triangle" };
  var DASHES = ["solid", "dashed", "dotted"];

  api.firstDraw = 0; // performance.now() when the first explorable of the page drew

  // boot inflates and starts a module: base64 → gzip → WebAssembly, once
  // per page, as soon as the asset runs (before any explorable is reached).
  // The base64 text is decoded by fetch() of a data: URL, off the main
  // thread, and streamed through DecompressionStream into
  // WebAssembly.instantiateStreaming, which compiles while it inflates;
  // where that is refused it falls back to atob and WebAssembly.instantiate.
  // Its main fills window.descentExploreModules and fires
  // "descent-explore-go". api.bootTiming[module] records when each stage
  // ended (performance.now()).
  api.bootTiming = {};
  api.boot = function (module, b64) {
    if (booted[module]) return;
    booted[module] = true;
    if (typeof DecompressionStream === "undefined" || typeof WebAssembly === "undefined") {
      fail(module, "this browser cannot run the explorables (no DecompressionStream or WebAssembly); the pictures show their default settings");
      return;
    }
    var go = new Go(), bt = api.bootTiming[module] = { start: performance.now() };
    function inflate(body) { return body.pipeThrough(new DecompressionStream("gzip")); }
    function slow() {
      var s = atob(b64), u = new Uint8Array(s.length);
      for (var i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
      return new Response(inflate(new Blob([u]).stream())).arrayBuffer()
        .then(function (buf) { return WebAssembly.instantiate(buf, go.importObject); });
    }
    var instance = WebAssembly.instantiateStreaming && typeof fetch === "function"
      ? fetch("data:application/octet-stream;base64," + b64)
        .then(function (r) {
          return WebAssembly.instantiateStreaming(new Response(inflate(r.body), { headers: { "Content-Type": "application/wasm" } }), go.importObject);
        })
        .catch(slow)
      : slow();
    instance
      .then(function (r) {
        bt.compiled = performance.now();
        // go.run runs main synchronously until it waits for calls.
        go.run(r.instance).then(function () { failed[module] = "the " + module + " module exited (reload the page)"; });
        bt.ready = performance.now();
      })
      .catch(function (e) { fail(module, "the explorables' WebAssembly module (" + module + ") did not start: " + e); });
  };

  function fail(module, msg) {
    failed[module] = msg;
    console.warn("descent/explore: " + msg);
    queue = queue.filter(function (box) {
      if (moduleOf(box) !== module) return true;
      note(box, msg);
      return false;
    });
  }

  function moduleOf(box) { return box.getAttribute("data-module"); }

  function note(box, msg) {
    var e = box.querySelector(".descent-explore-error");
    if (e) { e.textContent = msg; e.style.display = ""; }
  }

  // mount binds a container once its module and echarts are ready: at once
  // when it is within a screen of the viewport (an IntersectionObserver
  // says so), otherwise in the browser's idle time, one explorable per idle
  // period in page order. The first screen is not held up by the
  // explorables below it, and those are drawn by the time a reader scrolls
  // to them; one reached before its turn is set up when it comes near.
  var near = window.IntersectionObserver ? new IntersectionObserver(function (es) {
    es.forEach(function (e) { if (e.isIntersecting) e.target.__descentNear = true; });
    flush();
  }, { rootMargin: "100% 0px" }) : null;

  api.mount = function (box) {
    if (!box || box.__descent || queue.indexOf(box) >= 0) return;
    if (failed[moduleOf(box)]) { note(box, failed[moduleOf(box)]); return; }
    queue.push(box);
    if (near) near.observe(box);
    else box.__descentNear = true;
    flush();
  };

  // pending returns how many explorables of the page are not set up yet.
  api.pending = function () { return queue.length; };

  function ready(box) {
    var mods = window.descentExploreModules;
    return window.echarts && mods && mods[box.getAttribute("data-explore")];
  }

  // take removes box from the queue and sets it up.
  function take(box) {
    queue.splice(queue.indexOf(box), 1);
    if (near) near.unobserve(box);
    setup(box);
  }

  function flush() {
    queue.filter(function (box) { return box.__descentNear && ready(box); }).forEach(take);
    idle();
    if (!started && queue.some(function (box) { return !ready(box); })) {
      started = true;
      var n = 0, t = setInterval(function () {
        flush();
        if (!queue.some(function (box) { return !ready(box); }) || ++n > 600) { clearInterval(t); started = false; }
      }, 50);
    }
  }

  var idling = false;
  function idle() {
    if (idling || !queue.some(ready)) return;
    idling = true;
    var later = window.requestIdleCallback || function (f) { return setTimeout(f, 50); };
    later(function () {
      idling = false;
      var box = queue.filter(ready)[0];
      if (box) take(box);
      idle();
    }, { timeout: 2000 });
  }
  window.addEventListener("descent-explore-go", flush);
  window.addEventListener("descent-echarts", flush);

  api.last = function (box) { return box.__descent ? box.__descent.last : null; };

  // drawing returns what the explorable's charts show, as text: each
  // chart's echarts option and its runs' drawings (for checks that a move
  // changed the picture).
  api.drawing = function (box) {
    var st = box.__descent;
    return st ? JSON.stringify(st.charts.map(function (c) { return [c.getOption(), c.__descentRuns ? c.__descentRuns.keys : null]; })) : "";
  };

  // timing returns when the explorable was set up and first drew
  // (performance.now(), ms since navigation) and its first run's time.
  api.timing = function (box) {
    var st = box.__descent;
    return st ? { setupAt: st.setupAt, drawnAt: st.drawnAt || 0, firstRunMs: st.firstRunMs || 0 } : null;
  };

  // set changes values (controls not named keep theirs) and runs at once
  // (setting the explorable up first if its turn has not come): for checks
  // and for notebooks; the controls follow.
  api.set = function (box, values) {
    if (!box.__descent && queue.indexOf(box) >= 0 && ready(box)) take(box);
    var st = box.__descent;
    if (!st) return null;
    for (var k in values) st.values[k] = values[k];
    st.controls.forEach(function (c) { c.sync(); });
    render(st);
    return st.last;
  };

  function style() {
    if (document.getElementById("descent-explore-style")) return;
    var s = document.createElement("style");
    s.id = "descent-explore-style";
    s.textContent =
      ".descent-explore{font-family:" + FONT + ";font-size:13px;margin:6px 0}" +
      ".descent-explore-controls{display:grid;grid-template-columns:max-content minmax(120px,320px) max-content auto;gap:4px 10px;align-items:center;margin:6px 0}" +
      ".descent-explore-controls input[type=range]{width:100%}" +
      ".descent-explore-controls output{font-variant-numeric:tabular-nums;min-width:7em}" +
      ".descent-explore-controls button{font:inherit;padding:0 8px}" +
      ".descent-explore-readout{margin:4px 0;font-variant-numeric:tabular-nums}" +
      ".descent-explore-error{color:" + ALERT + ";margin:4px 0}";
    document.head.appendChild(s);
  }

  function setup(box) {
    if (box.__descent) return;
    var spec;
    try {
      spec = JSON.parse(box.querySelector("script.descent-explore-spec").textContent);
    } catch (e) {
      note(box, "descent/explore: unreadable specification: " + e);
      return;
    }
    style();
    var st = { box: box, spec: spec, values: {}, charts: [], hidden: [], contours: [], controls: [], runs: 0, last: null, setupAt: performance.now() };
    for (var k in spec.values) st.values[k] = spec.values[k];
    box.__descent = st;
    var cap = box.querySelector(".descent-explore-static");
    if (cap) cap.style.display = "none";
    var ctl = box.querySelector(".descent-explore-controls");
    ctl.textContent = "";
    ctl.style.display = "";
    spec.controls.forEach(function (c) { control(st, ctl, c); });
    var boxes = box.querySelectorAll(".descent-explore-panels > .descent-viz");
    spec.panels.forEach(function (p, i) {
      var pb = boxes[i], d = document.createElement("div");
      d.className = "descent-viz-chart";
      d.style.cssText = "width:" + p.width + "px;max-width:100%;height:" + p.height + "px";
      pb.insertBefore(d, pb.firstChild);
      var ch = echarts.init(d, null, { renderer: window.__descentRenderer || "canvas", width: d.clientWidth || p.width, height: p.height });
      if (window.ResizeObserver) new ResizeObserver(function () {
        if (!d.clientWidth) return;
        ch.resize();
        if (ch.__descentLast) { paintRuns(ch, ch.__descentLast, st.hidden[i], true); ch.getZr().flush(); }
      }).observe(d);
      var img = pb.querySelector("img");
      if (img) img.style.display = "none";
      pb.setAttribute("data-live", "1");
      st.charts.push(ch);
    });
    render(st);
  }

  function log10(v) { return Math.log(v) / Math.LN10; }

  var contourSeq = 0;
  function same(a, b) {
    if (a === b) return true;
    if (!a || !b || a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i] && !(a[i] !== a[i] && b[i] !== b[i])) return false;
    return true;
  }

  // fmt writes a control's or a reading's value: 3 significant digits,
  // m×10ⁿ outside [10⁻³, 10⁵), integers as integers.
  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return String(v);
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e-3 && a < 1e5) {
      if (Number.isInteger(v)) return String(v);
      return String(+v.toPrecision(a >= 1000 ? 5 : 4)).replace("-", "−");
    }
    var e = Math.floor(log10(a) + 1e-12), m = +(v / Math.pow(10, e)).toPrecision(3);
    return (String(m) + "×10" + sup(e)).replace(/^-/, "−");
  }
  function sup(n) {
    return String(n).replace(/[-0-9]/g, function (c) { return "⁻⁰¹²³⁴⁵⁶⁷⁸⁹".charAt("-0123456789".indexOf(c)); });
  }

  function control(st, parent, c) {
    var label = document.createElement("label"), out = document.createElement("output"), input, extra = document.createElement("span");
    label.textContent = c.label;
    if (c.choices) {
      input = document.createElement("select");
      c.choices.forEach(function (t, i) {
        var o = document.createElement("option");
        o.value = String(i);
        o.textContent = t;
        input.appendChild(o);
      });
    } else {
      input = document.createElement("input");
      input.type = "range";
      input.min = String(c.log ? log10(c.min) : c.min);
      input.max = String(c.log ? log10(c.max) : c.max);
      input.step = String(c.step);
    }
    var id = "descent-explore-" + st.spec.id + "-" + c.name;
    input.id = id;
    label.htmlFor = id;
    input.setAttribute("data-control", c.name);
    function value() {
      if (c.choices) return +input.value;
      var v = +input.value;
      if (c.log) v = Math.pow(10, v);
      if (c.int) v = Math.round(v);
      return v;
    }
    function show() {
      var v = st.values[c.name];
      out.value = c.choices ? c.choices[v] : fmt(v) + (c.unit ? " " + c.unit : "");
    }
    var ctl = {
      spec: c, input: input,
      sync: function () {
        var v = st.values[c.name];
        input.value = String(c.choices ? v : c.log ? log10(v) : v);
        show();
      }
    };
    input.addEventListener(c.choices ? "change" : "input", function () {
      st.values[c.name] = value();
      show();
      request(st);
    });
    if (c.play) {
      var btn = document.createElement("button"), timer = 0;
      btn.type = "button";
      btn.textContent = "▶ play";
      btn.title = "move " + c.label + " from " + fmt(c.min) + " to " + fmt(c.max);
      btn.addEventListener("click", function () {
        if (timer) { cancelAnimationFrame(timer); timer = 0; btn.textContent = "▶ play"; return; }
        var lo = +input.min, hi = +input.max, step = +input.step || (hi - lo) / 100;
        var frames = Math.min(120, Math.max(1, Math.round((hi - lo) / step))), k = 0;
        btn.textContent = "■ stop";
        (function frame() {
          k++;
          input.value = String(lo + (hi - lo) * k / frames);
          st.values[c.name] = value();
          show();
          render(st);
          if (k < frames) timer = requestAnimationFrame(frame);
          else { timer = 0; btn.textContent = "▶ play"; }
        })();
      });
      extra.appendChild(btn);
    }
    parent.appendChild(label);
    parent.appendChild(input);
    if (c.choices) out.style.visibility = "hidden"; // the select shows its choice
    parent.appendChild(out);
    parent.appendChild(extra);
    st.controls.push(ctl);
    ctl.sync();
  }

  // request runs for a reader's move: at once when no run happened since
  // the last animation frame, otherwise once at the next frame with the
  // latest values, so that a drag (or a held arrow key) firing several
  // events a frame costs one run a frame.
  function request(st) {
    if (st.frame) { st.dirty = true; return; }
    render(st);
    st.frame = requestAnimationFrame(function tick() {
      st.frame = 0;
      if (!st.dirty) return;
      st.dirty = false;
      render(st);
      st.frame = requestAnimationFrame(tick);
    });
  }

  function render(st) {
    var box = st.box, t0 = performance.now(), txt = null, fig = null, err = null, hits = window.descentExploreMemoHits || 0;
    try {
      txt = window.descentExploreModules[st.spec.name](st.values, st.spec.data || {});
      fig = JSON.parse(txt);
      if (fig.error) err = fig.error;
    } catch (e) {
      err = "the Go module stopped: " + (e && e.message || e) + (failed[moduleOf(box)] ? " (reload the page)" : "");
    }
    var t1 = performance.now();
    var e = box.querySelector(".descent-explore-error");
    if (err) {
      e.textContent = err;
      e.style.display = "";
    } else {
      e.textContent = "";
      e.style.display = "none";
      draw(st, fig);
    }
    st.runs++;
    st.last = { values: JSON.stringify(st.values), figure: err ? null : txt, error: err, runMs: t1 - t0, drawMs: performance.now() - t1, at: performance.now(),
      remembered: (window.descentExploreMemoHits || 0) !== hits };
    box.setAttribute("data-values", st.last.values);
    box.setAttribute("data-runs", String(st.runs));
    if (!err && !st.drawnAt) {
      st.drawnAt = performance.now();
      st.firstRunMs = t1 - t0;
      if (!api.firstDraw) api.firstDraw = st.drawnAt;
    }
  }

  // draw shows a run. The frame of each panel (title, legend, axes, the
  // message) is echarts' option, set in full the first time and then only
  // where it changed: on most moves it does not, and echarts' setOption
  // (its whole update pipeline, 8–30 ms a chart on a 2-core laptop) is
  // skipped. The series are drawn by the chart's own zrender, as echarts'
  // line and scatter views draw them (same styles and symbols: runLayer),
  // in the grid's coordinates: contours on layer 0 with the frame, the
  // runs on layer 1, so a move repaints the layers it changed (1–3 ms).
  // In the option the series stay, without data, for the legend (which
  // shows and hides them), the colours and, through two invisible points,
  // the range of an axis echarts fits; hovering a symbol shows echarts'
  // tooltip for it (tip).
  function draw(st, fig) {
    fig.panels.forEach(function (p, i) {
      var ch = st.charts[i];
      if (!ch) return;
      var made = option(st, i, p), o = made.option, prev = ch.__descentPrev, changed = !prev;
      if (!prev) {
        ch.setOption(o, { notMerge: true, lazyUpdate: false });
        prev = ch.__descentPrev = { series: {}, xAxis: JSON.stringify(o.xAxis), yAxis: JSON.stringify(o.yAxis), graphic: JSON.stringify(o.graphic) };
        o.series.forEach(function (s) { prev.series[s.id] = JSON.stringify(s); });
        ch.on("legendselectchanged", function (e) { st.hidden[i] = e.selected; paintRuns(ch, ch.__descentLast, e.selected, false); ch.getZr().flush(); });
      } else {
        var upd = {}, ser = [], seen = {};
        o.series.forEach(function (s) {
          var k = JSON.stringify(s);
          seen[s.id] = true;
          if (prev.series[s.id] !== k) { ser.push(s); prev.series[s.id] = k; }
        });
        for (var id in prev.series) {
          if (!seen[id] && prev.series[id] !== "") { ser.push({ id: id, data: [] }); prev.series[id] = ""; }
        }
        if (ser.length) upd.series = ser;
        ["xAxis", "yAxis", "graphic"].forEach(function (a) {
          var k = JSON.stringify(o[a]);
          if (prev[a] !== k) { upd[a] = o[a]; prev[a] = k; }
        });
        if (Object.keys(upd).length) { ch.setOption(upd, { lazyUpdate: false }); changed = true; }
      }
      ch.__descentLast = made.runs;
      ch.__descentTip = o.tooltip && typeof o.tooltip.formatter === "function" ? o.tooltip.formatter : null;
      paintRuns(ch, made.runs, st.hidden[i], changed);
      var zr = ch.getZr && ch.getZr();
      if (zr && zr.flush) zr.flush();
    });
    var r = st.box.querySelector(".descent-explore-readout");
    r.textContent = fig.readout.map(function (x) {
      return x.text ? x.label + ": " + x.text : x.label + " = " + fmt(x.value) + (x.unit ? " " + x.unit : "");
    }).join("   ·   ");
  }

  // paintRuns draws the runs' series of a chart on its run layer: those
  // whose drawing changed since the last call, or all of them when the
  // chart's option changed (its axes may have moved) or its size did.
  // hidden maps series names the legend switched off to false.
  function paintRuns(ch, runs, hidden, all) {
    var zr = ch.getZr(), L = ch.__descentRuns, w = zr.getWidth(), h = zr.getHeight();
    if (!L) {
      L = ch.__descentRuns = { context: new echarts.graphic.Group({ zlevel: 0 }), lines: new echarts.graphic.Group({ zlevel: 1 }), marks: new echarts.graphic.Group({ zlevel: 1 }), els: {}, keys: {} };
      zr.add(L.context);
      zr.add(L.lines);
      zr.add(L.marks);
      zr.on("mousemove", function (e) { tip(ch, L, e.offsetX, e.offsetY); });
      zr.on("globalout", function () { tip(ch, L, -1e9, -1e9); });
    }
    if (all || L.w !== w || L.h !== h) {
      var grid = ch.getModel().getComponent("grid", 0).coordinateSystem, a = ch.convertToPixel({ gridIndex: 0 }, [0, 0]), b = ch.convertToPixel({ gridIndex: 0 }, [1, 1]);
      var area = grid.getRect();
      L.map = { x0: a[0], sx: b[0] - a[0], y0: a[1], sy: b[1] - a[1], area: area };
      L.w = w; L.h = h; L.keys = {};
      // As echarts' line view clips: the grid, grown by half the line width.
      var x = area.x - 1, wid = Math.ceil(area.width + 2);
      if (x !== Math.floor(x)) { x = Math.floor(x); wid++; }
      L.lines.setClipPath(new echarts.graphic.Rect({ shape: { x: x, y: area.y - 1, width: wid, height: area.height + 2 } }));
      L.context.setClipPath(new echarts.graphic.Rect({ shape: { x: x, y: area.y - 1, width: wid, height: area.height + 2 } }));
    }
    var seen = {};
    runs.forEach(function (r, j) {
      seen[r.id] = true;
      var key = r.key + (hidden && hidden[r.name] === false ? "|off" : "");
      if (L.keys[r.id] === key) return;
      L.keys[r.id] = key;
      (L.els[r.id] || []).forEach(function (el) { el.parent.remove(el); });
      L.els[r.id] = hidden && hidden[r.name] === false ? [] : runLayer(r, j, L);
    });
    for (var id in L.els) {
      if (!seen[id]) { L.els[id].forEach(function (el) { el.parent.remove(el); }); delete L.els[id]; delete L.keys[id]; }
    }
  }

  // tip shows echarts' tooltip for the symbol nearest to (x, y) in pixels,
  // within its radius and 3 px, as echarts' item tooltip shows a point of
  // its own series (the panel's formatter: the series' name and the
  // point's coordinates on the data's scale), or hides it when there is
  // none.
  function tip(ch, L, x, y) {
    var best = null, dist = Infinity;
    L.marks.eachChild(function (el) {
      var reach = el.shape.size / 2 + 3;
      el.shape.pts.forEach(function (q) {
        var d = Math.max(Math.abs(q[0] - x), Math.abs(q[1] - y));
        if (d <= reach && d < dist) { dist = d; best = { q: q, name: el.__name }; }
      });
    });
    if (!best) {
      if (L.tip) ch.dispatchAction({ type: "hideTip" });
      L.tip = false;
      return;
    }
    var m = L.map, d = [(best.q[0] - m.x0) / m.sx, (best.q[1] - m.y0) / m.sy];
    var text = ch.__descentTip ? ch.__descentTip({ seriesName: best.name, value: d }) : best.name;
    ch.dispatchAction({ type: "showTip", x: best.q[0], y: best.q[1], tooltip: { content: text } });
    L.tip = true;
  }

  // Lines is a polyline with gaps (null points); Marks draws one symbol
  // of echarts (its createSymbol's geometry) at each point, as echarts'
  // large scatter does. Both made once echarts is there.
  var Lines = null, Marks = null;
  function shapes() {
    Lines = echarts.graphic.extendShape({
      shape: { pts: null },
      buildPath: function (ctx, shape) {
        var pts = shape.pts, pen = false;
        for (var k = 0; k < pts.length; k++) {
          var q = pts[k];
          if (!q) { pen = false; continue; }
          if (pen) ctx.lineTo(q[0], q[1]); else { ctx.moveTo(q[0], q[1]); pen = true; }
        }
      }
    });
    Marks = echarts.graphic.extendShape({
      shape: { pts: null, symbol: "circle", size: 7 },
      buildPath: function (ctx, shape) {
        var n = shape.size, proxy = echarts.helper.createSymbol(shape.symbol, 0, 0, n, n), sh = proxy.shape;
        shape.pts.forEach(function (q) {
          sh.x = q[0] - n / 2; sh.y = q[1] - n / 2; sh.width = n; sh.height = n;
          proxy.buildPath(ctx, sh, true);
        });
      }
    });
  }

  // runLayer makes the elements of one series r (the j-th of its panel)
  // in pixels, styled as echarts draws a line series (its width, bevel
  // joins, gaps at nulls, dashes by name, clipped to the grid), its
  // symbols (filled; "empty" ones white with a 2 px stroke; a scatter's at
  // opacity 0.8; those whose centre is outside the grid left out) and a
  // path's start (empty circle) and end (square) marks, as the scatter
  // series they were.
  function runLayer(r, j, L) {
    var m = L.map, area = m.area, els = [], px = [], z2 = 10 * j;
    if (!Lines) shapes();
    r.data.forEach(function (d) { px.push(d && [m.x0 + m.sx * d[0], m.y0 + m.sy * d[1]]); });
    if (r.type === "line") {
      var line = new Lines({ shape: { pts: px }, z: r.context ? 1 : 2, z2: z2, silent: true,
        style: { fill: "none", stroke: r.color, lineWidth: r.width || 2, lineJoin: "bevel", lineDash: r.dash && r.dash !== "solid" ? r.dash : null } });
      (r.context ? L.context : L.lines).add(line);
      els.push(line);
    }
    function marks(symbol, size, pts, z, opacity) {
      if (!symbol || symbol === "none" || !pts.length) return;
      var empty = symbol.indexOf("empty") === 0;
      var el = new Marks({ shape: { pts: pts, symbol: empty ? symbol.charAt(5).toLowerCase() + symbol.slice(6) : symbol, size: size }, z: z, z2: z2, silent: true,
        style: empty ? { fill: "#fff", stroke: r.color, lineWidth: 2, opacity: opacity } : { fill: r.color, stroke: null, opacity: opacity } });
      el.__name = r.name;
      L.marks.add(el);
      els.push(el);
    }
    var inside = px.filter(function (q) {
      return q && q[0] >= area.x && q[0] <= area.x + area.width && q[1] >= area.y && q[1] <= area.y + area.height;
    });
    marks(r.symbol, r.size, inside, 2, r.type === "scatter" ? 0.8 : 1);
    if (r.kind === "path") {
      var all = px.filter(function (q) { return q; });
      if (all.length) {
        marks("emptyCircle", 10, [all[0]], 3, 0.8);
        marks("rect", 10, [all[all.length - 1]], 3, 0.8);
      }
    }
    return els;
  }

  // pairs makes an echarts data array (null between parts and at points a
  // log axis cannot show).
  function pairs(xs, ys, logX, logY, range) {
    var out = [], n = Math.min(xs.length, ys.length);
    for (var i = 0; i < n; i++) {
      var x = xs[i], y = ys[i];
      if (x === null || y === null || !isFinite(x) || !isFinite(y) || (logX && !(x > 0)) || (logY && !(y > 0))) {
        if (out.length && out[out.length - 1] !== null) out.push(null);
        continue;
      }
      if (logX) x = log10(x);
      if (logY) y = log10(y);
      out.push([x, y]);
      if (range) {
        range.x0 = Math.min(range.x0, x); range.x1 = Math.max(range.x1, x);
        range.y0 = Math.min(range.y0, y); range.y1 = Math.max(range.y1, y);
      }
    }
    return out;
  }

  // axis sets an axis's range the way lib/viz does: a fixed range as given;
  // a log axis over whole decades, labelled every k decades (about six
  // labels); a linear axis fitted by echarts.
  function axis(a, log, lo, hi, d0, d1) {
    delete a.min; delete a.max; delete a.interval;
    if (!log) {
      if (lo < hi) { a.min = lo; a.max = hi; a.scale = false; }
      else a.scale = true;
      return;
    }
    var l0, l1;
    if (lo < hi && lo > 0) { l0 = log10(lo); l1 = log10(hi); }
    else if (d0 <= d1) { l0 = d0; l1 = d1; }
    else { l0 = 0; l1 = 1; }
    var e0 = Math.floor(l0), e1 = Math.ceil(l1);
    if (e1 === e0) e1++;
    var k = Math.max(1, Math.ceil((e1 - e0) / 6));
    e0 = e1 - k * Math.ceil((e1 - e0) / k);
    if (lo < hi && lo > 0) { a.min = l0; a.max = l1; } else { a.min = e0; a.max = e1; }
    a.interval = k;
    a.scale = false;
  }

  // option returns a panel's echarts option (its context: title, legend,
  // axes, contours, message; the runs' series without data) and its runs:
  // the series paintRuns draws, each with the key of its drawing.
  function option(st, i, p) {
    var o = JSON.parse(st.spec.panels[i].base), looks = st.spec.looks || {}, used = {}, k = 0, runs = [];
    var cache = st.contours[i] || (st.contours[i] = {});
    var range = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
    o.animation = false;
    // The controls are the interaction: no zoom or save icons (echarts'
    // toolbox costs a few milliseconds of every redraw).
    delete o.toolbox;
    o.series = [];
    p.series.forEach(function (s) { if (s.color) used[s.color] = true; });
    for (var n in looks) used[looks[n].color] = true;
    function spare() {
      for (; k < PALETTE.length * 3; k++) if (!used[PALETTE[k % PALETTE.length]]) return PALETTE[k++ % PALETTE.length];
      return PALETTE[(k++) % PALETTE.length];
    }
    p.series.forEach(function (s, j) {
      var id = "s" + j;
      if (s.kind === "contour") {
        // Contours seldom change with a move: their points are converted
        // again only when they did.
        var kept = cache[id], color = s.color || GRAY;
        if (!kept || kept.color !== color || !same(kept.x, s.x) || !same(kept.y, s.y)) {
          var ext = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
          kept = cache[id] = { x: s.x, y: s.y, color: color, ext: ext, data: pairs(s.x, s.y, p.logX, p.logY, ext), key: "contour " + (++contourSeq) };
        }
        range.x0 = Math.min(range.x0, kept.ext.x0); range.x1 = Math.max(range.x1, kept.ext.x1);
        range.y0 = Math.min(range.y0, kept.ext.y0); range.y1 = Math.max(range.y1, kept.ext.y1);
        o.series.push({ id: id, type: "line", name: s.name, data: [], symbol: "none", showSymbol: false, silent: true,
          lineStyle: { color: color, width: 0.8 }, itemStyle: { color: color }, zlevel: 0, z: 1, animation: false });
        runs.push({ id: id, name: s.name, kind: s.kind, type: "line", data: kept.data, color: color, width: 0.8, symbol: "none", context: true, key: kept.key });
        return;
      }
      var data = pairs(s.x, s.y, p.logX, p.logY, range);
      var look = looks[s.name] || {}, color = s.color || look.color || (looks[s.name] = { color: spare(), dash: 0 }).color;
      var dash = s.dashed ? "dashed" : DASHES[(!s.color && look.dash) || 0];
      var sym = SYMBOLS[s.symbol], ser = { id: id, zlevel: 1, name: s.name, data: [], itemStyle: { color: color }, animation: false, z: 2 };
      var run = { id: id, name: s.name, kind: s.kind, data: data, color: color };
      if (s.kind === "points") {
        ser.type = run.type = "scatter";
        ser.symbol = run.symbol = sym || "circle";
        ser.symbolSize = run.size = s.size || 7;
      } else {
        ser.type = run.type = "line";
        ser.lineStyle = { color: color, width: 2, type: dash };
        ser.showSymbol = !!sym;
        ser.symbol = run.symbol = sym || "none";
        if (sym) ser.symbolSize = run.size = s.size || 7;
        run.dash = dash;
      }
      run.key = JSON.stringify([run.type, run.kind, color, run.dash, run.symbol, run.size, data]);
      o.series.push(ser);
      runs.push(run);
    });
    var autoX = !p.logX && !(p.xMin < p.xMax), autoY = !p.logY && !(p.yMin < p.yMax);
    axis(o.xAxis, p.logX, p.xMin, p.xMax, range.x0, range.x1);
    axis(o.yAxis, p.logY, p.yMin, p.yMax, range.y0, range.y1);
    // The runs' extent, for an axis echarts fits (a linear axis with no
    // fixed range) as it fitted the runs' own data: two invisible points.
    if ((autoX || autoY) && range.x0 <= range.x1) {
      var ex = autoX ? [range.x0, range.x1] : [o.xAxis.min, o.xAxis.min], ey = autoY ? [range.y0, range.y1] : [o.yAxis.min, o.yAxis.min];
      o.series.push({ id: "extent", type: "scatter", data: [[ex[0], ey[0]], [ex[1], ey[1]]], symbolSize: 0, silent: true, tooltip: { show: false }, zlevel: 0, animation: false });
    }
    o.graphic = [{ id: "message", type: "text", left: "center", top: "middle", zlevel: 2, z: 100, invisible: !p.message,
      style: { text: p.message || " ", fill: ALERT, font: "bold 15px " + FONT, backgroundColor: "rgba(255,255,255,0.85)", padding: 4 } }];
    return { option: window.__descentFormatters ? window.__descentFormatters(o) : o, runs: runs };
  }

  // Containers already on the page (a site page: the asset is deferred)
  // and those whose mount scripts ran before the asset.
  function scan() {
    document.querySelectorAll(".descent-explore").forEach(function (b) { api.mount(b); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
  window.dispatchEvent(new Event("descent-explore"));
})();
