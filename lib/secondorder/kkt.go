package secondorder

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/optim"
	"gonum.org/v1/gonum/mat"
)

// EqualityQP is the equality-constrained quadratic problem
//
//	minimize ½ xᵀQx + cᵀx   subject to  Ax = b,
//
// with Q n×n symmetric, A m×n and m ≤ n.
type EqualityQP struct {
	Q mat.Symmetric
	C []float64
	A mat.Matrix
	B []float64
}

// SolveKKT solves an EqualityQP exactly by the method of Lagrange
// multipliers: the stationary points of L(x, λ) = ½xᵀQx + cᵀx + λᵀ(Ax − b)
// satisfy the KKT system
//
//	[Q  Aᵀ] [x]   [−c]
//	[A  0 ] [λ] = [ b],
//
// solved here by LU factorisation. The solution is the constrained minimum
// when Q is positive definite on the null space of A.
//
// It returns a *SingularError (What "KKT matrix") when the system is
// singular, as it is when the constraints are linearly dependent (rank A <
// m) or Q is singular on the null space of A: condition number above 1/ε;
// and an *optim.NumericalError naming the entry when Q, c, A or b holds a
// NaN or ±Inf (which would otherwise pass for a singular system). It
// panics on mismatched dimensions. Cost O((n+m)³) time, (n+m)² memory.
func SolveKKT(qp EqualityQP) (x, lambda []float64, err error) {
	n := qp.Q.SymmetricDim()
	m, an := qp.A.Dims()
	if n == 0 {
		panic("secondorder: SolveKKT: Q is 0×0")
	}
	if an != n || len(qp.C) != n || len(qp.B) != m {
		panic("secondorder: SolveKKT: dimension mismatch: Q is " + itoa(n) + "×" + itoa(n) + ", c has " + itoa(len(qp.C)) +
			", A is " + itoa(m) + "×" + itoa(an) + ", b has " + itoa(len(qp.B)))
	}
	bad := func(what string, i, j int, v float64) error {
		return &optim.NumericalError{Index: i*max(n, 1) + j, Value: v,
			What: fmt.Sprintf("%s entry (%d, %d) of the quadratic program (row-major index)", what, i, j)}
	}
	k := mat.NewDense(n+m, n+m, nil)
	rhs := mat.NewVecDense(n+m, nil)
	for i := range n {
		for j := range n {
			q := qp.Q.At(i, j)
			if !num.Finite(q) {
				return nil, nil, bad("Q", i, j, q)
			}
			k.Set(i, j, q)
		}
		if !num.Finite(qp.C[i]) {
			return nil, nil, bad("c", i, 0, qp.C[i])
		}
		rhs.SetVec(i, -qp.C[i])
	}
	for i := range m {
		for j := range n {
			a := qp.A.At(i, j)
			if !num.Finite(a) {
				return nil, nil, bad("A", i, j, a)
			}
			k.Set(n+i, j, a)
			k.Set(j, n+i, a)
		}
		if !num.Finite(qp.B[i]) {
			return nil, nil, bad("b", i, 0, qp.B[i])
		}
		rhs.SetVec(n+i, qp.B[i])
	}
	var lu mat.LU
	lu.Factorize(k)
	if c := lu.Cond(); !(c <= 1/epsilon) {
		return nil, nil, &SingularError{What: "KKT matrix", Cond: c,
			Why: "singular: the constraints are linearly dependent or Q is singular on their null space"}
	}
	sol := mat.NewVecDense(n+m, nil)
	if err := lu.SolveVecTo(sol, false, rhs); err != nil && !isCondition(err) {
		return nil, nil, &SingularError{What: "KKT matrix", Cond: lu.Cond(), Why: err.Error()}
	}
	out := sol.RawVector().Data
	return append([]float64(nil), out[:n]...), append([]float64(nil), out[n:]...), nil
}

// Stationary1D is a stationary point of a function of one variable.
type Stationary1D struct {
	X, F float64
	// Curvature is f''(X): > 0 a local minimum, < 0 a maximum, 0 undecided.
	Curvature float64
}

// Kind is "minimum", "maximum" or "inflection" by the sign of the curvature.
func (s Stationary1D) Kind() string {
	switch {
	case s.Curvature > 0:
		return "minimum"
	case s.Curvature < 0:
		return "maximum"
	}
	return "inflection"
}

// PolyStationary returns the real stationary points of the polynomial
// p(x) = Σ coef[k]·xᵏ (coef[0] the constant term), solving p'(x) = 0 in
// closed form: the roots of p' are the eigenvalues of its companion matrix,
// polished by two Newton steps; complex pairs (|Im| > 1e-9·scale) are
// dropped. Points are sorted by X and classified by p”. For the quadratic
// ax² + bx + c this is the familiar x* = −b/(2a). It panics when p has
// degree below 2 or a zero leading coefficient. Cost O(deg³).
func PolyStationary(coef []float64) []Stationary1D {
	deg := len(coef) - 1
	if deg < 2 || coef[deg] == 0 {
		panic("secondorder: PolyStationary needs degree ≥ 2 with a non-zero leading coefficient")
	}
	// p'(x) = Σ_{k=1}^{deg} k·coef[k]·x^{k−1}, degree deg−1, monic-ised.
	d := make([]float64, deg)
	for k := 1; k <= deg; k++ {
		d[k-1] = float64(k) * coef[k]
	}
	eval := func(c []float64, x float64) float64 {
		var v float64
		for k := len(c) - 1; k >= 0; k-- {
			v = v*x + c[k]
		}
		return v
	}
	d2 := make([]float64, deg-1)
	for k := 1; k < deg; k++ {
		d2[k-1] = float64(k) * d[k]
	}
	var roots []float64
	if deg == 2 {
		roots = []float64{-d[0] / d[1]}
	} else {
		m := deg - 1
		comp := mat.NewDense(m, m, nil)
		for i := 1; i < m; i++ {
			comp.Set(i, i-1, 1)
		}
		for i := range m {
			comp.Set(i, m-1, -d[i]/d[m])
		}
		var eig mat.Eigen
		if !eig.Factorize(comp, mat.EigenNone) {
			panic("secondorder: PolyStationary: eigen-decomposition failed")
		}
		scale := 1.0
		for _, v := range eig.Values(nil) {
			scale = math.Max(scale, math.Abs(real(v)))
		}
		for _, v := range eig.Values(nil) {
			if math.Abs(imag(v)) <= 1e-9*scale {
				roots = append(roots, real(v))
			}
		}
	}
	out := make([]Stationary1D, 0, len(roots))
	for _, x := range roots {
		for range 2 {
			if c := eval(d2, x); c != 0 {
				x -= eval(d, x) / c
			}
		}
		out = append(out, Stationary1D{X: x, F: eval(coef, x), Curvature: eval(d2, x)})
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].X < out[j-1].X; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Stationary1DScan finds the stationary points of a smooth f on [lo, hi]
// from its derivative df: it samples df at n+1 evenly spaced points,
// brackets each sign change and refines it by bisection to |Δx| ≤
// 1e-14·max(1, |x|). d2f (may be nil, then a central difference of df is
// used) classifies each point. Roots where df touches zero without changing
// sign are missed; refine n to find close pairs. It panics unless lo < hi
// and n ≥ 1. Cost n + 60·(roots) evaluations of df.
func Stationary1DScan(f, df, d2f func(float64) float64, lo, hi float64, n int) []Stationary1D {
	if !(lo < hi) || n < 1 {
		panic("secondorder: Stationary1DScan needs lo < hi and n ≥ 1")
	}
	var out []Stationary1D
	h := (hi - lo) / float64(n)
	a, fa := lo, df(lo)
	for i := 1; i <= n; i++ {
		b := lo + float64(i)*h
		fb := df(b)
		var x float64
		found := false
		switch {
		case fa == 0:
			x, found = a, true
		case fa*fb < 0:
			l, r, fl := a, b, fa
			for range 200 {
				mid := 0.5 * (l + r)
				fm := df(mid)
				if fm == 0 || r-l <= 1e-14*math.Max(1, math.Abs(mid)) {
					l, r = mid, mid
					break
				}
				if fl*fm < 0 {
					r = mid
				} else {
					l, fl = mid, fm
				}
			}
			x, found = 0.5*(l+r), true
		}
		if found {
			var c float64
			if d2f != nil {
				c = d2f(x)
			} else {
				e := 1e-5 * math.Max(1, math.Abs(x))
				c = (df(x+e) - df(x-e)) / (2 * e)
			}
			out = append(out, Stationary1D{X: x, F: f(x), Curvature: c})
		}
		a, fa = b, fb
	}
	if fa == 0 {
		c := nan
		if d2f != nil {
			c = d2f(hi)
		}
		out = append(out, Stationary1D{X: hi, F: f(hi), Curvature: c})
	}
	return out
}
