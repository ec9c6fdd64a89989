package nn

import (
	"fmt"
	"math"
)

// The layer-by-layer path of an MLP: the whole batch goes through layer 1,
// then layer 2, … because batch norm's statistics need every example of a
// layer before the next layer can start. It is taken in training mode with
// batch norm or dropout (coupled); the plain network keeps the cheaper
// example-by-example path.

// batchScratch holds one batch's intermediate values, row i for example i.
type batchScratch struct {
	cap  int         // examples the buffers hold
	z    [][]float64 // z[l]: Wˡaˡ⁻¹ (+ bˡ); ẑ for a normalized layer; logits at L
	h    [][]float64 // h[l]: φ(·) of a hidden layer
	drop [][]float64 // drop[l]: h after dropout, when dropout is on
	mask [][]float64 // mask[l]: 0 or 1/(1 − p) per unit, when dropout is on
	out  [][]float64 // out[l]: what layer l + 1 reads (h[l] or drop[l])
	mu   [][]float64 // batch mean of a normalized layer's units
	vr   [][]float64 // batch variance (biased)
	istd [][]float64 // 1/√(σ² + ε)
	d1   []float64   // deltas, cap × widest
	d2   []float64
}

// coupled reports whether Loss must take the layer-by-layer path: training
// mode with batch norm or dropout.
func (m *MLP) coupled() bool { return m.training && (m.bn != nil || m.Dropout != 0) }

// growBatch makes the scratch hold n examples; it allocates only when n is
// larger than any batch before.
func (m *MLP) growBatch(n int) {
	s := &m.batch
	L := m.Layers()
	if s.z == nil {
		s.z, s.h, s.drop, s.mask, s.out = make([][]float64, L+1), make([][]float64, L+1), make([][]float64, L+1), make([][]float64, L+1), make([][]float64, L+1)
		s.mu, s.vr, s.istd = make([][]float64, L+1), make([][]float64, L+1), make([][]float64, L+1)
		for l := 1; l < L; l++ {
			s.mu[l], s.vr[l], s.istd[l] = make([]float64, m.sizes[l]), make([]float64, m.sizes[l]), make([]float64, m.sizes[l])
		}
	}
	if n <= s.cap {
		return
	}
	widest := 0
	for l := 1; l <= L; l++ {
		k := n * m.sizes[l]
		s.z[l] = make([]float64, k)
		if l < L {
			s.h[l], s.drop[l], s.mask[l] = make([]float64, k), make([]float64, k), make([]float64, k)
		}
		widest = max(widest, m.sizes[l])
	}
	s.d1, s.d2 = make([]float64, n*widest), make([]float64, n*widest)
	s.cap = n
}

// checkBatch panics on an index out of range.
func (m *MLP) checkBatch(name string, idx []int) {
	for _, i := range idx {
		if i < 0 || i >= m.data.Len() {
			panic(fmt.Sprintf("nn: %s: index %d out of range [0, %d)", name, i, m.data.Len()))
		}
	}
}

// checkCoupled validates a training-mode batch: batch norm needs two
// examples, dropout a probability in [0, 1).
func (m *MLP) checkCoupled(name, method string, idx []int) {
	if m.bn != nil {
		if len(idx) < 2 {
			panic(fmt.Sprintf("nn: %s.%s: batch norm in training mode needs a batch of at least 2 examples, got %d "+
				"(its variance is 0 and the output would ignore the input); evaluate single examples with SetTraining(false), "+
				"and give a stochastic run of n examples a batch size b with n mod b ≠ 1", name, method, len(idx)))
		}
		m.bn.check()
	}
	m.checkDropout()
	for _, i := range idx {
		if i < 0 || i >= m.data.Len() {
			panic(fmt.Sprintf("nn: %s.%s: index %d out of range [0, %d)", name, method, i, m.data.Len()))
		}
	}
}

// batchForward runs the batch idx through the network at x, layer by
// layer, with batch statistics in normalized layers, dropout masks when
// dropout is set (round m.round), and running-statistic updates when update
// is set. The logits of example i end in m.batch.z[L][i·k : (i+1)·k].
func (m *MLP) batchForward(x []float64, idx []int, dropout, update bool) {
	n := len(idx)
	m.growBatch(n)
	s := &m.batch
	L := m.Layers()
	p := m.Dropout
	dropout = dropout && p > 0
	if dropout {
		m.seedMasks()
	}
	for l := 1; l <= L; l++ {
		in, out := m.sizes[l-1], m.sizes[l]
		w, b := m.layerParams(x, l)
		z := s.z[l][:n*out]
		for i := 0; i < n; i++ {
			prev := m.data.X[idx[i]]
			if l > 1 {
				prev = s.out[l-1][i*in : i*in+in]
			}
			affine(z[i*out:i*out+out], w, b, prev)
		}
		if l == L {
			break
		}
		h := s.h[l][:n*out]
		if m.normalized(l) {
			m.normalizeBatch(x, l, n, update)
			g, _ := m.BatchNormRange(l)
			gamma, beta := x[g:g+out], x[g+out:g+2*out]
			for i := 0; i < n; i++ {
				for o := 0; o < out; o++ {
					h[i*out+o] = gamma[o]*z[i*out+o] + beta[o]
				}
			}
		} else {
			copy(h, z)
		}
		m.activate(h)
		s.out[l] = h
		if dropout {
			a, mask := s.drop[l][:n*out], s.mask[l][:n*out]
			m.drawMask(mask)
			for j, v := range h {
				a[j] = v * mask[j]
			}
			s.out[l] = a
		}
	}
}

// normalizeBatch replaces layer l's pre-activations z by ẑ with the batch's
// mean and variance per unit, and updates the running statistics when
// update is set.
func (m *MLP) normalizeBatch(x []float64, l, n int, update bool) {
	s := &m.batch
	out := m.sizes[l]
	z := s.z[l][:n*out]
	mu, vr, istd := s.mu[l], s.vr[l], s.istd[l]
	inv := 1 / float64(n)
	for o := 0; o < out; o++ {
		var sum float64
		for i := 0; i < n; i++ {
			sum += z[i*out+o]
		}
		mean := sum * inv
		var ss float64
		for i := 0; i < n; i++ {
			d := z[i*out+o] - mean
			ss += d * d
		}
		mu[o], vr[o] = mean, ss*inv
		istd[o] = 1 / math.Sqrt(vr[o]+m.bn.Eps)
		for i := 0; i < n; i++ {
			z[i*out+o] = (z[i*out+o] - mean) * istd[o]
		}
	}
	if update {
		mom := m.bn.Momentum
		unbias := float64(n) / float64(n-1)
		rm, rv := m.bn.mean[l], m.bn.vari[l]
		for o := range rm {
			rm[o] = (1-mom)*rm[o] + mom*mu[o]
			rv[o] = (1-mom)*rv[o] + mom*vr[o]*unbias
		}
	}
}

// batchBackward accumulates the gradient of Σᵢ lossᵢ into grad after
// batchForward on the same batch, starting from the output deltas in
// m.batch.d1 (row i: ∂lossᵢ/∂zᵢᴸ).
func (m *MLP) batchBackward(grad, x []float64, idx []int, dropout bool) {
	n := len(idx)
	s := &m.batch
	L := m.Layers()
	dropout = dropout && m.Dropout > 0
	delta, next := s.d1, s.d2
	for l := L; l >= 1; l-- {
		in, out := m.sizes[l-1], m.sizes[l]
		woff := m.off[l-1]
		gw := grad[woff : woff+out*in]
		for i := 0; i < n; i++ {
			prev := m.data.X[idx[i]]
			if l > 1 {
				prev = s.out[l-1][i*in : i*in+in]
			}
			addOuter(gw, delta[i*out:i*out+out], prev)
		}
		if !m.normalized(l) {
			gb := grad[woff+out*in : woff+out*in+out]
			for i := 0; i < n; i++ {
				for o, d := range delta[i*out : i*out+out] {
					gb[o] += d
				}
			}
		}
		if l == 1 {
			break
		}
		w, _ := m.layerParams(x, l)
		nx := next[:n*in]
		for i := 0; i < n; i++ {
			transposeTimes(nx[i*in:i*in+in], w, delta[i*out:i*out+out])
		}
		if dropout {
			for j, k := range s.mask[l-1][:n*in] {
				nx[j] *= k
			}
		}
		m.activationGrad(nx, s.h[l-1][:n*in])
		if m.normalized(l - 1) {
			m.normalizeBackward(grad, x, l-1, n, nx)
		}
		delta, next = next, delta
	}
}

// normalizeBackward turns d = ∂L/∂y of normalized layer l (n rows) into
// ∂L/∂z through the batch statistics, accumulating ∂L/∂γ and ∂L/∂β.
func (m *MLP) normalizeBackward(grad, x []float64, l, n int, d []float64) {
	s := &m.batch
	out := m.sizes[l]
	zh := s.z[l][:n*out]
	g, b := m.BatchNormRange(l)
	gamma := x[g : g+out]
	gg, gb := grad[g:g+out], grad[b:b+out]
	inv := 1 / float64(n)
	for o := 0; o < out; o++ {
		var sdy, sdyz float64
		for i := 0; i < n; i++ {
			dy := d[i*out+o]
			sdy += dy
			sdyz += dy * zh[i*out+o]
		}
		gg[o] += sdyz
		gb[o] += sdy
		c, mdy, mdyz := gamma[o]*s.istd[l][o], sdy*inv, sdyz*inv
		for i := 0; i < n; i++ {
			d[i*out+o] = c * (d[i*out+o] - mdy - zh[i*out+o]*mdyz)
		}
	}
}

// batchLoss is the training-mode loss of the batch idx (the sum over its
// examples; the caller divides) through the layer-by-layer path. With grad
// and step it is a training step: running statistics move, the next dropout
// masks come up; without step (Measure) nothing changes.
func (m *MLP) batchLoss(name string, grad, x []float64, idx []int, out outputLoss, step bool) float64 {
	method := "Loss"
	if !step {
		method = "Measure"
	}
	m.checkCoupled(name, method, idx)
	m.batchForward(x, idx, true, step && grad != nil)
	k := m.sizes[len(m.sizes)-1]
	z := m.batch.z[m.Layers()]
	var loss float64
	for i, ex := range idx {
		zi := z[i*k : i*k+k]
		if grad == nil {
			loss += out.outputLoss(nil, zi, ex)
		} else {
			loss += out.outputLoss(m.batch.d1[i*k:i*k+k], zi, ex)
		}
	}
	if grad != nil {
		m.batchBackward(grad, x, idx, true)
		if step {
			m.round++
		}
	}
	return loss
}

// batchStats is LayerStats' layer-by-layer path: activation sums and sums
// of squares per layer into sum and sq, and the summed cross-entropy
// gradient into grad. Nothing is updated.
func (m *MLP) batchStats(grad, x []float64, idx []int, sum, sq []float64) {
	m.checkCoupled("MLP", "LayerStats", idx)
	m.batchForward(x, idx, true, false)
	n, L := len(idx), m.Layers()
	for l := 1; l <= L; l++ {
		vals := m.batch.z[L][:n*m.sizes[L]]
		if l < L {
			vals = m.batch.out[l][:n*m.sizes[l]]
		}
		for _, v := range vals {
			sum[l] += v
			sq[l] += v * v
		}
	}
	k := m.sizes[L]
	for i, ex := range idx {
		m.ce.outputLoss(m.batch.d1[i*k:i*k+k], m.batch.z[L][i*k:i*k+k], ex)
	}
	m.batchBackward(grad, x, idx, true)
}
