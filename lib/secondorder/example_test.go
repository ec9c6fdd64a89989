package secondorder_test

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
	"github.com/descentlab/descent/lib/secondorder"
)

func ExampleNewton() {
	p := problems.Rosenbrock()
	m := &secondorder.Newton{Modified: true, Beta: 1e-3, LineSearch: secondorder.StrongWolfe{C1: 1e-4, C2: 0.9, MaxTrials: 25}}
	r := optim.Run(p, p.Start, m, optim.Settings{MaxIter: 100, GradTol: 1e-8})
	fmt.Printf("%v after %d iterations, %d Hessians: x = %.6f\n", r.Status, r.Stats.Iterations, r.Stats.HessEvals, r.X)
	// Output: GradientThreshold after 22 iterations, 22 Hessians: x = [1.000000 1.000000]
}

func ExampleLBFGS() {
	p := problems.RosenbrockND(100)
	r := optim.Run(p, p.Start, secondorder.NewLBFGS(10), optim.Settings{MaxIter: 1000, GradTol: 1e-8})
	// (The exact counts, about 530 iterations and 620 evaluations, depend on
	// rounding; testdata/comparison.md tabulates them.)
	fmt.Printf("%v: fewer than 600 iterations: %v, f < 1e-15: %v\n", r.Status, r.Stats.Iterations < 600, r.F < 1e-15)
	// Output: GradientThreshold: fewer than 600 iterations: true, f < 1e-15: true
}

func ExampleConvergenceRates() {
	// Pure Newton on f(x) = eˣ − 2x (minimum at ln 2): the error is squared
	// at each step, so eₖ₊₁/eₖ² settles to a constant, |f'''/(2f'')| = ½.
	p := problems.Problem{
		Name: "exp", Dim: 1,
		Func: func(x []float64) float64 { return math.Exp(x[0]) - 2*x[0] },
		Grad: func(g, x []float64) { g[0] = math.Exp(x[0]) - 2 },
	}
	r := optim.Run(p, []float64{1.5}, secondorder.NewNewton(), optim.Settings{MaxIter: 50, GradTol: 1e-15})
	for _, row := range secondorder.ConvergenceRates(r.Trace, []float64{math.Ln2}) {
		if row.Quadratic == row.Quadratic { // skip the NaN rows
			fmt.Printf("k=%d e=%.1e e⁺/e²=%.2f\n", row.Iter, row.Err, row.Quadratic)
		}
	}
	// Output:
	// k=0 e=8.1e-01 e⁺/e²=0.39
	// k=1 e=2.5e-01 e⁺/e²=0.46
	// k=2 e=2.9e-02 e⁺/e²=0.50
	// k=3 e=4.3e-04 e⁺/e²=0.50
	// k=4 e=9.3e-08 e⁺/e²=0.49
}
