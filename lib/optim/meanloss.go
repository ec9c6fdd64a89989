package optim

import "math"

// MeanLoss returns the mean full-objective loss over the records of Full()
// whose Epoch lies in (fromEpoch, toEpoch], and how many there were: the
// level at which a stochastic run has settled over its last epochs, such as
// the noise floor of SGD with a constant learning rate (notebook 07).
// Records are the full-data evaluations of a stochastic run; a
// full-objective run records Epoch 0, so only a window containing 0 (a
// negative fromEpoch) selects its records. With no record in the window it
// returns NaN and 0. Cost O(Len()).
func (t *Trace) MeanLoss(fromEpoch, toEpoch float64) (mean float64, n int) {
	var sum float64
	for _, r := range t.Full() {
		if r.Epoch > fromEpoch && r.Epoch <= toEpoch {
			sum += r.F
			n++
		}
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return sum / float64(n), n
}
