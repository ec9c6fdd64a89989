package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/problems"
)

// trainedish returns a network and parameters with weights of uneven
// scale, for pruning and quantization tests.
func trainedish(bn bool, seed uint64) (*MLP, []float64) {
	d := problems.Spirals(3, 20, 0.2, 1)
	m := NewMLP(d, []int{12, 10}, ReLU, 0)
	if bn {
		m = NewBatchNormMLP(d, []int{12, 10}, ReLU, 0)
	}
	x := make([]float64, m.Dim())
	m.Init(x, He, seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	perturb(x, 0.05, rng)
	// Rows of very different scales, as trained networks have.
	for _, w := range m.WeightMatrices() {
		for r := 0; r < w.Rows; r++ {
			s := math.Pow(10, 2*rng.Float64()-1)
			for j := range w.Row(x, r) {
				w.Row(x, r)[j] *= s
			}
		}
	}
	return m, x
}

func TestMagnitudePrune(t *testing.T) {
	for _, bn := range []bool{false, true} {
		m, x0 := trainedish(bn, 1)
		ws := m.WeightMatrices()
		var nw int
		for _, w := range ws {
			nw += w.Len()
		}
		for _, scope := range []PruneScope{Global, PerLayer} {
			for _, s := range []float64{0, 0.3, 0.5, 0.9, 0.99} {
				x := slices.Clone(x0)
				keep := MagnitudePrune(x, ws, s, scope)
				// Outside the weights nothing changes.
				inside := make([]bool, len(x))
				for _, w := range ws {
					for j := w.Off; j < w.Off+w.Len(); j++ {
						inside[j] = true
					}
				}
				for j := range x {
					if !inside[j] && (!keep[j] || x[j] != x0[j]) {
						t.Fatalf("%v s=%v: parameter %d outside the weights changed", scope, s, j)
					}
					if inside[j] && keep[j] != (x[j] == x0[j]) || !keep[j] && x[j] != 0 {
						t.Fatalf("%v s=%v: mask and values disagree at %d", scope, s, j)
					}
				}
				// The pruned weights are the smallest, globally or per matrix.
				groups := [][]WeightMatrix{ws}
				if scope == PerLayer {
					groups = nil
					for _, w := range ws {
						groups = append(groups, []WeightMatrix{w})
					}
				}
				var pruned int
				for _, g := range groups {
					maxCut, minKept, n, cut := 0.0, math.Inf(1), 0, 0
					for _, w := range g {
						for j := w.Off; j < w.Off+w.Len(); j++ {
							n++
							if keep[j] {
								minKept = math.Min(minKept, math.Abs(x0[j]))
							} else {
								cut++
								maxCut = math.Max(maxCut, math.Abs(x0[j]))
							}
						}
					}
					if cut != int(math.Round(s*float64(n))) {
						t.Errorf("%v s=%v: %d of %d pruned", scope, s, cut, n)
					}
					if cut > 0 && maxCut > minKept {
						t.Errorf("%v s=%v: pruned |w| up to %v, kept down to %v", scope, s, maxCut, minKept)
					}
					pruned += cut
				}
				if got := Sparsity(x, ws); math.Abs(got-float64(pruned)/float64(nw)) > 1e-15 {
					t.Errorf("%v s=%v: Sparsity %v, pruned %d of %d", scope, s, got, pruned, nw)
				}
			}
		}
	}
}

// Pruning further removes a superset: iterative pruning never revives a weight.
func TestMagnitudePruneNested(t *testing.T) {
	m, x := trainedish(false, 2)
	ws := m.WeightMatrices()
	prev := MagnitudePrune(x, ws, 0.2, Global)
	var nw int
	for _, w := range ws {
		nw += w.Len()
	}
	for _, s := range []float64{0.5, 0.8, 0.95} {
		keep := MagnitudePrune(x, ws, s, Global)
		for j := range keep {
			if keep[j] && !prev[j] {
				t.Fatalf("sparsity %v keeps weight %d that a lower sparsity removed", s, j)
			}
		}
		if got := Sparsity(x, ws); math.Abs(got-s) > 0.5/float64(nw) {
			t.Errorf("Sparsity %v, want %v", got, s)
		}
		prev = keep
	}
}

func TestPruneBadInput(t *testing.T) {
	m, x := trainedish(false, 3)
	ws := m.WeightMatrices()
	x0 := slices.Clone(x)
	for _, s := range []float64{-0.1, 1, 1.5, math.NaN(), math.Inf(1)} {
		mustPanic(t, "want 0 ≤ sparsity < 1", func() { MagnitudePrune(x, ws, s, Global) })
	}
	mustPanic(t, "unknown scope", func() { MagnitudePrune(x, ws, 0.5, PruneScope(4)) })
	mustPanic(t, "does not fit", func() { MagnitudePrune(x[:10], ws, 0.5, Global) })
	mustPanic(t, "overlaps", func() { MagnitudePrune(x, []WeightMatrix{ws[0], {Off: 3, Rows: 2, Cols: 2}}, 0.5, Global) })
	x[5] = math.NaN()
	mustPanic(t, "is NaN", func() { MagnitudePrune(x, ws, 0.5, Global) })
	x[5] = x0[5]
	if !slices.Equal(x, x0) {
		t.Error("a refused prune changed the parameters")
	}
	mustPanic(t, "len(keep) = 3", func() { ApplyMask(x, make([]bool, 3)) })
	if Sparsity(x, nil) != 0 {
		t.Error("Sparsity of no matrices")
	}
}

var quantizers = []Quantizer{
	{Bits: 2, Scheme: Symmetric}, {Bits: 3, Scheme: Symmetric, PerChannel: true}, {Bits: 4, Scheme: Symmetric},
	{Bits: 8, Scheme: Symmetric, PerChannel: true}, {Bits: 16, Scheme: Symmetric}, {Bits: 32, Scheme: Symmetric},
	{Bits: 1, Scheme: Affine}, {Bits: 2, Scheme: Affine, PerChannel: true}, {Bits: 4, Scheme: Affine},
	{Bits: 8, Scheme: Affine}, {Bits: 31, Scheme: Affine, PerChannel: true}, {Bits: 32, Scheme: Affine},
}

// Quantize then dequantize moves every value by at most half a step, keeps
// codes in range, represents 0 exactly and is idempotent.
func TestQuantizeRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	draws := map[string]func() float64{
		"normal":   rng.NormFloat64,
		"positive": func() float64 { return math.Abs(3 * rng.NormFloat64()) },
		"negative": func() float64 { return -rng.ExpFloat64() - 2 },
		"wide":     func() float64 { return math.Pow(10, 6*rng.Float64()-3) * (2*rng.Float64() - 1) },
	}
	for name, draw := range draws {
		v := make([]float64, 500)
		for i := range v {
			v[i] = draw()
		}
		for _, q := range quantizers {
			g := q.Grid(v)
			levels := map[int64]bool{}
			for _, x := range v {
				c := g.Quantize(x)
				if c < g.Lo || c > g.Hi {
					t.Fatalf("%s %+v: code %d outside [%d, %d]", name, q, c, g.Lo, g.Hi)
				}
				levels[c] = true
				r := g.Dequantize(c)
				if e := math.Abs(r - x); e > g.Scale/2*(1+1e-9)+4e-16*math.Abs(x) { // half a step, plus the rounding of s·q
					t.Errorf("%s %+v: %v → %v, error %v > half a step %v", name, q, x, r, e, g.Scale/2)
				}
				if g.Round(r) != r {
					t.Errorf("%s %+v: rounding %v again gives %v", name, q, r, g.Round(r))
				}
			}
			if g.Round(0) != 0 {
				t.Errorf("%s %+v: 0 rounds to %v", name, q, g.Round(0))
			}
			maxLevels := int64(1)<<q.Bits - 1
			if q.Scheme == Affine {
				maxLevels++
			}
			if int64(len(levels)) > maxLevels || g.Hi-g.Lo+1 != maxLevels {
				t.Errorf("%s %+v: %d levels used, grid [%d, %d], want %d at most", name, q, len(levels), g.Lo, g.Hi, maxLevels)
			}
		}
	}
	// A zero tensor gets a usable grid.
	g := Quantizer{Bits: 4}.Grid(make([]float64, 3))
	if g.Scale != 1 || g.Round(0) != 0 {
		t.Errorf("zero tensor: grid %+v", g)
	}
}

// Each extra bit halves the quantization error; per-channel grids beat one
// per-tensor grid when rows differ in scale.
func TestQuantizeErrorScaling(t *testing.T) {
	m, x := trainedish(false, 5)
	ws := m.WeightMatrices()
	for _, scheme := range []QuantScheme{Symmetric, Affine} {
		errs := map[int]float64{}
		for b := 4; b <= 12; b++ {
			rms, worst := Quantizer{Bits: b, Scheme: scheme, PerChannel: true}.QuantError(x, ws)
			errs[b] = rms
			if r := errs[b-4] / rms; b >= 8 && (r < 10 || r > 26) {
				t.Errorf("%v %d bits: error ratio %v to %d bits, want about 2⁴", scheme, b, r, b-4)
			}
			if worst < rms {
				t.Errorf("%v %d bits: worst %v below rms %v", scheme, b, worst, rms)
			}
			tensor, _ := Quantizer{Bits: b, Scheme: scheme}.QuantError(x, ws)
			if tensor < 1.5*rms {
				t.Errorf("%v %d bits: per-tensor error %v, per-channel %v: want per-channel clearly smaller", scheme, b, tensor, rms)
			}
		}
	}
}

func TestFakeQuantize(t *testing.T) {
	m, x := trainedish(true, 6)
	ws := m.WeightMatrices()
	for _, q := range quantizers {
		dst := make([]float64, len(x))
		q.FakeQuantize(dst, x, ws)
		gs := q.Grids(x, ws)
		k := 0
		inside := make([]bool, len(x))
		for _, w := range ws {
			for r := 0; r < w.Rows; r++ {
				g := gs[k]
				if q.PerChannel || r == w.Rows-1 {
					k++
				}
				for j := w.Off + r*w.Cols; j < w.Off+(r+1)*w.Cols; j++ {
					inside[j] = true
					if dst[j] != g.Round(x[j]) {
						t.Fatalf("%+v: weight %d → %v, its grid gives %v", q, j, dst[j], g.Round(x[j]))
					}
				}
			}
		}
		for j := range x {
			if !inside[j] && dst[j] != x[j] {
				t.Fatalf("%+v: non-weight parameter %d changed", q, j)
			}
		}
		// In place gives the same.
		y := slices.Clone(x)
		q.FakeQuantize(y, y, ws)
		if !slices.Equal(y, dst) {
			t.Errorf("%+v: in place differs", q)
		}
	}
	dst := make([]float64, len(x))
	if a := testing.AllocsPerRun(10, func() { Quantizer{Bits: 4}.fakeQuantize(dst, x, ws) }); a != 0 {
		t.Errorf("fakeQuantize: %v allocations", a)
	}
}

func TestQuantizeBadInput(t *testing.T) {
	m, x := trainedish(false, 7)
	ws := m.WeightMatrices()
	dst := make([]float64, len(x))
	for _, b := range []int{0, -1, 33, 64} {
		mustPanic(t, "want 1 ≤ bits ≤ 32", func() { Quantizer{Bits: b}.FakeQuantize(dst, x, ws) })
		mustPanic(t, "want 1 ≤ bits ≤ 32", func() { Quantizer{Bits: b, Scheme: Affine}.Grid(x) })
		mustPanic(t, "want 1 ≤ bits ≤ 32", func() { NewQuantAware(m, Quantizer{Bits: b}) })
	}
	mustPanic(t, "symmetric grid needs ≥ 2 bits", func() { Quantizer{Bits: 1}.Grid(x) })
	mustPanic(t, "unknown scheme", func() { Quantizer{Bits: 4, Scheme: QuantScheme(5)}.Grid(x) })
	mustPanic(t, "len(dst)", func() { Quantizer{Bits: 4}.FakeQuantize(dst[1:], x, ws) })
	mustPanic(t, "value 1 is +Inf", func() { Quantizer{Bits: 4}.Grid([]float64{0, math.Inf(1)}) })
	x[3] = math.NaN()
	mustPanic(t, "is NaN", func() { Quantizer{Bits: 4}.FakeQuantize(dst, x, ws) })
}

// Quantization-aware training: the loss and gradient are the network's at
// the fake-quantized point (the straight-through estimator), and at 32 bits
// nearly the float network's.
func TestQuantAware(t *testing.T) {
	for _, bn := range []bool{false, true} {
		m, x := trainedish(bn, 8)
		idx := []int{0, 4, 9, 31, 50}
		for _, q := range quantizers {
			qa := NewQuantAware(m, q)
			if qa.Dim() != m.Dim() || qa.Len() != m.Len() || len(qa.WeightMatrices()) != 3 || qa.Quantizer() != q {
				t.Fatal("QuantAware: sizes")
			}
			g := make([]float64, m.Dim())
			f := qa.Loss(g, x, idx)
			xq := qa.Quantized(make([]float64, m.Dim()), x)
			gq := make([]float64, m.Dim())
			if fq := m.Loss(gq, xq, idx); fq != f || !slices.Equal(g, gq) {
				t.Errorf("%+v: QAT loss %v, network at Q(x) %v; gradients equal: %v", q, f, fq, slices.Equal(g, gq))
			}
			if q.Bits == 32 {
				gf := make([]float64, m.Dim())
				ff := m.Loss(gf, x, idx)
				if math.Abs(ff-f) > 1e-6*ff {
					t.Errorf("32 bits: QAT loss %v, float %v", f, ff)
				}
			}
		}
		qa := NewQuantAware(m, Quantizer{Bits: 4, PerChannel: true})
		g := make([]float64, m.Dim())
		if a := testing.AllocsPerRun(10, func() { qa.Loss(g, x, idx) }); a != 0 {
			t.Errorf("QuantAware.Loss: %v allocations", a)
		}
		mustPanic(t, "QuantAware: len(x)", func() { qa.Loss(g, x[1:], idx) })
	}
}

// panics reports whether f panics with a "nn: " message; any other
// panic fails the test.
func panics(t *testing.T, f func()) (did bool) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			did = true
			if s, ok := r.(string); !ok || !strings.HasPrefix(s, "nn: ") {
				t.Fatalf("panic %v without the package's prefix", r)
			}
		}
	}()
	f()
	return false
}

// Any bits and values: the quantizer refuses bad bits and non-finite
// values with a message, and otherwise rounds every value within half a
// step, onto a grid that holds 0.
func FuzzQuantize(f *testing.F) {
	f.Add(8, uint8(0), false, 0.5, -1.0, 3.0)
	f.Add(1, uint8(1), true, 0.0, 0.0, 0.0)
	f.Add(33, uint8(0), false, 1.0, 2.0, 3.0)
	f.Add(2, uint8(1), false, 1e300, -1e-300, 7.0)
	f.Fuzz(func(t *testing.T, bits int, scheme uint8, pc bool, a, b, c float64) {
		q := Quantizer{Bits: bits, Scheme: QuantScheme(scheme % 3), PerChannel: pc}
		params := []float64{a, b, c, 0.5}
		ws := []WeightMatrix{{Layer: 1, Off: 0, Rows: 1, Cols: 3}}
		finite := !slices.ContainsFunc(params, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) })
		valid := bits >= 1 && bits <= 32 && q.Scheme != QuantScheme(2) && (q.Scheme == Affine || bits >= 2)
		if math.Abs(a)+math.Abs(b)+math.Abs(c) > 1e300 {
			return // the range itself would overflow
		}
		dst := make([]float64, 4)
		if did := panics(t, func() { q.FakeQuantize(dst, params, ws) }); did != (!valid || !finite) {
			t.Fatalf("%+v on %v: panicked %v", q, params, did)
		}
		if !valid || !finite {
			return
		}
		g := q.Grid(params[:3])
		for i, v := range params[:3] {
			if e := math.Abs(dst[i] - v); e > g.Scale/2*(1+1e-9)+4e-16*math.Abs(v) {
				t.Fatalf("%+v: %v → %v, step %v", q, v, dst[i], g.Scale)
			}
		}
		if dst[3] != 0.5 || g.Round(0) != 0 {
			t.Fatalf("%+v: bias %v, zero → %v", q, dst[3], g.Round(0))
		}
	})
}

// Any sparsity: refused outside [0, 1), else exactly round(s·N) removed.
func FuzzMagnitudePrune(f *testing.F) {
	f.Add(0.5)
	f.Add(1.0)
	f.Add(-0.0)
	f.Add(0.9999999)
	f.Fuzz(func(t *testing.T, s float64) {
		x := []float64{3, -1, 4, 1, -5, 9, 2, 6}
		ws := []WeightMatrix{{Off: 0, Rows: 2, Cols: 4}}
		var keep []bool
		did := panics(t, func() { keep = MagnitudePrune(x, ws, s, Global) })
		if did != !(s >= 0 && s < 1) {
			t.Fatalf("sparsity %v: panicked %v", s, did)
		}
		if did {
			return
		}
		if got, want := Sparsity(x, ws), math.Round(s*8)/8; got != want || len(keep) != 8 {
			t.Fatalf("sparsity %v: %v removed, want %v", s, got, want)
		}
	})
}

func TestActivationQuantization(t *testing.T) {
	for _, bn := range []bool{false, true} {
		m, x := trainedish(bn, 9)
		if bn {
			m.FitRunningStats(x, nil)
		}
		acc := m.Accuracy(x, nil)
		for _, q := range []Quantizer{{Bits: 1, Scheme: Affine}, {Bits: 2, Scheme: Affine}, {Bits: 8, Scheme: Affine}, {Bits: 8}, {Bits: 32, Scheme: Affine}} {
			grids := m.ActivationGrids(x, nil, q)
			if len(grids) != 2 {
				t.Fatalf("%d grids for 2 hidden layers", len(grids))
			}
			for l, g := range grids {
				if g.Round(0) != 0 || (q.Scheme == Affine && g.Zero != 0) {
					t.Errorf("%+v layer %d: ReLU outputs are ≥ 0, want zero point 0, got grid %+v", q, l+1, g)
				}
			}
			qacc := m.QuantizedAccuracy(x, nil, grids)
			if q.Bits == 32 && qacc != acc {
				t.Errorf("bn %v, 32 bits: accuracy %v, float %v", bn, qacc, acc)
			}
			if q.Bits == 1 {
				// Every hidden output is 0 or its layer's largest value.
				m.forward(x, m.data.X[3], grids)
				for l := 1; l <= 2; l++ {
					for _, v := range m.a[l] {
						if v != 0 && v != grids[l-1].Dequantize(1) {
							t.Fatalf("1 bit: layer %d output %v", l, v)
						}
					}
				}
			}
		}
		// Predict is untouched by the grids.
		m.ActivationGrids(x, nil, Quantizer{Bits: 1, Scheme: Affine})
		if m.Accuracy(x, nil) != acc {
			t.Error("ActivationGrids changed the network")
		}
		mustPanic(t, "per tensor", func() { m.ActivationGrids(x, nil, Quantizer{Bits: 8, PerChannel: true}) })
		mustPanic(t, "want 1 ≤ bits ≤ 32", func() { m.ActivationGrids(x, nil, Quantizer{Bits: 0}) })
		mustPanic(t, "index 60 out of range", func() { m.ActivationGrids(x, []int{60}, Quantizer{Bits: 8}) })
		mustPanic(t, "1 activation grids for 2 hidden layers", func() { m.QuantizedAccuracy(x, nil, []Grid{{Scale: 1, Hi: 1}}) })
	}
}
