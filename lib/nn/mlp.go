package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/descentlab/descent/internal/modelargs"
	"github.com/descentlab/descent/lib/problems"
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
// k-class problems.Dataset, as a problems.Stochastic objective over its
// flattened parameters.
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
//
// Two optional layers change the hidden layers: batch normalization
// (NewBatchNormMLP, see batchnorm.go) and dropout (the Dropout field). Both
// behave differently in training and evaluation mode (SetTraining): in
// training mode they couple the examples of a batch or make the loss random,
// and Loss then runs the batch through the network layer by layer (its
// scratch grows to the largest batch seen, then allocation stops). Predict,
// Probs, Logits and Accuracy always evaluate: running statistics, no dropout.
type MLP struct {
	data  problems.Dataset
	sizes []int
	act   Activation
	off   []int // off[l−1] is where Wˡ starts; bˡ (or γˡ, βˡ) follows it
	dim   int
	// L2 is the regularization strength λ ≥ 0 on the weights.
	L2 float64
	// Dropout is the probability p ∈ [0, 1) that a hidden unit's output is
	// zeroed in a training-mode Loss (Srivastava et al. 2014, "inverted"
	// form: kept units are scaled by 1/(1 − p), so evaluation needs no
	// rescaling). 0, the default, is no dropout. See dropout.go.
	Dropout float64
	// DropoutSeed seeds the dropout masks: same seed, same masks, same run.
	DropoutSeed uint64

	bn       *BatchNorm // nil without batch normalization
	training bool
	round    uint64   // dropout masks drawn so far (one round per training step)
	pcg      rand.PCG // the dropout source, reseeded with (DropoutSeed, round)
	ce       *crossEntropy

	a      [][]float64 // a[l] for l = 1..L (a[0] is the input row)
	zhat   [][]float64 // ẑ[l] of a batch-normalized layer, for backward
	delta  []float64
	delta2 []float64
	batch  batchScratch // the layer-by-layer batch path (batch_path.go)
	all    []int        // 0, 1, …, n−1, for a nil idx; built on first use
}

// allIndices returns 0, 1, …, Len()−1, built on the first call.
func (m *MLP) allIndices() []int {
	if len(m.all) != m.data.Len() {
		m.all = problems.All(m.data.Len())
	}
	return m.all
}

// NewMLP returns a network on a classification dataset with the given
// hidden-layer widths (at least one), hidden activation and L2 strength.
// The output has data.Classes units. It panics on an empty or unlabelled
// dataset, fewer than 2 classes, a label outside [0, Classes), no hidden
// layer or a width < 1, an unknown activation, or l2 < 0.
func NewMLP(data problems.Dataset, hidden []int, act Activation, l2 float64) *MLP {
	return newMLP("NewMLP", data, hidden, act, l2, false)
}

func newMLP(name string, data problems.Dataset, hidden []int, act Activation, l2 float64, bn bool) *MLP {
	if data.Len() == 0 || data.Features() == 0 {
		panic(fmt.Sprintf("nn: %s: empty dataset", name))
	}
	if len(data.Label) != data.Len() || data.Classes < 2 {
		panic(fmt.Sprintf("nn: %s: want a labelled dataset with ≥ 2 classes, have %d labels and %d classes", name, len(data.Label), data.Classes))
	}
	for i, c := range data.Label {
		if c < 0 || c >= data.Classes {
			panic(fmt.Sprintf("nn: %s: label %d of example %d outside [0, %d)", name, c, i, data.Classes))
		}
	}
	if len(hidden) == 0 {
		panic(fmt.Sprintf("nn: %s: no hidden layer (use problems.LogisticRegression for a linear model)", name))
	}
	for _, h := range hidden {
		if h < 1 {
			panic(fmt.Sprintf("nn: %s: hidden width %d, want ≥ 1", name, h))
		}
	}
	if act != Tanh && act != ReLU && act != Sigmoid {
		panic(fmt.Sprintf("nn: %s: unknown activation %d", name, int(act)))
	}
	if !(l2 >= 0) {
		panic(fmt.Sprintf("nn: %s: l2 = %v, want l2 ≥ 0", name, l2))
	}
	m := &MLP{data: data, act: act, L2: l2, training: true, ce: &crossEntropy{data.Label}}
	m.sizes = append(append([]int{data.Features()}, hidden...), data.Classes)
	L := len(m.sizes) - 1
	if bn {
		m.bn = newBatchNorm(m.sizes[1:L])
	}
	m.layout()
	return m
}

// layout computes the parameter offsets and sizes the per-example scratch.
func (m *MLP) layout() {
	L := len(m.sizes) - 1
	m.off = make([]int, L)
	m.a = make([][]float64, L+1)
	m.zhat = make([][]float64, L+1)
	m.dim = 0
	widest := 0
	for l := 1; l <= L; l++ {
		m.off[l-1] = m.dim
		m.dim += m.sizes[l]*m.sizes[l-1] + m.sizes[l]
		if m.normalized(l) {
			m.dim += m.sizes[l] // γˡ and βˡ in place of bˡ
			m.zhat[l] = make([]float64, m.sizes[l])
		}
		m.a[l] = make([]float64, m.sizes[l])
		widest = max(widest, m.sizes[l])
	}
	m.delta = make([]float64, widest)
	m.delta2 = make([]float64, widest)
}

// OnData returns a network of the same architecture and settings (L2,
// Dropout, DropoutSeed, mode) on another dataset, such as a validation set,
// for evaluating the same parameters there. The two share their batch-norm
// running statistics and settings (a training step on either updates
// both); each has its own scratch. It panics unless d has the same number
// of features and classes and valid labels.
func (m *MLP) OnData(d problems.Dataset) *MLP {
	if d.Features() != m.sizes[0] || d.Classes != m.sizes[len(m.sizes)-1] {
		panic(fmt.Sprintf("nn: MLP.OnData: dataset has %d features and %d classes, the network %d and %d",
			d.Features(), d.Classes, m.sizes[0], m.sizes[len(m.sizes)-1]))
	}
	o := newMLP("MLP.OnData", d, m.sizes[1:len(m.sizes)-1], m.act, m.L2, false)
	o.bn = m.bn
	o.Dropout, o.DropoutSeed, o.training = m.Dropout, m.DropoutSeed, m.training
	o.layout()
	return o
}

// Len is the number of examples.
func (m *MLP) Len() int { return m.data.Len() }

// Dim is the number of parameters, Σ_l nₗ (nₗ₋₁ + 1), plus nₗ for every
// batch-normalized hidden layer.
func (m *MLP) Dim() int { return m.dim }

// Data returns the dataset the model was built on.
func (m *MLP) Data() problems.Dataset { return m.data }

// Sizes returns the layer widths d, n₁, …, k (a copy).
func (m *MLP) Sizes() []int { return append([]int(nil), m.sizes...) }

// Layers is the number of weight layers L (hidden layers + 1).
func (m *MLP) Layers() int { return len(m.sizes) - 1 }

// SetTraining switches between training mode (true, the mode a new MLP
// starts in) and evaluation mode. They differ only with batch norm or
// dropout: in training mode Loss normalizes with the batch's statistics and
// drops units; in evaluation mode it normalizes with the running statistics
// and keeps every unit, example by example.
func (m *MLP) SetTraining(on bool) { m.training = on }

// Training reports whether the network is in training mode.
func (m *MLP) Training() bool { return m.training }

// WeightRange returns the half-open range [lo, hi) of layer l's weights Wˡ
// (l = 1 … L) in the parameter vector; its biases follow at [hi, hi + nₗ)
// (a batch-normalized layer has γˡ and βˡ there instead: BatchNormRange).
func (m *MLP) WeightRange(l int) (lo, hi int) {
	if l < 1 || l > m.Layers() {
		panic(fmt.Sprintf("nn: MLP.WeightRange: layer %d outside [1, %d]", l, m.Layers()))
	}
	lo = m.off[l-1]
	return lo, lo + m.sizes[l]*m.sizes[l-1]
}

// WeightMatrices locates the L weight matrices in the parameter vector, in
// layer order: what pruning and quantization act on (biases and batch-norm
// parameters are not among them).
func (m *MLP) WeightMatrices() []WeightMatrix {
	ws := make([]WeightMatrix, m.Layers())
	for l := range ws {
		ws[l] = WeightMatrix{Layer: l + 1, Off: m.off[l], Rows: m.sizes[l+1], Cols: m.sizes[l]}
	}
	return ws
}

// Init writes initial parameters into params: weights drawn from the scheme's
// normal distribution with a source seeded by seed, biases 0 (batch norm:
// γ = 1, β = 0). Same seed, same bits. Cost O(Dim()). It panics if
// len(params) ≠ Dim() or the scheme is unknown.
func (m *MLP) Init(params []float64, scheme Init, seed uint64) {
	modelargs.Params("nn", "MLP", "Init", params, m.dim)
	rng := modelargs.NewRand(seed)
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
			panic(fmt.Sprintf("nn: MLP.Init: unknown scheme %d", int(scheme)))
		}
		lo, hi := m.WeightRange(l)
		for j := lo; j < hi; j++ {
			params[j] = std * rng.NormFloat64()
		}
		n := m.sizes[l]
		for j := hi; j < hi+n; j++ {
			params[j] = 0
		}
		if m.normalized(l) {
			for j := hi; j < hi+n; j++ {
				params[j] = 1 // γ
			}
			for j := hi + n; j < hi+2*n; j++ {
				params[j] = 0 // β
			}
		}
	}
}

// layerParams returns layer l's weights and its bias (nil for a
// batch-normalized layer).
func (m *MLP) layerParams(params []float64, l int) (w, b []float64) {
	in, out := m.sizes[l-1], m.sizes[l]
	o := m.off[l-1]
	w = params[o : o+out*in]
	if !m.normalized(l) {
		b = params[o+out*in : o+out*in+out]
	}
	return w, b
}

// affine writes z = W·a + b (b may be nil) for the nₗ × nₗ₋₁ row-major W.
func affine(z, w, b, a []float64) {
	in := len(a)
	for o := range z {
		row := w[o*in:][:in] // len in: no bounds check per product
		var s float64
		if b != nil {
			s = b[o]
		}
		for j, v := range a {
			s += row[j] * v
		}
		z[o] = s
	}
}

// addOuter adds δ aᵀ to the row-major gradient gw of a weight matrix,
// skipping the rows whose δ is exactly zero (ReLU units that are off or
// dropped units: nothing flows through them).
func addOuter(gw, delta, a []float64) {
	in := len(a)
	for o, d := range delta {
		if d == 0 {
			continue
		}
		row := gw[o*in:][:in]
		for j, v := range a {
			row[j] += d * v
		}
	}
}

// transposeTimes writes Wᵀδ into next (len nₗ₋₁).
func transposeTimes(next, w, delta []float64) {
	in := len(next)
	for j := range next {
		next[j] = 0
	}
	for o, d := range delta {
		if d == 0 {
			continue
		}
		row := w[o*in:][:in]
		for j, wj := range row {
			next[j] += wj * d
		}
	}
}

// activate applies the hidden activation in place.
func (m *MLP) activate(v []float64) {
	switch m.act {
	case Tanh:
		for o, z := range v {
			v[o] = math.Tanh(z)
		}
	case ReLU: // math.Max(z, 0), without a call per unit
		for o, z := range v {
			switch {
			case z > 0:
			case z == z: // ≤ 0, −0 included
				v[o] = 0
			default:
				v[o] = math.NaN()
			}
		}
	case Sigmoid:
		for o, z := range v {
			v[o] = sigmoid(z)
		}
	}
}

// activationGrad multiplies d in place by φ′ written in terms of the
// activation's output a.
func (m *MLP) activationGrad(d, a []float64) {
	switch m.act {
	case Tanh:
		for j, v := range a {
			d[j] *= 1 - v*v
		}
	case ReLU:
		for j, v := range a {
			if v <= 0 {
				d[j] = 0
			}
		}
	case Sigmoid:
		for j, v := range a {
			d[j] *= v * (1 - v)
		}
	}
}

// forward runs the network on one input in evaluation mode (batch norm with
// the running statistics, no dropout), filling m.a[1..L]; m.a[L] holds the
// logits. With acts, hidden layer l's outputs are rounded to acts[l−1].
func (m *MLP) forward(params, input []float64, acts []Grid) {
	m.forwardLayers(params, input, acts, nil)
}

// forwardLayers is forward; sparse, when not nil, holds for each weight
// layer its matrix by its nonzero entries (nil: use the dense one), used
// while the layer's input is finite (see Predictor).
func (m *MLP) forwardLayers(params, input []float64, acts []Grid, sparse []*colsNonzero) {
	L := m.Layers()
	prev := input
	for l := 1; l <= L; l++ {
		w, b := m.layerParams(params, l)
		cur := m.a[l]
		if sparse != nil && sparse[l-1] != nil && allFinite(prev) {
			sparse[l-1].affine(cur, b, prev)
		} else {
			affine(cur, w, b, prev)
		}
		if l < L {
			if m.normalized(l) {
				m.bn.normalizeEval(cur, m.zhat[l], params, m.off[l-1]+len(w), l)
			}
			m.activate(cur)
			if acts != nil {
				for o, v := range cur {
					cur[o] = acts[l-1].Round(v)
				}
			}
		}
		prev = cur
	}
}

// backward accumulates one example's gradient into grad after forward on
// the same input, starting from m.delta[:k] = ∂loss/∂z (it overwrites
// m.delta and m.delta2).
func (m *MLP) backward(grad, params, input []float64) {
	L := m.Layers()
	delta := m.delta[:m.sizes[L]]
	for l := L; l >= 1; l-- {
		in, out := m.sizes[l-1], m.sizes[l]
		prev := input
		if l > 1 {
			prev = m.a[l-1]
		}
		woff := m.off[l-1]
		addOuter(grad[woff:woff+out*in], delta, prev)
		if !m.normalized(l) {
			gb := grad[woff+out*in : woff+out*in+out]
			for o, d := range delta {
				gb[o] += d
			}
		}
		if l == 1 {
			break
		}
		w, _ := m.layerParams(params, l)
		next := m.delta2[:in]
		transposeTimes(next, w, delta)
		m.activationGrad(next, prev)
		if m.normalized(l - 1) {
			m.bn.backwardEval(next, m.zhat[l-1], grad, params, m.off[l-2]+in*m.sizes[l-2], l-1)
		}
		m.delta, m.delta2 = m.delta2, m.delta
		delta = m.delta[:in]
	}
}

// Loss implements problems.Stochastic; see the type's doc comment for the
// formula. A nil idx is every example (the first such call allocates the
// index list, O(n) once).
// With batch norm in training mode the loss of an example depends on the
// other examples of idx (see batchnorm.go); with dropout in training mode
// it depends on the masks drawn (see dropout.go). A call with grad ≠ nil is
// a training step: in training mode it updates the running statistics and
// moves on to the next dropout masks. A call with grad == nil changes no
// state.
func (m *MLP) Loss(grad, x []float64, idx []int) float64 {
	return m.lossMode("MLP", grad, x, idx, m.ce, true)
}

// lossMode is Loss with another output loss (distillation); step says
// whether a call with a gradient is a training step (Loss) or a measurement
// that changes no state (Measure).
func (m *MLP) lossMode(name string, grad, x []float64, idx []int, out outputLoss, step bool) float64 {
	modelargs.Loss("nn", name, grad, x, idx, m.dim)
	if idx == nil {
		idx = m.allIndices()
	}
	m.checkDropout()
	if grad != nil {
		for j := range grad {
			grad[j] = 0
		}
	}
	var loss float64
	if m.coupled() {
		loss = m.batchLoss(name, grad, x, idx, out, step)
	} else {
		k := m.sizes[len(m.sizes)-1]
		for _, i := range idx {
			modelargs.Index("nn", name, i, m.data.Len())
			in := m.data.X[i]
			m.forward(x, in, nil)
			z := m.a[m.Layers()]
			if grad == nil {
				loss += out.outputLoss(nil, z, i)
				continue
			}
			loss += out.outputLoss(m.delta[:k], z, i)
			m.backward(grad, x, in)
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

// outputLoss is the loss of one example i given its logits z; when dz is
// not nil it also writes ∂loss/∂z into dz.
type outputLoss interface {
	outputLoss(dz, z []float64, i int) float64
}

// crossEntropy is softmax cross-entropy with the dataset's labels:
// log Σ_c e^{z_c} − z_y, gradient softmax(z) − onehot(y).
type crossEntropy struct{ labels []int }

func (c crossEntropy) outputLoss(dz, z []float64, i int) float64 {
	lse := logSumExp(z)
	y := c.labels[i]
	if dz != nil {
		for c, v := range z {
			dz[c] = math.Exp(v - lse)
		}
		dz[y]--
	}
	return lse - z[y]
}

// logSumExp is log Σ_c exp(z_c), computed stably.
func logSumExp(z []float64) float64 {
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

// checkInput panics unless params and input have the network's sizes.
func (m *MLP) checkInput(method string, params, input []float64) {
	modelargs.Params("nn", "MLP", method, params, m.dim)
	if len(input) != m.sizes[0] {
		panic(fmt.Sprintf("nn: MLP.%s: len(input) = %d, want %d", method, len(input), m.sizes[0]))
	}
}

// Logits writes the output-layer values z for one input into dst (len k),
// in evaluation mode, and returns it. It allocates nothing; not safe for
// concurrent use.
func (m *MLP) Logits(dst, params, input []float64) []float64 {
	m.checkInput("Logits", params, input)
	if len(dst) != m.sizes[len(m.sizes)-1] {
		panic(fmt.Sprintf("nn: MLP.Logits: len(dst) = %d, want %d classes", len(dst), m.sizes[len(m.sizes)-1]))
	}
	m.forward(params, input, nil)
	copy(dst, m.a[m.Layers()])
	return dst
}

// Probs writes the class probabilities softmax(z) for one input into dst
// (len k), in evaluation mode, and returns it. It allocates nothing; not
// safe for concurrent use.
func (m *MLP) Probs(dst, params, input []float64) []float64 {
	m.checkInput("Probs", params, input)
	if len(dst) != m.sizes[len(m.sizes)-1] {
		panic(fmt.Sprintf("nn: MLP.Probs: len(dst) = %d, want %d classes", len(dst), m.sizes[len(m.sizes)-1]))
	}
	m.forward(params, input, nil)
	z := m.a[m.Layers()]
	lse := logSumExp(z)
	for c, v := range z {
		dst[c] = math.Exp(v - lse)
	}
	return dst
}

// Predict returns the most probable class for one input (the arg max of the
// logits), in evaluation mode. It allocates nothing; not safe for
// concurrent use.
func (m *MLP) Predict(params, input []float64) int {
	m.checkInput("Predict", params, input)
	m.forward(params, input, nil)
	return argmax(m.a[m.Layers()])
}

// argmax is the index of the largest value (the first of equals).
func argmax(z []float64) int {
	best := 0
	for c := range z {
		if z[c] > z[best] {
			best = c
		}
	}
	return best
}

// Accuracy returns the fraction of the examples idx (all of them when idx
// is nil) whose label Predict gets right, in evaluation mode. Cost O(|idx|·P).
func (m *MLP) Accuracy(params []float64, idx []int) float64 {
	return m.data.Accuracy(idx, func(in []float64) int { return m.Predict(params, in) })
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
// the last's (vanishing gradients). With batch norm or dropout in training
// mode, idx is one batch (at least 2 examples with batch norm) and nothing
// is updated: no running statistics, no new dropout masks. It allocates
// O(Dim()) and costs O(|idx|·P).
func (m *MLP) LayerStats(params []float64, idx []int) []LayerStat {
	modelargs.Params("nn", "MLP", "LayerStats", params, m.dim)
	if idx == nil {
		idx = problems.All(m.Len())
	}
	if len(idx) == 0 {
		panic("nn: MLP.LayerStats: empty idx")
	}
	L := m.Layers()
	sum := make([]float64, L+1)
	sq := make([]float64, L+1)
	grad := make([]float64, m.dim)
	if m.coupled() {
		m.batchStats(grad, params, idx, sum, sq)
	} else {
		k := m.sizes[L]
		for _, i := range idx {
			modelargs.Index("nn", "MLP", i, m.Len())
			in := m.data.X[i]
			m.forward(params, in, nil)
			for l := 1; l <= L; l++ {
				for _, v := range m.a[l] {
					sum[l] += v
					sq[l] += v * v
				}
			}
			m.ce.outputLoss(m.delta[:k], m.a[L], i)
			m.backward(grad, params, in)
		}
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
