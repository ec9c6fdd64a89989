package optim

import (
	"fmt"
)

// Masked runs another optimizer on the unpruned parameters only, keeping
// every pruned one (keep[i] false) at exactly zero, for fine-tuning a pruned
// network (Han et al. 2015):
//
//	x_i ← 0 and g_i ← 0 where keep_i is false,   Opt.Step(x, g),   x_i ← 0 again.
//
// A pruned parameter then enters the wrapped optimizer's update as a zero
// gradient at a zero value, so with a state that is zero there as well its
// update is zero and the state stays zero: no momentum carried over from
// before pruning, no Adam moment, no weight decay can move it. SetMask
// clears the wrapped optimizer's state at the pruned positions when it has
// any (through Stateful); a Step with a fresh state finds it zero anyway.
// On the kept parameters every optimizer of this package acts element by
// element, so Masked takes exactly the steps the optimizer would take on the
// kept parameters alone (tested, bit for bit).
//
// Cost per Step: the wrapped Step plus two passes over x and one over grad;
// it allocates nothing (the masked gradient's buffer is sized on the first
// Step). SetMask copies the mask and costs O(n) (and one SaveState and
// RestoreState of the wrapped optimizer). Masked implements LearningRater
// and Stateful by passing them on, so schedules and checkpoints work as
// with the bare optimizer.
type Masked struct {
	wrapper
	keep []bool
	g    []float64
}

// NewMasked wraps opt with the mask keep (len(x); false = pruned). It
// panics if opt is nil or a *Masked.
func NewMasked(opt Optimizer, keep []bool) *Masked {
	if opt == nil {
		panic("optim: NewMasked: nil optimizer")
	}
	if _, ok := opt.(*Masked); ok {
		panic("optim: NewMasked: the optimizer is already Masked (combine the masks instead)")
	}
	o := &Masked{wrapper: wrapper{opt: opt, name: "Masked"}}
	o.SetMask(keep)
	return o
}

// Mask returns the mask (a copy).
func (o *Masked) Mask() []bool { return append([]bool(nil), o.keep...) }

// SetMask replaces the mask with a copy of keep and clears the wrapped
// optimizer's state at the newly pruned positions (when it is Stateful and
// has stepped in dimension len(keep)). It panics if keep is empty.
func (o *Masked) SetMask(keep []bool) {
	if len(keep) == 0 {
		panic("optim: Masked.SetMask: empty mask")
	}
	o.keep = append(o.keep[:0], keep...)
	s, ok := o.opt.(Stateful)
	if !ok {
		return
	}
	st := s.SaveState()
	if st.Dim != len(keep) {
		return
	}
	for _, b := range st.Buffers {
		for i, k := range keep {
			if !k {
				b[i] = 0
			}
		}
	}
	if err := s.RestoreState(st); err != nil {
		panic(fmt.Sprintf("optim: Masked.SetMask: restoring the cleared state of %T: %v", o.opt, err))
	}
}

// Step zeroes the pruned entries of x and of the gradient, steps the
// wrapped optimizer and zeroes the pruned entries of x again. It panics if
// len(x) or len(grad) differs from the mask's length.
func (o *Masked) Step(x, grad []float64) {
	if len(x) != len(o.keep) || len(grad) != len(o.keep) {
		panic(fmt.Sprintf("optim: Masked.Step: len(x) = %d, len(grad) = %d, mask has %d entries", len(x), len(grad), len(o.keep)))
	}
	o.g = grow(o.g, len(x))
	for i, k := range o.keep {
		if k {
			o.g[i] = grad[i]
		} else {
			o.g[i], x[i] = 0, 0
		}
	}
	o.opt.Step(x, o.g)
	for i, k := range o.keep {
		if !k {
			x[i] = 0
		}
	}
}

// Reset resets the wrapped optimizer; the mask stays.
func (o *Masked) Reset() { o.opt.Reset() }

// RestoreState restores the wrapped optimizer's state and clears it at the
// pruned positions.
func (o *Masked) RestoreState(st State) error {
	if err := o.restoreState(st); err != nil {
		return err
	}
	o.SetMask(o.keep)
	return nil
}
