package optim

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/descentlab/descent/internal/num"
)

// FuzzOptimizers drives random configurations and gradients through every
// optimizer via Run: the only panics allowed are the documented "optim:"
// ones for out-of-range hyperparameters, and a run never returns a
// non-finite x, f or ‖∇f‖, whatever its Status.
func FuzzOptimizers(f *testing.F) {
	f.Add(uint8(5), 0.1, 0.9, 0.999, 1e-8, 0.0, 1.0, false)
	f.Add(uint8(0), 1e10, 0.5, 0.5, 1e-300, 1.0, 1e300, true)
	f.Add(uint8(3), -1.0, 1.5, 0.0, -1.0, 0.0, math.NaN(), false)
	f.Fuzz(func(t *testing.T, kind uint8, lr, b1, b2, eps, wd, scale float64, flag bool) {
		opts := []Optimizer{
			&SGD{LR: lr, WeightDecay: wd, Maximize: flag},
			&Momentum{LR: lr, Momentum: b1, Dampening: b2, WeightDecay: wd, Velocity: flag},
			&Nesterov{LR: lr, Momentum: b1, WeightDecay: wd, Velocity: flag},
			&AdaGrad{LR: lr, LRDecay: b2, Eps: eps, WeightDecay: wd, EpsInsideSqrt: flag},
			&RMSProp{LR: lr, Beta: b1, Eps: eps, Momentum: b2, Centered: flag, WeightDecay: wd},
			&Adam{LR: lr, Beta1: b1, Beta2: b2, Eps: eps, WeightDecay: wd, AMSGrad: flag},
			&AdamW{LR: lr, Beta1: b1, Beta2: b2, Eps: eps, WeightDecay: wd, NoBiasCorrection: flag},
		}
		opt := opts[int(kind)%len(opts)]
		p := quad([]float64{1, scale, 1e-3})
		defer func() {
			if r := recover(); r != nil {
				if msg := fmt.Sprint(r); !strings.HasPrefix(msg, "optim: ") {
					t.Fatalf("%T: undocumented panic %v", opt, r)
				}
			}
		}()
		r := Run(p, []float64{1, -2, 3}, opt, Settings{MaxIter: 50})
		var ne *NumericalError
		atStart := r.Status == NonFinite && errors.As(r.Err, &ne) && ne.Step == 0
		if num.FirstNonFinite(r.X) >= 0 || num.FirstNonFinite(r.Last) >= 0 || (!atStart && (!num.Finite(r.F) || !num.Finite(r.GradNorm))) {
			t.Fatalf("%T: x %v f %v ‖g‖ %v last %v with status %v", opt, r.X, r.F, r.GradNorm, r.Last, r.Status)
		}
		if r.Status.Failed() && r.Err == nil {
			t.Fatalf("%T: status %v without an error", opt, r.Status)
		}
	})
}
