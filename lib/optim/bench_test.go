package optim

import (
	"fmt"
	"testing"
)

// Benchmarks by size family. Each reports bytes moved per Step via
// SetBytes, so `go test -bench` prints MB/s to set beside BenchmarkTriad,
// the STREAM triad a[i] = b[i] + s·c[i] (24 bytes per element), the
// machine's memory-bandwidth bound for streaming kernels. Run for example:
//
//	go test ./lib/optim -run '^$' -bench 'Triad|Step/Adam/' -benchtime 20x
var benchSizes = []int{1e3, 1e5, 1e6, 1e7}

// words is the number of float64 words each optimizer reads and writes per
// element in its common path.
var benchOpts = []struct {
	name  string
	words int
	mk    func() Optimizer
}{
	{"SGD", 3, func() Optimizer { return NewSGD(1e-3) }},                                     // read x, g; write x
	{"Momentum", 5, func() Optimizer { return NewMomentum(1e-3, 0.9) }},                      // read x, g, b; write x, b
	{"Nesterov", 5, func() Optimizer { return NewNesterov(1e-3, 0.9) }},                      // read x, g, b; write x, b
	{"AdaGrad", 5, func() Optimizer { return NewAdaGrad(1e-2) }},                             // read x, g, G; write x, G
	{"RMSProp", 5, func() Optimizer { return NewRMSProp(1e-2) }},                             // read x, g, s; write x, s
	{"Adam", 7, func() Optimizer { return NewAdam(1e-3) }},                                   // read x, g, m, v; write x, m, v
	{"AdamW", 7, func() Optimizer { return NewAdamW(1e-3) }},                                 // as Adam: the decay is fused into the same pass
	{"Adam-AMSGrad", 9, func() Optimizer { a := NewAdam(1e-3); a.AMSGrad = true; return a }}, // + read, write v̂
}

func BenchmarkStep(b *testing.B) {
	for _, o := range benchOpts {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/d=%.0e", o.name, float64(n)), func(b *testing.B) {
				x, g := make([]float64, n), make([]float64, n)
				for i := range g {
					g[i] = float64(i%13) - 6
					x[i] = float64(i%7) * 0.1
				}
				opt := o.mk()
				opt.Step(x, g) // size the state
				b.SetBytes(int64(8 * o.words * n))
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					opt.Step(x, g)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
			})
		}
	}
}

// BenchmarkTriad is the STREAM triad a ← b + s·c, 24 bytes moved per element.
func BenchmarkTriad(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("d=%.0e", float64(n)), func(b *testing.B) {
			a, x, y := make([]float64, n), make([]float64, n), make([]float64, n)
			for i := range x {
				x[i], y[i] = float64(i), float64(n-i)
			}
			s := 3.0
			b.SetBytes(int64(24 * n))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				triad(a, x, y, s)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
		})
	}
}

//go:noinline
func triad(a, b, c []float64, s float64) {
	b = b[:len(a)]
	c = c[:len(a)]
	for i := range a {
		a[i] = b[i] + s*c[i]
	}
}
