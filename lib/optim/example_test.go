package optim_test

import (
	"fmt"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

func ExampleRun() {
	p := problems.Rosenbrock()
	r := optim.Run(p, p.Start, optim.NewAdam(0.02), optim.Settings{MaxIter: 20000, GradTol: 1e-6})
	fmt.Printf("%s: %v after %d steps: x = (%.4f, %.4f)\n", r.Trace.Label, r.Status, r.Stats.Iterations, r.X[0], r.X[1])
	// Output: Adam: GradientThreshold after 3930 steps: x = (1.0000, 1.0000)
}

func ExampleAdam_biasCorrection() {
	corrected, uncorrected := optim.NewAdam(0.1), optim.NewAdam(0.1)
	uncorrected.NoBiasCorrection = true
	for _, opt := range []*optim.Adam{corrected, uncorrected} {
		x := []float64{0}
		opt.Step(x, []float64{2})
		fmt.Printf("first step %.4f\n", -x[0])
	}
	// Output:
	// first step 0.1000
	// first step 0.3162
}

func ExampleRun_batchSizes() {
	model := problems.NewLinearRegression(problems.LinearData(200, 3, 0.1, 7), 0)
	p := problems.Objective("linear regression", model)
	x0 := make([]float64, p.Dim)
	for _, b := range []int{200, 16, 1} {
		r := optim.Run(p, x0, optim.NewSGD(0.05), optim.Settings{Batch: b, Seed: 1, Epochs: 5})
		fmt.Printf("b=%3d: %4d steps, %d example gradients\n", b, r.Stats.Iterations, r.Stats.GradEvals)
	}
	// Output:
	// b=200:    5 steps, 1000 example gradients
	// b= 16:   65 steps, 1000 example gradients
	// b=  1: 1000 steps, 1000 example gradients
}

func ExampleWarmupCosine() {
	s := optim.WarmupCosine{Warmup: 2, Steps: 6, StartFactor: 0.5}
	for t := range 7 {
		fmt.Printf("%.3f ", s.Rate(0.1, t))
	}
	fmt.Println()
	// Output: 0.050 0.075 0.100 0.085 0.050 0.015 0.000
}
