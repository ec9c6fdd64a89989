package cost

import "fmt"

// Op names one operation that Measure times.
type Op int

const (
	// Assembly writes the d² entries of a dense Hessian.
	Assembly Op = iota
	// Cholesky factors it: d³/3 flops.
	Cholesky
	// TriangularSolve is the two triangular solves of a Newton step: 2d² flops.
	TriangularSolve
	// TwoLoop is one L-BFGS direction by the two-loop recursion: 4md flops.
	TwoLoop
	// CGIteration is one matrix-free conjugate-gradient iteration: O(d).
	CGIteration
)

// String returns the operation's name, as chart legends show it.
func (op Op) String() string {
	switch op {
	case Assembly:
		return "Hessian assembly"
	case Cholesky:
		return "Cholesky"
	case TriangularSolve:
		return "triangular solves"
	case TwoLoop:
		return "L-BFGS two-loop"
	case CGIteration:
		return "CG iteration"
	}
	return fmt.Sprintf("Op(%d)", int(op))
}

// Timings returns the dimensions at which op was measured in rows and its
// times in seconds, in the order of rows: the series that a log-log chart
// (viz.Scaling) or fit (measure.FitLogLog) takes. The dense operations (Assembly,
// Cholesky, TriangularSolve) are timed only up to Settings.MaxDense, so
// rows without them are left out. It panics on an unknown op.
// Cost O(len(rows)).
func Timings(rows []Row, op Op) (d, seconds []float64) {
	for _, r := range rows {
		var t float64
		switch op {
		case Assembly:
			t = r.Assemble.Seconds()
		case Cholesky:
			t = r.Factor.Seconds()
		case TriangularSolve:
			t = r.Solve.Seconds()
		case TwoLoop:
			t = r.TwoLoop.Seconds()
		case CGIteration:
			t = r.CGIter.Seconds()
		default:
			panic(fmt.Sprintf("cost: Timings: unknown %v", op))
		}
		if t > 0 {
			d, seconds = append(d, float64(r.D)), append(seconds, t)
		}
	}
	return d, seconds
}
