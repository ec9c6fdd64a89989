package optim

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/descentlab/descent/lib/nn"
	"github.com/descentlab/descent/lib/problems"
)

func TestGradualSparsity(t *testing.T) {
	if s := GradualSparsity(0.9, 1); !slices.Equal(s, []float64{0.9}) {
		t.Errorf("one round: %v", s)
	}
	s := GradualSparsity(0.95, 5)
	if len(s) != 5 || s[4] != 0.95 {
		t.Fatalf("schedule %v", s)
	}
	for k := 1; k < 5; k++ {
		if s[k] <= s[k-1] || s[k]-s[k-1] > s[k-1]-max(0, s[max(k-2, 0)]) && k > 1 {
			t.Errorf("schedule %v: want increasing by shrinking steps", s)
		}
	}
	if s[0] < 0.95*0.4 {
		t.Errorf("first round %v: the cubic schedule front-loads (want ≥ 40%% of the target)", s[0])
	}
	expectPanic(t, "sparsity = 1", func() { GradualSparsity(1, 3) })
	expectPanic(t, "rounds = 0", func() { GradualSparsity(0.5, 0) })
}

// trainedNet trains a 2-32-32-3 ReLU network on noisy spirals and returns
// it with its parameters and a held-out copy.
func trainedNet(t testing.TB) (net, held *nn.MLP, x []float64) {
	train, val := problems.Spirals(3, 200, 0.2, 1).Split(0.7, 2)
	net = nn.NewMLP(train, []int{32, 32}, nn.ReLU, 0)
	held = net.OnData(val)
	x0 := make([]float64, net.Dim())
	net.Init(x0, nn.He, 1)
	r := Run(problems.Objective("spirals", net), x0, NewAdam(0.01), Settings{Batch: 32, Epochs: 60, Seed: 1})
	if acc := held.Accuracy(r.X, nil); acc < 0.9 {
		t.Fatalf("dense network: held-out accuracy %v", acc)
	}
	return net, held, r.X
}

func TestPrune(t *testing.T) {
	net, held, x := trainedNet(t)
	ws := net.WeightMatrices()
	dense := held.Accuracy(x, nil)

	// One round without fine-tuning is magnitude pruning.
	oneShot := slices.Clone(x)
	res, err := Prune(oneShot, ws, PruneSettings{Sparsity: 0.9, Rounds: 1})
	if err != nil || res.Steps != 0 || len(res.Rounds) != 1 {
		t.Fatalf("one-shot: %+v, %v", res, err)
	}
	ref := slices.Clone(x)
	if keep := nn.MagnitudePrune(ref, ws, 0.9, nn.Global); !slices.Equal(keep, res.Keep) || !slices.Equal(ref, oneShot) {
		t.Error("one-shot Prune differs from MagnitudePrune")
	}
	cut := held.Accuracy(oneShot, nil)

	// Fine-tuning recovers what one-shot pruning lost; the pruned weights
	// stay at zero; rounds follow the schedule.
	for _, rounds := range []int{1, 4} {
		y := slices.Clone(x)
		var seen []PruneRound
		epochs := 20.0 / float64(rounds)
		res, err := Prune(y, ws, PruneSettings{
			Sparsity: 0.9, Rounds: rounds, Opt: NewAdam(3e-3),
			FineTune:   RunTrainer(problems.Objective("spirals", net), Settings{Batch: 32, Epochs: epochs, Seed: 2}),
			AfterRound: func(r PruneRound, x []float64) { seen = append(seen, r) },
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(seen, res.Rounds) || len(seen) != rounds {
			t.Errorf("AfterRound saw %v, result %v", seen, res.Rounds)
		}
		sched := GradualSparsity(0.9, rounds)
		steps := 0
		for k, r := range res.Rounds {
			if math.Abs(r.Sparsity-sched[k]) > 1e-3 || r.Steps == 0 {
				t.Errorf("%d rounds: round %+v, schedule %v", rounds, r, sched[k])
			}
			steps += r.Steps
		}
		if steps != res.Steps {
			t.Errorf("steps %d, rounds sum to %d", res.Steps, steps)
		}
		for i, k := range res.Keep {
			if !k && y[i] != 0 {
				t.Fatalf("%d rounds: pruned weight %d = %v after fine-tuning", rounds, i, y[i])
			}
		}
		if s := nn.Sparsity(y, ws); math.Abs(s-0.9) > 1e-3 {
			t.Errorf("%d rounds: final sparsity %v", rounds, s)
		}
		acc := held.Accuracy(y, nil)
		t.Logf("%d rounds: dense %.3f, one-shot %.3f, fine-tuned %.3f, %d steps", rounds, dense, cut, acc, res.Steps)
		if acc < cut+0.2 || acc < dense-0.15 {
			t.Errorf("%d rounds: fine-tuned accuracy %v, one-shot %v, dense %v: want fine-tuning to recover", rounds, acc, cut, dense)
		}
	}
}

func TestPruneBadInput(t *testing.T) {
	net := nn.NewMLP(problems.Moons(20, 0.1, 1), []int{4}, nn.Tanh, 0)
	x := make([]float64, net.Dim())
	net.Init(x, nn.Xavier, 1)
	x0 := slices.Clone(x)
	ws := net.WeightMatrices()
	tr := RunTrainer(problems.Objective("moons", net), Settings{Batch: 5, Epochs: 1, Seed: 1})
	for _, s := range []float64{-0.5, 1, 2, math.NaN()} {
		expectPanic(t, "want 0 ≤ sparsity < 1", func() { Prune(x, ws, PruneSettings{Sparsity: s, Rounds: 1}) })
	}
	expectPanic(t, "Rounds = 0", func() { Prune(x, ws, PruneSettings{Sparsity: 0.5}) })
	expectPanic(t, "needs both Opt and FineTune", func() { Prune(x, ws, PruneSettings{Sparsity: 0.5, Rounds: 1, Opt: NewSGD(0.1)}) })
	expectPanic(t, "needs both Opt and FineTune", func() { Prune(x, ws, PruneSettings{Sparsity: 0.5, Rounds: 1, FineTune: tr}) })
	if !slices.Equal(x, x0) {
		t.Error("a refused Prune changed x")
	}
	// A fine-tuning that blows up ends Prune with its error.
	res, err := Prune(x, ws, PruneSettings{Sparsity: 0.5, Rounds: 3, Opt: NewSGD(1e200), FineTune: tr})
	if err == nil || len(res.Rounds) != 1 {
		t.Errorf("diverging fine-tuning: %+v, %v", res, err)
	}
	var ne *NumericalError
	if !errors.As(err, &ne) {
		t.Errorf("error %v does not carry the NumericalError", err)
	}
	for i, k := range res.Keep {
		if !k && x[i] != 0 || math.IsNaN(x[i]) || math.IsInf(x[i], 0) {
			t.Fatalf("after a failed fine-tuning x[%d] = %v (kept %v)", i, x[i], k)
		}
	}
}
