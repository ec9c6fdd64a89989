package problems

import (
	"fmt"
	"math"
)

// Activation is the nonlinearity of an MLP's hidden layers.
type Activation int

const (
	// Tanh is tanh(z), with derivative 1 − tanh²(z) ≤ 1: saturates at ±1,
	// so deep stacks with large weights have vanishing gradients.
	Tanh Activation = iota
	// ReLU is max(z, 0), with derivative 1 for z > 0 and 0 otherwise.
	ReLU
	// Sigmoid is 1/(1 + e⁻ᶻ), with derivative σ(1 − σ) ≤ ¼: the classic
	// cause of vanishing gradients.
	Sigmoid
)

func (a Activation) String() string {
	switch a {
	case Tanh:
		return "tanh"
	case ReLU:
		return "relu"
	case Sigmoid:
		return "sigmoid"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// Init is a weight-initialization scheme for MLP.Init. Biases start at 0.
type Init int

const (
	// Xavier (Glorot and Bengio 2010) draws W ~ N(0, 2/(fan_in + fan_out)),
	// keeping activation variance roughly constant through tanh layers.
	Xavier Init = iota
	// He (He et al. 2015) draws W ~ N(0, 2/fan_in), the ReLU counterpart.
	He
	// Naive draws W ~ N(0, 1) whatever the layer size: activations blow up
	// (ReLU) or saturate (tanh, sigmoid) as layers are stacked.
	Naive
)

func (in Init) String() string {
	switch in {
	case Xavier:
		return "xavier"
	case He:
		return "he"
	case Naive:
		return "naive"
	}
	return fmt.Sprintf("Init(%d)", int(in))
}

// MLP is a fully connected network with softmax cross-entropy output on a
// k-class Dataset, as a Stochastic objective over its flattened parameters.
// With layer sizes n₀ = d, n₁, …, n_{L−1} (hidden), n_L = k,
//
//	a⁰ = x,   zˡ = Wˡ aˡ⁻¹ + bˡ,   aˡ = φ(zˡ) for l < L,   z = zᴸ (the logits),
//	Loss_B = (1/|B|) Σ_{i∈B} [log Σ_c e^{z_c} − z_{yᵢ}]  +  (λ/2) Σ_l ‖Wˡ‖²_F,
//
// (torch.nn.CrossEntropyLoss on logits; biases are not regularized), and the
// gradient is written by hand-coded backpropagation:
//
//	δᴸ = softmax(zᴸ) − onehot(y),   ∇Wˡ += δˡ (aˡ⁻¹)ᵀ,   ∇bˡ += δˡ,
//	δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ φ′(zˡ)   for l < L,
//
// where φ′(zˡ) is computed from the stored activation aˡ = φ(zˡ):
// 1 − (aˡ)² for tanh, aˡ(1 − aˡ) for the sigmoid, 1 where aˡ > 0 for ReLU.
//
// Parameters are laid out layer by layer, each as Wˡ (nₗ × nₗ₋₁, row-major)
// then bˡ; WeightRange gives the offsets. Loss costs O(|B|·P) for P = Dim()
// parameters and allocates nothing (scratch is sized once in NewMLP); an MLP
// is therefore NOT safe for concurrent use: give each goroutine its own.
type MLP struct {
	data  Dataset
	sizes []int
	act   Activation
	off   []int // off[l−1] is where Wˡ starts; bˡ follows it
	dim   int
	// L2 is the regularization strength λ ≥ 0 on the weights.
	L2 float64

	a      [][]float64 // a[l] for l = 1..L (a[0] is the input row)
	delta  []float64
	delta2 []float64
}

// NewMLP returns a network on a classification dataset with the given
// hidden-layer widths (at least one), hidden activation and L2 strength.
// The output has data.Classes units. It panics on an empty or unlabelled
// dataset, fewer than 2 classes, a label outside [0, Classes), no hidden
// layer or a width < 1, an unknown activation, or l2 < 0.
func NewMLP(data Dataset, hidden []int, act Activation, l2 float64) *MLP {
	if data.Len() == 0 || data.Features() == 0 {
		panic("problems: NewMLP: empty dataset")
	}
	if len(data.Label) != data.Len() || data.Classes < 2 {
		panic(fmt.Sprintf("problems: NewMLP: want a labelled dataset with ≥ 2 classes, have %d labels and %d classes", len(data.Label), data.Classes))
	}
	for i, c := range data.Label {
		if c < 0 || c >= data.Classes {
			panic(fmt.Sprintf("problems: NewMLP: label %d of example %d outside [0, %d)", c, i, data.Classes))
		}
	}
	if len(hidden) == 0 {
		panic("problems: NewMLP: no hidden layer (use LogisticRegression for a linear model)")
	}
	for _, h := range hidden {
		if h < 1 {
			panic(fmt.Sprintf("problems: NewMLP: hidden width %d, want ≥ 1", h))
		}
	}
	if act != Tanh && act != ReLU && act != Sigmoid {
		panic(fmt.Sprintf("problems: NewMLP: unknown activation %d", int(act)))
	}
	if !(l2 >= 0) {
		panic(fmt.Sprintf("problems: NewMLP: l2 = %v, want l2 ≥ 0", l2))
	}
	m := &MLP{data: data, act: act, L2: l2}
	m.sizes = append(append([]int{data.Features()}, hidden...), data.Classes)
	L := len(m.sizes) - 1
	m.off = make([]int, L)
	m.a = make([][]float64, L+1)
	widest := 0
	for l := 1; l <= L; l++ {
		m.off[l-1] = m.dim
		m.dim += m.sizes[l]*m.sizes[l-1] + m.sizes[l]
		m.a[l] = make([]float64, m.sizes[l])
		widest = max(widest, m.sizes[l])
	}
	m.delta = make([]float64, widest)
	m.delta2 = make([]float64, widest)
	return m
}

// Len is the number of examples.
func (m *MLP) Len() int { return m.data.Len() }

// Dim is the number of parameters, Σ_l nₗ (nₗ₋₁ + 1).
func (m *MLP) Dim() int { return m.dim }

// Data returns the dataset the model was built on.
func (m *MLP) Data() Dataset { return m.data }

// Sizes returns the layer widths d, n₁, …, k (a copy).
func (m *MLP) Sizes() []int { return append([]int(nil), m.sizes...) }

// Layers is the number of weight layers L (hidden layers + 1).
func (m *MLP) Layers() int { return len(m.sizes) - 1 }

// WeightRange returns the half-open range [lo, hi) of layer l's weights Wˡ
// (l = 1 … L) in the parameter vector; its biases follow at [hi, hi + nₗ).
func (m *MLP) WeightRange(l int) (lo, hi int) {
	if l < 1 || l > m.Layers() {
		panic(fmt.Sprintf("problems: MLP.WeightRange: layer %d outside [1, %d]", l, m.Layers()))
	}
	lo = m.off[l-1]
	return lo, lo + m.sizes[l]*m.sizes[l-1]
}

// Init writes initial parameters into params: weights drawn from the scheme's
// normal distribution with a source seeded by seed, biases 0. Same seed, same
// bits. Cost O(Dim()). It panics if len(params) ≠ Dim() or the scheme is unknown.
func (m *MLP) Init(params []float64, scheme Init, seed uint64) {
	checkParams("MLP", "Init", params, m.dim)
	rng := newRand(seed)
	for l := 1; l <= m.Layers(); l++ {
		in, out := float64(m.sizes[l-1]), float64(m.sizes[l])
		var std float64
		switch scheme {
		case Xavier:
			std = math.Sqrt(2 / (in + out))
		case He:
			std = math.Sqrt(2 / in)
		case Naive:
			std = 1
		default:
			panic(fmt.Sprintf("problems: MLP.Init: unknown scheme %d", int(scheme)))
		}
		lo, hi := m.WeightRange(l)
		for j := lo; j < hi; j++ {
			params[j] = std * rng.NormFloat64()
		}
		for j := hi; j < hi+m.sizes[l]; j++ {
			params[j] = 0
		}
	}
}

// forward runs the network on one input, filling m.a[1..L]; m.a[L] holds the
// logits. It returns log Σ_c exp(z_c), computed stably.
func (m *MLP) forward(params, input []float64) float64 {
	L := m.Layers()
	prev := input
	for l := 1; l <= L; l++ {
		in, out := m.sizes[l-1], m.sizes[l]
		w := params[m.off[l-1] : m.off[l-1]+out*in]
		b := params[m.off[l-1]+out*in : m.off[l-1]+out*in+out]
		cur := m.a[l]
		for o := 0; o < out; o++ {
			row := w[o*in : o*in+in]
			s := b[o]
			for j, v := range prev {
				s += row[j] * v
			}
			cur[o] = s
		}
		if l < L {
			switch m.act {
			case Tanh:
				for o, z := range cur {
					cur[o] = math.Tanh(z)
				}
			case ReLU:
				for o, z := range cur {
					cur[o] = math.Max(z, 0)
				}
			case Sigmoid:
				for o, z := range cur {
					cur[o] = sigmoid(z)
				}
			}
		}
		prev = cur
	}
	z := m.a[L]
	zmax := z[0]
	for _, v := range z[1:] {
		zmax = math.Max(zmax, v)
	}
	var s float64
	for _, v := range z {
		s += math.Exp(v - zmax)
	}
	return zmax + math.Log(s)
}

// backward accumulates one example's gradient into grad, after forward on
// the same input; lse is forward's result and y the label.
func (m *MLP) backward(grad, params, input []float64, lse float64, y int) {
	L := m.Layers()
	delta := m.delta[:m.sizes[L]]
	for c, z := range m.a[L] {
		delta[c] = math.Exp(z - lse)
	}
	delta[y]--
	for l := L; l >= 1; l-- {
		in, out := m.sizes[l-1], m.sizes[l]
		prev := input
		if l > 1 {
			prev = m.a[l-1]
		}
		woff := m.off[l-1]
		gw := grad[woff : woff+out*in]
		gb := grad[woff+out*in : woff+out*in+out]
		for o, d := range delta {
			row := gw[o*in : o*in+in]
			for j, v := range prev {
				row[j] += d * v
			}
			gb[o] += d
		}
		if l == 1 {
			break
		}
		w := params[woff : woff+out*in]
		next := m.delta2[:in]
		for j := range next {
			next[j] = 0
		}
		for o, d := range delta {
			row := w[o*in : o*in+in]
			for j, wj := range row {
				next[j] += wj * d
			}
		}
		switch m.act {
		case Tanh:
			for j, a := range prev {
				next[j] *= 1 - a*a
			}
		case ReLU:
			for j, a := range prev {
				if a <= 0 {
					next[j] = 0
				}
			}
		case Sigmoid:
			for j, a := range prev {
				next[j] *= a * (1 - a)
			}
		}
		m.delta, m.delta2 = m.delta2, m.delta
		delta = m.delta[:in]
	}
}

// Loss implements Stochastic; see the type's doc comment for the formula.
func (m *MLP) Loss(grad, x []float64, idx []int) float64 {
	const name = "MLP"
	checkLoss(name, grad, x, idx, m.dim)
	if grad != nil {
		for j := range grad {
			grad[j] = 0
		}
	}
	var loss float64
	for _, i := range idx {
		checkIndex(name, i, m.data.Len())
		in := m.data.X[i]
		y := m.data.Label[i]
		lse := m.forward(x, in)
		loss += lse - m.a[m.Layers()][y]
		if grad != nil {
			m.backward(grad, x, in, lse, y)
		}
	}
	inv := 1 / float64(len(idx))
	loss *= inv
	if grad != nil {
		for j := range grad {
			grad[j] *= inv
		}
	}
	if m.L2 != 0 {
		var reg float64
		for l := 1; l <= m.Layers(); l++ {
			lo, hi := m.WeightRange(l)
			for j := lo; j < hi; j++ {
				reg += x[j] * x[j]
				if grad != nil {
					grad[j] += m.L2 * x[j]
				}
			}
		}
		loss += 0.5 * m.L2 * reg
	}
	return loss
}

// Probs writes the class probabilities softmax(z) for one input into dst
// (len k) and returns it. It allocates nothing; not safe for concurrent use.
func (m *MLP) Probs(dst, params, input []float64) []float64 {
	checkParams("MLP", "Probs", params, m.dim)
	if len(input) != m.sizes[0] {
		panic(fmt.Sprintf("problems: MLP.Probs: len(input) = %d, want %d", len(input), m.sizes[0]))
	}
	if len(dst) != m.sizes[len(m.sizes)-1] {
		panic(fmt.Sprintf("problems: MLP.Probs: len(dst) = %d, want %d classes", len(dst), m.sizes[len(m.sizes)-1]))
	}
	lse := m.forward(params, input)
	for c, z := range m.a[m.Layers()] {
		dst[c] = math.Exp(z - lse)
	}
	return dst
}

// Predict returns the most probable class for one input (the arg max of the
// logits). It allocates nothing; not safe for concurrent use.
func (m *MLP) Predict(params, input []float64) int {
	checkParams("MLP", "Predict", params, m.dim)
	if len(input) != m.sizes[0] {
		panic(fmt.Sprintf("problems: MLP.Predict: len(input) = %d, want %d", len(input), m.sizes[0]))
	}
	m.forward(params, input)
	best := 0
	z := m.a[m.Layers()]
	for c := range z {
		if z[c] > z[best] {
			best = c
		}
	}
	return best
}

// Accuracy returns the fraction of the examples idx (all of them when idx
// is nil) whose label Predict gets right. Cost O(|idx|·P).
func (m *MLP) Accuracy(params []float64, idx []int) float64 {
	return accuracy(m.data, idx, func(in []float64) int { return m.Predict(params, in) })
}

// LayerStat describes one weight layer l of an MLP on a batch, for the
// vanishing/exploding-gradient lesson.
type LayerStat struct {
	Layer   int     // l = 1 … L
	FanIn   int     // nₗ₋₁
	FanOut  int     // nₗ
	ActMean float64 // mean of the layer's outputs aˡ (logits for l = L) over the batch and units
	ActStd  float64 // their standard deviation
	// WeightNorm and GradNorm are the Frobenius norms of Wˡ and of the
	// batch-mean gradient ∇Wˡ (without the L2 term).
	WeightNorm float64
	GradNorm   float64
}

// LayerStats runs the batch idx (all examples when idx is nil) through the
// network at params and reports, per layer, the scale of its activations and
// of its weight gradient. On five hidden layers of width 64 (tested): Naive
// N(0, 1) weights saturate tanh (ActStd ≈ 0.93) and make ReLU activations
// grow about 5× per layer; He keeps ReLU's ActStd roughly constant while
// Xavier lets it shrink; with sigmoid the first layer's GradNorm is ~10⁻³ of
// the last's (vanishing gradients). It allocates O(Dim()) and costs O(|idx|·P).
func (m *MLP) LayerStats(params []float64, idx []int) []LayerStat {
	checkParams("MLP", "LayerStats", params, m.dim)
	if idx == nil {
		idx = All(m.Len())
	}
	if len(idx) == 0 {
		panic("problems: MLP.LayerStats: empty idx")
	}
	L := m.Layers()
	sum := make([]float64, L+1)
	sq := make([]float64, L+1)
	grad := make([]float64, m.dim)
	for _, i := range idx {
		checkIndex("MLP", i, m.Len())
		in := m.data.X[i]
		lse := m.forward(params, in)
		for l := 1; l <= L; l++ {
			for _, v := range m.a[l] {
				sum[l] += v
				sq[l] += v * v
			}
		}
		m.backward(grad, params, in, lse, m.data.Label[i])
	}
	stats := make([]LayerStat, L)
	for l := 1; l <= L; l++ {
		cnt := float64(len(idx) * m.sizes[l])
		mean := sum[l] / cnt
		lo, hi := m.WeightRange(l)
		var wn, gn float64
		for j := lo; j < hi; j++ {
			wn += params[j] * params[j]
			gn += grad[j] * grad[j]
		}
		stats[l-1] = LayerStat{
			Layer: l, FanIn: m.sizes[l-1], FanOut: m.sizes[l],
			ActMean: mean, ActStd: math.Sqrt(math.Max(sq[l]/cnt-mean*mean, 0)),
			WeightNorm: math.Sqrt(wn), GradNorm: math.Sqrt(gn) / float64(len(idx)),
		}
	}
	return stats
}
