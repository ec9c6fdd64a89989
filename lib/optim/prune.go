package optim

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/lib/nn"
	"github.com/descentlab/descent/lib/problems"
)

// Trainer fine-tunes x in place with opt: one training run. It returns the
// number of optimizer steps it took and, when the run failed (NonFinite,
// Diverged, …), an error, x then holding the run's best finite point. Prune
// calls it with opt wrapped in a *Masked.
type Trainer func(x []float64, opt Optimizer) (steps int, err error)

// RunTrainer returns a Trainer that runs Run(p, x, opt, s) and copies the
// run's X into x: a stochastic fine-tuning with s.Batch, s.Epochs and s.Seed,
// or any other run the Settings describe. Every call runs with the same
// Settings, so every round of an iterative Prune draws the same sequence of
// batches (s.Seed); the Trainer holds no state of its own. It reports the
// run's steps (Stats.Iterations) and, when the run failed (Status.Failed:
// NonFinite, Diverged, …), an error wrapping the run's Err, x then holding the
// best point the run met. Run's panics (settings out of range, a batch
// larger than the data) pass through.
func RunTrainer(p problems.Problem, s Settings) Trainer {
	return func(x []float64, opt Optimizer) (int, error) {
		r := Run(p, x, opt, s)
		copy(x, r.X)
		if r.Status.Failed() {
			return r.Stats.Iterations, fmt.Errorf("optim: fine-tuning ended with %v: %w", r.Status, r.Err)
		}
		return r.Stats.Iterations, nil
	}
}

// GradualSparsity returns the targets of an iterative pruning schedule of
// rounds steps that reaches final, the cubic schedule of Zhu & Gupta (2017):
//
//	s_k = final · (1 − (1 − k/rounds)³),   k = 1, …, rounds,
//
// which prunes hard while many redundant weights are left and gently near
// the end, when each weight matters more. One round is one-shot: [final].
// It panics unless 0 ≤ final < 1 and rounds ≥ 1.
func GradualSparsity(final float64, rounds int) []float64 {
	checkPruneSparsity("GradualSparsity", final)
	if rounds < 1 {
		panic(fmt.Sprintf("optim: GradualSparsity: rounds = %d, want ≥ 1", rounds))
	}
	s := make([]float64, rounds)
	for k := range s {
		f := 1 - float64(k+1)/float64(rounds)
		s[k] = final * (1 - f*f*f)
	}
	s[rounds-1] = final
	return s
}

// PruneSettings configure Prune. There are no hidden defaults: Rounds must
// be set, and fine-tuning needs both Opt and FineTune.
type PruneSettings struct {
	// Sparsity is the fraction of the weights removed in the end, in [0, 1).
	Sparsity float64
	// Scope ranks weights over all matrices (Global) or within each (PerLayer).
	Scope nn.PruneScope
	// Rounds is the number of prune steps: 1 is one-shot pruning; r > 1
	// raises the sparsity along GradualSparsity(Sparsity, r), fine-tuning
	// after every round (iterative pruning, Han et al. 2015).
	Rounds int
	// Opt is the optimizer that fine-tunes after each round, wrapped in a
	// Masked so that the removed weights stay at zero; nil with a nil
	// FineTune means no fine-tuning (pruning only).
	Opt Optimizer
	// FineTune runs the fine-tuning, for example a RunTrainer.
	FineTune Trainer
	// AfterRound, when not nil, is called after each round's fine-tuning
	// with the round's record and the parameters (read them, do not keep
	// them): for an accuracy-against-sparsity curve along the way.
	AfterRound func(r PruneRound, x []float64)
}

// PruneRound records one round of Prune.
type PruneRound struct {
	Round    int     // 1-based
	Sparsity float64 // the fraction of weights at zero after the round
	Steps    int     // optimizer steps spent fine-tuning in this round
}

// PruneResult is what Prune did.
type PruneResult struct {
	// Keep is the final mask over the parameters (false: pruned).
	Keep []bool
	// Steps is the total number of fine-tuning steps, the cost of pruning
	// in optimizer steps.
	Steps  int
	Rounds []PruneRound
}

// Prune removes the fraction s.Sparsity of the weights ws of x by
// magnitude, in place, in s.Rounds rounds, each followed by fine-tuning of
// the remaining weights with s.Opt wrapped in a Masked (when given): x ends
// pruned and fine-tuned. Cost: per round one nn.MagnitudePrune
// (O(N log N) for N weights) and one FineTune run. A failing FineTune ends
// Prune with its error, x at the run's best finite point and the rounds done so
// far in the result. It panics, before changing x, on a sparsity outside
// [0, 1), Rounds < 1, or Opt and FineTune not both set or both nil.
func Prune(x []float64, ws []nn.WeightMatrix, s PruneSettings) (PruneResult, error) {
	checkPruneSparsity("Prune", s.Sparsity)
	if s.Rounds < 1 {
		panic(fmt.Sprintf("optim: Prune: Rounds = %d, want ≥ 1 (1 is one-shot pruning)", s.Rounds))
	}
	if (s.Opt == nil) != (s.FineTune == nil) {
		panic("optim: Prune: fine-tuning needs both Opt and FineTune (leave both nil to prune only)")
	}
	var res PruneResult
	var masked *Masked
	for k, target := range GradualSparsity(s.Sparsity, s.Rounds) {
		res.Keep = nn.MagnitudePrune(x, ws, target, s.Scope)
		r := PruneRound{Round: k + 1}
		if s.Opt != nil {
			if masked == nil {
				masked = NewMasked(s.Opt, res.Keep)
			} else {
				masked.SetMask(res.Keep)
			}
			steps, err := s.FineTune(x, masked)
			r.Steps = steps
			res.Steps += steps
			if err != nil {
				r.Sparsity = nn.Sparsity(x, ws)
				res.Rounds = append(res.Rounds, r)
				return res, err
			}
		}
		r.Sparsity = nn.Sparsity(x, ws)
		res.Rounds = append(res.Rounds, r)
		if s.AfterRound != nil {
			s.AfterRound(r, x)
		}
	}
	return res, nil
}

func checkPruneSparsity(name string, s float64) {
	if !(s >= 0 && s < 1) || math.IsNaN(s) {
		panic(fmt.Sprintf("optim: %s: sparsity = %v, want 0 ≤ sparsity < 1 (the fraction of weights removed)", name, s))
	}
}
