package optim

import "fmt"

// Averaging keeps the running mean of the iterates of a run,
//
//	x̄ = (1/K) Σ xₖ   over the iterates xₖ with k ≥ Start (K of them),
//
// the iterate averaging of Ruppert (1988) and Polyak & Juditsky (1992).
// Stochastic gradient descent with a constant or slowly decaying learning
// rate keeps bouncing around the minimum at a distance set by the rate and
// the gradient noise; the mean of those iterates lies much closer. With
// α_t ∝ 1/√t the average of SGD's iterates on a convex Lipschitz problem
// is within O(1/√T) of the optimal value after T steps (Nemirovski,
// Juditsky, Lan & Shapiro 2009), and on least squares constant-rate SGD
// with averaging reaches O(1/T) (Bach & Moulines 2013); notebook 07 measures
// both.
//
// Use Observe as Settings.Observe (or within Observers). Every iterate is
// averaged once: a stochastic run reports some iterates twice, as a step
// and as a full-data evaluation, and the second report is skipped. A record
// with Iter 0 starts a new average, so one Averaging may observe several
// runs in turn. It never stops a run. Cost O(n) per iterate, no allocation
// after the first; Mean allocates its result.
type Averaging struct {
	// Start is the first iteration averaged: 0 averages from x₀, s > 0
	// leaves out the first s iterates (a burn-in).
	Start int

	mean  []float64
	count int
	last  int // Iter of the last averaged iterate
}

// Observe adds r.X to the average when r is a new iterate with
// Iter ≥ Start, and returns false. It panics if Start is negative or the
// length of x changes within a run.
func (a *Averaging) Observe(r Record) bool {
	if a.Start < 0 {
		panic(fmt.Sprintf("optim: Averaging.Start = %d: must be ≥ 0", a.Start))
	}
	if r.Iter == 0 && (a.count == 0 || a.last != 0) {
		a.count, a.last = 0, -1 // a new run
	}
	if r.Iter < a.Start || r.Iter <= a.last || r.X == nil {
		return false
	}
	if a.count == 0 {
		a.mean = append(a.mean[:0], make([]float64, len(r.X))...)
	} else if len(r.X) != len(a.mean) {
		panic(fmt.Sprintf("optim: Averaging: x has length %d, earlier iterates %d", len(r.X), len(a.mean)))
	}
	a.count++
	a.last = r.Iter
	inv := 1 / float64(a.count)
	for i, v := range r.X {
		a.mean[i] += (v - a.mean[i]) * inv
	}
	return false
}

// Mean returns a copy of the average of the iterates seen so far, or nil
// before the first.
func (a *Averaging) Mean() []float64 {
	if a.count == 0 {
		return nil
	}
	return append([]float64(nil), a.mean...)
}

// Count is the number of iterates averaged.
func (a *Averaging) Count() int { return a.count }
