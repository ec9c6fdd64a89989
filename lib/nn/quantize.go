package nn

import (
	"fmt"
	"math"
)

// QuantScheme is how a quantizer lays its integer grid over real values.
type QuantScheme int

const (
	// Symmetric puts the grid symmetrically around zero with no offset,
	// value = s·q for the integers q ∈ [−(2^{b−1} − 1), 2^{b−1} − 1] and
	// s = max|w| / (2^{b−1} − 1) ("narrow range", as for int8 weights in
	// Jacob et al. 2018 and TensorRT): 2^b − 1 levels, 0 among them, and an
	// integer product needs no zero-point correction. It suits weights,
	// which are spread around zero. It needs b ≥ 2 (b = 2 is ternary:
	// −s, 0, s).
	Symmetric QuantScheme = iota
	// Affine (asymmetric) maps [min, max] — widened to include 0 — onto all
	// 2^b integers q ∈ [0, 2^b − 1] with value = s·(q − z), s = (max −
	// min)/(2^b − 1) and the zero point z = round(−min/s), so that 0 is
	// exactly on the grid (Jacob et al. 2018). It suits one-signed values
	// such as ReLU outputs, whose range a symmetric grid would half waste,
	// and works from b = 1.
	Affine
)

func (s QuantScheme) String() string {
	switch s {
	case Symmetric:
		return "symmetric"
	case Affine:
		return "affine"
	}
	return fmt.Sprintf("QuantScheme(%d)", int(s))
}

// Quantizer is post-training uniform quantization of weight matrices to
// Bits bits: every value is replaced by the nearest point of a uniform grid
// of at most 2^Bits levels, whose step s (the scale) is set from the values
// themselves (min/max calibration). PerChannel gives every row of a matrix
// (the weights into one output unit) its own grid, as Krishnamoorthi (2018)
// recommends for weights; otherwise the whole matrix shares one
// (per-tensor), and one large row coarsens the grid of all the others.
//
// Rounding to the nearest level moves a value by at most s/2 (tested), so
// the error shrinks ×2 per bit; at 8 bits it is far below what training
// noise moves weights by, at 2 bits it is not.
//
// The zero value is not usable: Bits must be set, 1 ≤ Bits ≤ 32 (Symmetric:
// ≥ 2); anything else panics.
type Quantizer struct {
	Bits       int
	Scheme     QuantScheme
	PerChannel bool
}

// Grid is one uniform quantization grid: the integer q ∈ [Lo, Hi] stands
// for the value Scale·(q − Zero).
type Grid struct {
	Scale  float64
	Zero   int64
	Lo, Hi int64
}

// Quantize returns the integer code of v: round(v/Scale) + Zero, clamped
// to [Lo, Hi] (halves round away from zero). NaN maps to Zero.
func (g Grid) Quantize(v float64) int64 {
	q := math.Round(v / g.Scale)
	if math.IsNaN(q) {
		return g.Zero
	}
	q += float64(g.Zero)
	return int64(math.Max(float64(g.Lo), math.Min(float64(g.Hi), q)))
}

// Dequantize returns the value of code q: Scale·(q − Zero).
func (g Grid) Dequantize(q int64) float64 { return g.Scale * float64(q-g.Zero) }

// Round returns the grid value nearest to v (clamped to the grid's range):
// Dequantize(Quantize(v)), "fake quantization".
func (g Grid) Round(v float64) float64 { return g.Dequantize(g.Quantize(v)) }

// check panics unless the quantizer is usable.
func (q Quantizer) check(name string) {
	if q.Bits < 1 || q.Bits > 32 {
		panic(fmt.Sprintf("nn: %s: Bits = %d, want 1 ≤ bits ≤ 32", name, q.Bits))
	}
	switch q.Scheme {
	case Symmetric:
		if q.Bits < 2 {
			panic(fmt.Sprintf("nn: %s: a symmetric grid needs ≥ 2 bits (1 bit has the single level 0); use Affine", name))
		}
	case Affine:
	default:
		panic(fmt.Sprintf("nn: %s: unknown scheme %d", name, int(q.Scheme)))
	}
}

// Grid returns the grid the quantizer calibrates on values: their largest
// magnitude (Symmetric) or their range widened to include 0 (Affine) spans
// it. All-zero values get Scale 1 (every code is then 0 → 0). Cost O(n).
// It panics on a bad quantizer or a non-finite value.
func (q Quantizer) Grid(values []float64) Grid {
	q.check("Quantizer.Grid")
	lo, hi := 0.0, 0.0
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			panic(fmt.Sprintf("nn: Quantizer.Grid: value %d is %v", i, v))
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return q.grid(lo, hi)
}

// grid is Grid from the range [lo, hi] ∋ 0. The scale is computed so
// that no extreme of float64 gives a NaN later: (hi − lo)/top as hi/top −
// lo/top where hi − lo overflows, nudged down until every level s·(q − z)
// is finite, and never below the smallest subnormal (a zero scale would
// make −lo/s, the zero point, NaN). A range a 1-bit affine grid cannot
// step over in one finite step panics.
func (q Quantizer) grid(lo, hi float64) Grid {
	if q.Scheme == Symmetric {
		top := int64(1)<<(q.Bits-1) - 1
		amax := math.Max(-lo, hi)
		if amax == 0 {
			return Grid{Scale: 1, Lo: -top, Hi: top}
		}
		return Grid{Scale: finiteScale(amax/float64(top), float64(top)), Lo: -top, Hi: top}
	}
	top := int64(1)<<q.Bits - 1
	if hi == lo {
		return Grid{Scale: 1, Lo: 0, Hi: top}
	}
	s := (hi - lo) / float64(top)
	if math.IsInf(hi-lo, 0) {
		s = hi/float64(top) - lo/float64(top)
	}
	if math.IsInf(s, 0) {
		panic(fmt.Sprintf("nn: Quantizer: an affine grid of %d bit cannot span [%g, %g]: its step overflows float64", q.Bits, lo, hi))
	}
	s = math.Max(s, math.SmallestNonzeroFloat64)
	zero := max(0, min(top, int64(math.Round(-lo/s))))
	// The levels run from s·(0 − z) to s·(top − z), about lo and hi.
	s = finiteScale(s, float64(max(zero, top-zero)))
	return Grid{Scale: s, Zero: zero, Lo: 0, Hi: top}
}

// finiteScale is s, at least the smallest subnormal, nudged down until
// s·levels is finite (it can round past MaxFloat64 when s was rounded up).
func finiteScale(s, levels float64) float64 {
	s = math.Max(s, math.SmallestNonzeroFloat64)
	if math.IsInf(s*levels, 0) {
		s = math.MaxFloat64 / levels
	}
	for math.IsInf(s*levels, 0) { // a few ulps at most
		s = math.Nextafter(s, 0)
	}
	return s
}

// Grids returns the grids FakeQuantize uses for the matrices ws in params:
// one per matrix, or one per row of each matrix (PerChannel), in order.
// Cost O(N) for N weights. It panics as FakeQuantize does.
func (q Quantizer) Grids(params []float64, ws []WeightMatrix) []Grid {
	q.check("Quantizer.Grids")
	checkMatrices("Quantizer.Grids", params, ws)
	var gs []Grid
	for _, w := range ws {
		if q.PerChannel {
			for r := 0; r < w.Rows; r++ {
				gs = append(gs, q.Grid(w.Row(params, r)))
			}
		} else {
			gs = append(gs, q.Grid(params[w.Off:w.Off+w.Len()]))
		}
	}
	return gs
}

// FakeQuantize writes params into dst with every weight of the matrices ws
// replaced by the nearest value of its grid (dequantize(quantize(w))), the
// rest (biases, batch-norm parameters) copied unchanged: the network as it
// runs after post-training quantization, in float64. dst may be params.
// Cost O(len(params)); it allocates nothing. It panics, before writing,
// on a bad quantizer, lengths that differ, matrices outside params or
// overlapping, or a non-finite weight.
func (q Quantizer) FakeQuantize(dst, params []float64, ws []WeightMatrix) {
	q.check("Quantizer.FakeQuantize")
	if len(dst) != len(params) {
		panic(fmt.Sprintf("nn: Quantizer.FakeQuantize: len(dst) = %d, len(params) = %d", len(dst), len(params)))
	}
	checkMatrices("Quantizer.FakeQuantize", params, ws)
	q.fakeQuantize(dst, params, ws)
}

// fakeQuantize is FakeQuantize without the checks.
func (q Quantizer) fakeQuantize(dst, params []float64, ws []WeightMatrix) {
	copy(dst, params)
	for _, w := range ws {
		if q.PerChannel {
			for r := 0; r < w.Rows; r++ {
				q.roundAll(w.Row(dst, r))
			}
		} else {
			q.roundAll(dst[w.Off : w.Off+w.Len()])
		}
	}
}

// roundAll rounds v in place to the grid calibrated on v.
func (q Quantizer) roundAll(v []float64) {
	lo, hi := 0.0, 0.0
	for _, x := range v {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	g := q.grid(lo, hi)
	for i, x := range v {
		v[i] = g.Round(x)
	}
}

// QuantError summarizes how far FakeQuantize moves the weights: the
// root-mean-square and the largest change, each relative to the RMS of
// the weights themselves (0, 0 when every weight is 0). The sums are taken
// over values divided by the largest weight, so weights near MaxFloat64 do
// not overflow them.
func (q Quantizer) QuantError(params []float64, ws []WeightMatrix) (rms, worst float64) {
	dst := make([]float64, len(params))
	q.FakeQuantize(dst, params, ws)
	var amax float64
	for _, w := range ws {
		for _, v := range params[w.Off : w.Off+w.Len()] {
			amax = math.Max(amax, math.Abs(v))
		}
	}
	if amax == 0 {
		return 0, 0
	}
	var se, sw float64
	var n int
	for _, w := range ws {
		for j := w.Off; j < w.Off+w.Len(); j++ {
			d := dst[j]/amax - params[j]/amax
			se += d * d
			sw += (params[j] / amax) * (params[j] / amax)
			worst = math.Max(worst, math.Abs(d))
			n++
		}
	}
	wr := math.Sqrt(sw / float64(n))
	return math.Sqrt(se/float64(n)) / wr, worst / wr
}
