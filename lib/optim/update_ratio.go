package optim

import (
	"fmt"

	"gonum.org/v1/gonum/floats"
)

// UpdateRatio follows the relative size of a run's steps, as a run's
// observer (Settings.Observe: u.Observe): for each group of coordinates of x
// (the weights of one layer of a network, say) and each step k,
//
//	ratioₖ = ‖x_{k+1} − x_k‖₂ / ‖x_k‖₂     over the coordinates of the group.
//
// This is the update-to-weight ratio of CS231n's notes ("Neural Networks
// Part 3"), whose rule of thumb is about 10⁻³ per layer: far below, the
// learning rate is probably too low; far above, too high. Since the step of
// gradient descent is α∇f, the ratio grows in proportion to α; Adam's step
// is about α per coordinate, whatever the gradient's scale.
//
// A group whose ‖x_k‖ is 0 gives +Inf (or NaN for a zero step). Cost per
// step: O(len(x)) for the norms and a copy of x; the ratios take
// len(Groups) float64 words per step.
type UpdateRatio struct {
	// Groups are half-open ranges [lo, hi) of x, e.g. the weight ranges of a
	// network's layers (lib/problems' MLP.WeightRange). Empty: all of x is
	// one group.
	Groups [][2]int

	prev   []float64
	iter   int // iteration of prev
	steps  []float64
	ratios [][]float64
}

// Observe records the ratios of the step that led to r.X, if r is a new
// iterate (the repeated records of an iterate, such as the full-data
// evaluations of a stochastic run, are skipped), and never stops the run.
// It panics if a group is empty or outside x.
func (u *UpdateRatio) Observe(r Record) bool {
	if r.X == nil || (u.prev != nil && r.Iter == u.iter) {
		return false
	}
	if u.prev == nil {
		if len(u.Groups) == 0 {
			u.Groups = [][2]int{{0, len(r.X)}}
		}
		for _, g := range u.Groups {
			if g[0] < 0 || g[1] > len(r.X) || g[0] >= g[1] {
				panic(fmt.Sprintf("optim: UpdateRatio: group [%d, %d) is empty or outside x of length %d", g[0], g[1], len(r.X)))
			}
		}
		u.ratios = make([][]float64, len(u.Groups))
	} else {
		u.steps = append(u.steps, float64(r.Iter))
		for i, g := range u.Groups {
			u.ratios[i] = append(u.ratios[i], floats.Distance(r.X[g[0]:g[1]], u.prev[g[0]:g[1]], 2)/floats.Norm(u.prev[g[0]:g[1]], 2))
		}
	}
	u.prev = append(u.prev[:0], r.X...)
	u.iter = r.Iter
	return false
}

// Ratios returns the iteration reached by each recorded step and, for
// each group g, ratios[g][i], the ratio of that step on g.
func (u *UpdateRatio) Ratios() (steps []float64, ratios [][]float64) { return u.steps, u.ratios }

// Reset forgets every step, keeping Groups.
func (u *UpdateRatio) Reset() { *u = UpdateRatio{Groups: u.Groups} }
