// Package num holds the small numeric helpers that lib/optim,
// lib/secondorder and lib/viz share, so each exists once: finiteness tests
// and the log-log least-squares fit. Norms and dot products come from
// gonum.org/v1/gonum/floats.
package num

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// Finite reports whether v is neither NaN nor ±Inf.
func Finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// FirstNonFinite returns the index of the first NaN or ±Inf in v, or −1.
// Cost O(len(v)).
func FirstNonFinite(v []float64) int {
	for i, x := range v {
		if x-x != 0 { // NaN or ±Inf
			return i
		}
	}
	return -1
}

// FitLogLog fits log₁₀ y = slope·log₁₀ x + intercept by least squares
// (gonum's stat.LinearRegression on the logarithms): a power law
// y = 10^intercept · x^slope, as for the growth of a cost with size.
//
// It returns an error, and no fit, when the slices differ in length, hold
// fewer than two points, hold a value that is not finite and positive
// (a power law cannot pass through it: the error names the index), or when
// every x is the same. Cost O(len(x)).
func FitLogLog(x, y []float64) (slope, intercept float64, err error) {
	if len(x) != len(y) {
		return 0, 0, fmt.Errorf("log-log fit: %d x values but %d y values", len(x), len(y))
	}
	if len(x) < 2 {
		return 0, 0, fmt.Errorf("log-log fit: %d point(s), need at least 2", len(x))
	}
	lx, ly := make([]float64, len(x)), make([]float64, len(y))
	distinct := false
	for i := range x {
		if !(x[i] > 0 && y[i] > 0) || !Finite(x[i]) || !Finite(y[i]) {
			return 0, 0, fmt.Errorf("log-log fit: point %d is (%g, %g); every value must be finite and > 0", i, x[i], y[i])
		}
		lx[i], ly[i] = math.Log10(x[i]), math.Log10(y[i])
		distinct = distinct || lx[i] != lx[0]
	}
	if !distinct {
		return 0, 0, fmt.Errorf("log-log fit: every x is %g; need two distinct sizes", x[0])
	}
	intercept, slope = stat.LinearRegression(lx, ly, nil, false)
	return slope, intercept, nil
}
