package optim_test

import (
	"fmt"

	"github.com/descentlab/descent/lib/nn"
	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// Early stopping on a validation set: with as many features as training
// examples, least squares fits the noise of the training half, and the
// loss on the other half turns up long before the training loss stops
// falling. EarlyStopping watches it as the run's observer and stops the run
// after Patience evaluations without improvement; Best returns the
// parameters of the lowest validation loss.
func ExampleEarlyStopping() {
	train, val := problems.LinearData(80, 30, 1, 3).Split(0.5, 1)
	p := problems.Objective("train", problems.NewLinearRegression(train, 0))
	es := &optim.EarlyStopping{Patience: 20,
		Validation: optim.Validation{Problem: problems.Objective("validation", problems.NewLinearRegression(val, 0))}}
	r := optim.Run(p, make([]float64, p.Dim), optim.NewSGD(0.02), optim.Settings{MaxIter: 5000, Observe: es.Observe})
	_, best, at := es.Best()
	vt := es.Trace().Records
	fmt.Printf("%v at step %d: training loss %.3f, validation loss %.4f\n", r.Status, r.Stats.Iterations, r.F, vt[len(vt)-1].F)
	fmt.Printf("validation loss %.3f at the start, lowest %.4f at step %d\n", vt[0].F, best, at.Iter)
	// Output:
	// Stopped at step 1013: training loss 0.174, validation loss 2.9004
	// validation loss 26.855 at the start, lowest 2.9002 at step 993
}

// Pruning with fine-tuning: Prune removes the smallest weights of a network
// in rounds and, after each, trains the rest with the given optimizer
// wrapped in a Masked, which keeps every removed weight at exactly zero
// however the optimizer's state would move it.
func ExamplePrune() {
	data := problems.SpiralArms(3, 40, 0.2, 1)
	m := nn.NewMLP(data, []int{16}, nn.ReLU, 0)
	p := problems.Objective("spirals", m)
	x := make([]float64, m.Dim())
	m.Init(x, nn.He, 1)
	trained := optim.Run(p, x, optim.NewAdam(0.02), optim.Settings{MaxIter: 300}) // train first
	copy(x, trained.X)
	res, err := optim.Prune(x, m.WeightMatrices(), optim.PruneSettings{Sparsity: 0.5, Rounds: 2,
		Opt: optim.NewAdam(0.01), FineTune: optim.RunTrainer(p, optim.Settings{MaxIter: 100})})
	if err != nil {
		fmt.Println(err)
		return
	}
	zero := true
	for i, k := range res.Keep {
		zero = zero && (k || x[i] == 0)
	}
	fmt.Printf("loss %.3f trained, %.3f after %d rounds of pruning and fine-tuning to sparsity %.2f\n",
		trained.F, p.Func(x), len(res.Rounds), nn.Sparsity(x, m.WeightMatrices()))
	fmt.Println("every removed weight still exactly zero:", zero)
	// Output:
	// loss 0.098 trained, 0.126 after 2 rounds of pruning and fine-tuning to sparsity 0.50
	// every removed weight still exactly zero: true
}
