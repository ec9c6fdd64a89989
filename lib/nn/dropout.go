package nn

import "fmt"

// Dropout (Srivastava et al. 2014) in an MLP, set by its Dropout field p:
// in a training-mode Loss every hidden unit's output of every example is
// zeroed with probability p and otherwise divided by 1 − p ("inverted"
// dropout), so its expected value is unchanged and evaluation mode (Predict,
// Probs, Accuracy, or Loss after SetTraining(false)) uses the whole network
// with no rescaling. The output layer is never dropped. The gradient flows
// through the kept units only, scaled by the same 1/(1 − p).
//
// The training loss is then random: a training step optimizes one of 2^units
// thinned networks, so mini-batch noise is joined by mask noise, and the
// objective the optimizer descends on average is the expected loss over
// masks, which penalizes units that only work together. That is the
// regularizer; it slows training down in exchange.
//
// The masks are reproducible: those of a Loss call are drawn from a source
// seeded by (DropoutSeed, round), where round counts the training steps
// (Loss calls with grad ≠ nil) so far. A Loss call without gradient uses
// the masks the next step will use and does not advance the round, so
// finite differences of Loss(nil, …) check the gradient of the next
// Loss(grad, …) call. A gradient check that calls Loss(grad, …) first
// (optim.CheckGradient) must set the round back with SetDropoutRound before
// the differences. With batch norm, dropout sits after the activation, as
// in the original papers; Li et al. (2019) describe how the two disagree
// between training and evaluation ("variance shift").

// DropoutRound is the number of training steps taken with this network: the
// round whose masks the next Loss call draws.
func (m *MLP) DropoutRound() uint64 { return m.round }

// SetDropoutRound sets the round the next Loss call draws its masks for.
func (m *MLP) SetDropoutRound(r uint64) { m.round = r }

// checkDropout panics unless 0 ≤ Dropout < 1.
func (m *MLP) checkDropout() {
	if !(m.Dropout >= 0 && m.Dropout < 1) {
		panic(fmt.Sprintf("nn: MLP.Dropout = %v, want a probability 0 ≤ p < 1", m.Dropout))
	}
}

// seedMasks starts the mask stream of the current round.
func (m *MLP) seedMasks() { m.pcg.Seed(m.DropoutSeed, m.round) }

// drawMask fills mask with 0 (probability p) or 1/(1 − p), in order.
func (m *MLP) drawMask(mask []float64) {
	p := m.Dropout
	keep := 1 / (1 - p)
	for j := range mask {
		if float64(m.pcg.Uint64()>>11)*0x1p-53 < p {
			mask[j] = 0
		} else {
			mask[j] = keep
		}
	}
}
