package secondorder

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/descentlab/descent/internal/num"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// CostSettings configure MeasureCost. Every field means what it says.
type CostSettings struct {
	// MaxDense is the largest d for which the dense steps (assembly,
	// Cholesky, solve) are timed; above it they are left zero (0: none).
	// A factorisation at d = 2000 takes about a second; d = 4000 takes
	// 128 MB per matrix and ~10 s.
	MaxDense int
	// Memory ≥ 1 is the number of L-BFGS pairs in the timed two-loop
	// (10 is usual).
	Memory int
	// MinTime is the least total time spent timing each cheap operation;
	// its mean over the repetitions is reported (20 ms is plenty).
	// Operations slower than MinTime run once (so 0 times each once).
	MinTime time.Duration
	// Seed seeds the random data (the same seed gives the same matrices).
	Seed uint64
	// OneCore times every operation with GOMAXPROCS = 1 (restored after),
	// so that the growth measured is the algorithm's and not the machine's
	// parallelism: gonum's Dgemm, inside the blocked Cholesky, splits only
	// large products over goroutines, which makes large factorisations
	// relatively faster on several cores and the fitted slope fall below 3.
	OneCore bool
}

// CostRow is the measured cost of curvature at dimension D.
type CostRow struct {
	D int
	// HessianBytes is the memory of a dense Hessian, 8d² bytes.
	HessianBytes float64
	// LBFGSBytes is the memory of Memory L-BFGS pairs, 16·m·d bytes.
	LBFGSBytes float64
	// The durations are CPU time where the system has a process CPU clock
	// (Unix), wall time elsewhere: see stopwatch.
	//
	// Assemble is the time to write the d² entries of a dense SPD
	// Hessian, Factor its Cholesky factorisation (d³/3 flops), Solve the two
	// triangular solves (2d² flops). Zero when D > MaxDense.
	Assemble, Factor, Solve time.Duration
	// FactorGFLOPS is (d³/3)/Factor in 10⁹ flop/s (0 when not measured).
	FactorGFLOPS float64
	// TwoLoop is one L-BFGS two-loop recursion with Memory pairs (4md flops).
	TwoLoop time.Duration
	// CGIter is one iteration of matrix-free CG on the extended Rosenbrock
	// Hessian: the product Hv by a forward difference of the gradient (one
	// gradient evaluation) plus CG's vector updates, O(d).
	CGIter time.Duration
}

// MeasureCost times, for each d in dims, what one Newton step costs
// (assembling, factoring and solving with a dense d×d Hessian) beside what
// one L-BFGS direction and one matrix-free CG iteration cost, so that the
// notebook can show O(d²) memory and O(d³) time against O(md). It panics on
// a d < 2. Total time is dominated by the largest dense factorisation
// (about (MaxDense³/3)/(rate) seconds; ~1 s for d = 2000 at 3 GFLOP/s).
func MeasureCost(dims []int, s CostSettings) []CostRow {
	maxDense, memory, minTime := s.MaxDense, s.Memory, s.MinTime
	if memory < 1 || maxDense < 0 || minTime < 0 {
		panic(fmt.Sprintf("secondorder: %+v: need Memory ≥ 1 (10 is usual), MaxDense ≥ 0 and MinTime ≥ 0", s))
	}
	if s.OneCore {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	}
	rows := make([]CostRow, 0, len(dims))
	for _, d := range dims {
		if d < 2 {
			panic("secondorder: MeasureCost: dimension " + itoa(d) + " < 2")
		}
		fd := float64(d)
		row := CostRow{D: d, HessianBytes: 8 * fd * fd, LBFGSBytes: 16 * float64(memory) * fd}
		rng := rand.New(rand.NewPCG(s.Seed, uint64(d)))
		if d <= maxDense {
			h := mat.NewSymDense(d, nil)
			row.Assemble = timeOp(minTime, func() { AssembleKernelHessian(h) })
			var chol mat.Cholesky
			row.Factor = timeOp(minTime, func() {
				if !chol.Factorize(h) {
					panic("secondorder: MeasureCost: the kernel Hessian did not factor")
				}
			})
			row.FactorGFLOPS = fd * fd * fd / 3 / row.Factor.Seconds() / 1e9
			b := mat.NewVecDense(d, nil)
			for i := range d {
				b.SetVec(i, rng.NormFloat64())
			}
			x := mat.NewVecDense(d, nil)
			row.Solve = timeOp(minTime, func() { _ = chol.SolveVecTo(x, b) })
		}
		hist := NewHistory(d, memory)
		sv, yv := make([]float64, d), make([]float64, d)
		for range memory {
			for i := range sv {
				sv[i] = rng.NormFloat64()
				yv[i] = sv[i] * (1 + rng.Float64())
			}
			hist.Push(sv, yv)
		}
		g, out := make([]float64, d), make([]float64, d)
		for i := range g {
			g[i] = rng.NormFloat64()
		}
		row.TwoLoop = timeOp(minTime, func() { hist.TwoLoop(out, g) })
		row.CGIter = timeOp(minTime, newCGIterBench(d, rng))
		rows = append(rows, row)
	}
	return rows
}

// AssembleKernelHessian fills h with the dense SPD matrix
// hᵢⱼ = 1/(1 + |i − j|) + d·δᵢⱼ (diagonally dominant, so positive
// definite): the model "Hessian" of the cost demonstration. Cost d²/2
// writes.
func AssembleKernelHessian(h *mat.SymDense) {
	d := h.SymmetricDim()
	raw := h.RawSymmetric()
	for i := range d {
		row := raw.Data[i*raw.Stride : i*raw.Stride+d]
		row[i] = 1 + float64(d)
		for j := i + 1; j < d; j++ {
			row[j] = 1 / float64(1+j-i)
		}
	}
}

// newCGIterBench returns one matrix-free CG iteration on the extended
// Rosenbrock Hessian at a random point.
func newCGIterBench(d int, rng *rand.Rand) func() {
	x := make([]float64, d)
	for i := range x {
		x[i] = 1 + 0.1*rng.NormFloat64()
	}
	grad := func(g, x []float64) {
		clear(g)
		for i := 0; i < d-1; i++ {
			a := 1 - x[i]
			b := x[i+1] - x[i]*x[i]
			g[i] += -2*a - 400*b*x[i]
			g[i+1] += 200 * b
		}
	}
	g0, gp, xp := make([]float64, d), make([]float64, d), make([]float64, d)
	grad(g0, x)
	p, r, cx, ap := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
	for i := range r {
		r[i] = -g0[i]
		p[i] = r[i]
	}
	rr := floats.Dot(r, r)
	return func() {
		// Hp ≈ (∇f(x + εp) − ∇f(x))/ε
		eps := 1e-7 / math.Max(1, floats.Norm(p, 2))
		axpy(xp, x, eps, p)
		grad(gp, xp)
		for i := range ap {
			ap[i] = (gp[i] - g0[i]) / eps
		}
		alpha := rr / floats.Dot(p, ap)
		for i := range cx {
			cx[i] += alpha * p[i]
			r[i] -= alpha * ap[i]
		}
		rrNew := floats.Dot(r, r)
		beta := rrNew / rr
		for i := range p {
			p[i] = r[i] + beta*p[i]
		}
		rr = rrNew
		if !(rr > 1e-200) || !num.Finite(rr) { // restart rather than stall or overflow
			copy(r, g0)
			for i := range r {
				r[i] = -r[i]
			}
			copy(p, r)
			rr = floats.Dot(r, r)
		}
	}
}

// timeOp runs op once to warm up, then repeats it until minTime has
// passed (by the wall clock) and returns its mean cost, as stopwatch
// measures it: CPU time where the system has a process CPU clock. A slow
// op (its first run took minTime or more) runs only once.
func timeOp(minTime time.Duration, op func()) time.Duration {
	sw := startStopwatch()
	op()
	if first := sw.elapsed(); first >= minTime || time.Since(sw.wall) >= minTime {
		return first
	}
	n := 0
	sw = startStopwatch()
	for time.Since(sw.wall) < minTime || n == 0 {
		op()
		n++
	}
	return sw.elapsed() / time.Duration(n)
}

// MeasureGemmGFLOPS times gonum's dense matrix product C = AB for n×n
// matrices (2n³ flops) and returns the rate in 10⁹ flop/s: the practical
// peak of the linear algebra the dense steps use on this machine, per
// CPU-second where there is a process CPU clock (stopwatch). Cost about 2n³
// flops (0.1 s for n = 500).
func MeasureGemmGFLOPS(n int) float64 {
	if n < 1 {
		panic("secondorder: MeasureGemmGFLOPS: n < 1")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	a, b, c := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			a.Set(i, j, rng.Float64())
			b.Set(i, j, rng.Float64())
		}
	}
	t := timeOp(50*time.Millisecond, func() { c.Mul(a, b) })
	return 2 * math.Pow(float64(n), 3) / t.Seconds() / 1e9
}

// FitLogLog fits log₁₀ y = slope·log₁₀ x + intercept by least squares, so
// that y ≈ 10^intercept · x^slope: the exponent of a cost's growth. It
// returns an error, and no fit, unless len(xs) == len(ys) ≥ 2, every value
// is finite and positive, and two x differ. Cost O(len(xs)).
func FitLogLog(xs, ys []float64) (slope, intercept float64, err error) {
	return num.FitLogLog(xs, ys)
}

// CostFit summarises a cost measurement: log-log slopes over the measured
// range and the rates used to extrapolate.
type CostFit struct {
	// FactorSlope, SolveSlope, AssembleSlope, TwoLoopSlope and CGSlope are
	// the fitted exponents p in t ≈ c·dᵖ (expect 3, 2, 2, 1, 1).
	FactorSlope, SolveSlope, AssembleSlope, TwoLoopSlope, CGSlope float64
	// FactorGFLOPS is the factorisation rate at the largest dense d.
	FactorGFLOPS float64
	// SolveGFLOPS is 2d²/Solve at the largest dense d.
	SolveGFLOPS float64
	// TwoLoopNsPerD and CGNsPerD are the per-coordinate costs at the largest d.
	TwoLoopNsPerD, CGNsPerD float64
	// MaxDenseD and MaxD are the largest dense and overall dimensions measured.
	MaxDenseD, MaxD int
}

// FitCost fits the rows of MeasureCost (dense slopes over the rows that
// have dense timings; at least two are needed for each slope, else it is
// NaN).
func FitCost(rows []CostRow) CostFit {
	var fit CostFit
	var dd, fac, sol, asm, all, tl, cg []float64
	for _, r := range rows {
		all = append(all, float64(r.D))
		tl = append(tl, r.TwoLoop.Seconds())
		cg = append(cg, r.CGIter.Seconds())
		if r.D > fit.MaxD {
			fit.MaxD = r.D
			fit.TwoLoopNsPerD = float64(r.TwoLoop.Nanoseconds()) / float64(r.D)
			fit.CGNsPerD = float64(r.CGIter.Nanoseconds()) / float64(r.D)
		}
		if r.Factor > 0 {
			dd = append(dd, float64(r.D))
			fac = append(fac, r.Factor.Seconds())
			sol = append(sol, r.Solve.Seconds())
			asm = append(asm, r.Assemble.Seconds())
			if r.D > fit.MaxDenseD {
				fit.MaxDenseD = r.D
				fit.FactorGFLOPS = r.FactorGFLOPS
				fit.SolveGFLOPS = 2 * float64(r.D) * float64(r.D) / r.Solve.Seconds() / 1e9
			}
		}
	}
	slope := func(x, y []float64) float64 {
		if len(x) < 2 {
			return nan
		}
		s, _, err := FitLogLog(x, y)
		if err != nil {
			return nan
		}
		return s
	}
	fit.FactorSlope, fit.SolveSlope, fit.AssembleSlope = slope(dd, fac), slope(dd, sol), slope(dd, asm)
	fit.TwoLoopSlope, fit.CGSlope = slope(all, tl), slope(all, cg)
	return fit
}

// ExtrapRow is the projected cost of one step at dimension D.
type ExtrapRow struct {
	D float64
	// HessianBytes is 8d²; LBFGSBytes is 16·m·d.
	HessianBytes, LBFGSBytes float64
	// NewtonSeconds is one Cholesky factorisation, (d³/3)/FactorGFLOPS,
	// plus the solve at SolveGFLOPS; LBFGSSeconds and CGIterSeconds scale
	// the measured per-coordinate cost linearly.
	NewtonSeconds, LBFGSSeconds, CGIterSeconds float64
}

// Extrapolate projects the fitted costs to the dimensions ds (modern
// networks: d ~ 10⁷ … 10⁹; notebook 05) at the rates measured, with memory
// exact: 8d² bytes for a dense Hessian, 16md for L-BFGS (m = memory).
func Extrapolate(fit CostFit, memory int, ds []float64) []ExtrapRow {
	out := make([]ExtrapRow, len(ds))
	for i, d := range ds {
		out[i] = ExtrapRow{
			D:             d,
			HessianBytes:  8 * d * d,
			LBFGSBytes:    16 * float64(memory) * d,
			NewtonSeconds: d*d*d/3/(fit.FactorGFLOPS*1e9) + 2*d*d/(fit.SolveGFLOPS*1e9),
			LBFGSSeconds:  fit.TwoLoopNsPerD * d * 1e-9,
			CGIterSeconds: fit.CGNsPerD * d * 1e-9,
		}
	}
	return out
}

// FormatBytes writes a byte count with a decimal (SI) unit (kB, MB, GB,
// TB, PB, EB).
func FormatBytes(b float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}
	i := 0
	for b >= 1000 && i < len(units)-1 {
		b /= 1000
		i++
	}
	return fmt.Sprintf("%.3g %s", b, units[i])
}

// FormatSeconds writes a duration in seconds in the largest fitting unit,
// up to years.
func FormatSeconds(s float64) string {
	switch {
	case s < 1e-3:
		return fmt.Sprintf("%.3g µs", s*1e6)
	case s < 1:
		return fmt.Sprintf("%.3g ms", s*1e3)
	case s < 120:
		return fmt.Sprintf("%.3g s", s)
	case s < 7200:
		return fmt.Sprintf("%.3g min", s/60)
	case s < 2*86400:
		return fmt.Sprintf("%.3g h", s/3600)
	case s < 2*365.25*86400:
		return fmt.Sprintf("%.3g days", s/86400)
	}
	return fmt.Sprintf("%s years", threeDigits(s/(365.25*86400)))
}

// threeDigits writes v ≥ 1 to three significant digits without an
// exponent below a million ("2510", not "2.51e+03") and as m×10ⁿ above.
func threeDigits(v float64) string {
	if v < 1e6 {
		r, _ := strconv.ParseFloat(fmt.Sprintf("%.3g", v), 64)
		return strconv.FormatFloat(r, 'f', -1, 64)
	}
	e := math.Floor(math.Log10(v))
	m, _ := strconv.ParseFloat(fmt.Sprintf("%.3g", v/math.Pow(10, e)), 64)
	if m >= 10 {
		m, e = m/10, e+1
	}
	sup := strings.NewReplacer("-", "⁻", "0", "⁰", "1", "¹", "2", "²", "3", "³", "4", "⁴", "5", "⁵", "6", "⁶", "7", "⁷", "8", "⁸", "9", "⁹")
	return strconv.FormatFloat(m, 'f', -1, 64) + "×10" + sup.Replace(strconv.Itoa(int(e)))
}

// CostMarkdown renders measured rows, the fit and an extrapolation as
// markdown tables for a notebook or a report.
func CostMarkdown(rows []CostRow, fit CostFit, ext []ExtrapRow) string {
	var b strings.Builder
	dur := func(t time.Duration) string {
		if t == 0 {
			return "—"
		}
		return FormatSeconds(t.Seconds())
	}
	b.WriteString("| d | Hessian memory | assemble | Cholesky | solve | GFLOP/s | L-BFGS memory | L-BFGS two-loop | CG iteration |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		gf := "—"
		if r.FactorGFLOPS > 0 {
			gf = fmt.Sprintf("%.2f", r.FactorGFLOPS)
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.D, FormatBytes(r.HessianBytes),
			dur(r.Assemble), dur(r.Factor), dur(r.Solve), gf, FormatBytes(r.LBFGSBytes), dur(r.TwoLoop), dur(r.CGIter))
	}
	fmt.Fprintf(&b, "\nFitted exponents t ∝ dᵖ: assemble %.2f, Cholesky %.2f, solve %.2f, two-loop %.2f, CG iteration %.2f.\n",
		fit.AssembleSlope, fit.FactorSlope, fit.SolveSlope, fit.TwoLoopSlope, fit.CGSlope)
	fmt.Fprintf(&b, "Cholesky at d = %d: %.2f GFLOP/s.\n\n", fit.MaxDenseD, fit.FactorGFLOPS)
	b.WriteString("| d | Hessian memory | one Newton step | L-BFGS memory | one two-loop | one CG iteration |\n|---|---|---|---|---|---|\n")
	for _, e := range ext {
		fmt.Fprintf(&b, "| %.0e | %s | %s | %s | %s | %s |\n", e.D, FormatBytes(e.HessianBytes), FormatSeconds(e.NewtonSeconds),
			FormatBytes(e.LBFGSBytes), FormatSeconds(e.LBFGSSeconds), FormatSeconds(e.CGIterSeconds))
	}
	return b.String()
}
