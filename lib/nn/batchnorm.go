package nn

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/modelargs"
	"github.com/descentlab/descent/lib/problems"
)

// Batch normalization (Ioffe & Szegedy 2015) in an MLP. NewBatchNormMLP puts
// it after every hidden layer's weights, before the activation:
//
//	zᵢ = Wˡ aᵢˡ⁻¹                         (no bias: βˡ takes its place)
//	μ = (1/m) Σᵢ zᵢ,   σ² = (1/m) Σᵢ (zᵢ − μ)²      over the m examples of the batch
//	ẑᵢ = (zᵢ − μ)/√(σ² + ε),   aᵢˡ = φ(γˡ ⊙ ẑᵢ + βˡ)
//
// per unit, with learned scale γˡ and shift βˡ (initialized to 1 and 0).
// Its backward pass runs through μ and σ² as well (all per unit, g = ∂L/∂ẑᵢ
// = γ ∂L/∂yᵢ):
//
//	∂L/∂zᵢ = (gᵢ − mean(g) − ẑᵢ mean(g ⊙ ẑ)) / √(σ² + ε),
//	∂L/∂γ = Σᵢ ∂L/∂yᵢ ẑᵢ,   ∂L/∂β = Σᵢ ∂L/∂yᵢ.
//
// How it fits the Stochastic interface: in training mode an example's loss
// depends on the batch it is in, through μ and σ², so Loss(grad, x, idx)
// returns the mean loss of idx taken as ONE batch, and its gradient is the
// exact gradient of that function of x (checked by finite differences).
// The full-data objective of a run is then the loss of the whole set as one
// batch, which is not the mean of the losses of smaller batches: mini-batch
// gradients are gradients of a slightly different function at every step,
// a source of noise besides sampling. In evaluation mode each unit is a
// fixed affine map with the running statistics, examples are independent
// again and Loss is an ordinary mean.
//
// Running statistics: every training step (a Loss call with grad ≠ nil in
// training mode) updates, per unit, μ_run ← (1 − m) μ_run + m μ and
// σ²_run ← (1 − m) σ²_run + m σ² · B/(B − 1) (the unbiased batch variance,
// B the batch size): torch.nn.BatchNorm1d's convention, with m = Momentum.
// They start at 0 and 1 (Reset). FitRunningStats replaces them with the
// exact statistics of a set of examples instead, after which evaluation mode
// on that set reproduces training mode on it as one batch.
//
// Batch of one in training mode: σ² = 0 and every ẑ is 0, so the output
// would not depend on the input at all. Loss (and LayerStats) panic with a
// message saying so instead (torch raises the same error); evaluate single
// examples in evaluation mode, and give a stochastic run a batch size that
// leaves no last batch of one. A batch of repeated copies of one example is
// allowed and gives ẑ = 0 (finite, since ε > 0).
//
// Costs: training-mode Loss costs O(B·P) like the plain network, plus
// O(B·nₗ) per normalized layer, and keeps O(B·Σnₗ) floats of scratch.
type BatchNorm struct {
	// Momentum m ∈ [0, 1] weighs the newest batch in the running statistics
	// (NewBatchNormMLP sets torch's 0.1; 0 freezes them).
	Momentum float64
	// Eps ε > 0 keeps 1/√(σ² + ε) finite (NewBatchNormMLP sets torch's 1e-5).
	Eps float64

	mean, vari [][]float64 // running statistics of hidden layer l at [l]
}

// Defaults NewBatchNormMLP gives BatchNorm (torch.nn.BatchNorm1d's).
const (
	DefaultBatchNormMomentum = 0.1
	DefaultBatchNormEps      = 1e-5
)

// NewBatchNormMLP returns a network like NewMLP's whose hidden layers are
// batch-normalized (see BatchNorm): hidden layer l has weights Wˡ, then γˡ
// and βˡ (nₗ each) where the plain network has bˡ; the output layer keeps
// its bias. It starts in training mode with running statistics 0 and 1. It
// panics as NewMLP does.
func NewBatchNormMLP(data problems.Dataset, hidden []int, act Activation, l2 float64) *MLP {
	return newMLP("NewBatchNormMLP", data, hidden, act, l2, true)
}

func newBatchNorm(hidden []int) *BatchNorm {
	b := &BatchNorm{Momentum: DefaultBatchNormMomentum, Eps: DefaultBatchNormEps}
	b.mean = make([][]float64, len(hidden)+1)
	b.vari = make([][]float64, len(hidden)+1)
	for l, n := range hidden {
		b.mean[l+1] = make([]float64, n)
		b.vari[l+1] = make([]float64, n)
	}
	b.Reset()
	return b
}

// Reset sets the running means to 0 and variances to 1.
func (b *BatchNorm) Reset() {
	for l := range b.mean {
		for j := range b.mean[l] {
			b.mean[l][j], b.vari[l][j] = 0, 1
		}
	}
}

// RunningStats returns copies of the running means and variances, one row
// per hidden layer (row 0 is layer 1).
func (b *BatchNorm) RunningStats() (mean, variance [][]float64) {
	for l := 1; l < len(b.mean); l++ {
		mean = append(mean, append([]float64(nil), b.mean[l]...))
		variance = append(variance, append([]float64(nil), b.vari[l]...))
	}
	return mean, variance
}

// SetRunningStats replaces the running statistics with copies of mean and
// variance, shaped as RunningStats returns them. It panics on another shape
// or a negative or non-finite variance.
func (b *BatchNorm) SetRunningStats(mean, variance [][]float64) {
	if len(mean) != len(b.mean)-1 || len(variance) != len(b.vari)-1 {
		panic(fmt.Sprintf("nn: BatchNorm.SetRunningStats: %d and %d rows, want %d", len(mean), len(variance), len(b.mean)-1))
	}
	for l := range mean {
		if len(mean[l]) != len(b.mean[l+1]) || len(variance[l]) != len(b.vari[l+1]) {
			panic(fmt.Sprintf("nn: BatchNorm.SetRunningStats: layer %d has %d units, got %d means and %d variances",
				l+1, len(b.mean[l+1]), len(mean[l]), len(variance[l])))
		}
		for j, v := range variance[l] {
			if !(v >= 0) || math.IsInf(v, 1) || math.IsNaN(mean[l][j]) || math.IsInf(mean[l][j], 0) {
				panic(fmt.Sprintf("nn: BatchNorm.SetRunningStats: layer %d unit %d has mean %v, variance %v", l+1, j, mean[l][j], v))
			}
		}
	}
	for l := range mean {
		copy(b.mean[l+1], mean[l])
		copy(b.vari[l+1], variance[l])
	}
}

// check panics unless the hyperparameters are in range.
func (b *BatchNorm) check() {
	if !(b.Momentum >= 0 && b.Momentum <= 1) {
		panic(fmt.Sprintf("nn: BatchNorm.Momentum = %v, want 0 ≤ m ≤ 1", b.Momentum))
	}
	if !(b.Eps > 0) || math.IsInf(b.Eps, 1) {
		panic(fmt.Sprintf("nn: BatchNorm.Eps = %v, want a finite ε > 0", b.Eps))
	}
}

// BatchNorm returns the network's batch-norm settings and running
// statistics, or nil when it has none (NewMLP).
func (m *MLP) BatchNorm() *BatchNorm { return m.bn }

// normalized reports whether layer l is batch-normalized.
func (m *MLP) normalized(l int) bool { return m.bn != nil && l < len(m.sizes)-1 }

// BatchNormRange returns where hidden layer l's scale γˡ starts in the
// parameter vector; its shift βˡ starts at beta = gamma + nₗ. It panics
// unless the network has batch norm and 1 ≤ l < L.
func (m *MLP) BatchNormRange(l int) (gamma, beta int) {
	if m.bn == nil || l < 1 || l >= m.Layers() {
		panic(fmt.Sprintf("nn: MLP.BatchNormRange: layer %d is not a batch-normalized hidden layer (batch norm: %v, %d hidden layers)",
			l, m.bn != nil, m.Layers()-1))
	}
	_, hi := m.WeightRange(l)
	return hi, hi + m.sizes[l]
}

// normalizeEval maps one example's pre-activations z of layer l in place to
// γ ẑ + β with the running statistics, keeping ẑ in zhat; γ starts at
// params[g] and β follows.
func (b *BatchNorm) normalizeEval(z, zhat, params []float64, g, l int) {
	b.check()
	n := len(z)
	gamma, beta := params[g:g+n], params[g+n:g+2*n]
	mean, vari := b.mean[l], b.vari[l]
	for j, v := range z {
		zh := (v - mean[j]) * (1 / math.Sqrt(vari[j]+b.Eps))
		zhat[j] = zh
		z[j] = gamma[j]*zh + beta[j]
	}
}

// backwardEval takes d = ∂loss/∂y of one example at layer l in evaluation
// mode, accumulates ∂/∂γ and ∂/∂β into grad and turns d into ∂loss/∂z.
func (b *BatchNorm) backwardEval(d, zhat, grad, params []float64, g, l int) {
	n := len(d)
	gamma := params[g : g+n]
	gg, gb := grad[g:g+n], grad[g+n:g+2*n]
	vari := b.vari[l]
	for j, dy := range d {
		gg[j] += dy * zhat[j]
		gb[j] += dy
		d[j] = dy * gamma[j] * (1 / math.Sqrt(vari[j]+b.Eps))
	}
}

// FitRunningStats sets the running statistics to the exact mean and
// (biased) variance of every normalized unit over the examples idx (all of
// them when idx is nil) taken as one batch, at params, without dropout.
// Evaluation mode then gives on idx what training mode gives on idx as one
// batch (tested). Use it after training, or after pruning or quantizing the
// weights ("re-estimating the statistics"), instead of trusting the moving
// averages. Cost O(|idx|·P). It panics without batch norm or with fewer
// than 2 examples.
func (m *MLP) FitRunningStats(params []float64, idx []int) {
	const name = "MLP.FitRunningStats"
	if m.bn == nil {
		panic("nn: MLP.FitRunningStats: the network has no batch norm")
	}
	modelargs.Params("nn", "MLP", "FitRunningStats", params, m.dim)
	if idx == nil {
		idx = problems.All(m.Len())
	}
	if len(idx) < 2 {
		panic(fmt.Sprintf("nn: %s: %d examples, want ≥ 2", name, len(idx)))
	}
	m.bn.check()
	m.checkBatch(name, idx)
	m.batchForward(params, idx, false, false)
	for l := 1; l < m.Layers(); l++ {
		copy(m.bn.mean[l], m.batch.mu[l])
		copy(m.bn.vari[l], m.batch.vr[l])
	}
}
