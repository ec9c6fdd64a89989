package secondorder

import (
	"math"

	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/mat"
)

// NewEqualityQP builds the EqualityQP  minimize ½xᵀQx + cᵀx subject to Ax = b
// from plain slices, for callers (notebooks) that do not import gonum: q holds
// the n rows of Q (symmetrised as (Q + Qᵀ)/2), a the m rows of A. The slices
// are copied. It panics with a "secondorder:" message unless q is n×n, a is
// m×n with 1 ≤ m ≤ n, len(c) = n and len(b) = m. Cost O(n² + mn).
func NewEqualityQP(q [][]float64, c []float64, a [][]float64, b []float64) EqualityQP {
	n, m := len(q), len(a)
	if n == 0 || len(c) != n || m == 0 || m > n || len(b) != m {
		panic("secondorder: NewEqualityQP: need Q n×n, c of length n, A m×n with 1 ≤ m ≤ n, b of length m")
	}
	qs := mat.NewSymDense(n, nil)
	for i := range n {
		if len(q[i]) != n {
			panic("secondorder: NewEqualityQP: row " + itoa(i) + " of Q has length " + itoa(len(q[i])) + ", want " + itoa(n))
		}
		for j := i; j < n; j++ {
			qs.SetSym(i, j, 0.5*(q[i][j]+q[j][i]))
		}
	}
	ad := mat.NewDense(m, n, nil)
	for i := range m {
		if len(a[i]) != n {
			panic("secondorder: NewEqualityQP: row " + itoa(i) + " of A has length " + itoa(len(a[i])) + ", want " + itoa(n))
		}
		ad.SetRow(i, a[i])
	}
	return EqualityQP{Q: qs, C: append([]float64(nil), c...), A: ad, B: append([]float64(nil), b...)}
}

// Objective returns the QP's objective f(x) = ½xᵀQx + cᵀx, without the
// constraints, as a problems.Problem with Func, Grad (Qx + c) and Hess (Q).
// Func and Grad cost O(n²) and allocate nothing.
func (qp EqualityQP) Objective() problems.Problem {
	n := qp.Q.SymmetricDim()
	return problems.Problem{
		Name: "½xᵀQx + cᵀx",
		Dim:  n,
		Func: func(x []float64) float64 {
			var f float64
			for i := range n {
				var qx float64
				for j := range n {
					qx += qp.Q.At(i, j) * x[j]
				}
				f += x[i] * (0.5*qx + qp.C[i])
			}
			return f
		},
		Grad: func(g, x []float64) { qpGrad(qp, g, x) },
		Hess: func(h *mat.SymDense, x []float64) { h.CopySym(qp.Q) },
	}
}

func qpGrad(qp EqualityQP, g, x []float64) {
	n := qp.Q.SymmetricDim()
	for i := range n {
		s := qp.C[i]
		for j := range n {
			s += qp.Q.At(i, j) * x[j]
		}
		g[i] = s
	}
}

// Projected returns the objective of Objective with its gradient replaced by
// the projected gradient P∇f(x), P = I − Aᵀ(AAᵀ)⁻¹A the orthogonal projector
// onto the null space of A. Gradient descent on it, started on the feasible
// set {Ax = b} (see Project), moves only along that set and stays on it (up to
// rounding): it is projected gradient descent for linear equality
// constraints, and P∇f(x) = 0 on the feasible set exactly at the KKT point of
// SolveKKT (∇f = −Aᵀλ). It panics if A has dependent rows (AAᵀ singular).
// Building it costs O(m²n + m³); Grad costs O(n²) and allocates nothing.
func (qp EqualityQP) Projected() problems.Problem {
	n := qp.Q.SymmetricDim()
	p := projector(qp.A)
	obj := qp.Objective()
	raw := make([]float64, n)
	obj.Name = "½xᵀQx + cᵀx, gradient projected on Ax = b"
	obj.Grad = func(g, x []float64) {
		qpGrad(qp, raw, x)
		for i := range n {
			var s float64
			for j := range n {
				s += p.At(i, j) * raw[j]
			}
			g[i] = s
		}
	}
	obj.Hess = nil
	return obj
}

// Project returns the point of {Ax = b} nearest to x, x − Aᵀ(AAᵀ)⁻¹(Ax − b).
// It panics if A has dependent rows. Cost O(m²n + m³).
func (qp EqualityQP) Project(x []float64) []float64 {
	m, n := qp.A.Dims()
	r := mat.NewVecDense(m, nil)
	r.MulVec(qp.A, mat.NewVecDense(n, append([]float64(nil), x...)))
	for i := range m {
		r.SetVec(i, r.AtVec(i)-qp.B[i])
	}
	var aat mat.Dense
	aat.Mul(qp.A, qp.A.T())
	var y mat.VecDense
	if err := y.SolveVec(&aat, r); err != nil {
		panic("secondorder: Project: the rows of A are linearly dependent")
	}
	var d mat.VecDense
	d.MulVec(qp.A.T(), &y)
	out := make([]float64, n)
	for i := range n {
		out[i] = x[i] - d.AtVec(i)
	}
	return out
}

// projector returns I − Aᵀ(AAᵀ)⁻¹A.
func projector(a mat.Matrix) *mat.Dense {
	_, n := a.Dims()
	var aat mat.Dense
	aat.Mul(a, a.T())
	var inv mat.Dense
	if err := inv.Inverse(&aat); err != nil {
		if _, ok := err.(mat.Condition); !ok || math.IsInf(float64(err.(mat.Condition)), 1) {
			panic("secondorder: Projected: the rows of A are linearly dependent")
		}
	}
	var t, p mat.Dense
	t.Mul(a.T(), &inv)
	p.Mul(&t, a)
	out := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			v := -p.At(i, j)
			if i == j {
				v++
			}
			out.Set(i, j, v)
		}
	}
	return out
}
