// Package viz describes charts: what a notebook builds to show a run, a
// problem or a table of results. It holds the descriptions only (Plot,
// HeatMaps, Table, the chart kinds and their looks); drawing them is
// lib/viz/draw's job (a static picture with gonum.org/v1/plot, SVG or
// PNG, and an interactive chart with go-echarts), and lib/viz/nb shows them
// in GoNB cells. A notebook cell imports this package and lib/viz/nb, so
// its program links the descriptions but not the renderers.
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
// # Drawing
//
// lib/viz/draw draws a chart deterministically (the same chart gives the
// same bytes): SVG and PNG for the picture, Options for the echarts option
// object, HTML for a fragment that shows the interactive chart where
// scripts run and the picture elsewhere, WritePage for a standalone page.
// HTMLOption values (StaticFormat, StaticOnly, WithLoader) say how a
// chart's HTML is made; lib/viz/nb takes them too.
//
// # Notebook cells
//
// A notebook cell is a program of its own, built and linked anew each time
// it runs, and the renderers would be most of what it links: gonum/plot's
// root package imports every one of its backends, and go-echarts, the
// fonts and the echarts bundle come with them. So lib/viz/nb hands each
// chart to a helper process (cmd/vizrender, built by make setup) that
// draws it with lib/viz/draw and gives the same bytes. A *Plot crosses with
// encoding/gob; the functions given to Contours stay in the cell, and the
// helper asks for their values on the grid it draws.
//
// # Bad data
//
// Drawing returns an error naming the chart and the series for
// mismatched x/y lengths, ragged matrices, table rows of the wrong width,
// and values ≤ 0 on a log axis. NaN and ±Inf points are skipped and an
// empty series is dropped, each with a note shown under the title in both
// renderers; a lone point is drawn as a marker. A constructor that is given
// bad input (a 3-D problem to Trajectories, say) records it, and drawing
// reports it.
package viz
