package compression

import (
	"bytes"
	"testing"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/nn"
)

// TestCompressTeacherFacts checks what runCompress keeps per teacher: the
// teacher's accuracy is the one nn computes, a second teacher is not
// answered with the first one's facts, and the first one's figure comes
// back the same, byte for byte, after it.
func TestCompressTeacherFacts(t *testing.T) {
	a := CompressStart()
	b := append([]float64(nil), a...)
	for i := range b {
		b[i] *= 1.5
	}
	v := explore.Values{"sparsity": 0.5, "bits": 3, "grid": 0}
	first := runCompress(v, explore.Data{"teacher": a}).JSON()
	other := runCompress(v, explore.Data{"teacher": b})
	again := runCompress(v, explore.Data{"teacher": a}).JSON()
	if !bytes.Equal(first, again) {
		t.Errorf("the same teacher gave another figure after a second teacher:\n%s\n%s", first, again)
	}
	train, val := spiralArms()
	held := nn.NewMLP(train, []int{64, 64}, nn.ReLU, 0).OnData(val)
	for _, r := range other.Readout {
		if r.Label == "teacher's" && r.Value != 100*held.Accuracy(b, nil) {
			t.Errorf("the second teacher's accuracy reads %v, nn says %v", r.Value, 100*held.Accuracy(b, nil))
		}
	}
	if bytes.Equal(first, other.JSON()) {
		t.Error("two teachers gave one figure")
	}
}
