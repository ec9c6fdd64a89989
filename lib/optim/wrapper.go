package optim

import (
	"fmt"
	"math"
)

// wrapper is what the optimizers that wrap another (Masked, Clipped) share:
// the wrapped optimizer, and its learning rate and state passed through, so
// that schedules and checkpoints work as with the bare optimizer. name is
// the wrapping type's name, for messages.
type wrapper struct {
	opt  Optimizer
	name string
}

// Optimizer returns the wrapped optimizer.
func (w wrapper) Optimizer() Optimizer { return w.opt }

// LearningRate is the wrapped optimizer's rate, or NaN when it has none.
func (w wrapper) LearningRate() float64 {
	if l, ok := w.opt.(LearningRater); ok {
		return l.LearningRate()
	}
	return math.NaN()
}

// SetLearningRate sets the wrapped optimizer's rate. It panics if the
// wrapped optimizer is not a LearningRater.
func (w wrapper) SetLearningRate(lr float64) {
	l, ok := w.opt.(LearningRater)
	if !ok {
		panic(fmt.Sprintf("optim: %s.SetLearningRate: %T has no learning rate to set", w.name, w.opt))
	}
	l.SetLearningRate(lr)
}

// SaveState returns the wrapped optimizer's state. It panics if the wrapped
// optimizer is not Stateful.
func (w wrapper) SaveState() State {
	s, ok := w.opt.(Stateful)
	if !ok {
		panic(fmt.Sprintf("optim: %s.SaveState: %T is not Stateful", w.name, w.opt))
	}
	return s.SaveState()
}

// restoreState restores the wrapped optimizer's state, or says that it has
// none.
func (w wrapper) restoreState(st State) error {
	s, ok := w.opt.(Stateful)
	if !ok {
		return fmt.Errorf("optim: %s.RestoreState: %T is not Stateful", w.name, w.opt)
	}
	return s.RestoreState(st)
}
