package nn_test

import (
	"fmt"

	"github.com/descentlab/descent/lib/nn"
	"github.com/descentlab/descent/lib/problems"
)

func ExampleMagnitudePrune() {
	m := nn.NewMLP(problems.SpiralArms(5, 20, 0.25, 1), []int{16, 16}, nn.ReLU, 0)
	x := make([]float64, m.Dim())
	m.Init(x, nn.He, 1)
	ws := m.WeightMatrices()
	keep := nn.MagnitudePrune(x, ws, 0.9, nn.Global)
	pruned := 0
	for _, k := range keep {
		if !k {
			pruned++
		}
	}
	fmt.Printf("%d of %d parameters removed, sparsity of the weights %.3f\n", pruned, m.Dim(), nn.Sparsity(x, ws))
	// Output: 331 of 405 parameters removed, sparsity of the weights 0.899
}

func ExampleQuantizer() {
	w := []float64{-0.8, -0.05, 0, 0.3, 1.2}
	for _, q := range []nn.Quantizer{{Bits: 2, Scheme: nn.Symmetric}, {Bits: 2, Scheme: nn.Affine}, {Bits: 8, Scheme: nn.Symmetric}} {
		g := q.Grid(w)
		var r []float64
		for _, v := range w {
			r = append(r, g.Round(v))
		}
		fmt.Printf("%d-bit %-9v step %.4f: %.4g\n", q.Bits, q.Scheme, g.Scale, r)
	}
	// Output:
	// 2-bit symmetric step 1.2000: [-1.2 0 0 0 1.2]
	// 2-bit affine    step 0.6667: [-0.6667 0 0 0 1.333]
	// 8-bit symmetric step 0.0094: [-0.8031 -0.04724 0 0.3024 1.2]
}

func ExampleDistillLoss() {
	student := []float64{2, 1, 0}
	teacher := []float64{3, 2.5, -1}
	for _, T := range []float64{1, 4, 16} {
		dz := make([]float64, 3)
		loss := nn.DistillLoss(dz, student, teacher, 0, T, 1) // soft term only
		fmt.Printf("T = %2g: loss %.4f, gradient %.4f\n", T, loss, dz)
	}
	// For large T the gradient tends to (z − zt − mean(z − zt))/3 = [−1/6, −1/3, 1/2].
	// Output:
	// T =  1: loss 0.0863, gradient [0.0498 -0.1286 0.0788]
	// T =  4: loss 0.4084, gradient [-0.1006 -0.2626 0.3632]
	// T = 16: loss 0.5439, gradient [-0.1524 -0.3168 0.4692]
}

func ExampleNewBatchNormMLP() {
	data := problems.SpiralArms(3, 50, 0.2, 1)
	net := nn.NewBatchNormMLP(data, []int{8, 8}, nn.ReLU, 0)
	x := make([]float64, net.Dim())
	net.Init(x, nn.He, 1)
	batch := []int{0, 1, 2, 3, 4, 5, 6, 7}
	g := make([]float64, net.Dim())
	for step := 0; step < 200; step++ { // SGD on one batch in training mode
		net.Loss(g, x, batch)
		for i := range x {
			x[i] -= 0.1 * g[i]
		}
	}
	train := net.Loss(nil, x, batch)
	net.SetTraining(false)
	moving := net.Loss(nil, x, batch) // running statistics of 200 steps
	net.FitRunningStats(x, batch)
	fitted := net.Loss(nil, x, batch)
	fmt.Printf("%d parameters; loss %.4f in training mode, %.4f in evaluation mode, %.4f after FitRunningStats\n",
		net.Dim(), train, moving, fitted)
	// Output: 139 parameters; loss 0.0327 in training mode, 0.0446 in evaluation mode, 0.0327 after FitRunningStats
}

func ExampleMLP() {
	data := problems.Moons(200, 0.1, 1)
	m := nn.NewMLP(data, []int{16}, nn.Tanh, 0)
	x := make([]float64, m.Dim())
	m.Init(x, nn.Xavier, 1)
	g := make([]float64, m.Dim())
	all := problems.All(data.Len())
	for step := 0; step < 2000; step++ { // full-batch gradient descent
		m.Loss(g, x, all)
		for i := range x {
			x[i] -= 0.5 * g[i]
		}
	}
	fmt.Printf("%d parameters, accuracy %.2f\n", m.Dim(), m.Accuracy(x, nil))
	// Output: 82 parameters, accuracy 1.00
}
