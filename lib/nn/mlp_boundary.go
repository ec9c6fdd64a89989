package nn

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/modelargs"
)

// Boundary returns the decision function of a network with two input
// features and two classes at params,
//
//	(x₁, x₂) ↦ P(class 1 | x₁, x₂) − ½,
//
// positive where the network predicts class 1, negative where it predicts
// class 0 and zero on its decision boundary: the form that contour and
// decision-boundary charts take (lib/viz's DecisionData). params is copied,
// so the function keeps describing this network when params later changes.
//
// Each call costs one forward pass, O(P) for P = Dim() parameters, and
// allocates nothing; like the MLP itself the function is not safe for
// concurrent use. Boundary panics if the network does not have two input
// features and two classes, or if len(params) ≠ Dim().
func (m *MLP) Boundary(params []float64) func(x1, x2 float64) float64 {
	if d, k := m.sizes[0], m.sizes[len(m.sizes)-1]; d != 2 || k != 2 {
		panic(fmt.Sprintf("nn: MLP.Boundary: the network has %d input features and %d classes, want 2 and 2", d, k))
	}
	modelargs.Params("nn", "MLP", "Boundary", params, m.dim)
	w := append([]float64(nil), params...)
	in := make([]float64, 2)
	return func(x1, x2 float64) float64 {
		in[0], in[1] = x1, x2
		m.forward(w, in, nil)
		z := m.a[m.Layers()]
		return math.Exp(z[1]-logSumExp(z)) - 0.5 // Probs' P(class 1), without P(class 0)
	}
}
