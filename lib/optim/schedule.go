package optim

import (
	"fmt"
	"math"
	"slices"
)

// Schedule gives the learning rate of step t (t = 0 is the first step) from
// a base rate. Schedules are pure functions of (base, t), so a run can be
// resumed at any step and a chart can draw a schedule without running it.
//
// The values equal those of the torch.optim.lr_scheduler class named in
// each type's comment when its scheduler.step() is called once after each
// optimizer step (to within rounding: torch computes most of them
// recursively, these in closed form; the tests bound the difference by 1e-12
// relative). Rate costs O(1) unless stated.
type Schedule interface {
	Rate(base float64, t int) float64
}

// ScheduleFunc adapts a function to a Schedule.
type ScheduleFunc func(base float64, t int) float64

// Rate returns f(base, t).
func (f ScheduleFunc) Rate(base float64, t int) float64 { return f(base, t) }

func checkT(name string, t int) {
	if t < 0 {
		panic(fmt.Sprintf("optim: %s.Rate: step t = %d < 0", name, t))
	}
}

// Constant keeps the base rate: α_t = α.
type Constant struct{}

// Rate returns base.
func (Constant) Rate(base float64, t int) float64 { checkT("Constant", t); return base }

// StepDecay multiplies the rate by Gamma every Size steps (torch StepLR):
// α_t = α γ^⌊t/Size⌋. Size and Gamma must be > 0 (torch's usual γ is 0.1).
type StepDecay struct {
	Size  int
	Gamma float64
}

// Rate returns α γ^⌊t/Size⌋.
func (s StepDecay) Rate(base float64, t int) float64 {
	checkT("StepDecay", t)
	if s.Size <= 0 {
		panic(fmt.Sprintf("optim: StepDecay.Size = %d must be > 0", s.Size))
	}
	checkGamma("StepDecay", s.Gamma)
	return base * math.Pow(s.Gamma, float64(t/s.Size))
}

func checkGamma(name string, g float64) {
	if !(g > 0) || math.IsInf(g, 0) {
		panic(fmt.Sprintf("optim: %s.Gamma = %v: γ must be finite and > 0 (torch's usual value is 0.1)", name, g))
	}
}

// MultiStep multiplies the rate by Gamma at each milestone (torch
// MultiStepLR): α_t = α γ^(number of milestones ≤ t). Milestones must be
// increasing; a repeated milestone counts twice, as in torch. Gamma must be
// > 0. Cost O(log len(Milestones)).
type MultiStep struct {
	Milestones []int
	Gamma      float64
}

// Rate returns α γ^k, k the number of milestones ≤ t.
func (s MultiStep) Rate(base float64, t int) float64 {
	checkT("MultiStep", t)
	if !slices.IsSorted(s.Milestones) {
		panic(fmt.Sprintf("optim: MultiStep.Milestones = %v not sorted", s.Milestones))
	}
	checkGamma("MultiStep", s.Gamma)
	k, _ := slices.BinarySearch(s.Milestones, t+1)
	return base * math.Pow(s.Gamma, float64(k))
}

// Exponential multiplies the rate by Gamma every step (torch ExponentialLR):
// α_t = α γ^t. Gamma must be > 0.
type Exponential struct {
	Gamma float64
}

// Rate returns α γ^t.
func (s Exponential) Rate(base float64, t int) float64 {
	checkT("Exponential", t)
	checkGamma("Exponential", s.Gamma)
	return base * math.Pow(s.Gamma, float64(t))
}

// Cosine anneals the rate from α to Min along half a cosine over TMax steps
// (torch CosineAnnealingLR, Loshchilov & Hutter 2017, without restarts):
//
//	α_t = Min + (α − Min)(1 + cos(π t/TMax))/2
//
// Past TMax the formula goes on, so the rate rises again (as in torch);
// use it within a Sequential to hold it instead. TMax must be > 0.
type Cosine struct {
	TMax int
	Min  float64
}

// Rate returns Min + (α − Min)(1 + cos(π t/TMax))/2.
func (s Cosine) Rate(base float64, t int) float64 {
	checkT("Cosine", t)
	if s.TMax <= 0 {
		panic(fmt.Sprintf("optim: Cosine.TMax = %d must be > 0", s.TMax))
	}
	return s.Min + (base-s.Min)*(1+math.Cos(math.Pi*float64(t)/float64(s.TMax)))/2
}

// Linear scales the rate by a factor going linearly from Start to End over
// Iters steps, then holding End (torch LinearLR): a linear warm-up when
// Start < End, a linear decay when Start > End.
//
//	α_t = α (Start + (End − Start) min(t, Iters)/Iters)
//
// Start and End must be finite and ≥ 0 and Iters > 0 (torch's defaults
// are 1/3, 1 and 5; torch refuses Start 0, this allows a warm-up from 0).
type Linear struct {
	Start, End float64
	Iters      int
}

// Rate returns α (Start + (End − Start) min(t, Iters)/Iters).
func (s Linear) Rate(base float64, t int) float64 {
	checkT("Linear", t)
	start, end, iters := s.Start, s.End, s.Iters
	if !(start >= 0) || !(end >= 0) || iters <= 0 || math.IsInf(start+end, 0) {
		panic(fmt.Sprintf("optim: Linear{Start: %v, End: %v, Iters: %d} out of range", s.Start, s.End, s.Iters))
	}
	return base * (start + (end-start)*float64(min(t, iters))/float64(iters))
}

// Polynomial decays the rate to zero over Iters steps (torch PolynomialLR):
//
//	α_t = α (1 − min(t, Iters)/Iters)^Power
//
// Iters must be > 0 and Power ≥ 0 (torch's defaults are 5 and 1).
type Polynomial struct {
	Iters int
	Power float64
}

// Rate returns α (1 − min(t, Iters)/Iters)^Power.
func (s Polynomial) Rate(base float64, t int) float64 {
	checkT("Polynomial", t)
	iters, p := s.Iters, s.Power
	if iters <= 0 || !(p >= 0) || math.IsInf(p, 0) {
		panic(fmt.Sprintf("optim: Polynomial{Iters: %d, Power: %v} out of range", s.Iters, s.Power))
	}
	return base * math.Pow(1-float64(min(t, iters))/float64(iters), p)
}

// InvSqrt decays the rate like 1/√t: α_t = α √(T0/(t + T0)); T0 > 0 is
// the step at which the rate has fallen by √2 (T0 = 1 gives α/√(t+1)).
// With it, the average of the iterates of SGD on a convex Lipschitz
// problem approaches the minimum at the rate O(1/√T) (Nemirovski et al.
// 2009; notebook 06); Robbins & Monro's conditions Σα_t = ∞, Σα_t² < ∞
// need a faster decay, such as 1/t.
type InvSqrt struct {
	T0 float64
}

// Rate returns α √(T0/(t+T0)).
func (s InvSqrt) Rate(base float64, t int) float64 {
	checkT("InvSqrt", t)
	t0 := s.T0
	if !(t0 > 0) || math.IsInf(t0, 0) {
		panic(fmt.Sprintf("optim: InvSqrt.T0 = %v must be > 0", s.T0))
	}
	return base * math.Sqrt(t0/(float64(t)+t0))
}

// Sequential runs Schedules[0] until Milestones[0], then Schedules[1]
// restarted at its own step 0, and so on (torch SequentialLR): for
// Milestones[i−1] ≤ t < Milestones[i] the rate is Schedules[i].Rate(α, t −
// Milestones[i−1]). len(Milestones) must be len(Schedules) − 1 and the
// milestones increasing. Cost O(log len(Milestones)) plus the schedule's.
type Sequential struct {
	Schedules  []Schedule
	Milestones []int
}

// Rate returns the rate of the schedule in force at step t.
func (s Sequential) Rate(base float64, t int) float64 {
	checkT("Sequential", t)
	if len(s.Schedules) == 0 || len(s.Milestones) != len(s.Schedules)-1 {
		panic(fmt.Sprintf("optim: Sequential has %d schedules and %d milestones; want n and n−1, n ≥ 1", len(s.Schedules), len(s.Milestones)))
	}
	if !slices.IsSorted(s.Milestones) {
		panic(fmt.Sprintf("optim: Sequential.Milestones = %v not sorted", s.Milestones))
	}
	i, _ := slices.BinarySearch(s.Milestones, t+1)
	start := 0
	if i > 0 {
		start = s.Milestones[i-1]
	}
	return s.Schedules[i].Rate(base, t-start)
}

// WarmupCosine warms the rate up linearly from Start·α to α over Warmup
// steps, then anneals it along a cosine to Min at step Total, and holds Min
// after that: torch's SequentialLR([LinearLR(start_factor=Start,
// total_iters=Warmup), CosineAnnealingLR(T_max=Total−Warmup, eta_min=Min)],
// milestones=[Warmup]) up to step Total. Start ∈ [0, 1] is the factor at
// step 0 (0: warm up from zero). Total must exceed Warmup.
type WarmupCosine struct {
	Warmup, Total int
	Start, Min    float64
}

// Rate returns the warm-up rate for t < Warmup, then the cosine's.
func (s WarmupCosine) Rate(base float64, t int) float64 {
	checkT("WarmupCosine", t)
	if s.Warmup < 0 || s.Total <= s.Warmup {
		panic(fmt.Sprintf("optim: WarmupCosine{Warmup: %d, Total: %d}: need 0 ≤ Warmup < Total", s.Warmup, s.Total))
	}
	if t < s.Warmup {
		return Linear{Start: s.Start, End: 1, Iters: s.Warmup}.Rate(base, t)
	}
	return Cosine{TMax: s.Total - s.Warmup, Min: s.Min}.Rate(base, min(t, s.Total)-s.Warmup)
}
