package secondorder

import (
	"fmt"

	"github.com/descentlab/descent/lib/optim"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

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
	sy := floats.Dot(s, y)
	if !(sy > h.skipTol*floats.Norm(s, 2)*floats.Norm(y, 2)) {
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
	return 1 / (h.rho[h.head] * floats.Dot(y, y))
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
		a := h.rho[i] * floats.Dot(h.s[i], q)
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
		b := h.rho[i] * floats.Dot(h.y[i], q)
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
// 2·Memory·n floats.
//
// Memory must be ≥ 1 (10 is usual; NewLBFGS(m) also sets DefaultSkipTol).
// LineSearch nil is the strong-Wolfe search with c₁ = 1e-4, c₂ = 0.9.
// SkipTol is literal (0 skips only sᵀy ≤ 0). Init panics on Memory < 1 or
// a negative SkipTol.
type LBFGS struct {
	Memory     int
	LineSearch LineSearcher
	SkipTol    float64

	dir  lbfgsDir
	core core
}

// NewLBFGS returns L-BFGS keeping m pairs, with the strong-Wolfe search and
// DefaultSkipTol.
func NewLBFGS(m int) *LBFGS { return &LBFGS{Memory: m, SkipTol: DefaultSkipTol} }

// String returns "L-BFGS m=…".
func (m *LBFGS) String() string { return fmt.Sprintf("L-BFGS m=%d", m.Memory) }

// Reset implements optim.Method (a run starts afresh at Init).
func (m *LBFGS) Reset() {}

// Init implements optim.Searcher.
func (m *LBFGS) Init(e *optim.Evaluator, loc *optim.Location) error {
	if m.Memory < 1 {
		panic(fmt.Sprintf("secondorder: LBFGS.Memory = %d: keep at least one pair (10 is usual; NewLBFGS(10))", m.Memory))
	}
	m.dir = lbfgsDir{m: m.Memory, skip: checkSkipTol("LBFGS", m.SkipTol)}
	m.core.start(&m.dir, orWolfe(m.LineSearch, 0.9), e, loc)
	return nil
}

// Iterate implements optim.Searcher.
func (m *LBFGS) Iterate(e *optim.Evaluator, loc *optim.Location) (float64, error) {
	return m.core.iterate(e, loc)
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
		return 1 / floats.Norm(d, 2), nil
	}
	return 1, nil
}

func (l *lbfgsDir) update(_ *state, s, y []float64) { l.h.Push(s, y) }
