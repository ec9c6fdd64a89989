package optim

import (
	"fmt"
	"math"
	"slices"
)

// State is a snapshot of an optimizer's state: its buffers, step count and
// a learning rate set with SetLearningRate. It encodes with encoding/json
// (Go writes float64s in shortest round-trip form, so decoding gives the
// same bits) and with encoding/gob. Hyperparameters are not part of it: the
// optimizer that restores a State must be configured as the one that saved it.
type State struct {
	Optimizer string               // the type name: "Adam", "Momentum", …
	Dim       int                  // length of x, 0 before the first Step
	Steps     int                  // Steps taken since the last Reset
	LR        float64              // rate set with SetLearningRate, if LRSet
	LRSet     bool                 //
	Buffers   map[string][]float64 // named state vectors, each of length Dim
}

// Stateful is implemented by every optimizer of this package. Stopping a
// run after step k, saving, restoring into a fresh optimizer with the same
// settings and going on gives bit-identical steps to a run that never stopped.
type Stateful interface {
	// SaveState returns a copy of the state. Cost O(Dim).
	SaveState() State
	// RestoreState replaces the state with a copy of s. It returns an
	// error, leaving the state unchanged, when s was saved by another
	// optimizer type, for another dimension than the one this optimizer
	// has already stepped in, or holds buffers of the wrong length or name,
	// a NaN or ±Inf entry, or a negative sum of squares (AdaGrad's "sum",
	// RMSProp's "sq", Adam's "v" and "vmax"): restored, any of these would
	// write NaN into x at the next Step.
	RestoreState(s State) error
}

func saveState(name string, dim, steps int, r rate, bufs map[string][]float64) State {
	st := State{Optimizer: name, Dim: dim, Steps: steps, LR: r.v, LRSet: r.set, Buffers: map[string][]float64{}}
	for k, b := range bufs {
		if len(b) > 0 {
			st.Buffers[k] = slices.Clone(b)
		}
	}
	return st
}

// checkState validates s for an optimizer called name whose state is now
// sized for dim (0 if not yet), with the allowed buffer names.
// squares names the buffers that accumulate squared gradients: a negative
// entry would put the square root of a negative number into the next step.
var squares = map[string]bool{"sum": true, "sq": true, "v": true, "vmax": true}

func checkState(s State, name string, dim int, allowed ...string) error {
	if s.Optimizer != name {
		return fmt.Errorf("optim: cannot restore %s state into %s", s.Optimizer, name)
	}
	if dim > 0 && s.Dim > 0 && s.Dim != dim {
		return fmt.Errorf("optim: cannot restore %s state for dimension %d into a %s stepped in dimension %d (call Reset first)", s.Optimizer, s.Dim, name, dim)
	}
	if s.Steps < 0 || s.Dim < 0 || (s.Steps > 0) != (s.Dim > 0) && len(s.Buffers) > 0 {
		return fmt.Errorf("optim: %s state with Steps %d and Dim %d is inconsistent", name, s.Steps, s.Dim)
	}
	for k, b := range s.Buffers {
		if !slices.Contains(allowed, k) {
			return fmt.Errorf("optim: %s state has unknown buffer %q (want one of %v)", name, k, allowed)
		}
		if len(b) != s.Dim {
			return fmt.Errorf("optim: %s state buffer %q has length %d, Dim is %d", name, k, len(b), s.Dim)
		}
		for i, v := range b {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("optim: %s state buffer %q holds %v at index %d", name, k, v, i)
			}
			if v < 0 && squares[k] {
				return fmt.Errorf("optim: %s state buffer %q holds %v at index %d: a sum of squares is ≥ 0", name, k, v, i)
			}
		}
	}
	if s.LRSet && (!(s.LR >= 0) || s.LR > 1e308) {
		return fmt.Errorf("optim: %s state has learning rate %v", name, s.LR)
	}
	return nil
}

// load copies a saved buffer into dst (resized), or clears dst to length 0
// when the state has no such buffer.
func load(dst []float64, s State, k string) []float64 {
	b, ok := s.Buffers[k]
	if !ok {
		return dst[:0]
	}
	dst = grow(dst, len(b))
	copy(dst, b)
	return dst
}

func needBuf(s State, name string, keys ...string) error {
	if s.Steps == 0 {
		return nil
	}
	for _, k := range keys {
		if _, ok := s.Buffers[k]; !ok {
			return fmt.Errorf("optim: %s state after %d steps lacks buffer %q", name, s.Steps, k)
		}
	}
	return nil
}

// SaveState returns SGD's state (only a rate set with SetLearningRate).
func (o *SGD) SaveState() State { return saveState("SGD", 0, 0, o.rate, nil) }

// RestoreState restores a State saved by an SGD.
func (o *SGD) RestoreState(s State) error {
	if err := checkState(s, "SGD", 0); err != nil {
		return err
	}
	o.rate = rate{s.LR, s.LRSet}
	return nil
}

// SaveState returns a copy of the momentum buffer, step count and rate.
func (o *Momentum) SaveState() State {
	return saveState("Momentum", len(o.buf), o.steps, o.rate, map[string][]float64{"buf": o.buf})
}

// RestoreState restores a State saved by a Momentum.
func (o *Momentum) RestoreState(s State) error {
	if err := checkState(s, "Momentum", len(o.buf), "buf"); err != nil {
		return err
	}
	if err := needBuf(s, "Momentum", "buf"); err != nil {
		return err
	}
	o.rate, o.steps, o.buf = rate{s.LR, s.LRSet}, s.Steps, load(o.buf, s, "buf")
	return nil
}

// SaveState returns a copy of the momentum buffer, step count and rate.
func (o *Nesterov) SaveState() State {
	return saveState("Nesterov", len(o.buf), o.steps, o.rate, map[string][]float64{"buf": o.buf})
}

// RestoreState restores a State saved by a Nesterov.
func (o *Nesterov) RestoreState(s State) error {
	if err := checkState(s, "Nesterov", len(o.buf), "buf"); err != nil {
		return err
	}
	if err := needBuf(s, "Nesterov", "buf"); err != nil {
		return err
	}
	o.rate, o.steps, o.buf = rate{s.LR, s.LRSet}, s.Steps, load(o.buf, s, "buf")
	return nil
}

// SaveState returns a copy of the accumulator, step count and rate.
func (o *AdaGrad) SaveState() State {
	return saveState("AdaGrad", len(o.sum), o.steps, o.rate, map[string][]float64{"sum": o.sum})
}

// RestoreState restores a State saved by an AdaGrad.
func (o *AdaGrad) RestoreState(s State) error {
	if err := checkState(s, "AdaGrad", len(o.sum), "sum"); err != nil {
		return err
	}
	if err := needBuf(s, "AdaGrad", "sum"); err != nil {
		return err
	}
	o.rate, o.steps, o.sum = rate{s.LR, s.LRSet}, s.Steps, load(o.sum, s, "sum")
	return nil
}

// SaveState returns a copy of the averages, buffer, step count and rate.
func (o *RMSProp) SaveState() State {
	return saveState("RMSProp", len(o.sq), o.steps, o.rate, map[string][]float64{"sq": o.sq, "avg": o.avg, "buf": o.buf})
}

// RestoreState restores a State saved by an RMSProp.
func (o *RMSProp) RestoreState(s State) error {
	if err := checkState(s, "RMSProp", len(o.sq), "sq", "avg", "buf"); err != nil {
		return err
	}
	if err := needBuf(s, "RMSProp", "sq"); err != nil {
		return err
	}
	o.rate, o.steps = rate{s.LR, s.LRSet}, s.Steps
	o.sq, o.avg, o.buf = load(o.sq, s, "sq"), load(o.avg, s, "avg"), load(o.buf, s, "buf")
	return nil
}

func (st *adamState) save(name string) State {
	return saveState(name, len(st.m), st.steps, st.rate, map[string][]float64{"m": st.m, "v": st.v, "vmax": st.vmax})
}

func (st *adamState) restore(name string, s State) error {
	if err := checkState(s, name, len(st.m), "m", "v", "vmax"); err != nil {
		return err
	}
	if err := needBuf(s, name, "m", "v"); err != nil {
		return err
	}
	st.rate, st.steps = rate{s.LR, s.LRSet}, s.Steps
	st.m, st.v, st.vmax = load(st.m, s, "m"), load(st.v, s, "v"), load(st.vmax, s, "vmax")
	return nil
}

// SaveState returns a copy of the moments, step count and rate.
func (o *Adam) SaveState() State { return o.save("Adam") }

// RestoreState restores a State saved by an Adam.
func (o *Adam) RestoreState(s State) error { return o.restore("Adam", s) }

// SaveState returns a copy of the moments, step count and rate.
func (o *AdamW) SaveState() State { return o.save("AdamW") }

// RestoreState restores a State saved by an AdamW.
func (o *AdamW) RestoreState(s State) error { return o.restore("AdamW", s) }
