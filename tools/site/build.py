"""Build the offline lecture-note site from executed notebooks.

    .venv/bin/python tools/site/build.py build/notebooks build/html

Every executed notebook in SRC becomes one page in DST, exported by nbconvert
with the `descent` template (tools/site/template): no CDN reference of any
kind, formulas by the local KaTeX copy, previous / next links, a table of
contents, a print stylesheet. DST also gets index.html (the course map) and
assets/. The site is built in a temporary folder beside DST and swapped in
whole, so a failure leaves the previous site as it was.
"""

import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.parse

import nbformat
from nbconvert import HTMLExporter

HERE = os.path.dirname(os.path.abspath(__file__))
# Largest page allowed, in bytes: a lecture-note page carries the echarts
# bundle once (about 450 kB, compressed) plus its charts' static pictures.
PAGE_BUDGET = int(os.environ.get("DESCENT_PAGE_BUDGET", 2 * 1024 * 1024))
HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
TAGS = re.compile(r"<[^>]+>")


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
    """A table of contents from the page's h2/h3 headings."""
    items = []
    for level, anchor, inner in HEADING.findall(body):
        label = html.unescape(TAGS.sub("", inner)).replace("¶", "").strip()
        target = urllib.parse.quote(html.unescape(anchor), safe="")
        items.append(f'<li class="h{level}"><a href="#{target}">{html.escape(label)}</a></li>')
    if not items:
        return ""
    return '<nav class="descent-toc" aria-label="contents"><strong>Contents</strong><ol>' + "".join(items) + "</ol></nav>"


def index_page(entries):
    rows = "\n".join(
        f'<li><span class="num">{html.escape(e["stem"].split("-")[0])}</span> <a href="{e["href"]}">{html.escape(e["title"])}</a>'
        f'<span class="summary">{html.escape(e["summary"])}</span></li>'
        for e in entries
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>descent — optimization for deep learning, in Go</title>
<link rel="stylesheet" href="assets/site.css">
<link rel="stylesheet" href="assets/katex/katex.min.css">
<script defer src="assets/katex/katex.min.js"></script>
<script defer src="assets/katex/auto-render.min.js"></script>
<script defer src="assets/site.js"></script>
</head>
<body class="descent-page descent-index">
<h1>descent — optimization for deep learning, in Go</h1>
<p>The lecture notes of the course: every notebook executed, every claim in the prose checked by the code beside it.
Each page works offline; charts are interactive where scripts run and pictures where they do not.</p>
<ol class="descent-course">
{rows}
</ol>
</body></html>
"""


def build(src, dst):
    names = sorted(f for f in os.listdir(src) if f.endswith(".ipynb"))
    if not names:
        raise SystemExit(f"site: no executed notebooks in {src}: run `make notes`")
    notebooks = []
    for name in names:
        path = os.path.join(src, name)
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as e:  # noqa: BLE001 — report which file and why
            raise SystemExit(f"site: {path} is not a readable notebook: {e}")
        stem = name[: -len(".ipynb")]
        title, summary = title_and_summary(nb, stem)
        notebooks.append({"nb": nb, "stem": stem, "href": stem + ".html", "title": title, "summary": summary})

    parent = os.path.dirname(os.path.abspath(dst)) or "."
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".site-", dir=parent)
    try:
        exporter = HTMLExporter(template_name="descent", extra_template_basedirs=[os.path.join(HERE, "template")])
        sizes = []
        for i, e in enumerate(notebooks):
            prev = notebooks[i - 1] if i > 0 else None
            nxt = notebooks[i + 1] if i + 1 < len(notebooks) else None
            resources = {
                "metadata": {"name": e["title"]},
                "descent": {
                    "prev": prev and {"href": prev["href"], "title": prev["title"]},
                    "next": nxt and {"href": nxt["href"], "title": nxt["title"]},
                },
            }
            body, _ = exporter.from_notebook_node(e["nb"], resources=resources)
            body = fix_heading_ids(body)
            body = body.replace("<!--descent:toc-->", toc(body), 1)
            out = os.path.join(tmp, e["href"])
            with open(out, "w", encoding="utf-8") as f:
                f.write(body)
            size = os.path.getsize(out)
            if size > PAGE_BUDGET:
                raise SystemExit(
                    f"site: {e['href']} is {size / 1024:.0f} KiB, over the {PAGE_BUDGET / 1024:.0f} KiB page budget: "
                    f"plot fewer points or smaller pictures in {e['stem']}.ipynb (or raise DESCENT_PAGE_BUDGET)")
            sizes.append((e["href"], size))
        with open(os.path.join(tmp, "index.html"), "w", encoding="utf-8") as f:
            f.write(index_page(notebooks))
        shutil.copytree(os.path.join(HERE, "assets"), os.path.join(tmp, "assets"))
        with open(os.path.join(tmp, "pages.json"), "w") as f:
            json.dump([{"page": p, "bytes": b} for p, b in sizes], f, indent=1)
        old = dst + ".old"
        shutil.rmtree(old, ignore_errors=True)
        if os.path.exists(dst):
            os.rename(dst, old)
        os.rename(tmp, dst)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for page, size in sizes:
        print(f"site: {page:45s} {size / 1024:8.0f} KiB")
    return sizes


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: build.py SRC_DIR DST_DIR")
    t0 = time.time()
    build(sys.argv[1], sys.argv[2])
    print(f"site: {sys.argv[2]} built in {time.time() - t0:.1f}s")
