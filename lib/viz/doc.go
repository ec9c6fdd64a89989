// Package viz describes charts once and draws them twice: as a static
// picture with gonum.org/v1/plot (SVG or PNG) and as an interactive chart
// with go-echarts (echarts option JSON inside an HTML fragment). The
// notebook helper lib/viz/nb shows them in GoNB cells.
//
// # Charts
//
// A Chart is a *Plot (one pair of axes: lines, points, histograms,
// contour lines), a *HeatMaps (matrices side by side on one colour scale)
// or a *Table. Build them from what runs return (optim.Result, a
// problems.Problem) or from plain data:
//
//	LossCurves(title, ByIter|ByEpoch|ByEvals|ByTime, runs...)   f of the full objective, log y
//	BatchLosses(title, x, runs...)                              a stochastic run's batch losses
//	GradNorms(title, x, runs...)                                ‖∇f‖, log y
//	StepSizes(title, runs...)                                   learning rate or line-search step
//	Trajectories(title, problem, runs...)                       paths over contours, equal axes
//	Problem1D(title, problem, runs...)                          a 1-D problem with its iterates
//	Decision(title, x, y, labels, boundary, box, opts...)       dataset with decision boundary
//	DecisionData(title, dataset, boundary, box)
//	Scaling(title, name, sizes, costs, opts...)                 log-log with fitted slope
//	Histogram(title, name, values, bins, opts...)
//	NewHeatMaps(title, MatrixOf(name, m), ...)
//	NewTable(title, header, rows...), RunTable(title, runs...)
//
// or compose a Plot with NewPlot and its builder methods Line, Points,
// Path, Histogram and Contours (one named series each). Styling uses
// functional options in the go-echarts manner: XLabel, YLabel, LogX, LogY,
// LinearY, XRange, YRange, Size, EqualAxes, Note for a Plot (With adds them
// to a chart a constructor made); Color, Dashed, Marker, NoLegend for a
// series. A series without its own colour takes the Look (an Okabe–Ito
// colour and a dash) bound to its name in Default, so a method keeps one
// look in every chart of a notebook; contours are grey.
//
// # Layout
//
// Both renderers draw from one layout computed here: titles wrapped clear
// of the toolbox, notes, legends in as many rows as their entries need,
// the y-axis name above the axis, margins that fit the widest tick label,
// log axes labelled 10ⁿ, no thousands separators. LayoutCheckJS checks the
// result in a browser.
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
// The HTML fragment is a <div class="descent-viz"> holding the static
// picture as an <img> with a data: URI, then a <script> that, once
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
//
// # echarts
//
// echarts 5.6.0 (assets/echarts.min.js, from the npm registry, Apache-2.0,
// checksum in assets/README.md and EChartsSHA256) is embedded with
// go:embed, never fetched from a CDN. EChartsLoader returns a <script>
// carrying it gzip-compressed in base64 (about 450 kB rather than 1 MB),
// unpacked by the browser's DecompressionStream and evaluated with define,
// module and exports shadowed: with require.js on the page (nbconvert's
// classic templates load it) the UMD header would otherwise register an
// AMD module and leave window.echarts undefined. The bundle belongs once
// per page: WritePage puts it at the top; lib/viz/nb puts it in the first
// chart of each kernel session.
//
// # Notebook cells: the descentcell build tag
//
// A notebook cell is a program of its own, built and linked anew each time
// it runs, and the renderers are most of what it links: gonum/plot's root
// package imports every one of its backends (PDF, EPS, TeX, raster), and
// go-echarts, the fonts and the echarts bundle come with them. The course
// kernel therefore builds cells with -tags=descentcell. In that build this
// package holds the chart descriptions and their constructors but not the
// drawing code: SVG, PNG, Options, HTML, ID and EChartsLoader ask a helper
// process, built from the same sources, which lib/viz/nb installs (see
// SetCellDrawer and lib/viz/nb/internal/render), and return the same bytes.
// A *Plot crosses with encoding/gob; the functions given to Contours stay
// in the cell, and the helper asks for their values on the grid it draws
// (ContourGrid, ContoursFrom). Outside the kernel nothing changes: go test,
// go run and the tools draw in process.
//
// # Bad data
//
// Rendering returns an error naming the chart and the series for
// mismatched x/y lengths, ragged matrices, table rows of the wrong width,
// and values ≤ 0 on a log axis. NaN and ±Inf points are skipped and an
// empty series is dropped, each with a note shown under the title in both
// renderers; a lone point is drawn as a marker.
package viz
