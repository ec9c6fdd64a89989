// Package cost measures what curvature costs as the dimension d grows: one
// Newton step (assembling, factoring and solving with a dense d×d Hessian)
// beside one L-BFGS direction and one matrix-free CG iteration, the log-log
// fit of their growth, and its extrapolation to the sizes of modern
// networks (notebook 06). Timings are the process's CPU time where the
// system has a process CPU clock (see Row).
//
// It is apart from lib/secondorder, whose methods it times, because a
// minimizer's user has no need of a stopwatch; byte counts and durations
// are written by lib/measure.
package cost

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"time"

	"github.com/descentlab/descent/internal/num"
	"github.com/descentlab/descent/lib/measure"
	"github.com/descentlab/descent/lib/secondorder"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Settings configure Measure. Every field means what it says.
type Settings struct {
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

// Row is the measured cost of curvature at dimension D.
type Row struct {
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

// Measure times, for each d in dims, what one Newton step costs
// (assembling, factoring and solving with a dense d×d Hessian) beside what
// one L-BFGS direction and one matrix-free CG iteration cost, so that the
// notebook can show O(d²) memory and O(d³) time against O(md). It panics on
// a d < 2. Total time is dominated by the largest dense factorisation
// (about (MaxDense³/3)/(rate) seconds; ~1 s for d = 2000 at 3 GFLOP/s).
func Measure(dims []int, s Settings) []Row {
	maxDense, memory, minTime := s.MaxDense, s.Memory, s.MinTime
	if memory < 1 || maxDense < 0 || minTime < 0 {
		panic(fmt.Sprintf("cost: %+v: need Memory ≥ 1 (10 is usual), MaxDense ≥ 0 and MinTime ≥ 0", s))
	}
	if s.OneCore {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	}
	rows := make([]Row, 0, len(dims))
	for _, d := range dims {
		if d < 2 {
			panic("cost: Measure: dimension " + strconv.Itoa(d) + " < 2")
		}
		fd := float64(d)
		row := Row{D: d, HessianBytes: 8 * fd * fd, LBFGSBytes: 16 * float64(memory) * fd}
		rng := rand.New(rand.NewPCG(s.Seed, uint64(d)))
		if d <= maxDense {
			h := mat.NewSymDense(d, nil)
			row.Assemble = timeOp(minTime, func() { assembleKernelHessian(h) })
			var chol mat.Cholesky
			row.Factor = timeOp(minTime, func() {
				if !chol.Factorize(h) {
					panic("cost: Measure: the kernel Hessian did not factor")
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
		hist := secondorder.NewHistory(d, memory)
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

// assembleKernelHessian fills h with the dense SPD matrix
// hᵢⱼ = 1/(1 + |i − j|) + d·δᵢⱼ (diagonally dominant, so positive
// definite): the model "Hessian" of the cost demonstration. Cost d²/2
// writes.
func assembleKernelHessian(h *mat.SymDense) {
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
		for i := range xp {
			xp[i] = x[i] + eps*p[i]
		}
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

// Fit summarises a cost measurement: log-log slopes over the measured
// range and the rates used to extrapolate.
type Fit struct {
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

// FitRows fits the rows of Measure (dense slopes over the rows that
// have dense timings; at least two are needed for each slope, else it is
// NaN).
func FitRows(rows []Row) Fit {
	var fit Fit
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
			return math.NaN()
		}
		s, _, err := measure.FitLogLog(x, y)
		if err != nil {
			return math.NaN()
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
// networks: d ~ 10⁷ … 10⁹; notebook 06) at the rates measured, with memory
// exact: 8d² bytes for a dense Hessian, 16md for L-BFGS (m = memory).
func Extrapolate(fit Fit, memory int, ds []float64) []ExtrapRow {
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
