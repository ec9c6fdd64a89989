// Package modeltest holds the checks that the tests of lib/problems,
// lib/problems/gonumset and lib/nn share: analytic derivatives against
// central finite differences (gonum's diff/fd), and panics that name their
// package. It takes functions, not a problems.Problem, so that
// lib/problems' own tests can use it without an import cycle.
package modeltest

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// Step is the central-difference step of Derivatives.
const Step = 1e-6

// RelErr is |a − b| / max(|a|, |b|), and 0 when both are 0.
func RelErr(a, b float64) float64 {
	d := math.Abs(a - b)
	if d == 0 {
		return 0
	}
	return d / math.Max(math.Abs(a), math.Abs(b))
}

// Derivatives compares grad with central differences of f, and hess (when
// not nil) with central differences of grad, at x. The allowed error is tol
// relative to the entry plus the rounding error of the difference quotient,
// 10·ε·(|f| + 1)/h, which matters only on badly scaled functions
// (|f| ~ 10¹²). name labels the failures.
func Derivatives(t testing.TB, name string, f func(x []float64) float64, grad func(g, x []float64),
	hess func(h *mat.SymDense, x []float64), x []float64, gradTol, hessTol float64) {
	t.Helper()
	const eps = 0x1p-52
	n := len(x)
	g := make([]float64, n)
	grad(g, x)
	num := fd.Gradient(nil, f, x, &fd.Settings{Formula: fd.Central, Step: Step})
	fNoise := 10 * eps * (math.Abs(f(x)) + 1) / Step
	for i := range g {
		if e := math.Abs(g[i] - num[i]); e > gradTol*math.Max(1, math.Max(math.Abs(g[i]), math.Abs(num[i])))+fNoise || math.IsNaN(e) {
			t.Errorf("%s at %v: grad[%d] = %v, central difference %v (rel err %.2g)", name, x, i, g[i], num[i], RelErr(g[i], num[i]))
		}
	}
	if hess == nil {
		return
	}
	h := mat.NewSymDense(n, nil)
	hess(h, x)
	jac := mat.NewDense(n, n, nil)
	fd.Jacobian(jac, func(y, x []float64) { grad(y, x) }, x, &fd.JacobianSettings{Formula: fd.Central, Step: Step})
	gNoise := 0.0
	for _, gi := range g {
		gNoise = math.Max(gNoise, 10*eps*(math.Abs(gi)+1)/Step)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a, b := h.At(i, j), jac.At(i, j)
			if e := math.Abs(a - b); e > hessTol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))+gNoise || math.IsNaN(e) {
				t.Errorf("%s at %v: hess[%d,%d] = %v, central difference of grad %v (rel err %.2g)", name, x, i, j, a, b, RelErr(a, b))
			}
		}
	}
}

// BatchGradient compares a model's gradient over the examples idx, as
// loss(grad, x, idx) writes it, with central differences (step h) of its
// loss, by the relative error of the course's seed 003,
// |a − n| / max(|a|, |n|, 1e-8, floor·‖g‖∞), required ≤ tol. The floor
// compares components far smaller than the gradient's scale with that
// scale, where central differences have no relative accuracy left (batch
// norm on two examples has many); 0 leaves it out. It also checks that the
// loss is the same with and without a gradient.
func BatchGradient(t testing.TB, name string, loss func(grad, x []float64, idx []int) float64, x []float64, idx []int, tol, floor, h float64) {
	t.Helper()
	g := make([]float64, len(x))
	f := loss(g, x, idx)
	if f0 := loss(nil, x, idx); f0 != f {
		t.Errorf("%s: loss with grad %v, without %v", name, f, f0)
	}
	num := fd.Gradient(nil, func(x []float64) float64 { return loss(nil, x, idx) }, x, &fd.Settings{Formula: fd.Central, Step: h})
	var gmax float64
	for _, v := range g {
		gmax = math.Max(gmax, math.Abs(v))
	}
	for i := range g {
		e := math.Abs(g[i]-num[i]) / math.Max(math.Max(math.Abs(g[i]), math.Abs(num[i])), math.Max(1e-8, floor*gmax))
		if e > tol && math.Abs(g[i]-num[i]) > 1e-9 {
			t.Errorf("%s idx %v: grad[%d] = %v, central difference %v (rel err %.2g)", name, idx, i, g[i], num[i], e)
		}
	}
}

// MustPanic calls f and reports an error unless it panics with a message
// that starts with prefix (the package's, e.g. "nn: ") and contains want.
func MustPanic(t testing.TB, prefix, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("no panic, want one containing %q", want)
			return
		}
		msg := fmt.Sprint(r)
		if !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, want) {
			t.Errorf("panic %q, want prefix %q and %q", msg, prefix, want)
		}
	}()
	f()
}
