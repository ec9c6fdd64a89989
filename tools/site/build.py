"""Build the offline lecture-note site from executed notebooks.

    .venv/bin/python tools/site/build.py [--sources notebooks] [--wait 600] build/notebooks build/html

One page per notebook of SOURCES (default: the checkout's notebooks/) is
exported from its executed copy in SRC by nbconvert with the `descent`
template (tools/site/template); an executed copy whose notebook is gone
(renamed or deleted) is not published, and a notebook without an executed
copy stops the build. DST also gets index.html (the course map) and assets/.

What a page carries is its own content only. Shared, loaded once by every page:
  assets/site.css            the site's layout, navigation, claims, checks, print
  assets/notebook.css        JupyterLab's stylesheet and the code colours, as
                             nbconvert would inline them into every page
  assets/echarts-V.min.js    the echarts bundle that lib/viz/nb embeds (gzip +
                             base64) in each notebook's first chart; the site
                             strips that copy and references this file
  assets/explore-M-V.js      the explorables' WebAssembly module M (first-order
                             or second-order) with its front-end, which
                             lib/viz/nb.Explore embeds in a notebook's first
                             explorable of that module; stripped and
                             referenced likewise
  assets/katex/              KaTeX's stylesheet and fonts
  assets/search.js           the search box (inserted by the script: none
                             without scripts) and its ranking
  assets/search-index-H.js   the search index, built here over every page's
                             sections (headings, prose, formulas' TeX, code,
                             text outputs); loaded when the box is first used
  assets/code.js             puts folded code's highlighting in place when a
                             fold is first opened
  assets/charts.js           draws a page's charts when they near the viewport
                             and releases them far from it (with lib/viz/draw's
                             axis formatters, read from the pages' charts); it
                             loads echarts after the page's first frame
Per page, loaded when needed (pages/STEM/, tools/site/README.md "Charts"):
  pages/STEM/ID.svg          a chart's static picture, which its <img> shows
                             with scripts off and in print
  pages/STEM/ID.js           a chart's echarts options, loaded by
                             assets/charts.js when the chart nears the viewport
  pages/STEM/code.js         the highlighted HTML of the page's folded code,
                             loaded by assets/code.js when a fold is opened
Formulas are rendered here, at build time, by KaTeX under node
(tools/site/katex.js; KaTeX from tools/site/node_modules, `make setup`): a
page needs no script to show them.

Code cells are highlighted as Go: GoNB reports an empty pygments_lexer, which
nbconvert would read as IPython. Cells tagged "check" (cell metadata
"tags": ["check"]; see tools/site/README.md) show their code folded in a
<details> element with their output (the ✔ claim lines) visible.

Builds of one DST are serialised by a lock file beside it (DST.lock); a second
build waits up to --wait seconds, then fails naming the running one. The site
is built in a temporary folder beside DST and exchanged with DST in one
atomic rename (renameat2 RENAME_EXCHANGE), so DST always exists and a failed
build leaves the previous site as it was. Files and folders are created as
the umask allows (0644 and 0755 under the usual umask 022).
"""

import argparse
import base64
import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import gzip
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

# jsonschema (under nbformat and nbconvert) imports rfc3987_syntax when it is
# installed (jupyterlab's jsonschema[format-nongpl] brings it), and that module
# compiles a Lark grammar at import: seconds of CPU per run, for an "iri"
# format check no notebook uses. jsonschema skips the check on ImportError.
sys.modules.setdefault("rfc3987_syntax", None)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# Largest page allowed, in bytes, besides the shared assets: a guard against
# a runaway output. The goal is 400 KiB (cmd/sitecheck -goal reports pages
# over it); a page's own charts (pictures and data) decide whether it meets it.
PAGE_BUDGET = int(os.environ.get("DESCENT_PAGE_BUDGET", 2 * 1024 * 1024))
CHART_CLASS = "descent-viz"  # lib/viz/draw.ChartClass
LOADER_ATTR = "data-descent-echarts"  # lib/viz/draw.LoaderAttr
EXPLORE_ATTR = "data-descent-explore"  # lib/explore/web.LoaderAttr
EXPLORE_CLASS = "descent-explore"  # lib/explore/web.Class
CLAIM_PREFIX = "✔ claim: "  # lib/viz/nb.ClaimPrefix
CHECK_TAG = "check"
HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
TAGS = re.compile(r"<[^>]+>")


class BuildError(Exception):
    """A build that cannot go on, with a message naming the file and the fix."""


def fail(msg):
    raise BuildError("site: " + msg)


# ---------------------------------------------------------------- names, links


def href(stem):
    """The link to a page: its file name percent-encoded (a name may hold
    '#', '?', '%' or '"'), ready for an HTML attribute."""
    return html.escape(urllib.parse.quote(stem + ".html"), quote=True)


def first_markdown(nb):
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            return cell.source
    return ""


def title_and_summary(nb, fallback):
    """The first '# ' heading of the notebook and the first sentence of the
    paragraph after it."""
    text = first_markdown(nb)
    title, para = fallback, []
    for line in text.splitlines():
        s = line.strip()
        if not s:
            if para:
                break
            continue
        if s.startswith("# ") and title == fallback and not para:
            title = s[2:].strip()
        elif not s.startswith("#") and not s.startswith(">"):
            para.append(s)
    summary = re.sub(r"[*_`]", "", " ".join(para))
    summary = re.split(r"(?<=[a-z0-9)$][.!?])\s", summary, maxsplit=1)[0]
    return title, summary


HEADING_ID = re.compile(r'<h([1-6]) id="([^"]*%[0-9A-Fa-f]{2}[^"]*)"')


HIGHLIGHT_PRE = re.compile(r'(<div class="highlight[^"]*"><pre>)(.*?)(</pre>)', re.S)
TOKEN_SPAN = re.compile(r'<span class="([a-z0-9]+)">([^<]*)</span>')
SAME_CLASS_RUN = re.compile(r'<span class="([a-z0-9]+)">([^<]*)</span><span class="\1">([^<]*)</span>')
STYLED_TOKEN = re.compile(r"\.highlight \.([a-z0-9]+)\s*\{")


def thin_highlighting(body, css):
    """Fewer spans in pygments' code blocks, the same colours: whitespace
    tokens (<span class="w"> </span>: the colour of a space does not show)
    and tokens of a class the stylesheet css gives no rule (names, "nx", the
    most common token of Go code) lose their span, and neighbouring tokens
    of one class share one. On a code-heavy page this is half its code's
    bytes. Cost O(page)."""
    styled = set(STYLED_TOKEN.findall(css)) - {"w"}

    def thin(m):
        code = TOKEN_SPAN.sub(lambda t: t.group(0) if t.group(1) in styled else t.group(2), m.group(2))
        while True:
            merged = SAME_CLASS_RUN.sub(r'<span class="\1">\2\3</span>', code)
            if merged == code:
                return m.group(1) + code + m.group(3)
            code = merged

    return HIGHLIGHT_PRE.sub(thin, body)


def fix_heading_ids(body):
    """nbconvert percent-encodes non-ASCII heading ids (id="Momentum-%CF%81"),
    which no fragment link can reach; use the decoded text as the id and a
    percent-encoded fragment in every link to it."""
    for raw in {m.group(2) for m in HEADING_ID.finditer(body)}:
        decoded = urllib.parse.unquote(raw)
        body = body.replace(f'id="{raw}"', f'id="{html.escape(decoded)}"')
        body = body.replace(f'href="#{raw}"', f'href="#{urllib.parse.quote(decoded, safe="")}"')
    return body


def toc(body):
    """A table of contents from the page's h2/h3 headings. The list carries
    no numbers of its own: the course's headings number themselves."""
    items = []
    for level, anchor, inner in HEADING.findall(body):
        inner = re.sub(r'<a class="anchor-link".*?</a>', "", inner, flags=re.S)
        target = urllib.parse.quote(html.unescape(anchor), safe="")
        items.append(f'<li class="h{level}"><a href="#{target}">{inner.strip()}</a></li>')
    if not items:
        return ""
    return ('<nav class="descent-toc" aria-label="contents"><strong>Contents</strong>'
            '<ul>' + "".join(items) + "</ul></nav>")


def nav(prev, nxt):
    """The course navigation: map, previous and next page."""
    parts = ['<a href="index.html">descent · course map</a><span class="descent-prevnext">']
    if prev:
        parts.append(f'<a rel="prev" href="{href(prev["stem"])}">← {html.escape(prev["title"])}</a>')
    if nxt:
        parts.append(f'<a rel="next" href="{href(nxt["stem"])}">{html.escape(nxt["title"])} →</a>')
    parts.append("</span>")
    return "".join(parts)


def index_page(entries, head):
    rows = "\n".join(
        f'<li><span class="num">{html.escape(e["stem"].split("-")[0])}</span> <a href="{href(e["stem"])}">{html.escape(e["title"])}</a>'
        f'<span class="summary">{e["summary_html"]}</span></li>'
        for e in entries
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>descent — optimization for deep learning, in Go</title>
{head}</head>
<body class="descent-page descent-index">
<h1>descent — optimization for deep learning, in Go</h1>
<p>The lecture notes of the course: every notebook executed, every claim in the prose checked by the code beside it.
Each page works offline; charts are interactive where scripts run and pictures where they do not.</p>
<ol class="descent-course">
{rows}
</ol>
</body></html>
"""


# ------------------------------------------------------------------ formulas

# Math in rendered markdown, as nbconvert leaves it (verbatim between its
# delimiters): display first, then inline.
MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|(?<![\\$])\$(?!\s)([^$]+?)(?<![\s\\])\$(?!\d)", re.S)


def math_spans(text):
    """Yields (start, end, tex, display) for every formula in text."""
    for m in MATH.finditer(text):
        if m.group(1) is not None:
            yield m.start(), m.end(), m.group(1), True
        elif m.group(2) is not None:
            yield m.start(), m.end(), m.group(2), True
        elif m.group(3) is not None:
            yield m.start(), m.end(), m.group(3), False
        else:
            yield m.start(), m.end(), m.group(4), False


def math_text_nodes(soup):
    """The text nodes of rendered markdown (and of the index) that may hold
    formulas: not inside code, pre, script or style."""
    from bs4 import NavigableString  # noqa: PLC0415

    for root in soup.select(".jp-RenderedMarkdown, .descent-toc, .descent-index .summary"):
        for node in list(root.descendants):
            if not isinstance(node, NavigableString) or type(node).__name__ != "NavigableString":
                continue
            if node.find_parent(["code", "pre", "script", "style"]):
                continue
            if "$" in node or "\\(" in node or "\\[" in node:
                yield node


class KaTeX:
    """Renders formulas with KaTeX under node, many at once."""

    def __init__(self):
        self.script = os.path.join(HERE, "katex.js")
        self.modules = os.path.join(HERE, "node_modules", "katex")
        self.node = shutil.which("node")

    def check(self):
        if not self.node:
            fail("node is not on PATH: formulas are rendered with KaTeX under Node.js (apt-get install nodejs npm; then make setup)")
        if not os.path.isdir(self.modules):
            fail(f"{self.modules} is missing: run `make setup` (it installs KaTeX from tools/site/package-lock.json)")

    def render(self, formulas):
        """formulas: list of (tex, display). Returns the HTML of each, or
        raises BuildError naming the first formula KaTeX rejects."""
        if not formulas:
            return []
        req = json.dumps([{"tex": t, "display": d} for t, d in formulas])
        try:
            out = subprocess.run([self.node, self.script], input=req, capture_output=True, text=True, check=True, timeout=300)
        except subprocess.CalledProcessError as e:
            fail(f"KaTeX under node failed: {e.stderr.strip()[-2000:]}")
        res = json.loads(out.stdout)
        return res


def render_formulas(pages, katex):
    """Replaces the TeX of every page (BeautifulSoup trees) by KaTeX's HTML."""
    from bs4 import BeautifulSoup  # noqa: PLC0415

    jobs = []  # (page name, node, [(start, end, tex, display)])
    formulas = []
    for name, soup in pages:
        for node in math_text_nodes(soup):
            spans = list(math_spans(str(node)))
            if spans:
                jobs.append((name, node, spans))
                formulas.extend((tex, disp) for _, _, tex, disp in spans)
    if not formulas:
        return 0
    rendered = katex.render(formulas)
    errors = []
    k = 0
    for name, node, spans in jobs:
        text = str(node)
        parts, pos = [], 0
        for start, end, tex, disp in spans:
            r = rendered[k]
            k += 1
            if "error" in r:
                errors.append(f"{name}: {'$$' if disp else '$'}{tex}{'$$' if disp else '$'}: {r['error']}")
                continue
            parts.append(html.escape(text[pos:start], quote=False))
            parts.append(r["html"])
            pos = end
        parts.append(html.escape(text[pos:], quote=False))
        frag = BeautifulSoup("".join(parts), "html.parser")
        node.replace_with(*list(frag.contents))
    if errors:
        fail("KaTeX cannot render these formulas:\n  " + "\n  ".join(errors))
    return len(formulas)


# -------------------------------------------------------------------- search

# The notes' search (assets/search.js, tools/site/README.md): an index built
# here, over every page's sections (h1–h3 and the text up to the next one):
# headings, prose, formulas' TeX sources, code and the cells' text outputs.
# Tokens are as assets/search.js makes them: lower case, accents dropped,
# runs of letters and digits; code identifiers also by their camel-case parts.
SEARCH_TOKEN = re.compile(r"[^\W_]+")
CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
SEARCH_SKIP_TAGS = {"script", "style", "svg", "nav", "summary", "button", "img", "noscript", "template"}
SEARCH_SKIP_CLASSES = {"descent-toc", "descent-nav", "anchor-link", "descent-explore-controls", "descent-explore-error", "katex-html"}
SEARCH_KINDS = ("head", "strong", "prose", "tex", "code", "out", "excerpt")
SEARCH_SECTION_CHARS = 1500  # prose kept per section for the results' excerpts
# A posting's weight: prose and formulas count 2, code and outputs 1; the
# words of a heading (2 units) and of bold text (1 unit: the notes' run-in
# headings, "**The two-loop recursion.**", and defined terms) are counted
# apart, for assets/search.js to boost.
SEARCH_WEIGHT = {"prose": 2, "tex": 2, "code": 1, "out": 1}
SEARCH_HEAD_UNIT = 100000


def search_tokens(text, camel=False):
    import unicodedata  # noqa: PLC0415

    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    toks = [t.lower() for t in SEARCH_TOKEN.findall(plain)]
    if camel:
        for word in SEARCH_TOKEN.findall(plain):
            parts = CAMEL.findall(word)
            if len(parts) > 1:
                toks.extend(p.lower() for p in parts)
    return toks


def page_sections(soup):
    """The sections of a page in order: dicts with the heading's id and text
    and the words under it by kind (head, prose, tex, code, out)."""
    from bs4 import NavigableString, Tag  # noqa: PLC0415

    sections = []
    cur = {"anchor": "", "heading": "", "parts": {k: [] for k in SEARCH_KINDS}}
    sections.append(cur)

    def walk(node, kind):
        nonlocal cur
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child).__name__ != "NavigableString":
                    continue  # comments, script and style text
                if kind == "katex":
                    continue
                cur["parts"][kind].append(str(child))
                if kind in ("prose", "out", "strong"):
                    cur["parts"]["excerpt"].append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in SEARCH_SKIP_TAGS:
                continue
            classes = set(child.get("class") or ())
            if classes & SEARCH_SKIP_CLASSES:
                continue
            if child.name in ("h1", "h2", "h3") and child.get("id"):
                cur = {"anchor": child["id"], "heading": "", "parts": {k: [] for k in SEARCH_KINDS}}
                sections.append(cur)
                walk(child, "head")
                cur["heading"] = " ".join("".join(cur["parts"]["head"]).split())
                continue
            if child.name == "annotation" and child.get("encoding") == "application/x-tex":
                tex = " " + " ".join(child.get_text().split()) + " "
                cur["parts"]["tex"].append(tex)
                cur["parts"]["excerpt"].append(tex)  # an excerpt shows the formula's source
                continue
            k = kind
            if "katex" in classes:
                k = "katex"
            elif child.name in ("strong", "b") and kind == "prose":
                k = "strong"
            elif kind not in ("head", "katex"):
                if "jp-InputArea-editor" in classes:
                    k = "code"
                elif "jp-OutputArea" in classes:
                    k = "out"
            walk(child, k)
            if child.name in ("p", "li", "div", "pre", "td", "th", "tr", "br", "h4", "h5", "h6") and k in cur["parts"]:
                cur["parts"][k].append(" ")
                cur["parts"]["excerpt"].append(" ")

    walk(soup.body if soup.body else soup, "prose")
    return [s for s in sections if s["anchor"] or any("".join(v).strip() for v in s["parts"].values())]


def search_index(pages):
    """pages: (file, title, soup). Returns the index assets/search.js reads:
    {"pages": [[file, title]], "sections": [[page, anchor, heading, text]],
    "terms": {term: [section, weight, …]}} where weight is 100000 × the
    term's heading units (2 per use in the heading, 1 in bold text) plus its
    weighted count in the rest."""
    out_pages, out_sections, terms = [], [], {}
    for p, (file, title, soup) in enumerate(pages):
        out_pages.append([file, title])
        for sec in page_sections(soup):
            parts = {k: "".join(v) for k, v in sec["parts"].items()}
            counts = {}
            for t in search_tokens(parts["head"]):
                counts[t] = counts.get(t, 0) + 2 * SEARCH_HEAD_UNIT
            for t in search_tokens(parts["strong"]):
                counts[t] = counts.get(t, 0) + SEARCH_HEAD_UNIT + SEARCH_WEIGHT["prose"]
            for kind in ("prose", "tex", "code", "out"):
                for t in search_tokens(parts[kind], camel=kind == "code"):
                    if len(t) > 4 and t.isdigit():
                        continue  # the digits of a table's numbers: nobody searches 000376
                    counts[t] = counts.get(t, 0) + SEARCH_WEIGHT[kind]
            if not counts:
                continue
            s = len(out_sections)
            text = " ".join(parts["excerpt"].split())
            if len(text) > SEARCH_SECTION_CHARS:
                text = text[:SEARCH_SECTION_CHARS].rsplit(" ", 1)[0] + " …"
            out_sections.append([p, sec["anchor"], sec["heading"] or title, text])
            for t, w in counts.items():
                terms.setdefault(t, []).extend((s, w))
    return {"pages": out_pages, "sections": out_sections, "terms": dict(sorted(terms.items()))}


def search_asset(index):
    """The index as a script (a page read from file:// may load a script but
    not fetch a JSON file) and its file name, by content."""
    import hashlib  # noqa: PLC0415

    js = "window.descentSearchIndex=" + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n"
    tag = hashlib.sha256(js.encode()).hexdigest()[:12]
    return f"search-index-{tag}.js", js


# ---------------------------------------------------------------- page parts


def stdout_html(text):
    """A cell's stdout: runs of "✔ claim: …" lines as a compact list, the
    rest as preformatted text."""
    from nbconvert.filters import ansi2html  # noqa: PLC0415

    out, plain, claims = [], [], []

    def flush_plain():
        if plain:
            out.append('<pre>' + ansi2html("".join(plain)) + '</pre>')
            plain.clear()

    def flush_claims():
        if claims:
            out.append('<ul class="descent-claims">' + "".join(
                f'<li><span class="descent-claim-mark" aria-label="claim checked">✔</span> {html.escape(c)}</li>' for c in claims) + "</ul>")
            claims.clear()

    for line in text.splitlines(keepends=True):
        if line.startswith(CLAIM_PREFIX):
            flush_plain()
            claims.append(line[len(CLAIM_PREFIX):].rstrip("\n"))
        else:
            flush_claims()
            plain.append(line)
    flush_plain()
    flush_claims()
    return "".join(out)


LOADER = re.compile(r'<script ' + LOADER_ATTR + r'="([^"]+)">(.*?)</script>\n?', re.S)
LOADER_DATA = re.compile(r'atob\("([A-Za-z0-9+/=]+)"\)')
STYLE = re.compile(r'<style type="text/css">(.*?)</style>\s*', re.S)
EXPLORE_LOADER = re.compile(r'<script ' + EXPLORE_ATTR + r'="([^"]+)">(.*?)</script>\n?', re.S)
EXPLORE_MODULE = re.compile(r'<div class="' + EXPLORE_CLASS + r'"[^>]* data-module="([a-z]+)"')


def strip_explore_loaders(body, scripts):
    """Removes lib/viz/nb.Explore's inlined explorable assets from a page;
    each script goes into scripts["MODULE-VERSION"]. Returns the page and
    the assets it carried, by module."""
    carried = {}

    def take(m):
        tag = m.group(1)
        if not re.fullmatch(r"[a-z]+-[0-9a-f]{12}", tag):
            fail(f"explorable asset with an unexpected name {tag!r} (lib/explore/web.Asset.Loader changed?)")
        scripts.setdefault(tag, m.group(2))
        carried[tag.split("-")[0]] = tag
        return ""

    return EXPLORE_LOADER.sub(take, body), carried


def strip_loaders(body, bundles):
    """Removes lib/viz's inlined echarts loaders from a page; the bundle each
    carried (gunzipped) goes into bundles[version]. Returns the page and the
    versions it used."""
    versions = set()

    def take(m):
        version = m.group(1)
        if not re.fullmatch(r"[0-9A-Za-z.+-]+", version):
            fail(f"echarts loader with an unexpected version {version!r}")
        versions.add(version)
        if version not in bundles:
            data = LOADER_DATA.search(m.group(2))
            if not data:
                fail(f"the echarts loader {version} holds no bundle (lib/viz/draw.EChartsLoader changed?)")
            bundles[version] = gzip.decompress(base64.b64decode(data.group(1)))
        return ""

    return LOADER.sub(take, body), versions


CHART_SCRIPT = re.compile(r"^\(function\(\)\{var s=document\.currentScript,box=s&&s\.previousElementSibling,opt=")
CHART_FORMATTERS = re.compile(r"return;(function sup\(.*?)function draw\(\)\{", re.S)
DATA_URI = re.compile(r"data:(image/svg\+xml|image/png)(;charset=utf-8)?(;base64)?,(.*)", re.S)


def split_charts(soup, stem, files):
    """Takes the charts of a page (lib/viz/draw.HTML: a div.descent-viz with
    its static picture as a data: URI and an inline script with its echarts
    options) apart into per-page assets: the picture into
    pages/STEM/ID.svg (or .png), referenced by the <img> (so it shows with
    scripts off and prints); the options into pages/STEM/ID.js, a script
    calling descentViz(ID, options) that assets/charts.js loads when the
    chart nears the viewport, named in the div's data-chart. files[path] =
    bytes to write. Explorables' pictures (inside .descent-explore) are left
    as they are. Returns the charts' formatters (lib/viz/draw's fmtJS, read
    from their scripts) and the number of charts split. Cost: one decode and
    write per chart; fails naming the page when a chart's script is not the
    shape lib/viz/draw writes."""
    formatters, n = None, 0
    base = "pages/" + stem + "/"
    for box in soup.select("div.descent-viz"):
        if box.get("class") != [CHART_CLASS] or box.find_parent(class_=EXPLORE_CLASS) or box.get("data-chart"):
            continue
        cid, img = box.get("id", ""), box.find("img", recursive=False)
        if not re.fullmatch(r"viz-[a-z0-9-]+", cid) or img is None:
            fail(f"{stem}.ipynb: a chart without the id and picture lib/viz/draw.HTML gives it ({cid!r}): re-run it (make notes)")
        m = DATA_URI.fullmatch(img.get("src", ""))
        if m:
            if m.group(3):
                data, ext = base64.b64decode(m.group(4)), ".png"
            else:
                data, ext = urllib.parse.unquote(m.group(4)).encode(), ".svg"
            files[base + cid + ext] = data
            img["src"] = urllib.parse.quote(base + cid + ext)
        script = box.find_next_sibling()
        if script is None or script.name != "script" or script.get("src") or not CHART_SCRIPT.match(script.string or ""):
            continue  # a picture without script (viz.NoScript): nothing to draw
        text = script.string
        start = CHART_SCRIPT.match(text).end()
        try:
            _, end = json.JSONDecoder().raw_decode(text, start)
        except ValueError as e:
            fail(f"{stem}.ipynb: chart {cid}'s options are not JSON ({e}): re-run it (make notes)")
        f = CHART_FORMATTERS.search(text)
        if not f:
            fail(f"{stem}.ipynb: chart {cid}'s script has no formatters where lib/viz/draw.HTML puts them (changed?): update build.py")
        if formatters not in (None, f.group(1)):
            fail(f"{stem}.ipynb: its charts carry different formatters (lib/viz/draw changed?): re-run it (make notes)")
        formatters = f.group(1)
        files[base + cid + ".js"] = ("descentViz(" + json.dumps(cid) + "," + text[start:end] + ");\n").encode()
        box["data-chart"] = urllib.parse.quote(base + cid + ".js")
        script.decompose()
        n += 1
    return formatters, n


def split_folded_code(soup, stem, files):
    """Moves the highlighting of folded code (check, experiment and solution
    cells: <details>) out of a page: each such code block keeps its code as
    plain text, and its highlighted HTML goes into pages/STEM/code.js, which
    assets/code.js loads when the reader first opens a fold and puts in
    place. Without scripts an opened fold shows its code uncoloured. A
    page's folded code is most of its code and a third of its bytes. Returns
    the number of blocks moved. Cost O(page)."""
    blocks = []
    src = urllib.parse.quote("pages/" + stem + "/code.js")
    for pre in soup.select("details div.highlight > pre"):
        blocks.append(pre.decode_contents())
        text = pre.get_text()
        pre.clear()
        pre.append(text)
        pre["data-code"] = f"{src}#{len(blocks) - 1}"
    if blocks:
        files["pages/" + stem + "/code.js"] = ("descentCode(" + json.dumps(src) + "," +
                                               json.dumps(blocks, ensure_ascii=False, separators=(",", ":")) + ");\n").encode()
    return len(blocks)


MATHML_XMLNS = ' xmlns="http://www.w3.org/1998/Math/MathML"'
STYLE_ATTR = re.compile(r' style="([^"]*)"')
LEADING_ZERO = re.compile(r"(?<![\w.])0\.(?=\d)")


def thin_markup(body):
    """Bytes a page's parser does not need, the same page: KaTeX's xmlns on
    each <math> (an HTML page's <math> is MathML), the leading zero of
    decimals and the last semicolon in style attributes (KaTeX writes about a
    thousand per page: "height:0.6444em;"), and the empty span pygments puts
    at the start of every code block. Cost O(page)."""
    body = body.replace(MATHML_XMLNS, "").replace("<pre><span></span>", "<pre>")
    return STYLE_ATTR.sub(lambda m: ' style="' + LEADING_ZERO.sub(".", m.group(1)).rstrip(";") + '"', body)


def split_head_styles(body):
    """The <style> blocks nbconvert inlines in the page head (JupyterLab's
    stylesheet, the code colours) and the page without them."""
    head_end = body.find("</head>")
    if head_end < 0:
        return body, ""
    head = body[:head_end]
    css = "\n".join(m.group(1).strip() for m in STYLE.finditer(head))
    return STYLE.sub("", head) + body[head_end:], css


def with_go_lexer(nb):
    """GoNB answers kernel_info with pygments_lexer "" (and codemirror_mode
    ""), which nbconvert reads as IPython: words like "is" or "for" in a
    comment become keywords, an apostrophe opens a string. A notebook whose
    language is Go is highlighted as Go."""
    info = nb.metadata.get("language_info", {})
    lang = info.get("name") or nb.metadata.get("kernelspec", {}).get("language", "")
    if lang == "go" and not info.get("pygments_lexer"):
        info = nb.metadata.setdefault("language_info", {"name": "go"})
        info["pygments_lexer"] = "go"
        info["codemirror_mode"] = info.get("codemirror_mode") or "go"
    return nb


# ------------------------------------------------------------- files, swap


def write_text(path, text):
    with open(path, "w", encoding="utf-8") as f:  # mode 0666 & ~umask
        f.write(text)


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


def copy_tree(src, dst):
    """Copies files with new modes (0666/0777 & ~umask), not the source's."""
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        s, d = os.path.join(src, name), os.path.join(dst, name)
        if os.path.isdir(s):
            copy_tree(s, d)
        else:
            shutil.copyfile(s, d)


_libc = None


def exchange(a, b):
    """Atomically exchanges the folders a and b (Linux renameat2
    RENAME_EXCHANGE). Returns False where the system cannot."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    fn = getattr(_libc, "renameat2", None)
    if fn is None:
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    if fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), b)


def swap_in(tmp, dst):
    """Puts the finished site tmp at dst. dst never disappears where the
    system can exchange two folders atomically; elsewhere it is missing for
    the moment between two renames."""
    if not os.path.lexists(dst):
        os.rename(tmp, dst)
        return
    if exchange(tmp, dst):
        shutil.rmtree(tmp)  # now the previous site
        return
    old = tmp + ".old"
    os.rename(dst, old)
    os.rename(tmp, dst)
    shutil.rmtree(old)


@contextlib.contextmanager
def build_lock(dst, wait):
    """Holds DST.lock for the build; waits up to wait seconds for another
    build of the same DST, then fails naming it."""
    path = os.path.abspath(dst).rstrip("/") + ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
                if time.monotonic() >= deadline:
                    fail(f"another build of {dst} is running ({holder}) and did not finish within {wait:g}s; "
                         f"wait for it, or stop it, and run again")
                if not told:
                    print(f"site: another build of {dst} is running ({holder}); waiting up to {wait:g}s", file=sys.stderr, flush=True)
                    told = True
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%H:%M:%S')}".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def temp_prefix(dst):
    return os.path.join(os.path.dirname(os.path.abspath(dst)), "." + os.path.basename(os.path.abspath(dst)) + ".site-")


def remove_leftovers(dst):
    """Temporary folders of builds that died (kill -9, power loss): with the
    lock held, no other build owns one."""
    prefix = temp_prefix(dst)
    parent = os.path.dirname(prefix)
    for name in os.listdir(parent):
        p = os.path.join(parent, name)
        if p.startswith(prefix) and os.path.isdir(p):
            shutil.rmtree(p, ignore_errors=True)


# ------------------------------------------------------------------- build


def select_notebooks(src, sources):
    """The executed notebooks to publish: one per notebook in sources, in
    order of name. Stale executed copies are reported and skipped."""
    if not os.path.isdir(sources):
        fail(f"{sources} is not a folder of notebooks")
    names = sorted(f for f in os.listdir(sources) if f.endswith(".ipynb") and not f.startswith("."))
    if not names:
        fail(f"no notebooks in {sources}")
    missing = [n for n in names if not os.path.isfile(os.path.join(src, n))]
    if missing:
        fail(f"no executed copy in {src} of {', '.join(missing)}: run `make notes`")
    stale = sorted(f for f in os.listdir(src) if f.endswith(".ipynb") and f not in names and not f.startswith("."))
    for f in stale:
        print(f"site: not published: {os.path.join(src, f)} (no {f} in {sources}: renamed or deleted)", file=sys.stderr)
    return names


def check_is_execution_of_source(nb, path, source_path, nbformat):
    """Stop unless the executed notebook nb (read from path) holds exactly
    the cells of the course notebook at source_path: same kinds, same
    sources, in order. The site trusts what it renders (nbconvert's HTML
    exporter keeps a markdown cell's raw HTML and scripts, which the charts
    need), so it renders only executions of the instructor's own notebooks,
    never a notebook whose text came from elsewhere, such as a student's
    submission (tools/site/README.md, "Trust")."""
    try:
        source = nbformat.read(source_path, as_version=4)
    except Exception as e:  # noqa: BLE001 — report which file and why
        fail(f"{source_path} is not a readable notebook: {e}")
    got = [(c.cell_type, c.source) for c in nb.cells]
    want = [(c.cell_type, c.source) for c in source.cells]
    if got == want:
        return
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            where = f"cell {i} is a {g[0]} cell, the course's a {w[0]} cell" if g[0] != w[0] else f"cell {i} ({g[0]}) has other text than the course's"
            break
    else:
        where = f"it has {len(got)} cells, the course's {len(want)}"
    fail(f"{path} is not an execution of {source_path}: {where}. The site renders only "
         "the course's own notebooks, executed (`make notes`); see Trust in tools/site/README.md")


def build(src, dst, sources=None, wait=600.0):
    import nbformat  # noqa: PLC0415
    from bs4 import BeautifulSoup  # noqa: PLC0415
    from nbconvert import HTMLExporter  # noqa: PLC0415
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor  # noqa: PLC0415

    sources = sources or os.path.join(ROOT, "notebooks")
    katex = KaTeX()
    katex.check()
    parent = os.path.dirname(os.path.abspath(dst))
    os.makedirs(parent, exist_ok=True)
    with build_lock(dst, wait):
        remove_leftovers(dst)
        names = select_notebooks(src, sources)
        notebooks = []
        for name in names:
            path = os.path.join(src, name)
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception as e:  # noqa: BLE001 — report which file and why
                fail(f"{path} is not a readable notebook: {e}")
            check_is_execution_of_source(nb, path, os.path.join(sources, name), nbformat)
            stem = name[: -len(".ipynb")]
            title, summary = title_and_summary(nb, stem)
            notebooks.append({"nb": with_go_lexer(nb), "stem": stem, "file": stem + ".html", "title": title, "summary": summary})

        tmp = temp_prefix(dst) + str(os.getpid())
        os.mkdir(tmp, 0o777)  # as the umask allows, unlike tempfile.mkdtemp's 0700
        try:
            sizes = export(notebooks, tmp, nbformat, BeautifulSoup, HTMLExporter, CoalesceStreamsPreprocessor, katex)
            swap_in(tmp, dst)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    for page, size in sizes:
        print(f"site: {page:45s} {size / 1024:8.0f} KiB")
    return sizes


def export(notebooks, tmp, nbformat, BeautifulSoup, HTMLExporter, CoalesceStreamsPreprocessor, katex):
    exporter = HTMLExporter(template_name="descent", extra_template_basedirs=[os.path.join(HERE, "template")])
    exporter.register_preprocessor(CoalesceStreamsPreprocessor(enabled=True), enabled=True)
    exporter.register_filter("descent_stdout", stdout_html)
    bundles, shared_css, pages, explore_scripts = {}, None, [], {}
    chart_files, formatters = {}, None  # pages/STEM/ID.{svg,png,js} → bytes; lib/viz/draw's fmtJS
    for i, e in enumerate(notebooks):
        prev = notebooks[i - 1] if i > 0 else None
        nxt = notebooks[i + 1] if i + 1 < len(notebooks) else None
        resources = {"metadata": {"name": e["title"]}, "descent": {"nav": nav(prev, nxt), "check_tag": CHECK_TAG}}
        try:
            body, _ = exporter.from_notebook_node(e["nb"], resources=resources)
        except Exception as err:  # noqa: BLE001 — name the notebook
            fail(f"{e['stem']}.ipynb: nbconvert cannot export it: {err}")
        body, css = split_head_styles(body)
        if shared_css is None:
            shared_css = css
        elif css != shared_css:
            fail(f"{e['stem']}.ipynb: nbconvert inlined a stylesheet that differs from the other pages'")
        body, versions = strip_loaders(body, bundles)
        if len(versions) > 1:
            fail(f"{e['stem']}.ipynb carries echarts {', '.join(sorted(versions))}: re-run it (make notes)")
        e["echarts"] = versions.pop() if versions else None
        e["charts"] = f'class="{CHART_CLASS}"' in body
        body, e["explore"] = strip_explore_loaders(body, explore_scripts)
        e["modules"] = sorted(set(EXPLORE_MODULE.findall(body)))
        body = fix_heading_ids(body)
        body = thin_highlighting(body, shared_css)
        body = body.replace("<!--descent:toc-->", toc(body), 1)
        soup = BeautifulSoup(body, "html.parser")
        fmt, e["split"] = split_charts(soup, e["stem"], chart_files)
        if fmt is not None:
            if formatters not in (None, fmt):
                fail(f"{e['stem']}.ipynb: its charts' formatters differ from the other pages' (lib/viz/draw changed?): re-run the notebooks (make notes)")
            formatters = fmt
        e["folded"] = split_folded_code(soup, e["stem"], chart_files)
        pages.append((e["file"], soup))

    # The index's summaries may hold formulas too.
    for e in notebooks:
        e["summary_html"] = html.escape(e["summary"])
    index = BeautifulSoup(index_page(notebooks, "<!--descent:head-->"), "html.parser")
    render_formulas(pages + [("index.html", index)], katex)

    # One echarts for every page; a page whose charts lost their loader
    # (an output cleared by hand) uses the one the others carried.
    if len(bundles) > 1:
        fail(f"the notebooks carry different echarts versions ({', '.join(sorted(bundles))}): re-run them (make notes)")
    echarts = next(iter(bundles), None)
    if any(e["charts"] for e in notebooks) and echarts is None:
        fail("the pages have charts but no notebook carries the echarts bundle (lib/viz/draw.EChartsLoader): re-run them (make notes)")

    assets = os.path.join(tmp, "assets")
    os.makedirs(assets)
    write_text(os.path.join(assets, "notebook.css"), shared_css or "")
    shutil.copyfile(os.path.join(HERE, "assets", "site.css"), os.path.join(assets, "site.css"))
    katex_dist = os.path.join(katex.modules, "dist")
    os.makedirs(os.path.join(assets, "katex"))
    shutil.copyfile(os.path.join(katex_dist, "katex.min.css"), os.path.join(assets, "katex", "katex.min.css"))
    shutil.copyfile(os.path.join(katex.modules, "LICENSE"), os.path.join(assets, "katex", "LICENSE"))
    os.makedirs(os.path.join(assets, "katex", "fonts"))
    for f in sorted(os.listdir(os.path.join(katex_dist, "fonts"))):
        if f.endswith(".woff2"):  # every browser the course targets reads woff2
            shutil.copyfile(os.path.join(katex_dist, "fonts", f), os.path.join(assets, "katex", "fonts", f))
    if echarts:
        write_bytes(os.path.join(assets, f"echarts-{echarts}.min.js"), bundles[echarts])
    if formatters is not None:
        with open(os.path.join(HERE, "assets", "charts.js"), encoding="utf-8") as f:
            runtime = f.read()
        if "/*descent:formatters*/" not in runtime:
            fail("tools/site/assets/charts.js lost its /*descent:formatters*/ marker")
        write_text(os.path.join(assets, "charts.js"), runtime.replace("/*descent:formatters*/", formatters, 1))
    for rel, data in sorted(chart_files.items()):
        os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
        write_bytes(os.path.join(tmp, rel), data)
    # One file per explorable module and version; a page whose explorables
    # lost their asset (an output cleared by hand) uses another page's.
    for tag, script in sorted(explore_scripts.items()):
        write_text(os.path.join(assets, f"explore-{tag}.js"), script)
    for e in notebooks:
        for module in e["modules"]:
            if module not in e["explore"]:
                other = sorted(t for t in explore_scripts if t.split("-")[0] == module)
                if not other:
                    fail(f"{e['stem']}.ipynb has explorables of the {module} module but no notebook carries "
                         f"its asset (lib/viz/nb.Explore): re-run it (make notes)")
                e["explore"][module] = other[-1]

    css_links = ('<link rel="stylesheet" href="assets/notebook.css">\n'
                 '<link rel="stylesheet" href="assets/katex/katex.min.css">\n'
                 '<link rel="stylesheet" href="assets/site.css">\n')
    # The search: its script on every page (it inserts the box; without
    # scripts there is none), the index one shared asset it loads when the
    # reader first uses the box.
    index_name, index_js = search_asset(search_index(
        [(file, e["title"], soup) for (file, soup), e in zip(pages, notebooks)]))
    write_text(os.path.join(assets, index_name), index_js)
    shutil.copyfile(os.path.join(HERE, "assets", "search.js"), os.path.join(assets, "search.js"))
    css_links += f'<script defer src="assets/search.js" data-index="assets/{index_name}"></script>\n'
    sizes = []
    if any(e["folded"] for e in notebooks):
        shutil.copyfile(os.path.join(HERE, "assets", "code.js"), os.path.join(assets, "code.js"))
    for (file, soup), e in zip(pages, notebooks):
        body = thin_markup(str(soup))
        head = css_links
        if e["folded"]:
            head += '<script defer src="assets/code.js"></script>\n'
        if e["split"]:
            # Draws the charts near the viewport from their per-page scripts,
            # pages/STEM/ID.js, and loads echarts after the first frame (or at
            # once for a chart near the viewport), firing "descent-echarts".
            head += f'<script defer src="assets/charts.js" data-echarts="assets/echarts-{echarts}.min.js"></script>\n'
        elif e["charts"]:
            # Deferred, so the page's text shows before echarts is parsed; the
            # charts' scripts (lib/viz/draw.HTML) draw on the "descent-echarts" event.
            head += (f'<script defer src="assets/echarts-{echarts}.min.js" '
                     f'onload="window.dispatchEvent(new Event(\'descent-echarts\'))"></script>\n')
        for module in sorted(e["explore"]):
            # Deferred too: the explorables show their pictures until it runs.
            head += f'<script defer src="assets/explore-{e["explore"][module]}.js"></script>\n'
        body = body.replace("<!--descent:head-->", head, 1)
        out = os.path.join(tmp, file)
        write_text(out, body)
        size = os.path.getsize(out)
        if size > PAGE_BUDGET:
            fail(f"{file} is {size / 1024:.0f} KiB, over the {PAGE_BUDGET / 1024:.0f} KiB page budget: "
                 f"plot fewer points or smaller pictures in {e['stem']}.ipynb (or raise DESCENT_PAGE_BUDGET)")
        sizes.append((file, size))
    write_text(os.path.join(tmp, "index.html"), str(index).replace("<!--descent:head-->", css_links, 1))
    write_text(os.path.join(tmp, "pages.json"), json.dumps([{"page": p, "bytes": b} for p, b in sizes], indent=1))
    return sizes


def main(argv):
    ap = argparse.ArgumentParser(prog="build.py", description="Build the offline lecture-note site from executed notebooks.")
    ap.add_argument("--sources", help="folder of the course notebooks; only these are published (default: the checkout's notebooks/)")
    ap.add_argument("--wait", type=float, default=600, help="seconds to wait for another build of DST (default 600)")
    ap.add_argument("src", help="folder of executed notebooks (build/notebooks)")
    ap.add_argument("dst", help="site folder (build/html)")
    a = ap.parse_args(argv)
    t0 = time.time()
    try:
        build(a.src, a.dst, a.sources, a.wait)
    except BuildError as e:
        print(e, file=sys.stderr)
        return 1
    print(f"site: {a.dst} built in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
