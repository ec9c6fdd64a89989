package optim

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestRestoreStateRefusesNonFinite: a saved state with NaN or ±Inf in a
// buffer, or a negative second moment, was accepted and the next Step wrote
// NaN into x (issue 28, item 6). Each is refused now, naming the buffer.
func TestRestoreStateRefusesNonFinite(t *testing.T) {
	x := []float64{1, 2}
	g := []float64{0.5, -0.5}
	for _, c := range []struct {
		opt interface {
			Optimizer
			Stateful
		}
		buf  string
		bad  float64
		want string
	}{
		{NewMomentum(0.1, 0.9), "buf", math.NaN(), `"buf" holds NaN at index 1`},
		{NewNesterov(0.1, 0.9), "buf", math.Inf(1), `"buf" holds +Inf at index 1`},
		{NewAdaGrad(0.1), "sum", -1, `"sum" holds -1 at index 1: a sum of squares is ≥ 0`},
		{NewRMSProp(0.1), "sq", math.Inf(-1), `"sq" holds -Inf`},
		{NewAdam(0.1), "m", math.NaN(), `"m" holds NaN`},
		{NewAdam(0.1), "v", -1e-300, `"v" holds -1e-300 at index 1: a sum of squares`},
	} {
		c.opt.Step(append([]float64(nil), x...), g)
		s := c.opt.SaveState()
		s.Buffers[c.buf][1] = c.bad
		before := c.opt.SaveState()
		err := c.opt.RestoreState(s)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T with %s[1] = %v: err %v, want it to contain %q", c.opt, c.buf, c.bad, err, c.want)
			continue
		}
		if after := c.opt.SaveState(); !reflect.DeepEqual(after, before) {
			t.Errorf("%T: a refused RestoreState changed the state", c.opt)
		}
	}
}
