package nn

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/modelargs"
)

// SoftmaxT writes the softmax of the logits z at temperature T,
// softmax(z/T)_c = e^{z_c/T} / Σ_j e^{z_j/T}, into dst and returns it.
// T = 1 is the ordinary softmax; a larger T flattens the distribution
// towards uniform and brings out the small probabilities (the teacher's
// "dark knowledge"), a smaller T sharpens it towards the arg max. Computed
// stably, as e^{(z_c − max z)/T} / Σ_j e^{(z_j − max z)/T}, so any finite
// logits give finite probabilities. It allocates nothing and panics unless
// len(dst) == len(z) ≥ 1 and minTemperature ≤ T ≤ maxTemperature.
func SoftmaxT(dst, z []float64, T float64) []float64 {
	checkTemperature("SoftmaxT", T)
	if len(dst) != len(z) || len(z) == 0 {
		panic(fmt.Sprintf("nn: SoftmaxT: len(dst) = %d, len(z) = %d", len(dst), len(z)))
	}
	zmax, logS := shiftedLogSumExpT(z, T)
	for c, v := range z {
		dst[c] = math.Exp((v-zmax)/T - logS)
	}
	return dst
}

// shiftedLogSumExpT returns max z and log Σ_c exp((z_c − max z)/T), so that
// log softmax(z/T)_c = (z_c − max z)/T − logS. Unlike z_c/T − log Σ exp(z/T),
// it never subtracts two infinities: z_c − max z is ≤ 0 (−Inf at worst,
// giving a probability of 0) and logS is in [0, log k].
func shiftedLogSumExpT(z []float64, T float64) (zmax, logS float64) {
	zmax = z[0]
	for _, v := range z[1:] {
		zmax = math.Max(zmax, v)
	}
	var s float64
	for _, v := range z {
		s += math.Exp((v - zmax) / T)
	}
	return zmax, math.Log(s)
}

// The temperatures SoftmaxT and DistillLoss accept: T² (the soft term's
// factor) and 1/T² stay normal float64s, so no loss turns NaN as 0·Inf.
const (
	minTemperature = 1e-150
	maxTemperature = 1e150
)

func checkTemperature(name string, T float64) {
	if !(T >= minTemperature && T <= maxTemperature) {
		panic(fmt.Sprintf("nn: %s: temperature T = %v, want %g ≤ T ≤ %g", name, T, minTemperature, maxTemperature))
	}
}

// DistillLoss is the knowledge-distillation loss of Hinton et al. (2015) for
// one example with student logits z, teacher logits zt and label y:
//
//	ℓ = (1 − α) CE(softmax(z), y)  +  α T² KL(p ‖ q),
//	p = softmax(zt/T),  q = softmax(z/T),  CE(·, y) = log Σ_c e^{z_c} − z_y,
//
// and, when dz is not nil, writes its gradient with respect to z:
//
//	∂ℓ/∂z = (1 − α)(softmax(z) − onehot(y))  +  α T (q − p).
//
// KL(p ‖ q) = Σ_c p_c log(p_c/q_c) is the cross-entropy of the soft targets
// minus the teacher's own entropy, which does not depend on the student, so
// the gradient is the paper's; the soft term is 0 when the student matches
// the teacher. Why T²: the soft term's gradient is (1/T)(q − p) before the
// factor, and for T large compared with the logits q − p ≈ (z − zt − mean)/(kT)
// (k classes), so without T² it would shrink as 1/T² and a change of T would
// silently change the mix between the two terms; with it the soft gradient
// stays the same size whatever T (tested). α = 0 is plain training on the
// hard labels. It allocates O(k); panics unless len(z) == len(zt) ≥ 2,
// len(dz) == len(z) when dz is not nil, 0 ≤ y < k, 1e-150 ≤ T ≤ 1e150 and
// 0 ≤ α ≤ 1. Finite logits never give NaN: the loss overflows to +Inf only
// where logits differ by about 1e308 (a training run then ends NonFinite).
func DistillLoss(dz, z, zt []float64, y int, T, alpha float64) float64 {
	checkDistill("DistillLoss", T, alpha)
	if len(z) != len(zt) || len(z) < 2 || (dz != nil && len(dz) != len(z)) {
		panic(fmt.Sprintf("nn: DistillLoss: len(z) = %d, len(zt) = %d, len(dz) = %d: want equal and ≥ 2", len(z), len(zt), len(dz)))
	}
	if y < 0 || y >= len(z) {
		panic(fmt.Sprintf("nn: DistillLoss: label %d outside [0, %d)", y, len(z)))
	}
	return distill(dz, z, zt, y, T, alpha, make([]float64, len(z)))
}

// distill is DistillLoss with scratch p (len k) and no checks.
func distill(dz, z, zt []float64, y int, T, alpha float64, p []float64) float64 {
	var loss float64
	if alpha != 1 {
		lse := logSumExp(z)
		loss = (1 - alpha) * (lse - z[y])
		if dz != nil {
			for c, v := range z {
				dz[c] = (1 - alpha) * math.Exp(v-lse)
			}
			dz[y] -= 1 - alpha
		}
	} else if dz != nil {
		for c := range dz {
			dz[c] = 0
		}
	}
	if alpha == 0 {
		return loss
	}
	zmax, ls := shiftedLogSumExpT(z, T)
	ztmax, lt := shiftedLogSumExpT(zt, T)
	var kl float64
	for c := range z {
		lp := (zt[c]-ztmax)/T - lt // log p_c
		p[c] = math.Exp(lp)
		if p[c] > 0 {
			kl += p[c] * (lp - ((z[c]-zmax)/T - ls))
		}
	}
	loss += alpha * T * T * kl
	if dz != nil {
		for c, v := range z {
			dz[c] += alpha * T * (math.Exp((v-zmax)/T-ls) - p[c])
		}
	}
	return loss
}

func checkDistill(name string, T, alpha float64) {
	checkTemperature(name, T)
	if !(alpha >= 0 && alpha <= 1) {
		panic(fmt.Sprintf("nn: %s: alpha = %v, want 0 ≤ α ≤ 1 (the weight of the soft targets)", name, alpha))
	}
}

// Distillation trains a student network on a teacher's soft targets (Hinton
// et al. 2015): a problems.Stochastic objective over the student's
// parameters whose loss on example i is DistillLoss of the student's logits against the
// teacher's logits for the same input, at temperature T, with weight Alpha
// on the soft term, plus the student's L2 term. The teacher's logits are
// computed once, in evaluation mode, by NewDistillation; the teacher takes
// no further part. Everything else is the student's: its batch norm or
// dropout, its mode, its running statistics; Accuracy and Predict are the
// student's own (at T = 1). Loss costs the student's Loss plus O(|B|·k)
// and allocates nothing. Not safe for concurrent use.
type Distillation struct {
	Student *MLP
	// T > 0 is the temperature of the soft targets and of the student's
	// softened outputs (Hinton et al. try 1 to 20); Alpha ∈ [0, 1] weighs the
	// soft term against the hard-label term (0: hard labels only).
	T, Alpha float64

	teacher [][]float64 // teacher logits, one row per student example
	p       []float64
}

// NewDistillation returns the distillation objective of student, learning
// from teacher at parameters teacherParams, with temperature T and soft
// weight alpha. The teacher may have any hidden layers but must read the
// same inputs and have as many outputs as the student has classes. Cost:
// one teacher evaluation per student example. It panics on a teacher whose
// input or output size differs from the student's, T ≤ 0, α outside [0, 1]
// or teacher parameters of the wrong length.
func NewDistillation(student, teacher *MLP, teacherParams []float64, T, alpha float64) *Distillation {
	checkDistill("NewDistillation", T, alpha)
	ts, ss := teacher.Sizes(), student.Sizes()
	if ts[len(ts)-1] != ss[len(ss)-1] {
		panic(fmt.Sprintf("nn: NewDistillation: the teacher has %d outputs, the student %d: they must predict the same classes", ts[len(ts)-1], ss[len(ss)-1]))
	}
	if ts[0] != ss[0] {
		panic(fmt.Sprintf("nn: NewDistillation: the teacher reads %d features, the student's data has %d", ts[0], ss[0]))
	}
	modelargs.Params("nn", "MLP", "NewDistillation (teacher)", teacherParams, teacher.Dim())
	k := ss[len(ss)-1]
	d := &Distillation{Student: student, T: T, Alpha: alpha, teacher: modelargs.Rows(student.Len(), k), p: make([]float64, k)}
	for i, in := range student.data.X {
		teacher.Logits(d.teacher[i], teacherParams, in)
	}
	return d
}

// Len is the student's number of examples.
func (d *Distillation) Len() int { return d.Student.Len() }

// Dim is the student's number of parameters.
func (d *Distillation) Dim() int { return d.Student.Dim() }

// WeightMatrices are the student's.
func (d *Distillation) WeightMatrices() []WeightMatrix { return d.Student.WeightMatrices() }

// TeacherLogits returns the teacher's logits for the student's example i
// (the stored row: do not modify it).
func (d *Distillation) TeacherLogits(i int) []float64 { return d.teacher[i] }

// Loss implements problems.Stochastic: the mean of DistillLoss over the
// batch idx (all examples when idx is nil), with the student's L2 term.
func (d *Distillation) Loss(grad, x []float64, idx []int) float64 {
	checkDistill("Distillation.Loss", d.T, d.Alpha)
	return d.Student.lossMode("Distillation", grad, x, idx, d, true)
}

func (d *Distillation) outputLoss(dz, z []float64, i int) float64 {
	return distill(dz, z, d.teacher[i], d.Student.data.Label[i], d.T, d.Alpha, d.p)
}
