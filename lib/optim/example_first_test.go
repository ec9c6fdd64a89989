package optim_test

import (
	"fmt"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// The torch-style loop, written by hand: for each mini-batch, the model's
// Loss is the forward and backward pass (it fills g with the batch's mean
// gradient, as loss.backward() fills .grad), and Step updates x in place
// (optimizer.step()). Nothing is zeroed: Loss overwrites g.
func Example_stepLoop() {
	model := problems.NewLinearRegression(problems.LinearData(200, 3, 0.1, 7), 0)
	x := make([]float64, model.Dim()) // weights and bias
	g := make([]float64, model.Dim())
	opt := optim.NewMomentum(0.05, 0.9)
	all := problems.All(model.Len())
	const batch = 20
	for epoch := range 30 {
		var sum float64
		for b := 0; b < len(all); b += batch {
			sum += model.Loss(g, x, all[b:b+batch]) // forward and backward
			opt.Step(x, g)                          // x ← x − α·(momentum buffer)
		}
		if epoch%10 == 0 {
			fmt.Printf("epoch %d: mean batch loss %.4f\n", epoch, sum/float64(len(all)/batch))
		}
	}
	fmt.Printf("full-data loss %.4f\n", model.Loss(nil, x, all))
	// Output:
	// epoch 0: mean batch loss 2.5287
	// epoch 10: mean batch loss 0.0114
	// epoch 20: mean batch loss 0.0108
	// full-data loss 0.0104
}

// A checkpoint: SaveState copies an optimizer's buffers (Adam's moments and
// step count), RestoreState puts them back into a fresh optimizer, which
// then continues exactly as the original would have.
func ExampleAdam_SaveState() {
	p := problems.Rosenbrock()
	g := make([]float64, 2)
	run := func(opt *optim.Adam, x []float64, steps int) {
		for range steps {
			p.Grad(g, x)
			opt.Step(x, g)
		}
	}
	x := []float64{-1.2, 1}
	a := optim.NewAdam(0.01)
	run(a, x, 100)
	saved, xSaved := a.SaveState(), append([]float64(nil), x...)
	run(a, x, 100) // the uninterrupted run: 200 steps

	b := optim.NewAdam(0.01) // a new process, say, restarting from the checkpoint
	if err := b.RestoreState(saved); err != nil {
		fmt.Println(err)
		return
	}
	run(b, xSaved, 100)
	fmt.Println("resumed run equals the uninterrupted one:", xSaved[0] == x[0] && xSaved[1] == x[1])
	// Output: resumed run equals the uninterrupted one: true
}

// A schedule of one's own: any func(base, t) is a Schedule through
// ScheduleFunc, here α_t = α/(1 + t/10), the 1/t decay of Robbins and Monro.
func ExampleScheduleFunc() {
	inv := optim.ScheduleFunc(func(base float64, t int) float64 { return base / (1 + float64(t)/10) })
	for _, t := range []int{0, 10, 90} {
		fmt.Printf("α_%d = %.3g\n", t, inv.Rate(0.1, t))
	}
	p := problems.Quadratic2D(10, 0) // κ = 10
	r := optim.Run(p, nil, optim.NewSGD(0.1), optim.Settings{MaxIter: 200, Schedule: inv})
	last := r.Trace.Records[len(r.Trace.Records)-1]
	fmt.Printf("after %d steps f = %.1e; the last step used α = %.2g\n", r.Stats.Iterations, r.F, last.StepSize)
	// Output:
	// α_0 = 0.1
	// α_10 = 0.05
	// α_90 = 0.01
	// after 200 steps f = 1.5e-02; the last step used α = 0.0048
}
