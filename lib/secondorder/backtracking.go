package secondorder

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/num"
)

// Backtracking is the Armijo backtracking line search: starting from α₀ it
// accepts the first trial with sufficient decrease
//
//	φ(α) ≤ φ(0) + C1·α·φ'(0)
//
// and otherwise shrinks α. With Shrink zero the next trial is the minimiser
// of the quadratic through φ(0), φ'(0) and φ(α), kept within [0.1α, 0.5α];
// with Shrink in (0,1) it is Shrink·α. A trial whose value is NaN or ±Inf is
// treated as too long and shrunk (so a step into a region where f is not
// defined is recovered from), by the factor 0.1 when interpolating.
//
// It fails when α has shrunk so far that x + αd = x in floating point.
//
// Cost: one objective evaluation per trial and no gradient evaluation (the
// method evaluates the gradient once at the accepted point). It fails with a
// *LineSearchError after MaxTrials trials, or with an *optim.NumericalError
// when every trial was non-finite.
//
// C1 ∈ (0, 1) and MaxTrials ≥ 1 must be set (Nocedal & Wright suggest
// C1 = 1e-4; 50 trials is plenty); Shrink 0 names the interpolation rule
// above. Search panics on values out of range.
type Backtracking struct {
	C1        float64
	Shrink    float64
	MaxTrials int
}

// Search implements LineSearcher.
func (b Backtracking) Search(l *Line, phi0, dphi0, alpha0 float64) (float64, error) {
	c1, maxTrials := b.C1, b.MaxTrials
	if !(c1 > 0 && c1 < 1) || !(b.Shrink >= 0 && b.Shrink < 1) || maxTrials < 1 {
		panic(fmt.Sprintf("secondorder: %+v: need 0 < C1 < 1 (Nocedal & Wright: 1e-4), 0 ≤ Shrink < 1 and MaxTrials ≥ 1", b))
	}
	alpha := alpha0
	allNonFinite := true
	for range maxTrials {
		phi := l.Phi(alpha)
		if !l.moved() {
			return l.Alpha, &LineSearchError{Alpha: alpha, Evals: l.Evals, Reason: "step below rounding: x + αd = x"}
		}
		if num.Finite(phi) {
			allNonFinite = false
			if phi <= phi0+c1*alpha*dphi0 {
				return alpha, nil
			}
		}
		switch {
		case b.Shrink > 0:
			alpha *= b.Shrink
		case !num.Finite(phi):
			alpha *= 0.1
		default:
			// Minimiser of q(t) = φ0 + φ'0 t + c t² through (α, φ).
			c := (phi - phi0 - dphi0*alpha) / (alpha * alpha)
			next := -dphi0 / (2 * c)
			alpha = math.Min(math.Max(next, 0.1*alpha), 0.5*alpha)
		}
	}
	if allNonFinite {
		return l.Alpha, nonFiniteLine(l)
	}
	return l.Alpha, &LineSearchError{Alpha: l.Alpha, Evals: l.Evals, Reason: "no sufficient decrease"}
}
