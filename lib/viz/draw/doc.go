// Package draw draws the charts that lib/viz describes: as a static
// picture with gonum.org/v1/plot (SVG or PNG) and as an interactive chart
// with go-echarts (echarts option JSON inside an HTML fragment). The chart
// helper (cmd/vizrender, which draws for notebook cells), the site's tools,
// cmd/sitecheck and tests import it; a notebook cell does not.
//
// # Layout
//
// Both renderers draw from one layout computed here: titles wrapped clear
// of the toolbox, notes, legends in as many rows as their entries need,
// the y-axis name above the axis, margins that fit the widest tick label,
// log axes labelled 10ⁿ, no thousands separators. LayoutCheckJS checks the
// result in a browser (with RendererOverride).
//
// # Renderers
//
// SVG and PNG write the static picture; Options returns the echarts option
// object; HTML returns a fragment for a page or a notebook; WritePage writes
// a standalone page with echarts inlined once. All are deterministic: the
// same chart gives the same bytes (numbers with 6 significant digits,
// sorted keys, no animation, no random ids). ID(c) is a fixed identifier
// made of the title's slug and a hash of the chart's content.
//
// # Where the chart is read
//
// The HTML fragment is a <div class="descent-viz"> (ChartClass) holding the
// static picture as an <img> with a data: URI, then a <script> that, once
// window.echarts exists, draws the interactive chart inside the div and
// hides the picture. This single text/html output therefore shows:
//   - in JupyterLab, live: the interactive chart (outputs made in the
//     session are trusted, so scripts run);
//   - in JupyterLab, an executed notebook reopened (untrusted): the picture,
//     because the sanitizer removes scripts but keeps <img> with data: URIs;
//   - in an exported HTML page: the interactive chart, with no request
//     to any host (echarts travels inside the page);
//   - on GitHub or nbviewer, or with JavaScript off: the picture.
//
// The script finds its div as its previous sibling, so the same chart
// shown twice works; it waits for echarts (the "descent-echarts" event,
// or polling for up to 30 s) and otherwise leaves the picture in place.
// FormattersJS is the part of it that writes numbers as the pictures do,
// for front-ends that build charts of their own (lib/explore/web).
//
// # echarts
//
// echarts 5.6.0 (assets/echarts.min.js, from the npm registry, Apache-2.0,
// checksum in assets/README.md) is embedded with go:embed, never fetched
// from a CDN. EChartsLoader returns a <script> (marked with LoaderAttr)
// carrying it gzip-compressed in base64 (about 450 kB rather than 1 MB),
// unpacked by the browser's DecompressionStream and evaluated with define,
// module and exports shadowed: with require.js on the page (nbconvert's
// classic templates load it) the UMD header would otherwise register an
// AMD module and leave window.echarts undefined. The bundle belongs once
// per page: WritePage puts it at the top; lib/viz/nb puts it in the first
// chart of each kernel session.
//
// # Bad data
//
// Drawing returns an error naming the chart and the series for mismatched
// x/y lengths, ragged matrices, table rows of the wrong width, values ≤ 0
// on a log axis, and bad input a lib/viz constructor recorded. NaN and ±Inf
// points are skipped and an empty series is dropped, each with a note shown
// under the title in both renderers; a lone point is drawn as a marker.
package draw
