// katex.js renders the lecture notes' formulas at build time, so that a page
// reads with scripts off. tools/site/build.py runs it once per build:
//
//	node tools/site/katex.js < formulas.json > rendered.json
//
// Input: a JSON array of {"tex": "...", "display": true|false}. Output: a
// JSON array of the same length, each {"html": "..."} (KaTeX's HTML and
// MathML) or {"error": "..."} (KaTeX's parse error, for the build to report
// with the page it came from). KaTeX comes from tools/site/node_modules,
// installed by tools/setup.sh with `npm ci` from package-lock.json.
"use strict";
const katex = require("katex");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(({ tex, display }) => {
    try {
      return { html: katex.renderToString(tex, { displayMode: !!display, throwOnError: true, strict: "ignore" }) };
    } catch (e) {
      return { error: String(e && e.message || e) };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
