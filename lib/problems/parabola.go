package problems

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Parabola returns the one-variable convex quadratic
//
//	f(x) = a x² + b x + c,   f′(x) = 2a x + b,   f″(x) = 2a,   a > 0,
//
// whose minimum is found in closed form by solving f′(x) = 0:
// x* = −b/(2a), f(x*) = c − b²/(4a). The course sets it beside gradient
// descent, x ← x − α(2a x + b), which converges iff 0 < α < 1/a (the error
// is multiplied by 1 − 2aα each step) and in one step at α = 1/(2a).
// Start is x* − 3; Box is [x* − 4, x* + 4, f* − 1.6a, f* + 16a].
// Evaluation costs O(1), allocates nothing, and is safe for concurrent use.
// Parabola panics unless a > 0 and a, b, c are finite.
func Parabola(a, b, c float64) Problem {
	if !(a > 0) || math.IsInf(a, 1) {
		panic(fmt.Sprintf("problems: Parabola: a = %v, want a finite a > 0 (a convex parabola)", a))
	}
	if math.IsNaN(b) || math.IsInf(b, 0) || math.IsNaN(c) || math.IsInf(c, 0) {
		panic(fmt.Sprintf("problems: Parabola: b = %v, c = %v, want finite coefficients", b, c))
	}
	name := parabolaName(a, b, c)
	xs := -b / (2 * a)
	fs := c - b*b/(4*a)
	return Problem{
		Name: name,
		Dim:  1,
		Func: func(x []float64) float64 {
			checkX(name, x, 1)
			return (a*x[0]+b)*x[0] + c
		},
		Grad: func(grad, x []float64) {
			checkGrad(name, grad, x, 1)
			grad[0] = 2*a*x[0] + b
		},
		Hess: func(hess *mat.SymDense, x []float64) {
			checkHess(name, hess, x, 1)
			hess.SetSym(0, 0, 2*a)
		},
		Minima: []Minimum{{X: []float64{xs}, F: fs, Global: true}},
		Start:  []float64{xs - 3},
		Box:    [4]float64{xs - 4, xs + 4, fs - 1.6*a, fs + 16*a},
	}
}

// parabolaName writes the parabola as a reader would: "x² − 4x + 5"
// (unit coefficients and zero terms left out, a true minus sign).
func parabolaName(a, b, c float64) string {
	var s strings.Builder
	term := func(k float64, power string, first bool) {
		if k == 0 && !first {
			return
		}
		switch {
		case first && k < 0:
			s.WriteString("−")
		case !first && k < 0:
			s.WriteString(" − ")
		case !first:
			s.WriteString(" + ")
		}
		if m := math.Abs(k); m != 1 || power == "" {
			s.WriteString(strconv.FormatFloat(m, 'g', -1, 64))
		}
		s.WriteString(power)
	}
	term(a, "x²", true)
	term(b, "x", false)
	term(c, "", false)
	return s.String()
}
