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
// Every schedule's length is called Steps (for StepDecay, the length of
// each stage), a rate it multiplies α by is a …Factor or Gamma, and a rate
// it reaches whatever α is a …Rate.
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

// StepDecay multiplies the rate by the factor Gamma every Steps steps
// (torch StepLR, step_size): α_t = α γ^⌊t/Steps⌋. Steps and Gamma must be
// > 0 (torch's usual γ is 0.1).
type StepDecay struct {
	Steps int
	Gamma float64
}

// Rate returns α γ^⌊t/Steps⌋.
func (s StepDecay) Rate(base float64, t int) float64 {
	checkT("StepDecay", t)
	if s.Steps <= 0 {
		panic(fmt.Sprintf("optim: StepDecay.Steps = %d must be > 0", s.Steps))
	}
	checkGamma("StepDecay", s.Gamma)
	return base * math.Pow(s.Gamma, float64(t/s.Steps))
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

// Cosine anneals the rate from α to the rate MinRate (absolute, not a
// factor of α) along half a cosine over Steps steps (torch
// CosineAnnealingLR, T_max and eta_min; Loshchilov & Hutter 2017, without
// restarts):
//
//	α_t = MinRate + (α − MinRate)(1 + cos(π t/Steps))/2
//
// Past Steps the formula goes on, so the rate rises again (as in torch);
// use it within a Sequential to hold it instead. Steps must be > 0.
type Cosine struct {
	Steps   int
	MinRate float64
}

// Rate returns MinRate + (α − MinRate)(1 + cos(π t/Steps))/2.
func (s Cosine) Rate(base float64, t int) float64 {
	checkT("Cosine", t)
	if s.Steps <= 0 {
		panic(fmt.Sprintf("optim: Cosine.Steps = %d must be > 0", s.Steps))
	}
	return s.MinRate + (base-s.MinRate)*(1+math.Cos(math.Pi*float64(t)/float64(s.Steps)))/2
}

// Linear scales the rate by a factor going linearly from StartFactor to
// EndFactor over Steps steps, then holding EndFactor (torch LinearLR,
// start_factor, end_factor and total_iters): a linear warm-up when
// StartFactor < EndFactor, a linear decay when StartFactor > EndFactor.
//
//	α_t = α (StartFactor + (EndFactor − StartFactor) min(t, Steps)/Steps)
//
// The factors must be finite and ≥ 0 and Steps > 0 (torch's defaults are
// 1/3, 1 and 5; torch refuses StartFactor 0, this allows a warm-up from 0).
type Linear struct {
	StartFactor, EndFactor float64
	Steps                  int
}

// Rate returns α (StartFactor + (EndFactor − StartFactor) min(t, Steps)/Steps).
func (s Linear) Rate(base float64, t int) float64 {
	checkT("Linear", t)
	start, end, steps := s.StartFactor, s.EndFactor, s.Steps
	if !(start >= 0) || !(end >= 0) || steps <= 0 || math.IsInf(start+end, 0) {
		panic(fmt.Sprintf("optim: Linear{StartFactor: %v, EndFactor: %v, Steps: %d} out of range", s.StartFactor, s.EndFactor, s.Steps))
	}
	return base * (start + (end-start)*float64(min(t, steps))/float64(steps))
}

// Polynomial decays the rate to zero over Steps steps (torch PolynomialLR,
// total_iters):
//
//	α_t = α (1 − min(t, Steps)/Steps)^Power
//
// Steps must be > 0 and Power ≥ 0 (torch's defaults are 5 and 1).
type Polynomial struct {
	Steps int
	Power float64
}

// Rate returns α (1 − min(t, Steps)/Steps)^Power.
func (s Polynomial) Rate(base float64, t int) float64 {
	checkT("Polynomial", t)
	steps, p := s.Steps, s.Power
	if steps <= 0 || !(p >= 0) || math.IsInf(p, 0) {
		panic(fmt.Sprintf("optim: Polynomial{Steps: %d, Power: %v} out of range", s.Steps, s.Power))
	}
	return base * math.Pow(1-float64(min(t, steps))/float64(steps), p)
}

// InvSqrt decays the rate like 1/√t: α_t = α √(T0/(t + T0)); T0 > 0 is
// the step at which the rate has fallen by √2 (T0 = 1 gives α/√(t+1)).
// With it, the average of the iterates of SGD on a convex Lipschitz
// problem approaches the minimum at the rate O(1/√T) (Nemirovski et al.
// 2009; notebook 07); Robbins & Monro's conditions Σα_t = ∞, Σα_t² < ∞
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

// WarmupCosine warms the rate up linearly from StartFactor·α to α over
// Warmup steps, then anneals it along a cosine to the rate MinRate
// (absolute) at step Steps, the whole schedule's length, and holds MinRate
// after that: torch's SequentialLR([LinearLR(start_factor=StartFactor,
// total_iters=Warmup), CosineAnnealingLR(T_max=Steps−Warmup,
// eta_min=MinRate)], milestones=[Warmup]) up to step Steps. StartFactor ∈
// [0, 1] is the factor at step 0 (0: warm up from zero). Steps must exceed
// Warmup.
type WarmupCosine struct {
	Warmup, Steps        int
	StartFactor, MinRate float64
}

// Rate returns the warm-up rate for t < Warmup, then the cosine's.
func (s WarmupCosine) Rate(base float64, t int) float64 {
	checkT("WarmupCosine", t)
	if s.Warmup < 0 || s.Steps <= s.Warmup {
		panic(fmt.Sprintf("optim: WarmupCosine{Warmup: %d, Steps: %d}: need 0 ≤ Warmup < Steps", s.Warmup, s.Steps))
	}
	if t < s.Warmup {
		return Linear{StartFactor: s.StartFactor, EndFactor: 1, Steps: s.Warmup}.Rate(base, t)
	}
	return Cosine{Steps: s.Steps - s.Warmup, MinRate: s.MinRate}.Rate(base, min(t, s.Steps)-s.Warmup)
}
