package nn

import (
	"math"
)

// sigmoid is 1/(1 + e⁻ᶻ), evaluated without overflow for either sign of z.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}
