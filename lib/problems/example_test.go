package problems_test

import (
	"fmt"

	"github.com/descentlab/descent/lib/problems"
)

func ExampleQuadratic2D() {
	p := problems.Quadratic2D(10, 0) // f = ½(x² + 10y²)
	g := make([]float64, 2)
	p.Grad(g, []float64{1, 1})
	fmt.Println(p.Func([]float64{1, 1}), g, p.Minima[0].X)
	// Output: 5.5 [1 10] [0 0]
}

func ExampleHimmelblau() {
	for _, m := range problems.Himmelblau().Minima {
		fmt.Printf("(%.4f, %.4f) f=%g\n", m.X[0], m.X[1], m.F)
	}
	// Output:
	// (3.0000, 2.0000) f=0
	// (-2.8051, 3.1313) f=0
	// (-3.7793, -3.2832) f=0
	// (3.5844, -1.8481) f=0
}

func ExampleNonConvex1D() {
	p := problems.NonConvex1D()
	g := []float64{0}
	for _, x0 := range []float64{-1.5, 0, 2} {
		x := []float64{x0}
		for k := 0; k < 2000; k++ {
			p.Grad(g, x)
			x[0] -= 0.01 * g[0]
		}
		fmt.Printf("start %4.1f → x = %.3f, f = %.3f\n", x0, x[0], p.Func(x))
	}
	// Output:
	// start -1.5 → x = -2.000, f = -0.483
	// start  0.0 → x = 0.500, f = -0.972
	// start  2.0 → x = 2.500, f = -2.572
}

func ExampleSortedClasses() {
	d := problems.SortedClasses(3, 100, 0) // 100 dogs, then 100 cats, then 100 cows
	fmt.Println(d.Len(), d.Label[0], d.Label[99], d.Label[100], d.Label[299])
	// Output: 300 0 0 1 2
}
