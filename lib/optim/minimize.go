package optim

import (
	"fmt"
	"math"
	"time"

	"github.com/descentlab/descent/lib/problems"
)

// Settings control a deterministic run (Minimize). The zero value is usable.
type Settings struct {
	// MaxIter is the most optimizer steps (0 means 1000).
	MaxIter int
	// GradTol stops the run with GradientThreshold when ‖∇f(x)‖₂ ≤ GradTol
	// (0 means 1e-8; negative disables the test).
	GradTol float64
	// FuncTarget stops the run with FunctionThreshold when f(x) ≤ FuncTarget
	// (0 disables the test; to stop at f ≤ 0 use a tiny positive value).
	FuncTarget float64
	// DivergeAbove stops the run with Diverged when f(x) > DivergeAbove
	// (0 means 1e10·max(1, |f(x₀)|); +Inf disables the test).
	DivergeAbove float64
	// Schedule, when not nil, sets the optimizer's learning rate before step
	// t to Schedule.Rate(α₀, t), α₀ being its rate at the start; the
	// optimizer must then implement LearningRater.
	Schedule Schedule
	// Label names the run in the Trace; TraceLimit and TraceXDim are the
	// Trace's Limit and XDim (see Trace).
	Label      string
	TraceLimit int
	TraceXDim  int
}

func (s Settings) maxIter() int {
	if s.MaxIter < 0 {
		panic(fmt.Sprintf("optim: Settings.MaxIter = %d < 0", s.MaxIter))
	}
	if s.MaxIter == 0 {
		return 1000
	}
	return s.MaxIter
}

func gradTol(v float64) float64 {
	switch {
	case v == 0:
		return 1e-8
	case v < 0:
		return math.Inf(-1)
	}
	return v
}

func divergeBound(v, f0 float64) float64 {
	if v == 0 {
		return 1e10 * max(1, math.Abs(f0))
	}
	return v
}

// Minimize runs opt on p from x0 until a stopping test passes, and returns
// where it ended, how, and the path (x, f, ‖∇f‖, learning rate, evaluation
// counts and wall time at each recorded step). Each iteration costs one
// Step, one Func and one Grad call, and O(n) work; nothing is allocated per
// iteration apart from the trace's copies of x.
//
// x0 is not modified. p.Grad must not be nil. Result.X is the point with the
// lowest f met (usually the last iterate); F and GradNorm are its values.
// Endings:
//   - GradientThreshold, FunctionThreshold, IterationLimit: as Settings say;
//   - NonFinite: f, a gradient component or a component of x became NaN or
//     ±Inf; Err is a *NumericalError with the step and index, and no
//     non-finite value reaches Result or the optimizer;
//   - Diverged: f exceeded the divergence bound; Err carries the value.
//
// Minimize panics if len(x0) is 0 or differs from p.Dim (when p.Dim > 0),
// if p.Grad is nil, or if a schedule is given for an optimizer that is not
// a LearningRater. It calls opt.Reset first, so opt may be reused.
func Minimize(p problems.Problem, x0 []float64, opt Optimizer, s Settings) Result {
	start := time.Now()
	n := len(x0)
	if n == 0 || (p.Dim > 0 && n != p.Dim) {
		panic(fmt.Sprintf("optim: Minimize: len(x0) = %d, problem %q has Dim %d", n, p.Name, p.Dim))
	}
	if p.Func == nil || p.Grad == nil {
		panic(fmt.Sprintf("optim: Minimize: problem %q needs Func and Grad", p.Name))
	}
	maxIter := s.maxIter()
	gtol := gradTol(s.GradTol)
	opt.Reset()
	lrr, _ := opt.(LearningRater)
	if s.Schedule != nil && lrr == nil {
		panic(fmt.Sprintf("optim: Minimize: a Schedule needs an optimizer with SetLearningRate, %T has none", opt))
	}
	lr := func() float64 {
		if lrr == nil {
			return math.NaN()
		}
		return lrr.LearningRate()
	}
	base := lr()

	res := Result{Trace: Trace{Label: s.Label, Limit: s.TraceLimit, XDim: s.TraceXDim}}
	x := append([]float64(nil), x0...)
	prev := make([]float64, n)
	g := make([]float64, n)
	best := append([]float64(nil), x0...)
	bestF, bestG := math.Inf(1), math.NaN()

	finish := func(st Status, err error, k int) Result {
		res.Status, res.Err = st, err
		res.X, res.F, res.GradNorm = best, bestF, bestG
		res.Stats.Iterations = k
		res.Stats.Runtime = time.Since(start)
		return res
	}
	record := func(k int, f, gn float64, final bool) {
		r := Record{Iter: k, X: x, F: f, GradNorm: gn, LearningRate: lr(),
			FuncEvals: res.Stats.FuncEvals, GradEvals: res.Stats.GradEvals, Elapsed: time.Since(start)}
		if final {
			res.Trace.Final(r)
		} else {
			res.Trace.Add(r)
		}
	}

	f := p.Func(x)
	p.Grad(g, x)
	res.Stats.FuncEvals, res.Stats.GradEvals = 1, 1
	if !isFinite(f) {
		res.Trace.Final(Record{Iter: 0, X: x, F: f, GradNorm: math.NaN(), LearningRate: lr()})
		best = x
		return finish(NonFinite, &NumericalError{Step: 0, Index: -1, Value: f, What: "objective"}, 0)
	}
	if i := firstNonFinite(g); i >= 0 {
		res.Trace.Final(Record{Iter: 0, X: x, F: f, GradNorm: math.NaN(), LearningRate: lr()})
		bestF = f
		return finish(NonFinite, &NumericalError{Step: 0, Index: i, Value: g[i], What: "gradient"}, 0)
	}
	bound := divergeBound(s.DivergeAbove, f)
	for k := 0; ; k++ {
		gn := norm(g)
		if f < bestF || k == 0 {
			copy(best, x)
			bestF, bestG = f, gn
		}
		var st Status
		switch {
		case gn <= gtol:
			st = GradientThreshold
		case s.FuncTarget != 0 && f <= s.FuncTarget:
			st = FunctionThreshold
		case k >= maxIter:
			st = IterationLimit
		}
		if st != NotTerminated {
			record(k, f, gn, true)
			return finish(st, nil, k)
		}
		if s.Schedule != nil {
			lrr.SetLearningRate(s.Schedule.Rate(base, k))
		}
		record(k, f, gn, false)

		copy(prev, x)
		opt.Step(x, g)
		if i := firstNonFinite(x); i >= 0 {
			err := &NumericalError{Step: k + 1, Index: i, Value: x[i], What: "x"}
			copy(x, prev)
			record(k, f, gn, true)
			return finish(NonFinite, err, k+1)
		}
		fNew := p.Func(x)
		res.Stats.FuncEvals++
		if !isFinite(fNew) {
			err := &NumericalError{Step: k + 1, Index: -1, Value: fNew, What: "objective"}
			copy(x, prev)
			record(k, f, gn, true)
			return finish(NonFinite, err, k+1)
		}
		p.Grad(g, x)
		res.Stats.GradEvals++
		if i := firstNonFinite(g); i >= 0 {
			err := &NumericalError{Step: k + 1, Index: i, Value: g[i], What: "gradient"}
			if fNew < bestF {
				copy(best, x)
				bestF, bestG = fNew, math.NaN()
			}
			record(k+1, fNew, math.NaN(), true)
			return finish(NonFinite, err, k+1)
		}
		f = fNew
		if f > bound {
			record(k+1, f, norm(g), true)
			return finish(Diverged, &NumericalError{Step: k + 1, Index: -1, Value: f, What: "objective (diverged)"}, k+1)
		}
	}
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// firstNonFinite returns the index of the first NaN or ±Inf in v, or −1.
func firstNonFinite(v []float64) int {
	for i, x := range v {
		if x-x != 0 { // NaN or ±Inf
			return i
		}
	}
	return -1
}

// norm is the Euclidean norm; a second, scaled pass avoids overflow and
// underflow when the plain sum of squares leaves the safe range.
func norm(v []float64) float64 {
	var sum float64
	for _, x := range v {
		sum += x * x
	}
	if sum == 0 || (sum > 1e-280 && sum < 1e280) {
		return math.Sqrt(sum)
	}
	scale, ssq := 0.0, 1.0
	for _, x := range v {
		if x == 0 {
			continue
		}
		a := math.Abs(x)
		if scale < a {
			ssq = 1 + ssq*(scale/a)*(scale/a)
			scale = a
		} else {
			ssq += (a / scale) * (a / scale)
		}
	}
	return scale * math.Sqrt(ssq)
}
