/* Folded code's highlighting, loaded when a fold is first opened (tools/site/README.md, "Charts").

   build.py leaves the code of folded cells (check, experiment, solution: <details>) as
   plain text in a <pre data-code="pages/<page>/code.js#N"> and writes the highlighted HTML
   of every such block of the page into that script, which calls descentCode(src, blocks).
   When the reader opens a fold, this loads the script once and puts each block's HTML in
   place. Without scripts the code stays readable, uncoloured. */
(function () {
  "use strict";
  var loaded = {}, blocks = {};

  function fill(src) {
    document.querySelectorAll("pre[data-code]").forEach(function (pre) {
      var ref = pre.getAttribute("data-code").split("#");
      if (ref[0] !== src || !blocks[src]) return;
      pre.innerHTML = blocks[src][+ref[1]];
      pre.removeAttribute("data-code");
    });
  }

  window.descentCode = function (src, list) {
    blocks[src] = list;
    fill(src);
  };

  // toggle does not bubble: listen in the capture phase.
  document.addEventListener("toggle", function (e) {
    if (!e.target.open) return;
    e.target.querySelectorAll("pre[data-code]").forEach(function (pre) {
      var src = pre.getAttribute("data-code").split("#")[0];
      if (loaded[src]) return;
      loaded[src] = true;
      var s = document.createElement("script");
      s.src = src;
      s.onerror = function () { console.warn("descent: cannot load " + src + "; folded code stays uncoloured"); };
      document.head.appendChild(s);
    });
  }, true);
})();
