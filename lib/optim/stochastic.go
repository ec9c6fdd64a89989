package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/descentlab/descent/lib/problems"
)

// Order is how a stochastic run walks through the examples.
type Order int

const (
	// Reshuffle draws a new random permutation every epoch and cuts it into
	// batches (torch's DataLoader with shuffle=True): sampling without
	// replacement, different mini-batches each epoch.
	Reshuffle Order = iota
	// ShuffleOnce draws one permutation before the first epoch and reuses
	// it: the same batches every epoch.
	ShuffleOnce
	// InOrder takes the examples as stored, 0, 1, …, n−1, every epoch: on a
	// class-sorted dataset each batch sees one class ("100 dogs, then 100
	// cats", seed 000). No random source is needed.
	InOrder
	// WithReplacement draws each batch's b indices independently and
	// uniformly from [0, n): an "epoch" is then n examples drawn, not a pass.
	WithReplacement
)

var orderNames = [...]string{"Reshuffle", "ShuffleOnce", "InOrder", "WithReplacement"}

func (o Order) String() string {
	if o >= 0 && int(o) < len(orderNames) {
		return orderNames[o]
	}
	return fmt.Sprintf("Order(%d)", int(o))
}

// StochasticSettings control a run over a dataset (MinimizeStochastic).
type StochasticSettings struct {
	// BatchSize b is the number of examples per step, 1 ≤ b ≤ n: n is
	// batch (full) gradient descent, 1 instance-wise SGD, anything between
	// mini-batch SGD. It has no default: 0 panics. Without replacement the
	// last batch of an epoch holds the n mod b examples left (torch's
	// drop_last=False).
	BatchSize int
	// Order is how examples are drawn (default Reshuffle).
	Order Order
	// Rand is the seeded source for shuffling and sampling; required unless
	// Order is InOrder. Same seed, same run, bit for bit.
	Rand *rand.Rand
	// Epochs is the most passes over the data (0 means 10): the run stops
	// with IterationLimit once Epochs·n examples have been used.
	Epochs float64
	// MaxIter, when > 0, also caps the number of steps.
	MaxIter int
	// EvalEvery, when > 0, measures the full-data loss every EvalEvery
	// steps; when 0, at the end of every epoch.
	EvalEvery int
	// FuncTarget stops the run with FunctionThreshold when a full-data loss
	// measurement is ≤ FuncTarget (0 disables the test).
	FuncTarget float64
	// GradTol stops a full-batch run (BatchSize n, without replacement)
	// with GradientThreshold when ‖∇f‖ ≤ GradTol (0 means 1e-8; negative
	// disables). Mini-batch gradients do not vanish at the minimum, so
	// other runs ignore it.
	GradTol float64
	// DivergeAbove stops the run with Diverged when a batch or full-data
	// loss exceeds it (0 means 1e10·max(1, f(x₀))).
	DivergeAbove float64
	// Schedule, when not nil, sets the learning rate before each step t to
	// Schedule.Rate(α₀, t), or before each step of epoch e to
	// Schedule.Rate(α₀, e) when SchedulePerEpoch is set.
	Schedule         Schedule
	SchedulePerEpoch bool
	// Label, TraceLimit and TraceXDim configure the Trace.
	Label      string
	TraceLimit int
	TraceXDim  int
}

// MinimizeStochastic runs opt on the mean loss of p, one batch per step,
// and returns the last iterate with its full-data loss and gradient norm.
//
// The Trace holds one Record per step (decimated for long runs) with the
// batch loss as F, the batch gradient's norm as GradNorm, the fraction of
// epochs done as Epoch and the cumulative per-example gradient count as
// GradEvals; Trace.Evals holds every full-data loss measurement (F), the
// first one at x₀, never decimated. Stats.GradEvals counts per-example
// gradients used for steps (b per step), so that batch sizes compare at
// equal cost; Stats.FuncEvals counts per-example losses computed for the
// full-data measurements; Stats.Epochs is examples used / n.
//
// Each step costs one p.Loss over b examples, one Step and O(n + b) work;
// nothing is allocated per step apart from the trace's copies of x. A
// full-data measurement costs one p.Loss over n examples.
//
// A NaN or ±Inf batch loss or gradient ends the run with NonFinite and a
// *NumericalError naming the step and index, before the optimizer sees it:
// x stays at its last finite value. A loss above the divergence bound ends
// it with Diverged.
//
// MinimizeStochastic panics if BatchSize is not in [1, n], Rand is nil for
// an order that needs it, len(x0) != p.Dim(), or a Schedule is given for an
// optimizer that is not a LearningRater. It calls opt.Reset first.
func MinimizeStochastic(p problems.Stochastic, x0 []float64, opt Optimizer, s StochasticSettings) Result {
	start := time.Now()
	n, dim := p.Len(), p.Dim()
	if len(x0) != dim {
		panic(fmt.Sprintf("optim: MinimizeStochastic: len(x0) = %d, model has Dim() = %d", len(x0), dim))
	}
	b := s.BatchSize
	if b < 1 || b > n {
		panic(fmt.Sprintf("optim: StochasticSettings.BatchSize = %d not in [1, n = %d] (n: full batch, 1: SGD, b: mini-batch)", b, n))
	}
	if s.Order < Reshuffle || s.Order > WithReplacement {
		panic(fmt.Sprintf("optim: StochasticSettings.Order = %d unknown", int(s.Order)))
	}
	if s.Rand == nil && s.Order != InOrder {
		panic(fmt.Sprintf("optim: StochasticSettings.Rand is nil; Order %v needs a seeded source", s.Order))
	}
	epochs := orDefault(s.Epochs, 10)
	if !(epochs > 0) || s.MaxIter < 0 || s.EvalEvery < 0 {
		panic(fmt.Sprintf("optim: StochasticSettings{Epochs: %v, MaxIter: %d, EvalEvery: %d} out of range", s.Epochs, s.MaxIter, s.EvalEvery))
	}
	opt.Reset()
	lrr, _ := opt.(LearningRater)
	if s.Schedule != nil && lrr == nil {
		panic(fmt.Sprintf("optim: MinimizeStochastic: a Schedule needs an optimizer with SetLearningRate, %T has none", opt))
	}
	lr := func() float64 {
		if lrr == nil {
			return math.NaN()
		}
		return lrr.LearningRate()
	}
	base := lr()
	fullBatch := b == n && s.Order != WithReplacement
	gtol := math.Inf(-1)
	if fullBatch {
		gtol = gradTol(s.GradTol)
	}

	res := Result{Trace: Trace{Label: s.Label, Limit: s.TraceLimit, XDim: s.TraceXDim}}
	x := append([]float64(nil), x0...)
	g := make([]float64, dim)
	prev := make([]float64, dim)
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	all := append([]int(nil), perm...)
	batch := make([]int, b)
	if s.Order == Reshuffle || s.Order == ShuffleOnce {
		s.Rand.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	}
	pos := 0
	seen := 0 // examples used
	limit := int(math.Ceil(epochs * float64(n)))

	evalFull := func(k int) float64 {
		f := p.Loss(nil, x, all)
		res.Stats.FuncEvals += n
		res.Trace.Evals = append(res.Trace.Evals, Record{Iter: k, Epoch: float64(seen) / float64(n),
			F: f, GradNorm: math.NaN(), LearningRate: lr(), FuncEvals: res.Stats.FuncEvals,
			GradEvals: res.Stats.GradEvals, Elapsed: time.Since(start)})
		return f
	}
	finish := func(st Status, err error, k int) Result {
		res.Status, res.Err = st, err
		res.X = x
		res.F = p.Loss(g, x, all)
		res.GradNorm = norm(g)
		res.Stats.Iterations = k
		res.Stats.Epochs = float64(seen) / float64(n)
		res.Stats.Runtime = time.Since(start)
		return res
	}

	f0 := evalFull(0)
	if !isFinite(f0) {
		return finish(NonFinite, &NumericalError{Step: 0, Index: -1, Value: f0, What: "full-data loss"}, 0)
	}
	bound := divergeBound(s.DivergeAbove, f0)
	for k := 0; ; k++ {
		if seen >= limit || (s.MaxIter > 0 && k >= s.MaxIter) {
			if last := res.Trace.Evals[len(res.Trace.Evals)-1]; last.Iter != k {
				evalFull(k)
			}
			return finish(IterationLimit, nil, k)
		}
		// Draw the batch.
		var idx []int
		if s.Order == WithReplacement {
			for j := range batch {
				batch[j] = s.Rand.IntN(n)
			}
			idx = batch
		} else {
			if pos == n {
				pos = 0
				if s.Order == Reshuffle {
					s.Rand.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
				}
			}
			end := min(pos+b, n)
			idx = perm[pos:end]
			pos = end
		}
		if s.Schedule != nil {
			t := k
			if s.SchedulePerEpoch {
				t = seen / n
			}
			lrr.SetLearningRate(s.Schedule.Rate(base, t))
		}
		fb := p.Loss(g, x, idx)
		res.Stats.GradEvals += len(idx)
		if !isFinite(fb) {
			return finish(NonFinite, &NumericalError{Step: k, Index: -1, Value: fb, What: "batch loss"}, k)
		}
		if i := firstNonFinite(g); i >= 0 {
			return finish(NonFinite, &NumericalError{Step: k, Index: i, Value: g[i], What: "gradient"}, k)
		}
		gn := norm(g)
		res.Trace.Add(Record{Iter: k, Epoch: float64(seen) / float64(n), X: x, F: fb, GradNorm: gn,
			LearningRate: lr(), FuncEvals: res.Stats.FuncEvals, GradEvals: res.Stats.GradEvals,
			Elapsed: time.Since(start)})
		if fb > bound {
			return finish(Diverged, &NumericalError{Step: k, Index: -1, Value: fb, What: "batch loss (diverged)"}, k)
		}
		if gn <= gtol {
			return finish(GradientThreshold, nil, k)
		}
		copy(prev, x)
		opt.Step(x, g)
		before := seen
		seen += len(idx)
		if i := firstNonFinite(x); i >= 0 {
			// Finite inputs overflowed: keep the last finite x.
			err := &NumericalError{Step: k + 1, Index: i, Value: x[i], What: "x"}
			copy(x, prev)
			return finish(NonFinite, err, k+1)
		}
		measure := (s.EvalEvery > 0 && (k+1)%s.EvalEvery == 0) ||
			(s.EvalEvery == 0 && seen/n > before/n)
		if measure {
			f := evalFull(k + 1)
			switch {
			case !isFinite(f):
				return finish(NonFinite, &NumericalError{Step: k + 1, Index: -1, Value: f, What: "full-data loss"}, k+1)
			case f > bound:
				return finish(Diverged, &NumericalError{Step: k + 1, Index: -1, Value: f, What: "full-data loss (diverged)"}, k+1)
			case s.FuncTarget != 0 && f <= s.FuncTarget:
				return finish(FunctionThreshold, nil, k+1)
			}
		}
	}
}
