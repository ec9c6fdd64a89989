package secondorder

import (
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"gonum.org/v1/gonum/mat"
)

// DefaultMemory is the L-BFGS history size used when LBFGS.Memory is zero.
const DefaultMemory = 10

// History holds the last m curvature pairs (sᵢ, yᵢ) of L-BFGS in a ring
// buffer and applies the inverse-Hessian approximation they define without
// forming it. Memory 2mn floats.
type History struct {
	n, m    int
	s, y    [][]float64
	rho     []float64
	alpha   []float64
	head    int // index of the newest pair
	size    int
	skipTol float64
	// Skipped counts the pairs Push rejected.
	Skipped int
}

// NewHistory returns an empty history for dimension n holding at most m
// pairs. It panics unless n ≥ 1 and m ≥ 1.
func NewHistory(n, m int) *History {
	if n < 1 {
		panic("secondorder: NewHistory: dimension " + itoa(n) + " < 1")
	}
	if m < 1 {
		panic("secondorder: NewHistory: history size " + itoa(m) + " < 1")
	}
	h := &History{n: n, m: m, rho: make([]float64, m), alpha: make([]float64, m), skipTol: DefaultSkipTol, head: -1}
	h.s = make([][]float64, m)
	h.y = make([][]float64, m)
	for i := range m {
		h.s[i] = make([]float64, n)
		h.y[i] = make([]float64, n)
	}
	return h
}

// Len is the number of pairs held.
func (h *History) Len() int { return h.size }

// Reset empties the history.
func (h *History) Reset() { h.size, h.head = 0, -1 }

// Push adds the pair (s, y), dropping the oldest when full, unless
// sᵀy ≤ ε‖s‖‖y‖ (ε = DefaultSkipTol), in which case it is skipped and Push
// returns false. Cost O(n).
func (h *History) Push(s, y []float64) bool {
	if len(s) != h.n || len(y) != h.n {
		panic("secondorder: History.Push: length mismatch")
	}
	sy := dot(s, y)
	if !(sy > h.skipTol*norm2(s)*norm2(y)) {
		h.Skipped++
		return false
	}
	h.head = (h.head + 1) % h.m
	copy(h.s[h.head], s)
	copy(h.y[h.head], y)
	h.rho[h.head] = 1 / sy
	if h.size < h.m {
		h.size++
	}
	return true
}

// Gamma is the initial scaling γ = sᵀy/yᵀy of the newest pair (1 when empty):
// H⁰ = γI.
func (h *History) Gamma() float64 {
	if h.size == 0 {
		return 1
	}
	y := h.y[h.head]
	return 1 / (h.rho[h.head] * dot(y, y))
}

// TwoLoop sets dst = H·g, where H is the L-BFGS inverse-Hessian
// approximation (the two-loop recursion, Nocedal & Wright Algorithm 7.4,
// with H⁰ = γI). dst and g may be the same slice. Cost 4mn + n flops, no
// allocation.
func (h *History) TwoLoop(dst, g []float64) {
	if len(dst) != h.n || len(g) != h.n {
		panic("secondorder: History.TwoLoop: length mismatch")
	}
	q := dst
	copy(q, g)
	for k := 0; k < h.size; k++ {
		i := (h.head - k + h.m) % h.m
		a := h.rho[i] * dot(h.s[i], q)
		h.alpha[i] = a
		y := h.y[i]
		for j := range q {
			q[j] -= a * y[j]
		}
	}
	gamma := h.Gamma()
	for j := range q {
		q[j] *= gamma
	}
	for k := h.size - 1; k >= 0; k-- {
		i := (h.head - k + h.m) % h.m
		b := h.rho[i] * dot(h.y[i], q)
		s := h.s[i]
		c := h.alpha[i] - b
		for j := range q {
			q[j] += c * s[j]
		}
	}
}

// Dense returns the n×n matrix H that TwoLoop applies, built by applying it
// to the unit vectors (for comparing curvature models at small n). Cost
// O(mn²) time, n² memory.
func (h *History) Dense() *mat.SymDense {
	out := mat.NewSymDense(h.n, nil)
	e := make([]float64, h.n)
	col := make([]float64, h.n)
	for j := range h.n {
		clear(e)
		e[j] = 1
		h.TwoLoop(col, e)
		for i := 0; i <= j; i++ {
			out.SetSym(i, j, col[i])
		}
	}
	return out
}

// LBFGS is limited-memory BFGS (Nocedal & Wright §7.2): dₖ = −Hₖ∇f(xₖ)
// where Hₖ is the BFGS inverse Hessian built from H⁰ = γₖI, γₖ = sᵀy/yᵀy of
// the newest pair, and the last Memory pairs, applied by the two-loop
// recursion (History.TwoLoop). Pairs with sᵀy ≤ SkipTol·‖s‖‖y‖ are
// skipped. The first step has length 1/‖∇f(x₀)‖, later trial steps are 1.
// If a direction fails to descend, the history is dropped once.
//
// Cost per iteration: 4·Memory·n flops plus the line search; memory
// 2·Memory·n floats. It panics if Memory is negative.
//
// Defaults: Memory = DefaultMemory (10), LineSearch StrongWolfe{}
// (C1 = 1e-4, C2 = 0.9), SkipTol = DefaultSkipTol.
type LBFGS struct {
	Memory     int
	LineSearch LineSearcher
	SkipTol    float64
	Settings
}

// Minimize implements Method.
func (m LBFGS) Minimize(p problems.Problem, x0 []float64) optim.Result {
	mem := m.Memory
	if mem == 0 {
		mem = DefaultMemory
	}
	if mem < 0 {
		panic("secondorder: LBFGS.Memory " + itoa(mem) + " < 0")
	}
	ls := m.LineSearch
	if ls == nil {
		ls = StrongWolfe{}
	}
	return minimize("L-BFGS", p, x0, m.Settings, &lbfgsDir{m: mem, skip: skipTol(m.SkipTol)}, ls)
}

type lbfgsDir struct {
	m    int
	skip float64
	h    *History
}

func (l *lbfgsDir) init(n int) {
	l.h = NewHistory(n, l.m)
	l.h.skipTol = l.skip
}

func (l *lbfgsDir) restart() bool {
	if l.h.Len() == 0 {
		return false
	}
	l.h.Reset()
	return true
}

func (l *lbfgsDir) next(d []float64, st *state) (float64, error) {
	l.h.TwoLoop(d, st.g)
	for i := range d {
		d[i] = -d[i]
	}
	if l.h.Len() == 0 {
		return 1 / norm2(d), nil
	}
	return 1, nil
}

func (l *lbfgsDir) update(_ *state, s, y []float64) { l.h.Push(s, y) }
