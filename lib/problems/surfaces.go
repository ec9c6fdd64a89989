package problems

import "math"

// Surfaces returns the course's 2-D loss surfaces, freshly built, in the
// order of a comparison table: an ill-conditioned rotated quadratic
// (κ = 10, θ = π/6), Booth, Rosenbrock, Beale, Himmelblau, the saddle
// x² − y² and the monkey saddle. Each has Func, Grad, Hess, Start and Box;
// the last two have no minima. Cost: O(1) per problem.
func Surfaces() []Problem {
	return []Problem{
		Quadratic2D(10, math.Pi/6),
		Booth(),
		Rosenbrock(),
		Beale(),
		Himmelblau(),
		Saddle(),
		MonkeySaddle(),
	}
}
