package firstorder

import (
	"math"
	"sync"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/internal/fig"

	"github.com/descentlab/descent/lib/optim"
	"github.com/descentlab/descent/lib/problems"
)

// schedule (notebook 07): mini-batch SGD on notebook 07's least-squares
// problem (1000 examples in 10 features, label noise σ = 1, batches of 10
// drawn with replacement, seed 1, 30 epochs = 3000 steps; the full loss
// measured every 50 steps, where the notebook measures every 20) with a learning-rate schedule: its shape, the
// base rate α, the rate it ends at (as a fraction of α) and a linear
// warm-up from 0 over the first steps. Step decay cuts the rate three
// times, at 25 %, 50 % and 75 % of the run; exponential decay by a constant
// factor per step; cosine anneals to the end rate; 1/√t is
// α√(T₀/(t + T₀)) with T₀ set by the end rate. Panels: the rate α_t
// (Schedule.Rate, as optim.Run calls it) and the excess loss J − J* beside
// the constant rate's. Cost: 3000 steps of 10 examples and 60 full
// losses, without their gradient, per run (milliseconds); J* (full-batch descent to ‖∇J‖ ≤ 1e-12)
// once, and the constant rate once per α.
func init() {
	register(&explore.Explorable{
		Name:   "schedule",
		Module: Module,
		Title:  "Learning-rate schedules: shape, base rate, end rate and warm-up",
		Controls: []explore.Control{
			{Name: "shape", Label: "schedule", Choices: []string{"step decay (3 cuts)", "exponential", "cosine", "1/√t", "constant"}, Default: 2},
			{Name: "alpha", Label: "base rate α", Min: 1e-3, Max: 0.5, Step: 0.02, Log: true, Default: 0.1},
			{Name: "end", Label: "end rate", Unit: "× α", Min: 1e-4, Max: 1, Step: 0.05, Log: true, Default: 0.01},
			{Name: "warmup", Label: "warm-up", Unit: "steps", Min: 0, Max: 1500, Step: 10, Int: true, Default: 0},
		},
		Func: runSchedule,
	})
}

const scheduleSteps = 3000 // 30 epochs of 100 batches

// leastSquares returns notebook 07's problem, built once: its data do not
// depend on the controls, and its Loss keeps no state between calls.
var leastSquares = sync.OnceValue(func() problems.Problem {
	return problems.Objective("least squares",
		problems.NewLinearRegression(problems.LinearData(1000, 10, 1.0, 7), 0))
})

var (
	scheduleMu    sync.Mutex
	scheduleFstar = math.NaN()
	constantRuns  = map[float64]optim.Result{}
)

// scheduleTrain is notebook 07's train: SGD from zero with the schedule.
func scheduleTrain(p problems.Problem, alpha float64, s optim.Schedule, label string) optim.Result {
	return optim.Run(p, make([]float64, p.Dim), optim.NewSGD(alpha), optim.Settings{
		Batch: 10, Epochs: 30, EvalEvery: 50, Seed: 1, Order: optim.WithReplacement,
		Schedule: s, Label: label, TraceXDim: -1, // the figure draws no x
		EvalLossOnly: true}) // nor a full gradient
}

// scheduleContext returns J* and the constant-rate run at alpha, computed once.
func scheduleContext(p problems.Problem, alpha float64) (float64, optim.Result) {
	scheduleMu.Lock()
	defer scheduleMu.Unlock()
	if math.IsNaN(scheduleFstar) {
		scheduleFstar = optim.Run(p, make([]float64, p.Dim), optim.NewSGD(0.2),
			optim.Settings{MaxIter: 5000, GradTol: 1e-12}).F
	}
	r, ok := constantRuns[alpha]
	if !ok {
		r = scheduleTrain(p, alpha, nil, "constant α")
		constantRuns[alpha] = r
	}
	return scheduleFstar, r
}

// scheduleOf builds the chosen schedule for base rate alpha, ending at
// end·alpha: over the steps after the warm-up, restarted after it.
func scheduleOf(shape int, alpha, end float64, warmup int) optim.Schedule {
	t := scheduleSteps - warmup
	var s optim.Schedule = optim.Constant{}
	switch {
	case shape == 0:
		s = optim.StepDecay{Steps: (t + 3) / 4, Gamma: math.Pow(end, 1.0/3)}
	case shape == 1:
		s = optim.Exponential{Gamma: math.Pow(end, 1/float64(t))}
	case shape == 2:
		s = optim.Cosine{Steps: t, MinRate: alpha * end}
	case shape == 3 && end < 1: // α√(T₀/(t + T₀)) = end·α at t
		s = optim.InvSqrt{T0: float64(t) * end * end / (1 - end*end)}
	}
	if warmup > 0 {
		s = optim.Sequential{Schedules: []optim.Schedule{optim.Linear{StartFactor: 0, EndFactor: 1, Steps: warmup}, s},
			Milestones: []int{warmup}}
	}
	return s
}

func runSchedule(v explore.Values, _ explore.Data) *explore.Figure {
	p := leastSquares()
	alpha, end, warmup := v["alpha"], v["end"], int(v["warmup"])
	fstar, constant := scheduleContext(p, alpha)
	s := scheduleOf(int(v["shape"]), alpha, end, warmup)
	r := scheduleTrain(p, alpha, s, "with the schedule")
	steps := make([]float64, 0, scheduleSteps/10+1)
	rates := make([]float64, 0, cap(steps))
	for t := 0; t <= scheduleSteps; t += 10 {
		steps, rates = append(steps, float64(t)), append(rates, s.Rate(alpha, t))
	}
	gap := func(r optim.Result) ([]float64, []float64) {
		x, y := r.Trace.EvalEpochs(), r.Trace.EvalFs()
		for i := range y {
			y[i] -= fstar
		}
		return fig.Finite(x, y, true)
	}
	cx, cy := gap(constant)
	sx, sy := gap(r)
	ts, rs := fig.Finite(steps, rates, true) // a warm-up from 0 starts at rate 0
	mean, _ := r.Trace.MeanLoss(20, 30)
	return &explore.Figure{
		Panels: []explore.Panel{{
			Title: "The learning rate α_t", XLabel: "step t", YLabel: "α_t (log scale)", LogY: true,
			XMin: 0, XMax: scheduleSteps, YMin: 1e-7, YMax: 1,
			Series: []explore.Series{{Name: "with the schedule", Kind: explore.Line, X: ts, Y: rs}},
		}, {
			Title: "Excess loss", Note: "SGD on mini-batches of 10", XLabel: "epoch", YLabel: "J(θ) − J* (log scale)",
			LogY: true, XMin: 0, XMax: 30, YMin: 1e-5, YMax: 100, Message: fig.Failure(r),
			Series: []explore.Series{
				{Name: "constant α", Kind: explore.Line, X: cx, Y: cy, Color: fig.Gray},
				{Name: "with the schedule", Kind: explore.Line, X: sx, Y: sy},
			},
		}},
		Readout: []explore.Reading{
			{Label: "final excess loss", Value: r.F - fstar},
			{Label: "mean over epochs 20–30", Value: mean - fstar},
			{Label: "constant α ends at", Value: constant.F - fstar},
		},
	}
}
