package optim

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
)

// The reference files are written by testdata/gen_torch.py (torch.optim,
// float64); see its doc string for the two gradient modes.

type torchCase struct {
	Name      string             `json:"name"`
	Optimizer string             `json:"optimizer"`
	Options   map[string]float64 `json:"-"`
	RawOpts   map[string]any     `json:"options"`
	Mode      string             `json:"mode"`
	Negate    bool               `json:"negate"`
	X0        []float64          `json:"x0"`
	Xs        [][]float64        `json:"xs"`
	Grads     [][]float64        `json:"grads"`
	LRs       []float64          `json:"lrs"`
}

type torchFile struct {
	Torch    string `json:"torch"`
	Steps    int    `json:"steps"`
	Function struct {
		A []float64 `json:"a"`
		T []float64 `json:"t"`
		C float64   `json:"c"`
	} `json:"function"`
	Cases []torchCase `json:"cases"`
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// newFromOptions builds the optimizer of a reference case from its Go field
// names; a field the case does not set takes torch's default (the case was
// generated with torch's defaults for it). The case keys name RMSProp's β
// "Alpha", as torch does.
func newFromOptions(t testing.TB, kind string, o map[string]any) Optimizer {
	t.Helper()
	used := map[string]bool{}
	f := func(k string, def float64) float64 {
		used[k] = true
		if v, ok := o[k].(float64); ok {
			return v
		}
		return def
	}
	b := func(k string) bool {
		used[k] = true
		v, _ := o[k].(bool)
		return v
	}
	clip := f("ClipNorm", 0)
	var opt Optimizer
	switch kind {
	case "SGD":
		opt = &SGD{LR: f("LR", 0), WeightDecay: f("WeightDecay", 0), Maximize: b("Maximize")}
	case "Momentum":
		opt = &Momentum{LR: f("LR", 0), Momentum: f("Momentum", 0), Dampening: f("Dampening", 0), WeightDecay: f("WeightDecay", 0), Maximize: b("Maximize")}
	case "Nesterov":
		opt = &Nesterov{LR: f("LR", 0), Momentum: f("Momentum", 0), WeightDecay: f("WeightDecay", 0), Maximize: b("Maximize")}
	case "AdaGrad":
		opt = &AdaGrad{LR: f("LR", 0), LRDecay: f("LRDecay", 0), InitialAccumulator: f("InitialAccumulator", 0), Eps: f("Eps", DefaultAdaGradEps), WeightDecay: f("WeightDecay", 0), Maximize: b("Maximize")}
	case "RMSProp":
		opt = &RMSProp{LR: f("LR", 0), Beta: f("Alpha", DefaultRMSPropBeta), Eps: f("Eps", DefaultRMSPropEps), Momentum: f("Momentum", 0), Centered: b("Centered"), WeightDecay: f("WeightDecay", 0), Maximize: b("Maximize")}
	case "Adam":
		opt = &Adam{LR: f("LR", 0), Beta1: f("Beta1", DefaultAdamBeta1), Beta2: f("Beta2", DefaultAdamBeta2), Eps: f("Eps", DefaultAdamEps), AMSGrad: b("AMSGrad"), WeightDecay: f("WeightDecay", 0), Maximize: b("Maximize")}
	case "AdamW":
		opt = &AdamW{LR: f("LR", 0), Beta1: f("Beta1", DefaultAdamBeta1), Beta2: f("Beta2", DefaultAdamBeta2), Eps: f("Eps", DefaultAdamEps), AMSGrad: b("AMSGrad"), WeightDecay: f("WeightDecay", DefaultAdamWWeightDecay), Maximize: b("Maximize")}
	default:
		t.Fatalf("unknown optimizer %q", kind)
	}
	for k := range o {
		if !used[k] {
			t.Fatalf("%s: option %q not mapped", kind, k)
		}
	}
	if clip > 0 {
		opt = NewClipped(opt, clip)
	}
	return opt
}

// relErr is |a−b| / max(|a|, |b|), and 0 when both are 0.
func relErr(a, b float64) float64 {
	d := math.Abs(a - b)
	if d == 0 {
		return 0
	}
	return d / max(math.Abs(a), math.Abs(b))
}

func TestTorchParityOptimizers(t *testing.T) {
	var ref torchFile
	readJSON(t, "testdata/optimizers.json", &ref)
	if len(ref.Cases) == 0 {
		t.Fatal("no cases in testdata/optimizers.json")
	}
	fn := ref.Function
	kinds := map[string]int{}
	worst := 0.0
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if len(c.Xs) < 50 {
				t.Fatalf("%d steps, want ≥ 50", len(c.Xs))
			}
			kinds[c.Optimizer]++
			opt := newFromOptions(t, c.Optimizer, c.RawOpts)
			x := append([]float64(nil), c.X0...)
			g := make([]float64, len(x))
			caseWorst := 0.0
			prev := c.X0
			for k, want := range c.Xs {
				switch c.Mode {
				case "exact":
					for i, xi := range x {
						g[i] = fn.A[i]*(xi-fn.T[i]) + fn.C*xi*xi*xi
						if c.Negate {
							g[i] = -g[i]
						}
					}
				case "noisy":
					copy(g, c.Grads[k])
				default:
					t.Fatalf("mode %q", c.Mode)
				}
				if c.LRs != nil {
					opt.(LearningRater).SetLearningRate(c.LRs[k])
				}
				opt.Step(x, g)
				for i := range x {
					// The error of x ← x − Δ is relative to its operands:
					// a component crossing zero (x ≈ Δ) cancels, so the
					// scale is the larger of the two iterates and torch's
					// previous one.
					scale := max(math.Abs(x[i]), math.Abs(want[i]), math.Abs(prev[i]))
					if e := math.Abs(x[i]-want[i]) / scale; scale > 0 && e > caseWorst {
						caseWorst = e
					}
				}
				prev = want
				if caseWorst > 1e-12 {
					t.Fatalf("step %d: x = %v, torch %v (relative error %.3g)", k, x, want, caseWorst)
				}
			}
			worst = max(worst, caseWorst)
			if caseWorst > 1e-13 {
				t.Logf("relative error %.3g", caseWorst)
			}
		})
	}
	for _, k := range []string{"SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "AdamW"} {
		if kinds[k] == 0 {
			t.Errorf("no reference case for %s", k)
		}
	}
	t.Logf("%d cases against torch %s, worst relative error %.3g", len(ref.Cases), ref.Torch, worst)
}

type schedCase struct {
	Kind   string         `json:"kind"`
	Params map[string]any `json:"params"`
	Base   float64        `json:"base"`
	LRs    []float64      `json:"lrs"`
}

func scheduleFor(t testing.TB, c schedCase) Schedule {
	p := func(k string) float64 {
		v, ok := c.Params[k].(float64)
		if !ok {
			t.Fatalf("%s: missing %s", c.Kind, k)
		}
		return v
	}
	switch c.Kind {
	case "StepLR":
		g := 0.1
		if _, ok := c.Params["gamma"]; ok {
			g = p("gamma")
		}
		return StepDecay{Steps: int(p("step_size")), Gamma: g}
	case "MultiStepLR":
		var ms []int
		for _, m := range c.Params["milestones"].([]any) {
			ms = append(ms, int(m.(float64)))
		}
		return MultiStep{Milestones: ms, Gamma: p("gamma")}
	case "ExponentialLR":
		return Exponential{Gamma: p("gamma")}
	case "CosineAnnealingLR":
		return Cosine{Steps: int(p("T_max")), MinRate: p("eta_min")}
	case "LinearLR":
		return Linear{StartFactor: p("start_factor"), EndFactor: p("end_factor"), Steps: int(p("total_iters"))}
	case "PolynomialLR":
		return Polynomial{Steps: int(p("total_iters")), Power: p("power")}
	case "SequentialLR/warmup-cosine":
		w := int(p("warmup"))
		return WarmupCosine{Warmup: w, Steps: w + int(p("T_max")), StartFactor: p("start_factor"), MinRate: p("eta_min")}
	case "SequentialLR/linear-step-exp":
		return Sequential{
			Schedules:  []Schedule{Linear{StartFactor: 0.5, EndFactor: 1, Steps: 4}, StepDecay{Steps: 5, Gamma: 0.5}, Exponential{Gamma: 0.9}},
			Milestones: []int{8, 25},
		}
	}
	t.Fatalf("unknown schedule %q", c.Kind)
	return nil
}

func TestTorchParitySchedules(t *testing.T) {
	var ref struct {
		Torch string      `json:"torch"`
		Cases []schedCase `json:"cases"`
	}
	readJSON(t, "testdata/schedules.json", &ref)
	worst := 0.0
	for i, c := range ref.Cases {
		t.Run(fmt.Sprintf("%d-%s", i, c.Kind), func(t *testing.T) {
			s := scheduleFor(t, c)
			for k, want := range c.LRs {
				if ws, ok := s.(WarmupCosine); ok && k > ws.Steps {
					break // torch's cosine rises again past T_max; WarmupCosine holds Min
				}
				got := s.Rate(c.Base, k)
				e := relErr(got, want)
				if want == 0 || got == 0 {
					e = math.Abs(got - want) // an annealed-to-zero rate
				}
				if e > 1e-12 {
					t.Fatalf("step %d: %v, torch %v (error %.3g)", k, got, want, e)
				}
				worst = max(worst, e)
			}
		})
	}
	t.Logf("%d schedules against torch %s, worst relative error %.3g", len(ref.Cases), ref.Torch, worst)
}
