package nn

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/lib/problems"
)

// ReliabilityBin is one bin of a reliability diagram: the predictions whose
// confidence (the largest class probability) falls in (Lo, Hi], how many
// there are, their mean confidence and the fraction of them that are right.
// A calibrated classifier has Accuracy ≈ Confidence in every bin.
type ReliabilityBin struct {
	Lo, Hi     float64
	Count      int
	Confidence float64
	Accuracy   float64
}

// Reliability sorts predictions into bins equal-width confidence bins on
// (0, 1] (Guo et al. 2017 use 15): conf[i] is prediction i's confidence and
// correct[i] whether it was right. Empty bins have Count 0 and zero means.
// Cost O(n + bins). It panics unless the lengths agree, bins ≥ 1 and every
// confidence is in [0, 1].
func Reliability(conf []float64, correct []bool, bins int) []ReliabilityBin {
	if len(conf) != len(correct) {
		panic(fmt.Sprintf("nn: Reliability: %d confidences, %d outcomes", len(conf), len(correct)))
	}
	if bins < 1 {
		panic(fmt.Sprintf("nn: Reliability: bins = %d, want ≥ 1", bins))
	}
	rb := make([]ReliabilityBin, bins)
	for b := range rb {
		rb[b].Lo, rb[b].Hi = float64(b)/float64(bins), float64(b+1)/float64(bins)
	}
	for i, c := range conf {
		if !(c >= 0 && c <= 1) {
			panic(fmt.Sprintf("nn: Reliability: confidence %d is %v, want it in [0, 1]", i, c))
		}
		b := max(0, min(bins-1, int(math.Ceil(c*float64(bins)))-1))
		rb[b].Count++
		rb[b].Confidence += c
		if correct[i] {
			rb[b].Accuracy++
		}
	}
	for b := range rb {
		if n := float64(rb[b].Count); n > 0 {
			rb[b].Confidence /= n
			rb[b].Accuracy /= n
		}
	}
	return rb
}

// ECE is the expected calibration error of a reliability diagram (Naeini
// et al. 2015; Guo et al. 2017): Σ_b (n_b/n) |accuracy_b − confidence_b|,
// the gap between how sure the classifier says it is and how often it is
// right, averaged over predictions. 0 is perfect; it is 0 when bins are empty.
func ECE(bins []ReliabilityBin) float64 {
	var n int
	var s float64
	for _, b := range bins {
		n += b.Count
		s += float64(b.Count) * math.Abs(b.Accuracy-b.Confidence)
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// Reliability is the reliability diagram of the network at params on the
// examples idx (all when idx is nil), in evaluation mode, with bins bins:
// pass it to ECE for the expected calibration error. Cost O(|idx|·P).
func (m *MLP) Reliability(params []float64, idx []int, bins int) []ReliabilityBin {
	if idx == nil {
		idx = problems.All(m.Len())
	}
	k := m.sizes[len(m.sizes)-1]
	p := make([]float64, k)
	conf := make([]float64, len(idx))
	correct := make([]bool, len(idx))
	for j, i := range idx {
		if i < 0 || i >= m.Len() {
			panic(fmt.Sprintf("nn: MLP.Reliability: index %d out of range [0, %d)", i, m.Len()))
		}
		m.Probs(p, params, m.data.X[i])
		best := argmax(p)
		conf[j], correct[j] = p[best], best == m.data.Label[i]
	}
	return Reliability(conf, correct, bins)
}
