package nn

import (
	"math"
	"testing"
)

// Extreme but finite inputs to the compression and distillation code
// (issue 28, item 6): each either gives finite numbers or panics naming
// what was wrong. Before the fixes, every case marked "was" returned NaN
// (or, for the subnormal grids, a zero scale whose zero point came from
// int64(NaN), which differs between amd64 and arm64).

func finiteAll(t *testing.T, what string, v ...float64) {
	t.Helper()
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Errorf("%s: value %d is %v", what, i, x)
		}
	}
}

func TestSoftmaxTExtremes(t *testing.T) {
	// was NaN: z/T overflows although softmax(z/T) is (1, 0).
	p := SoftmaxT(make([]float64, 2), []float64{1e300, 0}, 1e-100)
	if p[0] != 1 || p[1] != 0 {
		t.Errorf("SoftmaxT({1e300, 0}, 1e-100) = %v, want [1 0]", p)
	}
	p = SoftmaxT(make([]float64, 3), []float64{1e308, -1e308, 1e308}, 1)
	if p[0] != 0.5 || p[1] != 0 || p[2] != 0.5 {
		t.Errorf("SoftmaxT({1e308, -1e308, 1e308}, 1) = %v, want [0.5 0 0.5]", p)
	}
	mustPanic(t, "T = 1e-200", func() { SoftmaxT(make([]float64, 2), []float64{1, 0}, 1e-200) })
	mustPanic(t, "T = 1e+200", func() { SoftmaxT(make([]float64, 2), []float64{1, 0}, 1e200) })
}

func TestDistillLossExtremes(t *testing.T) {
	dz := make([]float64, 3)
	for _, c := range []struct {
		z, zt []float64
		T     float64
	}{
		{[]float64{1e300, 0, -1e300}, []float64{0, 1e300, 0}, 1e-100}, // was NaN
		{[]float64{1e308, -1e308, 0}, []float64{-1e308, 1e308, 0}, 1}, // was NaN
		{[]float64{1, 2, 3}, []float64{3, 2, 1}, 1e150},               // was NaN at T = 1e300
		{[]float64{5e-324, 0, -5e-324}, []float64{0, 0, 0}, 1e-150},
	} {
		l := DistillLoss(dz, c.z, c.zt, 1, c.T, 0.5)
		if math.IsNaN(l) || l < 0 {
			t.Errorf("DistillLoss(%v, %v, T = %g) = %v", c.z, c.zt, c.T, l)
		}
		finiteAll(t, "DistillLoss gradient", dz...)
	}
	mustPanic(t, "T = 1e+300", func() { DistillLoss(dz, []float64{1, 2, 3}, []float64{3, 2, 1}, 1, 1e300, 0.5) })
}

func TestQuantizerExtremes(t *testing.T) {
	for _, c := range []struct {
		name   string
		q      Quantizer
		values []float64
	}{
		{"affine over ±1e308 (was NaN)", Quantizer{Bits: 8, Scheme: Affine}, []float64{-1e308, 1e308, 0, 3}},
		{"symmetric at ±max", Quantizer{Bits: 32}, []float64{-math.MaxFloat64, math.MaxFloat64, 1}},
		{"symmetric subnormal (was scale 0)", Quantizer{Bits: 32}, []float64{5e-324, -1e-323, 0}},
		{"affine subnormal (was int64(NaN))", Quantizer{Bits: 32, Scheme: Affine}, []float64{5e-324, 1e-323}},
		{"per-channel tiny and huge rows", Quantizer{Bits: 4, PerChannel: true}, []float64{1e-320, 0, 1e300, -1e300}},
	} {
		w := []WeightMatrix{{Layer: 1, Off: 0, Rows: 2, Cols: len(c.values) / 2}}
		if len(c.values)%2 == 1 {
			w[0] = WeightMatrix{Layer: 1, Rows: 1, Cols: len(c.values)}
		}
		g := c.q.Grid(c.values)
		if !(g.Scale > 0) || math.IsInf(g.Scale, 0) || g.Zero < g.Lo || g.Zero > g.Hi {
			t.Errorf("%s: grid %+v", c.name, g)
		}
		dst := make([]float64, len(c.values))
		c.q.FakeQuantize(dst, c.values, w)
		finiteAll(t, c.name+": FakeQuantize", dst...)
		for i, v := range c.values {
			if r := g.Round(v); math.Abs(r-v) > g.Scale/2*(1+1e-12) && math.Abs(v) <= g.Scale*float64(g.Hi-g.Zero) {
				t.Errorf("%s: Round(%v) = %v moves it by more than Scale/2 = %v", c.name, v, r, g.Scale/2)
			}
			_ = i
		}
		rms, worst := c.q.QuantError(c.values, w)
		finiteAll(t, c.name+": QuantError", rms, worst)
	}
	mustPanic(t, "1 bit", func() { Quantizer{Bits: 1, Scheme: Affine}.Grid([]float64{-1e308, 1e308}) })
}

func TestQuantErrorHugeWeights(t *testing.T) {
	// was NaN: the sums of squares overflowed (Inf/Inf).
	w := []WeightMatrix{{Layer: 1, Rows: 1, Cols: 3}}
	params := []float64{1e300, -1e300, 3.3e299}
	rms, worst := Quantizer{Bits: 2}.QuantError(params, w)
	small := []float64{1, -1, 0.33}
	rms1, worst1 := Quantizer{Bits: 2}.QuantError(small, w)
	if math.Abs(rms-rms1) > 1e-12 || math.Abs(worst-worst1) > 1e-12 {
		t.Errorf("QuantError of %v = %v, %v; of the same ×1e-300 = %v, %v: want equal (it is relative)", params, rms, worst, rms1, worst1)
	}
}
