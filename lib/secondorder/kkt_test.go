package secondorder

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/optim"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func TestSolveKKT(t *testing.T) {
	// minimize x² + y² subject to x + y = 1: x = y = ½, λ = −1.
	x, lam, err := SolveKKT(EqualityQP{
		Q: mat.NewSymDense(2, []float64{2, 0, 0, 2}),
		C: []float64{0, 0},
		A: mat.NewDense(1, 2, []float64{1, 1}),
		B: []float64{1},
	})
	if err != nil || math.Abs(x[0]-0.5) > 1e-15 || math.Abs(x[1]-0.5) > 1e-15 || math.Abs(lam[0]+1) > 1e-15 {
		t.Errorf("x = %v, λ = %v, err = %v", x, lam, err)
	}

	// A random SPD 6-D problem with 2 constraints: the solution is feasible
	// and Qx + c + Aᵀλ = 0, and no feasible perturbation does better.
	n, m := 6, 2
	q := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			v := 1 / float64(1+i+j)
			if i == j {
				v += 1
			}
			q.SetSym(i, j, v)
		}
	}
	c := []float64{1, -2, 0.5, 0, 3, -1}
	a := mat.NewDense(m, n, []float64{1, 1, 1, 1, 1, 1, 1, -1, 2, 0, 0, 1})
	b := []float64{1, 2}
	x, lam, err = SolveKKT(EqualityQP{Q: q, C: c, A: a, B: b})
	if err != nil {
		t.Fatal(err)
	}
	xv := mat.NewVecDense(n, x)
	var r mat.VecDense
	r.MulVec(a, xv)
	for i := range m {
		if math.Abs(r.AtVec(i)-b[i]) > 1e-13 {
			t.Errorf("constraint %d: %g ≠ %g", i, r.AtVec(i), b[i])
		}
	}
	var grad, at mat.VecDense
	grad.MulVec(q, xv)
	grad.AddVec(&grad, mat.NewVecDense(n, c))
	at.MulVec(a.T(), mat.NewVecDense(m, lam))
	grad.AddVec(&grad, &at)
	if nrm := mat.Norm(&grad, math.Inf(1)); nrm > 1e-13 {
		t.Errorf("stationarity residual %g", nrm)
	}
	obj := func(x []float64) float64 {
		v := mat.NewVecDense(n, x)
		return 0.5*mat.Inner(v, q, v) + floats.Dot(c, x)
	}
	// z is in the null space of A (both rows give 0), so x + hz is feasible.
	z := []float64{2, 0, -1, -1, 0, 0}
	for _, h := range []float64{-1e-3, 1e-3, 0.5} {
		xp := make([]float64, n)
		axpy(xp, x, h, z)
		if obj(xp) <= obj(x) {
			t.Errorf("feasible move h=%g lowers f: %g ≤ %g", h, obj(xp), obj(x))
		}
	}
}

// Dependent constraints make the KKT matrix singular: an error, not a NaN.
func TestSolveKKTSingular(t *testing.T) {
	_, _, err := SolveKKT(EqualityQP{
		Q: mat.NewSymDense(2, []float64{2, 0, 0, 2}),
		C: []float64{0, 0},
		A: mat.NewDense(2, 2, []float64{1, 1, 2, 2}),
		B: []float64{1, 2},
	})
	var se *SingularError
	if !errors.As(err, &se) || se.What != "KKT matrix" {
		t.Fatalf("err = %v, want a *SingularError for the KKT matrix", err)
	}
	t.Log(err)
}

// A NaN or ±Inf in the problem is named as such, not reported as a
// singular system.
func TestSolveKKTNonFinite(t *testing.T) {
	base := func() EqualityQP {
		return EqualityQP{
			Q: mat.NewSymDense(2, []float64{2, 0, 0, 2}),
			C: []float64{0, 0},
			A: mat.NewDense(1, 2, []float64{1, 1}),
			B: []float64{1},
		}
	}
	cases := []struct {
		name string
		edit func(*EqualityQP)
		want string
	}{
		{"NaN in Q", func(q *EqualityQP) { q.Q = mat.NewSymDense(2, []float64{2, math.NaN(), math.NaN(), 2}) }, "Q entry (0, 1)"},
		{"Inf in c", func(q *EqualityQP) { q.C = []float64{0, math.Inf(1)} }, "c entry (1, 0)"},
		{"NaN in A", func(q *EqualityQP) { q.A = mat.NewDense(1, 2, []float64{math.NaN(), 1}) }, "A entry (0, 0)"},
		{"Inf in b", func(q *EqualityQP) { q.B = []float64{math.Inf(-1)} }, "b entry (0, 0)"},
	}
	for _, c := range cases {
		qp := base()
		c.edit(&qp)
		_, _, err := SolveKKT(qp)
		var ne *optim.NumericalError
		if !errors.As(err, &ne) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want a NumericalError naming %q", c.name, err, c.want)
		}
	}
}

func ExampleSolveKKT() {
	// minimize x² + y² subject to x + y = 1.
	x, lambda, err := SolveKKT(EqualityQP{
		Q: mat.NewSymDense(2, []float64{2, 0, 0, 2}),
		C: []float64{0, 0},
		A: mat.NewDense(1, 2, []float64{1, 1}),
		B: []float64{1},
	})
	fmt.Printf("x = %.3f, λ = %.3f, err = %v\n", x, lambda, err)
	// Output: x = [0.500 0.500], λ = [-1.000], err = <nil>
}

func TestPolyStationary(t *testing.T) {
	// 2x² − 4x + 1: x* = −b/(2a) = 1, a minimum.
	s := PolyStationary([]float64{1, -4, 2})
	if len(s) != 1 || s[0].X != 1 || s[0].F != -1 || s[0].Kind() != "minimum" {
		t.Errorf("quadratic: %+v", s)
	}
	// x³ − 3x: a maximum at −1 and a minimum at 1.
	s = PolyStationary([]float64{0, -3, 0, 1})
	if len(s) != 2 || math.Abs(s[0].X+1) > 1e-14 || s[0].Kind() != "maximum" || math.Abs(s[1].X-1) > 1e-14 || s[1].Kind() != "minimum" {
		t.Errorf("cubic: %+v", s)
	}
	// x⁴ − 2x² (double well): minima ±1, a maximum at 0.
	s = PolyStationary([]float64{0, 0, -2, 0, 1})
	if len(s) != 3 || s[0].Kind() != "minimum" || s[1].Kind() != "maximum" || s[2].Kind() != "minimum" ||
		math.Abs(s[0].X+1) > 1e-12 || math.Abs(s[1].X) > 1e-12 || math.Abs(s[2].X-1) > 1e-12 {
		t.Errorf("quartic: %+v", s)
	}
	// x⁴/4 + x²/2 + x: p' = x³ + x + 1 has one real root and a complex pair.
	s = PolyStationary([]float64{0, 1, 0.5, 0, 0.25})
	if len(s) != 1 || math.Abs(s[0].X*s[0].X*s[0].X+s[0].X+1) > 1e-14 {
		t.Errorf("one real root: %+v", s)
	}
}

func TestStationary1DScan(t *testing.T) {
	// sin on [0, 10]: stationary at π/2 (max), 3π/2 (min), 5π/2 (max).
	s := Stationary1DScan(math.Sin, math.Cos, nil, 0, 10, 100)
	want := []float64{math.Pi / 2, 3 * math.Pi / 2, 5 * math.Pi / 2}
	if len(s) != 3 {
		t.Fatalf("%+v", s)
	}
	for i, w := range want {
		if math.Abs(s[i].X-w) > 1e-13 {
			t.Errorf("point %d at %.16g, want %.16g", i, s[i].X, w)
		}
	}
	if s[0].Kind() != "maximum" || s[1].Kind() != "minimum" {
		t.Errorf("kinds %s %s", s[0].Kind(), s[1].Kind())
	}
}
