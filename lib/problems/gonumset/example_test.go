package gonumset_test

import (
	"fmt"

	"github.com/descentlab/descent/lib/problems/gonumset"
)

func ExampleProblems() {
	for _, p := range gonumset.Problems()[:5] {
		fmt.Printf("%-26s n=%-4d f(x0)=%.4g\n", p.Name, p.Dim, p.Func(p.Start))
	}
	// Output:
	// Rosenbrock 2-D             n=2    f(x0)=24.2
	// ExtendedRosenbrock n=5     n=5    f(x0)=848.2
	// ExtendedRosenbrock n=100   n=100  f(x0)=2.493e+04
	// ExtendedRosenbrock n=1000  n=1000 f(x0)=2.536e+05
	// Beale                      n=2    f(x0)=14.2
}
