package draw

import (
	"fmt"
	"math"
	"slices"

	"github.com/descentlab/descent/internal/vizstate"
	"github.com/descentlab/descent/lib/viz"
)

// drawSeries is a Series checked and cleaned for drawing.
type drawSeries struct {
	viz.Series
	parts [][]pt // polylines; one part except for contours
	dash  viz.Dash
	width float64 // line width in CSS pixels (0: 2)
	path  bool    // drawn by Path: simplified like a contour
}

// prepared is a Plot checked and cleaned: every point is finite and fits
// its axes, colours are resolved, notes say what was left out.
type prepared struct {
	title  string
	w, h   int
	x, y   viz.Axis
	series []drawSeries
	notes  []string
	// widenedX and widenedY say that equal axes widened that range.
	widenedX, widenedY bool
	// hdr is the space above the axes; left, right and bottom the margins
	// of the plotting area, in CSS pixels.
	hdr                 header
	left, right, bottom float64
	// extent holds boxes that count in the drawn range (contours' boxes).
	extent [][4]float64
}

// prepare checks p: it returns an error for mismatched lengths and for
// values ≤ 0 on a log axis (naming the series), and drops non-finite
// points and empty series with a note. Cost O(total points).
func (p plotView) prepare() (*prepared, error) {
	title, w, h := p.chart()
	st := p.state()
	if st.Err != nil {
		return nil, st.Err
	}
	pr := &prepared{title: title, w: w, h: h, x: p.X, y: p.Y}
	pr.notes = append(pr.notes, p.Notes...)
	looks := p.looks()
	for i, s := range p.Series {
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("series %d", i+1)
		}
		nx, ny := len(s.X), len(s.Y)
		if s.Kind == viz.StepsKind {
			if (nx != 0 || ny != 0) && nx != ny+1 {
				return nil, fmt.Errorf("viz: plot %q: series %q: histogram needs len(edges) = len(counts)+1, got %d edges and %d counts", title, name, nx, ny)
			}
		} else if nx != ny {
			return nil, fmt.Errorf("viz: plot %q: series %q: %d x values but %d y values", title, name, nx, ny)
		}
		ds := drawSeries{Series: s, path: st.Paths[i]}
		ds.Name = name
		var cur []pt
		skipped := 0
		for i := 0; i < nx; i++ {
			var x, y float64
			switch {
			case s.Kind != viz.StepsKind:
				x, y = s.X[i], s.Y[i]
			case i < ny:
				x, y = s.X[i], s.Y[i]
			default: // closing edge of a histogram
				x, y = s.X[i], s.Y[i-1]
			}
			if !finite(x) || !finite(y) {
				if s.Kind == viz.ContourKind {
					if len(cur) > 0 {
						ds.parts = append(ds.parts, cur)
						cur = nil
					}
				} else {
					skipped++
				}
				continue
			}
			if err := checkLog(title, name, "x", p.X.Log, x, i); err != nil {
				return nil, err
			}
			if err := checkLog(title, name, "y", p.Y.Log, y, i); err != nil {
				return nil, err
			}
			cur = append(cur, pt{x, y})
		}
		if len(cur) > 0 {
			ds.parts = append(ds.parts, cur)
		}
		if skipped > 0 {
			pr.notes = append(pr.notes, fmt.Sprintf("%s: skipped %d non-finite points (NaN/±Inf)", name, skipped))
		}
		if len(ds.parts) == 0 {
			if s.Kind != viz.ContourKind {
				pr.notes = append(pr.notes, fmt.Sprintf("%s: no data to draw", name))
			}
			continue
		}
		if s.Kind == viz.ContourKind {
			ds.NoLegend = true
			if ds.Color == "" {
				ds.Color = viz.Gray
			}
		}
		if ds.Color == "" {
			look := looks[name]
			ds.Color = look.Color
			if !ds.Dashed {
				ds.dash = look.Dash
			}
		}
		if ds.Dashed {
			ds.dash = viz.DashedLine
		}
		if ds.Kind == viz.ContourKind || ds.path && s.Symbol == viz.NoSymbol { // markers show every point
			ds.parts = simplify(ds.parts, SimplifyTolerance)
		}
		if ds.Kind == viz.LineKind && ds.Symbol == viz.NoSymbol {
			for k, part := range ds.parts {
				ds.parts[k] = decimate(part, MaxLinePoints)
			}
		}
		if ds.Kind == viz.PointsKind && ds.Symbol == viz.NoSymbol {
			ds.Symbol = viz.Circle
		}
		if ds.Kind == viz.LineKind && ds.Symbol == viz.NoSymbol && len(ds.parts[0]) == 1 {
			ds.Symbol = viz.Circle // a lone point would otherwise be invisible
		}
		if ds.Size <= 0 {
			ds.Size = 7
		}
		pr.series = append(pr.series, ds)
	}
	// Paths drawn earlier are drawn wider, so that where two coincide the
	// one underneath shows as a band around the other.
	paths := 0
	for _, ds := range pr.series {
		if ds.path && ds.Kind == viz.LineKind {
			paths++
		}
	}
	for i := range pr.series {
		if ds := &pr.series[i]; ds.path && ds.Kind == viz.LineKind {
			paths--
			ds.width = min(2+1.75*float64(paths), 7)
		}
	}
	pr.extent = append(pr.extent, st.Boxes...)
	pr.frame()
	if p.EqualAxes {
		pr.equalize()
	}
	if len(st.Boxes) > 0 {
		if err := pr.addContours(st); err != nil {
			return nil, fmt.Errorf("viz: plot %q: contours: %w", title, err)
		}
	}
	return pr, nil
}

// addContours computes the contour lines of each spec over the view (its
// box widened to the drawn range) and puts them under the other series.
func (pr *prepared) addContours(st vizstate.State) error {
	x0, x1, y0, y1 := pr.bounds()
	var lines []drawSeries
	for k, box := range st.Boxes {
		if pr.x.Min < pr.x.Max || pr.widenedX {
			box[0], box[1] = x0, x1
		}
		if pr.y.Min < pr.y.Max || pr.widenedY {
			box[2], box[3] = y0, y1
		}
		series, err := st.Lines(k, box)
		if err != nil {
			return err
		}
		for _, l := range series {
			s := viz.Series{Name: l.Name, Kind: viz.ContourKind, X: l.X, Y: l.Y, NoLegend: true}
			ds := drawSeries{Series: s, dash: viz.Solid}
			ds.Color, ds.NoLegend = viz.Gray, true
			if ds.Color == "" {
				ds.Color = viz.Gray
			}
			var cur []pt
			for i := range s.X {
				if !finite(s.X[i]) || !finite(s.Y[i]) {
					if len(cur) > 0 {
						ds.parts = append(ds.parts, cur)
						cur = nil
					}
					continue
				}
				cur = append(cur, pt{s.X[i], s.Y[i]})
			}
			if len(cur) > 0 {
				ds.parts = append(ds.parts, cur)
			}
			if len(ds.parts) == 0 {
				continue
			}
			ds.parts = simplify(ds.parts, SimplifyTolerance)
			ds.Size = 7
			lines = append(lines, ds)
		}
	}
	pr.series = append(lines, pr.series...)
	return nil
}

// xBounds and yBounds are the drawn range of each axis.
func (pr *prepared) xBounds() (lo, hi float64) { x0, x1, _, _ := pr.bounds(); return x0, x1 }
func (pr *prepared) yBounds() (lo, hi float64) { _, _, y0, y1 := pr.bounds(); return y0, y1 }

// looks binds the names of the series that take their colour from Default
// (no Color of their own, not contours), as one chart.
func (p plotView) looks() map[string]viz.Look {
	var names []string
	seen := map[string]bool{}
	for i, s := range p.Series {
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("series %d", i+1)
		}
		if s.Color == "" && s.Kind != viz.ContourKind && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	out := map[string]viz.Look{}
	for i, lk := range viz.Default.Assign(names) {
		out[names[i]] = lk
	}
	return out
}

// legendNames lists the names the legend shows, in order, once each.
func (pr *prepared) legendNames() []string {
	var names []string
	seen := map[string]bool{}
	for _, s := range pr.series {
		if !s.NoLegend && !seen[s.Name] {
			seen[s.Name] = true
			names = append(names, s.Name)
		}
	}
	return names
}

// frame lays out the header and the margins of the plotting area: the left
// margin holds the widest tick label the y range can have, the right one
// half the widest x label.
func (pr *prepared) frame() {
	pr.hdr = layoutHeader(pr.w, pr.title, pr.notes, pr.legendNames(), pr.y.Label)
	x0, x1, y0, y1 := pr.bounds()
	pr.left = 14 + maxLabelWidth(y0, y1, pr.y.Log) + 8
	pr.right = max(24, maxLabelWidth(x1, x1, pr.x.Log)/2+8)
	pr.bottom = 22 + tickSize*lineGap
	if pr.x.Label != "" {
		pr.bottom += axisSize*lineGap + 4
	}
	_ = x0
}

// maxLabelWidth is the widest tick label an axis over [lo, hi] can show.
func maxLabelWidth(lo, hi float64, log bool) float64 {
	if !(lo <= hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return textWidth("0.000", tickSize, false)
	}
	w := 0.0
	for _, v := range niceTicks(lo, hi, log) {
		w = math.Max(w, textWidth(tickLabel(v, log), tickSize, false))
	}
	return w
}

// niceTicks returns tick values of the kind both renderers choose: powers
// of ten on a log axis, multiples of 1, 2 or 5 times a power of ten on a
// linear one (about five of them), with the ends.
func niceTicks(lo, hi float64, log bool) []float64 {
	if log {
		if !(lo > 0) {
			return []float64{1}
		}
		var out []float64
		for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)) && len(out) < 700; e++ {
			out = append(out, math.Pow(10, e))
		}
		return out
	}
	if lo == hi {
		return []float64{lo}
	}
	step := math.Pow(10, math.Floor(math.Log10((hi-lo)/5)))
	for _, m := range []float64{1, 2, 5, 10} {
		if (hi-lo)/(m*step) <= 6 {
			step *= m
			break
		}
	}
	out := []float64{lo, hi}
	for v := math.Ceil(lo/step) * step; v <= hi && len(out) < 40; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

func checkLog(title, series, axis string, log bool, v float64, i int) error {
	if log && v <= 0 {
		return fmt.Errorf("viz: plot %q: series %q: %s = %g at index %d cannot be drawn on a log %s axis (values must be > 0)", title, series, axis, v, i, axis)
	}
	return nil
}

// bounds returns the range of the drawn data, or of the fixed axis range.
func (pr *prepared) bounds() (x0, x1, y0, y1 float64) {
	x0, y0 = math.Inf(1), math.Inf(1)
	x1, y1 = math.Inf(-1), math.Inf(-1)
	for _, s := range pr.series {
		for _, part := range s.parts {
			for _, q := range part {
				x0, x1 = math.Min(x0, q.x), math.Max(x1, q.x)
				y0, y1 = math.Min(y0, q.y), math.Max(y1, q.y)
			}
		}
	}
	for _, b := range pr.extent {
		x0, x1 = math.Min(x0, b[0]), math.Max(x1, b[1])
		y0, y1 = math.Min(y0, b[2]), math.Max(y1, b[3])
	}
	if pr.x.Min < pr.x.Max {
		x0, x1 = pr.x.Min, pr.x.Max
	}
	if pr.y.Min < pr.y.Max {
		y0, y1 = pr.y.Min, pr.y.Max
	}
	return
}

// minPlotArea is the least side of the plotting area in pixels.
const minPlotArea = 50.0

// equalize widens the x or y range so that one unit has the same length
// in pixels on both axes of the plotting area.
func (pr *prepared) equalize() {
	x0, x1, y0, y1 := pr.bounds()
	if !(x0 < x1) || !(y0 < y1) || pr.x.Log || pr.y.Log {
		return
	}
	aw := max(float64(pr.w)-pr.left-pr.right, minPlotArea)
	ah := max(float64(pr.h)-pr.hdr.height-pr.bottom, minPlotArea)
	dx, dy := x1-x0, y1-y0
	if dx/aw > dy/ah { // x needs more pixels per unit: widen y
		c, half := (y0+y1)/2, dx/aw*ah/2
		y0, y1 = c-half, c+half
		pr.widenedY = true
	} else {
		c, half := (x0+x1)/2, dy/ah*aw/2
		x0, x1 = c-half, c+half
		pr.widenedX = true
	}
	pr.x.Min, pr.x.Max = x0, x1
	pr.y.Min, pr.y.Max = y0, y1
}

// MaxLinePoints is the most points a line without markers is drawn with;
// longer lines are decimated (see decimate) so that a chart of a long run
// stays small in a notebook.
const MaxLinePoints = 2000

// decimate reduces a polyline of more than limit points to at most limit:
// it cuts it into limit/4 runs of consecutive points and keeps the first,
// lowest, highest and last point of each, in order, so that spikes and
// oscillations keep their envelope. Deterministic; cost O(len(part)).
func decimate(part []pt, limit int) []pt {
	if len(part) <= limit || limit < 4 {
		return part
	}
	buckets := limit / 4
	out := make([]pt, 0, limit)
	for b := range buckets {
		lo, hi := b*len(part)/buckets, (b+1)*len(part)/buckets
		imin, imax := lo, lo
		for i := lo; i < hi; i++ {
			if part[i].y < part[imin].y {
				imin = i
			}
			if part[i].y > part[imax].y {
				imax = i
			}
		}
		keep := []int{lo, imin, imax, hi - 1}
		slices.Sort(keep)
		last := -1
		for _, i := range keep {
			if i != last {
				out = append(out, part[i])
				last = i
			}
		}
	}
	return out
}

// SimplifyTolerance is the largest distance, as a fraction of the
// diagonal of a series' bounding box, by which contour lines and paths
// (Plot.Path, Trajectories) may move when simplified: about half a pixel.
const SimplifyTolerance = 1e-3

// simplify applies the Ramer–Douglas–Peucker algorithm to each polyline:
// it keeps the fewest vertices such that no dropped vertex lies farther
// than tol × (bounding-box diagonal) from the simplified line.
// Deterministic; cost O(n log n) typical, O(n²) worst case.
func simplify(parts [][]pt, tol float64) [][]pt {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, part := range parts {
		for _, q := range part {
			x0, x1 = math.Min(x0, q.x), math.Max(x1, q.x)
			y0, y1 = math.Min(y0, q.y), math.Max(y1, q.y)
		}
	}
	eps := tol * math.Hypot(x1-x0, y1-y0)
	if !(eps > 0) {
		return parts
	}
	out := make([][]pt, len(parts))
	for k, part := range parts {
		if len(part) < 3 {
			out[k] = part
			continue
		}
		keep := make([]bool, len(part))
		keep[0], keep[len(part)-1] = true, true
		stack := [][2]int{{0, len(part) - 1}}
		for len(stack) > 0 {
			r := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			a, b := part[r[0]], part[r[1]]
			far, dmax := -1, eps
			for i := r[0] + 1; i < r[1]; i++ {
				if d := segDist(part[i], a, b); d > dmax {
					far, dmax = i, d
				}
			}
			if far >= 0 {
				keep[far] = true
				stack = append(stack, [2]int{r[0], far}, [2]int{far, r[1]})
			}
		}
		for i, q := range part {
			if keep[i] {
				out[k] = append(out[k], q)
			}
		}
	}
	return out
}

// segDist is the distance from p to the segment ab.
func segDist(p, a, b pt) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return math.Hypot(p.x-a.x, p.y-a.y)
	}
	t := math.Max(0, math.Min(1, ((p.x-a.x)*dx+(p.y-a.y)*dy)/l2))
	return math.Hypot(p.x-a.x-t*dx, p.y-a.y-t*dy)
}
