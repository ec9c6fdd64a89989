/* The site's charts, drawn when they come near the viewport (tools/site/README.md, "Charts").

   build.py takes every chart of a page (lib/viz/draw.HTML: a <div class="descent-viz"> with
   its static picture and an inline script with its echarts options) apart: the picture
   becomes a file, pages/<page>/<id>.svg, that the <img> references (shown with scripts
   off, printed), the options a script, pages/<page>/<id>.js, that calls
   descentViz(id, options); the div keeps data-chart="<that script>". This file watches
   the divs: within one viewport's height of the screen a chart's script is loaded (once)
   and, once echarts is there, the chart drawn over its picture, as lib/viz/draw.HTML's own
   script draws it; beyond three viewports' height it is released (echarts' dispose) and its
   picture shown again, so a long page holds a few live charts at a time. Without IntersectionObserver every
   chart is drawn at once.

   The picture is the chart: a reader sees it drawn as soon as it is painted, and the live
   chart only adds tooltips and the legend's toggles. So echarts itself (data-echarts of this
   script's element; parsing its megabyte takes a main-thread task of 150-300 ms) is loaded
   after the page's load event, in idle time (requestIdleCallback, at most 1 s later), or at
   once when a reader points at, touches or focuses a chart or an explorable, whichever comes
   first: nothing of the page's first screen waits for it or competes with it. Its load fires
   the window event "descent-echarts", on which the charts near the viewport (and the
   explorables, lib/explore) draw.

   The axis and tooltip formatters are lib/viz/draw's (formatters.go), which build.py
   copies here from the pages' own scripts in place of the marker below.
   window.__descentRenderer (lib/viz/draw.RendererOverride) picks echarts' renderer;
   window.__descentKeepCharts = true (set by checks before the page's scripts) keeps
   drawn charts instead of releasing them. */
(function () {
  "use strict";
  /*descent:formatters*/
  var opts = {}, loading = {};
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".descent-viz[data-chart]"));
  var bundle = document.currentScript && document.currentScript.getAttribute("data-echarts");

  function loadECharts() {
    if (window.echarts || !bundle) return;
    var s = document.createElement("script");
    s.src = bundle;
    bundle = null;
    s.onload = function () { window.dispatchEvent(new Event("descent-echarts")); };
    s.onerror = function () { console.warn("descent: cannot load " + s.src + "; charts stay pictures"); };
    document.head.appendChild(s);
  }

  function draw(box) {
    var opt = opts[box.id];
    if (!opt || !window.echarts || box.getAttribute("data-live")) return;
    box.setAttribute("data-live", "1");
    var img = box.querySelector("img"), w = +img.getAttribute("width"), h = +img.getAttribute("height");
    var d = document.createElement("div");
    d.className = "descent-viz-chart";
    d.style.cssText = "width:" + w + "px;max-width:100%;height:" + h + "px";
    box.insertBefore(d, img);
    var ch = echarts.init(d, null, {renderer: window.__descentRenderer || "canvas", width: d.clientWidth || w, height: h});
    // formatters() replaces the options' "descent:" formatter names with functions: give it a copy.
    ch.setOption(formatters(JSON.parse(opt)));
    if (window.ResizeObserver) {
      box.__descentResize = new ResizeObserver(function () { if (d.clientWidth) ch.resize(); });
      box.__descentResize.observe(d);
    }
    img.style.display = "none";
  }

  function release(box) {
    if (!box.getAttribute("data-live") || window.__descentKeepCharts) return;
    var d = box.querySelector(".descent-viz-chart"), img = box.querySelector("img");
    if (box.__descentResize) { box.__descentResize.disconnect(); box.__descentResize = null; }
    if (d) { var ch = echarts.getInstanceByDom(d); if (ch) ch.dispose(); d.remove(); }
    img.style.display = "";
    box.removeAttribute("data-live");
  }

  function want(box) {
    if (opts[box.id]) { draw(box); return; }
    var src = box.getAttribute("data-chart");
    if (loading[src]) return;
    loading[src] = true;
    var s = document.createElement("script");
    s.src = src;
    s.onerror = function () { console.warn("descent: cannot load " + src + "; the chart stays a picture"); };
    document.head.appendChild(s);
  }

  // Called by each chart's script with its options (JSON text, parsed when drawn).
  window.descentViz = function (id, opt) {
    opts[id] = JSON.stringify(opt);
    boxes.forEach(function (b) { if (b.id === id && b.__descentNear) draw(b); });
  };

  window.addEventListener("descent-echarts", function () {
    boxes.forEach(function (b) { if (b.__descentNear) draw(b); });
  });
  function idle() {
    if (window.requestIdleCallback) requestIdleCallback(loadECharts, {timeout: 1000});
    else setTimeout(loadECharts, 0);
  }
  if (document.readyState === "complete") idle(); else window.addEventListener("load", idle);
  ["pointerover", "pointerdown", "touchstart", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      if (bundle && e.target.closest && e.target.closest(".descent-viz, .descent-explore")) loadECharts();
    }, {capture: true, passive: true});
  });

  if (!window.IntersectionObserver) {
    boxes.forEach(function (b) { b.__descentNear = true; want(b); });
    return;
  }
  var near = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      e.target.__descentNear = e.isIntersecting;
      if (e.isIntersecting) want(e.target);
    });
  }, {rootMargin: "100% 0px"});
  var far = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (!e.isIntersecting) release(e.target); });
  }, {rootMargin: "300% 0px"});
  boxes.forEach(function (b) { near.observe(b); far.observe(b); });
})();
