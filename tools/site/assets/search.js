/* descent lecture notes: search. Loaded (deferred) by every page; inserts
   the search box into the page's navigation, so that without scripts there
   is no box at all. The index (assets/search-index-H.js, built by
   tools/site/build.py) is a script, not JSON: a page read from file:// may
   load a script but not fetch a file. It is loaded when the box is first
   used, so a page that is only read pays nothing for it.

   Ranking: every word of the query must match (a section matching fewer
   words ranks below all that match them all); a word matches a term equal
   to it or, for words of two letters or more, a term it begins (prefix
   matching, worth less). A section's score sums, per word of the query, the
   best of its matching terms' idf × (log(1 + weighted count) + 1.5 × heading
   units: 2 per use in the heading, 1 in bold text), and doubles when the
   query's words stand together in the heading or text. */
(function () {
  "use strict";
  var me = document.currentScript, src = me && me.getAttribute("data-index");
  if (!src || document.querySelector(".descent-search")) return;
  var idx = null, loading = false, pending = null, terms = [], sel = -1;

  function tokens(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
  }
  function esc(s) {
    return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  var box = document.createElement("div");
  box.className = "descent-search";
  box.setAttribute("role", "search");
  box.innerHTML = '<input type="search" placeholder="Search the notes  ( / )" aria-label="Search the notes" autocomplete="off" spellcheck="false">' +
    '<ol class="descent-search-results" hidden></ol>';
  var input = box.firstChild, list = box.lastChild;
  var nav = document.querySelector(".descent-nav");
  if (nav) nav.appendChild(box); else document.body.insertBefore(box, document.body.firstChild);

  function load(then) {
    if (idx) return then();
    pending = then;
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = src;
    s.onload = function () {
      idx = window.descentSearchIndex;
      terms = Object.keys(idx.terms);
      idx.norm = idx.sections.map(function (x) { return " " + tokens(x[2] + " " + x[3]).join(" ") + " "; });
      if (pending) pending();
    };
    s.onerror = function () { show([], "The search index " + src + " is missing: rebuild the notes."); };
    document.head.appendChild(s);
  }

  // search returns up to 12 sections, best first: {s: section, score, words}.
  function search(q) {
    var qt = tokens(q), n = idx.sections.length, found = {};
    if (!qt.length) return [];
    qt.forEach(function (t, i) {
      var best = {}; // section -> this word's score there: its best-matching term's
      for (var k = 0; k < terms.length; k++) {
        var term = terms[k], w;
        if (term === t) w = 1;
        else if (t.length >= 2 && term.lastIndexOf(t, 0) === 0) w = 0.3 + 0.4 * t.length / term.length;
        else continue;
        var post = idx.terms[term], idf = Math.log(1 + n / (post.length / 2));
        for (var j = 0; j < post.length; j += 2) {
          var s = post[j], head = Math.floor(post[j + 1] / 100000), rest = post[j + 1] % 100000;
          var v = w * idf * (Math.log(1 + rest) + 1.5 * head);
          if (!(best[s] >= v)) best[s] = v;
        }
      }
      for (var s in best) {
        var r = found[s] || (found[s] = { s: +s, score: 0, words: 0 });
        r.score += best[s];
        r.words++;
      }
    });
    var phrase = qt.length > 1 ? " " + qt.join(" ") : null;
    var res = Object.keys(found).map(function (k) {
      var r = found[k];
      if (phrase && idx.norm[r.s].indexOf(phrase) >= 0) r.score *= 2;
      return r;
    });
    res.sort(function (a, b) { return b.words - a.words || b.score - a.score || a.s - b.s; });
    return res.slice(0, 12);
  }

  // plain turns the TeX of formulas in an excerpt into readable text: Greek
  // letters and common symbols as characters, commands and braces dropped.
  var SYMBOLS = { alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε",
    eta: "η", theta: "θ", kappa: "κ", lambda: "λ", mu: "μ", rho: "ρ", sigma: "σ", tau: "τ",
    phi: "φ", nabla: "∇", partial: "∂", sum: "Σ", sqrt: "√", cdot: "·", times: "×", le: "≤",
    leq: "≤", ge: "≥", geq: "≥", approx: "≈", infty: "∞", to: "→", leftarrow: "←", star: "⋆",
    ell: "ℓ", odot: "⊙", ne: "≠", in: "∈", Sigma: "Σ", Delta: "Δ", top: "ᵀ" };
  function plain(text) {
    return text
      .replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, function (m, a, b) {
        var wrap = function (x) { return /^[\w\\]+$/.test(x) ? x : "(" + x + ")"; };
        return wrap(a) + "/" + wrap(b);
      })
      .replace(/\\\|/g, "‖")
      .replace(/\\([A-Za-z]+)/g, function (m, name) { return SYMBOLS.hasOwnProperty(name) ? SYMBOLS[name] : " "; })
      .replace(/\\[,;:! ]/g, " ")
      .replace(/[{}$]/g, "")
      .replace(/\s+/g, " ");
  }

  function excerpt(text, qt) {
    text = plain(text);
    var low = text.toLowerCase(), at = -1;
    qt.forEach(function (t) { var i = low.indexOf(t); if (i >= 0 && (at < 0 || i < at)) at = i; });
    var from = Math.max(0, at - 60), s = text.slice(from, from + 180);
    if (from > 0) s = "…" + s.slice(s.indexOf(" ") + 1);
    var html = esc(s);
    var re = new RegExp("(" + qt.map(function (t) { return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|") + ")", "gi");
    return html.replace(re, "<mark>$1</mark>");
  }

  function show(res, message) {
    sel = -1;
    var qt = tokens(input.value), out = [];
    res.forEach(function (r) {
      var sec = idx.sections[r.s], page = idx.pages[sec[0]];
      var href = encodeURIComponent(page[0]) + (sec[1] ? "#" + encodeURIComponent(sec[1]) : "");
      out.push('<li><a href="' + esc(href) + '"><span class="descent-search-page">' + esc(page[1]) + "</span>" +
        '<span class="descent-search-heading">' + esc(sec[2]) + "</span>" +
        '<span class="descent-search-excerpt">' + excerpt(sec[3], qt) + "</span></a></li>");
    });
    if (message || !out.length) out.push('<li class="descent-search-none">' + esc(message || "Nothing found for “" + input.value.trim() + "”.") + "</li>");
    list.innerHTML = out.join("");
    list.hidden = false;
    box.setAttribute("data-results", String(res.length));
  }

  function run() {
    var q = input.value;
    if (!q.trim()) { list.hidden = true; box.removeAttribute("data-results"); return; }
    load(function () { if (input.value === q) show(search(q)); });
  }

  function move(d) {
    var items = list.querySelectorAll("a");
    if (!items.length) return;
    sel = (sel + d + items.length) % items.length;
    items.forEach(function (a, i) { a.classList.toggle("descent-search-selected", i === sel); });
    items[sel].scrollIntoView({ block: "nearest" });
  }

  input.addEventListener("input", run);
  input.addEventListener("focus", function () { load(function () {}); if (input.value.trim()) list.hidden = false; });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { move(1); e.preventDefault(); }
    else if (e.key === "ArrowUp") { move(-1); e.preventDefault(); }
    else if (e.key === "Enter") {
      var a = list.querySelectorAll("a")[sel < 0 ? 0 : sel];
      if (a) { list.hidden = true; window.location.href = a.href; }
    } else if (e.key === "Escape") { list.hidden = true; input.blur(); }
  });
  list.addEventListener("click", function (e) { if (e.target.closest && e.target.closest("a")) list.hidden = true; });
  document.addEventListener("click", function (e) { if (!box.contains(e.target)) list.hidden = true; });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !(t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) {
      e.preventDefault();
      input.focus();
    }
  });
})();
