package main

import "github.com/descentlab/descent/lib/viz/draw"

// The chart layout check: every chart is drawn with echarts' SVG renderer
// (draw.RendererOverride), so that each title, legend entry, axis name and
// tick label is a DOM node, and draw.LayoutCheckJS looks for clipped or
// overlapping text, titles under the toolbox, log-axis labels that are not
// powers of ten, a series name in two colours on one page, and paged or
// hidden legend entries.
func init() {
	Checks = append(Checks, PageCheck{
		Name:    "chart layout",
		Scripts: ScriptsOn,
		Before:  draw.RendererOverride,
		Script: `(() => { const r = JSON.parse(` + draw.LayoutCheckJS + `);
  return {problems: r.problems.map(p => 'chart layout: ' + p), counts: {'chart texts': r.texts, 'axis labels': r.labels}}; })()`,
	})
}
