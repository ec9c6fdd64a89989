package secondorder

import (
	"math"
	"slices"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// CurvatureRow compares, at one iterate of a BFGS run, the inverse-Hessian
// approximations of BFGS (dense Hₖ) and of L-BFGS (the matrix its two-loop
// recursion applies, from the same (s, y) pairs) with the exact inverse
// Hessian ∇²f(xₖ)⁻¹.
type CurvatureRow struct {
	Iter int
	F    float64
	// RelErrBFGS and RelErrLBFGS are ‖H̃g − ∇²f⁻¹g‖/‖∇²f⁻¹g‖ with g = ∇f(xₖ):
	// how far each method's step direction is from Newton's.
	RelErrBFGS, RelErrLBFGS float64
	// EigExact, EigBFGS and EigLBFGS are the eigenvalues, ascending, of
	// ∇²f(xₖ)⁻¹ and of the two approximations (1/λ of the Hessian's λ; a
	// negative value marks negative curvature, which BFGS cannot represent).
	EigExact, EigBFGS, EigLBFGS []float64
}

// CompareCurvature runs BFGS (strong-Wolfe search) from x0 (nil: p.Start) until
// ‖∇f‖₂ ≤ 1e-8 or maxIter iterations and, at each iterate, compares the curvature models (see
// CurvatureRow). An L-BFGS History of the given memory is fed the same
// (s, y) pairs, so the two approximations are compared on one path. The
// exact Hessian is p.Hess, or FDHessian when p has none. It also returns the
// BFGS run's Result.
//
// It is meant for small d: cost per iterate O(d³) for the eigenvalues and
// O(m·d²) to form the L-BFGS matrix. It panics when len(x0) > 200 or
// memory < 1.
func CompareCurvature(p problems.Problem, x0 []float64, memory, maxIter int) ([]CurvatureRow, optim.Result) {
	if x0 == nil {
		x0 = p.Start
	}
	if len(x0) > 200 {
		panic("secondorder: CompareCurvature is for d ≤ 200, got " + itoa(len(x0)))
	}
	if memory < 1 {
		panic("secondorder: CompareCurvature: history size " + itoa(memory) + " < 1")
	}
	cs := &curvSearch{dir: curvDir{bfgsDir: bfgsDir{skip: DefaultSkipTol}, memory: memory}}
	r := optim.Run(p, x0, cs, optim.Settings{MaxIter: maxIter, GradTol: 1e-8, Label: "BFGS"})
	return cs.dir.rows, r
}

// curvSearch is BFGS that compares its curvature models at every iterate.
type curvSearch struct {
	dir  curvDir
	core core
}

func (c *curvSearch) Reset() {}

func (c *curvSearch) Init(e *optim.Evaluator, loc *optim.Location) error {
	c.core.start(&c.dir, orWolfe(nil, 0.9), e, loc)
	return nil
}

func (c *curvSearch) Iterate(e *optim.Evaluator, loc *optim.Location) (float64, error) {
	return c.core.iterate(e, loc)
}

type curvDir struct {
	bfgsDir
	memory int
	hist   *History
	hess   *mat.SymDense
	rows   []CurvatureRow
}

func (c *curvDir) init(n int) {
	c.bfgsDir.init(n)
	c.hist = NewHistory(n, c.memory)
	c.hess = mat.NewSymDense(n, nil)
}

func (c *curvDir) restart() bool {
	c.hist.Reset()
	return c.bfgsDir.restart()
}

func (c *curvDir) update(st *state, s, y []float64) {
	c.bfgsDir.update(st, s, y)
	c.hist.Push(s, y)
}

func (c *curvDir) next(d []float64, st *state) (float64, error) {
	n := len(d)
	// The comparison's Hessians are not the method's: they go uncounted.
	if p := st.ev.Problem(); p.Hess != nil {
		p.Hess(c.hess, st.x)
	} else {
		FDHessian(c.hess, p.Grad, st.x)
	}
	row := CurvatureRow{Iter: st.iter, F: st.f}
	var es mat.EigenSym
	gv := mat.NewVecDense(n, append([]float64(nil), st.g...))
	newton := mat.NewVecDense(n, nil)
	if es.Factorize(c.hess, true) {
		lam := es.Values(nil)
		var q mat.Dense
		es.VectorsTo(&q)
		// ∇²f⁻¹g = Q diag(1/λ) Qᵀ g
		var qtg mat.VecDense
		qtg.MulVec(q.T(), gv)
		for i := range n {
			qtg.SetVec(i, qtg.AtVec(i)/lam[i])
		}
		newton.MulVec(&q, &qtg)
		row.EigExact = make([]float64, n)
		for i, l := range lam {
			row.EigExact[i] = 1 / l
		}
		slices.Sort(row.EigExact)
	}
	hl := c.hist.Dense()
	approx := func(h mat.Symmetric) (float64, []float64) {
		var hg mat.VecDense
		hg.MulVec(h, gv)
		var diff mat.VecDense
		diff.SubVec(&hg, newton)
		rel := mat.Norm(&diff, 2) / mat.Norm(newton, 2)
		var e mat.EigenSym
		if !e.Factorize(h, false) {
			return rel, nil
		}
		return rel, e.Values(nil)
	}
	row.RelErrBFGS, row.EigBFGS = approx(c.h)
	row.RelErrLBFGS, row.EigLBFGS = approx(hl)
	if row.EigExact == nil {
		row.RelErrBFGS, row.RelErrLBFGS = nan, nan
	}
	c.rows = append(c.rows, row)
	return c.bfgsDir.next(d, st)
}

// RateRow is one step of a convergence-rate table.
type RateRow struct {
	Iter int
	// Err is eₖ = ‖xₖ − x*‖₂.
	Err float64
	// Linear is eₖ₊₁/eₖ (→ a constant in (0,1) for linear convergence, → 0
	// for superlinear) and Quadratic is eₖ₊₁/eₖ² (bounded for quadratic
	// convergence). Both are NaN on the last row, or when eₖ or eₖ₊₁ is below
	// 1e-15·max(1, ‖x*‖) (rounding), or when the trace skipped iterations.
	Linear, Quadratic float64
}

// ConvergenceRates returns eₖ and the ratios eₖ₊₁/eₖ and eₖ₊₁/eₖ² along a
// run's trace, which must hold x in its records (d ≤ the trace's XDim) and
// be undecimated for the ratios to be between consecutive iterations. It
// panics when len(xstar) differs from a recorded x. Cost O(len·d).
func ConvergenceRates(tr optim.Trace, xstar []float64) []RateRow {
	floor := 1e-15 * math.Max(1, floats.Norm(xstar, 2))
	rows := make([]RateRow, 0, tr.Len())
	for _, r := range tr.Records {
		if r.X == nil {
			continue
		}
		if len(r.X) != len(xstar) {
			panic("secondorder: ConvergenceRates: x* has length " + itoa(len(xstar)) + ", trace x has " + itoa(len(r.X)))
		}
		var e float64
		for i, v := range r.X {
			e += (v - xstar[i]) * (v - xstar[i])
		}
		rows = append(rows, RateRow{Iter: r.Iter, Err: math.Sqrt(e), Linear: nan, Quadratic: nan})
	}
	for k := 0; k+1 < len(rows); k++ {
		a, b := rows[k], rows[k+1]
		if b.Iter != a.Iter+1 || a.Err < floor || b.Err < floor {
			continue
		}
		rows[k].Linear = b.Err / a.Err
		rows[k].Quadratic = b.Err / (a.Err * a.Err)
	}
	return rows
}
