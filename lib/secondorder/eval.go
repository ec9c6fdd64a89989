package secondorder

import (
	"math"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// evaluator wraps a Problem and counts evaluations.
type evaluator struct {
	p                      problems.Problem
	fevals, gevals, hevals int
}

func (e *evaluator) f(x []float64) float64 {
	e.fevals++
	return e.p.Func(x)
}

func (e *evaluator) grad(g, x []float64) {
	e.gevals++
	e.p.Grad(g, x)
}

func (e *evaluator) stats() optim.Stats {
	return optim.Stats{FuncEvals: e.fevals, GradEvals: e.gevals, HessEvals: e.hevals}
}

// firstNonFinite returns the index of the first NaN or ±Inf in v, or -1.
func firstNonFinite(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func norm2(a []float64) float64 { return math.Sqrt(dot(a, a)) }

func normInf(a []float64) float64 {
	var m float64
	for _, v := range a {
		if v := math.Abs(v); v > m || math.IsNaN(v) {
			m = v
		}
	}
	return m
}

// axpy sets dst = x + a·y.
func axpy(dst, x []float64, a float64, y []float64) {
	for i := range dst {
		dst[i] = x[i] + a*y[i]
	}
}
