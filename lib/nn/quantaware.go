package nn

import "fmt"

// QuantAware is quantization-aware training of a network (Jacob et al.
// 2018): its loss at x is the network's loss at Q(x), the parameters with
// every weight matrix fake-quantized by the quantizer (biases and
// batch-norm parameters stay in float), and its gradient is the network's
// gradient at Q(x), passed "straight through" the rounding to x:
//
//	L_QAT(x) = L(Q(x)),   ∇L_QAT(x) := ∇L(Q(x))      (straight-through estimator)
//
// Rounding is flat almost everywhere, so the true gradient of L(Q(x)) is 0
// wherever it exists and useless for descent; the straight-through
// estimator (Bengio et al. 2013) treats Q as the identity in the backward
// pass. The float weights x keep accumulating small steps that one
// rounding at a time move Q(x) to the next level, and training settles where
// the quantized network, the one deployed, has a low loss. The grid's scale
// is recomputed from x at every call (min/max calibration) and is not
// differentiated either. Because every weight lies inside its own grid's
// range, no weight is clipped and the estimator is the plain identity.
//
// QuantAware implements Network (and so problems.Stochastic): give it to any
// training loop in place of the network. Loss costs the network's Loss plus
// O(Dim()) and allocates nothing.
type QuantAware struct {
	net Network
	q   Quantizer
	ws  []WeightMatrix
	xq  []float64
}

// NewQuantAware wraps net for quantization-aware training with q. It panics
// on a bad quantizer or weight matrices that do not fit the network's
// parameters.
func NewQuantAware(net Network, q Quantizer) *QuantAware {
	q.check("NewQuantAware")
	ws := net.WeightMatrices()
	probe := make([]float64, net.Dim())
	checkMatrices("NewQuantAware", probe, ws)
	return &QuantAware{net: net, q: q, ws: ws, xq: probe}
}

// Len is the network's number of examples.
func (m *QuantAware) Len() int { return m.net.Len() }

// Dim is the network's number of parameters.
func (m *QuantAware) Dim() int { return m.net.Dim() }

// WeightMatrices are the network's.
func (m *QuantAware) WeightMatrices() []WeightMatrix { return m.net.WeightMatrices() }

// Quantizer returns the quantizer.
func (m *QuantAware) Quantizer() Quantizer { return m.q }

// Loss returns the network's loss at Q(x) and writes its gradient there
// into grad: see the type's doc comment.
func (m *QuantAware) Loss(grad, x []float64, idx []int) float64 {
	m.quantizeInto(x)
	return m.net.Loss(grad, m.xq, idx)
}

// quantizeInto writes Q(x) into the scratch m.xq.
func (m *QuantAware) quantizeInto(x []float64) {
	if len(x) != len(m.xq) {
		panic(fmt.Sprintf("nn: QuantAware: len(x) = %d, want Dim() = %d", len(x), len(m.xq)))
	}
	m.q.fakeQuantize(m.xq, x, m.ws)
}

// Quantized writes Q(x), the parameters as deployed, into dst (len Dim())
// and returns it.
func (m *QuantAware) Quantized(dst, x []float64) []float64 {
	m.q.FakeQuantize(dst, x, m.ws)
	return dst
}
