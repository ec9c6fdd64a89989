package optim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// Clipped runs another optimizer on the gradient rescaled to a Euclidean
// norm of at most MaxNorm: gradient norm clipping (Pascanu, Mikolov &
// Bengio 2013), as torch.nn.utils.clip_grad_norm_ computes it before
// optimizer.step():
//
//	c ← MaxNorm / (‖g‖₂ + 10⁻⁶),   g ← c·g when c < 1,   Opt.Step(x, g).
//
// The direction is kept and only the length is capped, so a step taken on
// a cliff of the loss (a gradient far larger than the ones around it, as
// recurrent and deep networks produce) moves x by at most about α·MaxNorm
// with plain SGD. A gradient with a NaN or infinite entry is passed on
// unchanged (its norm is not finite); Run stops such a run with NonFinite
// before the Step.
//
// Cost per Step: the wrapped Step plus one pass over grad for the norm and
// one to copy it; it allocates nothing after the first Step. Clipped
// implements LearningRater and Stateful by passing them on to the wrapped
// optimizer, so schedules and checkpoints work as with the bare optimizer.
// Clipped reports the factor of its last Step (LastFactor), 1 when it did
// not clip.
type Clipped struct {
	wrapper
	maxNorm float64
	g       []float64
	factor  float64
}

// NewClipped wraps opt so that every gradient it receives has a Euclidean
// norm of at most maxNorm. It panics if opt is nil or maxNorm is not
// positive and finite.
func NewClipped(opt Optimizer, maxNorm float64) *Clipped {
	if opt == nil {
		panic("optim: NewClipped: nil optimizer")
	}
	if !(maxNorm > 0) || math.IsInf(maxNorm, 0) {
		panic(fmt.Sprintf("optim: NewClipped: MaxNorm = %v must be positive and finite", maxNorm))
	}
	return &Clipped{wrapper: wrapper{opt: opt, name: "Clipped"}, maxNorm: maxNorm, factor: 1}
}

// MaxNorm returns the largest gradient norm passed on.
func (o *Clipped) MaxNorm() float64 { return o.maxNorm }

// LastFactor returns the factor c by which the last Step scaled the
// gradient (1 when it was not clipped, or before any Step).
func (o *Clipped) LastFactor() float64 { return o.factor }

// Step scales grad to a norm of at most MaxNorm into a buffer of its own
// (grad itself is not written) and steps the wrapped optimizer with it. It
// panics if len(grad) differs from len(x).
func (o *Clipped) Step(x, grad []float64) {
	if len(grad) != len(x) {
		panic(fmt.Sprintf("optim: Clipped.Step: len(x) = %d, len(grad) = %d", len(x), len(grad)))
	}
	norm := floats.Norm(grad, 2) // scaled: no overflow for entries near the float64 limit
	o.factor = 1
	if c := o.maxNorm / (norm + 1e-6); c < 1 {
		o.factor = c
	}
	o.g = grow(o.g, len(grad))
	for i, v := range grad {
		if o.factor == 1 {
			o.g[i] = v
		} else {
			o.g[i] = v * o.factor
		}
	}
	o.opt.Step(x, o.g)
}

// Reset resets the wrapped optimizer and the last factor.
func (o *Clipped) Reset() { o.opt.Reset(); o.factor = 1 }

// RestoreState restores the wrapped optimizer's state. It returns an error
// if the wrapped optimizer is not Stateful, or what its RestoreState
// returns.
func (o *Clipped) RestoreState(st State) error { return o.restoreState(st) }
