package optim

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/descentlab/descent/lib/nn"
	"github.com/descentlab/descent/lib/problems"
)

// What notebook 08 (normalization, pruning, quantization, distillation)
// computes, at the sizes it uses, timed lesson by lesson so that its warm
// run can be budgeted, with the accuracies it would show logged (-v):
//
//	go test ./lib/optim -run '^$' -bench Notebook08 -benchtime 1x -v
//
// Each sub-benchmark times its own lesson; the teacher it starts from is
// trained once, outside the timing (the "teacher" sub-benchmark times it).

// lessons08 is the notebook's data: 5 spiral arms, 1500 points, half for
// training; a 2-64-64-5 ReLU teacher trained with Adam, its rate annealed
// by a cosine over the epochs.
type lessons08 struct {
	train, val  problems.Dataset
	teacher     *nn.MLP
	held        *nn.MLP // the teacher on the validation set
	tx          []float64
	teacherAcc  float64
	teacherECE  float64
	teacherTime string
}

var (
	lessons08Once sync.Once
	lessons08Data lessons08
)

const lessons08TeacherEpochs = 60

func trainTeacher08(train problems.Dataset) (*nn.MLP, []float64) {
	net := nn.NewMLP(train, []int{64, 64}, nn.ReLU, 0)
	x := make([]float64, net.Dim())
	net.Init(x, nn.He, 1)
	r := Run(problems.Objective("teacher", net), x, NewAdam(0.01), Settings{Batch: 64, Epochs: lessons08TeacherEpochs, Seed: 1,
		Schedule: Cosine{Steps: lessons08TeacherEpochs}, SchedulePerEpoch: true})
	return net, r.X
}

func setup08() *lessons08 {
	lessons08Once.Do(func() {
		l := &lessons08Data
		l.train, l.val = problems.SpiralArms(5, 300, 0.25, 1).Split(0.5, 2)
		l.teacher, l.tx = trainTeacher08(l.train)
		l.held = l.teacher.OnData(l.val)
		l.teacherAcc = l.held.Accuracy(l.tx, nil)
		l.teacherECE = nn.ECE(l.held.Reliability(l.tx, nil, 15))
	})
	return &lessons08Data
}

// cpuTime is the CPU time the process has used (user + system): on a
// shared machine it measures a lesson's work where wall time measures the
// neighbours too.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// timed runs one lesson per b.Loop iteration and reports its CPU seconds
// per run beside the wall time.
func timed(b *testing.B, lesson func()) {
	start := cpuTime()
	n := 0
	for b.Loop() {
		lesson()
		n++
	}
	b.ReportMetric((cpuTime()-start).Seconds()/float64(n), "cpu-s/op")
}

func BenchmarkNotebook08(b *testing.B) {
	l := setup08()
	settings := func(batch int, epochs float64, seed uint64) Settings {
		return Settings{Batch: batch, Epochs: epochs, Seed: seed}
	}

	b.Run("teacher", func(b *testing.B) {
		timed(b, func() { trainTeacher08(l.train) })
		b.Logf("teacher 2-64-64-5 (%d parameters), %d epochs of %d examples: held-out accuracy %.3f, ECE %.3f",
			l.teacher.Dim(), lessons08TeacherEpochs, l.train.Len(), l.teacherAcc, l.teacherECE)
		b.ReportMetric(l.teacherAcc, "val-acc")
	})

	// A 2-16-16-5 student on 100 training points: hard labels against the
	// teacher's soft targets at T, α = 0.9, two seeds each, 150 epochs.
	b.Run("students", func(b *testing.B) {
		small := l.train.Subset(problems.All(100))
		student := nn.NewMLP(small, []int{16, 16}, nn.ReLU, 0)
		held := student.OnData(l.val)
		temps := []float64{1, 2, 4, 8, 16}
		const seeds = 2
		var rows []string
		var hard, best float64
		// fit trains net on the objective p from seeds 1…seeds and returns
		// the mean training and held-out accuracy and held-out ECE.
		fit := func(net *nn.MLP, p problems.Stochastic) (train, acc, ece float64) {
			prob := problems.Objective("student", p)
			for seed := uint64(1); seed <= seeds; seed++ {
				x := make([]float64, net.Dim())
				net.Init(x, nn.He, seed)
				r := Run(prob, x, NewAdam(0.01), settings(20, 150, seed))
				acc += held.Accuracy(r.X, nil) / seeds
				train += net.Accuracy(r.X, nil) / seeds
				ece += nn.ECE(held.Reliability(r.X, nil, 15)) / seeds
			}
			return train, acc, ece
		}
		timed(b, func() {
			rows = rows[:0]
			train, acc, ece := fit(student, student)
			hard = acc
			rows = append(rows, fmt.Sprintf("%-12s train %.3f  held-out %.3f  ECE %.3f", "hard labels", train, acc, ece))
			for _, T := range temps {
				train, acc, ece := fit(student, nn.NewDistillation(student, l.teacher, l.tx, T, 0.9))
				best = max(best, acc)
				rows = append(rows, fmt.Sprintf("%-12s train %.3f  held-out %.3f  ECE %.3f", fmt.Sprintf("T = %g", T), train, acc, ece))
			}
			// The other regularizer: hard labels with dropout.
			for _, p := range []float64{0.1, 0.3} {
				drop := nn.NewMLP(small, []int{16, 16}, nn.ReLU, 0)
				drop.Dropout, drop.DropoutSeed = p, 1
				train, acc, ece := fit(drop, drop)
				rows = append(rows, fmt.Sprintf("%-12s train %.3f  held-out %.3f  ECE %.3f", fmt.Sprintf("dropout %.1f", p), train, acc, ece))
			}
		})
		b.Logf("student 2-16-16-5 (%d parameters) on 100 points, 150 epochs, %d seeds (teacher: %.3f, ECE %.3f):\n%s",
			student.Dim(), seeds, l.teacherAcc, l.teacherECE, strings.Join(rows, "\n"))
		b.ReportMetric(hard, "hard-acc")
		b.ReportMetric(best, "best-distilled-acc")
	})

	// Accuracy against sparsity: one-shot without fine-tuning, one-shot
	// with 10 epochs of fine-tuning, and at equal cost one-shot with 20
	// epochs against 4 rounds of 5 (iterative).
	b.Run("prune", func(b *testing.B) {
		ws := l.teacher.WeightMatrices()
		sparsities := []float64{0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.97}
		var rows []string
		timed(b, func() {
			rows = rows[:0]
			for _, s := range sparsities {
				y := slices.Clone(l.tx)
				nn.MagnitudePrune(y, ws, s, nn.Global)
				row := fmt.Sprintf("%.2f  one-shot %.3f", s, l.held.Accuracy(y, nil))
				for _, c := range []struct {
					name   string
					rounds int
					epochs float64
				}{{"+10 ep", 1, 10}, {"+20 ep", 1, 20}, {"4×5 ep", 4, 5}} {
					y := slices.Clone(l.tx)
					res, err := Prune(y, ws, PruneSettings{Sparsity: s, Rounds: c.rounds, Opt: NewAdam(3e-3),
						FineTune: RunTrainer(problems.Objective("teacher", l.teacher), settings(64, c.epochs, 2))})
					if err != nil {
						b.Fatal(err)
					}
					row += fmt.Sprintf("  %s %.3f (%d steps)", c.name, l.held.Accuracy(y, nil), res.Steps)
				}
				rows = append(rows, row)
			}
		})
		b.Logf("accuracy against sparsity (dense %.3f), global magnitude pruning, Adam 3e-3 batch 64:\n%s", l.teacherAcc, strings.Join(rows, "\n"))
	})

	// Accuracy against bits: post-training quantization per tensor and per
	// channel, both schemes; quantization-aware fine-tuning (10 epochs).
	b.Run("quantize", func(b *testing.B) {
		ws := l.teacher.WeightMatrices()
		var rows []string
		timed(b, func() {
			rows = rows[:0]
			y := make([]float64, len(l.tx))
			for _, bits := range []int{8, 6, 4, 3, 2} {
				row := fmt.Sprintf("%d bits", bits)
				for _, sc := range []nn.QuantScheme{nn.Symmetric, nn.Affine} {
					for _, pc := range []bool{false, true} {
						nn.Quantizer{Bits: bits, Scheme: sc, PerChannel: pc}.FakeQuantize(y, l.tx, ws)
						row += fmt.Sprintf("  %v/%s %.3f", sc, map[bool]string{false: "tensor", true: "channel"}[pc], l.held.Accuracy(y, nil))
					}
				}
				// Weights per channel and activations (affine, per layer) at the same bits.
				wq := nn.Quantizer{Bits: bits, Scheme: nn.Symmetric, PerChannel: true}
				wq.FakeQuantize(y, l.tx, ws)
				acts := l.teacher.ActivationGrids(y, nil, nn.Quantizer{Bits: bits, Scheme: nn.Affine})
				row += fmt.Sprintf("  +activations %.3f", l.held.QuantizedAccuracy(y, nil, acts))
				if bits <= 4 {
					for _, pc := range []bool{false, true} {
						qa := nn.NewQuantAware(l.teacher, nn.Quantizer{Bits: bits, PerChannel: pc})
						r := Run(problems.Objective("quant-aware", qa), l.tx, NewAdam(1e-3), settings(64, 10, 3))
						row += fmt.Sprintf("  QAT/%s %.3f", map[bool]string{false: "tensor", true: "channel"}[pc], l.held.Accuracy(qa.Quantized(y, r.X), nil))
					}
				}
				rows = append(rows, row)
			}
		})
		b.Logf("accuracy against bits (float %.3f):\n%s", l.teacherAcc, strings.Join(rows, "\n"))
	})

	// The range of learning rates that train a 3×32 ReLU network with plain
	// SGD in 15 epochs, with and without batch norm, three seeds each: the
	// final training loss (held-out accuracy).
	b.Run("batchnorm", func(b *testing.B) {
		train, val := problems.SpiralArms(5, 160, 0.25, 1).Split(0.5, 2)
		lrs := []float64{0.01, 0.03, 0.1, 0.3, 1, 3}
		var rows []string
		timed(b, func() {
			rows = rows[:0]
			for _, bn := range []bool{false, true} {
				row := fmt.Sprintf("batch norm %-5v", bn)
				for _, lr := range lrs {
					var accs []string
					for seed := uint64(1); seed <= 3; seed++ {
						net := nn.NewMLP(train, []int{32, 32, 32}, nn.ReLU, 0)
						if bn {
							net = nn.NewBatchNormMLP(train, []int{32, 32, 32}, nn.ReLU, 0)
						}
						x := make([]float64, net.Dim())
						net.Init(x, nn.He, seed)
						r := Run(problems.Objective("spiral arms", net), x, NewSGD(lr), settings(32, 15, seed))
						accs = append(accs, fmt.Sprintf("%.2f (%.2f)", r.F, net.OnData(val).Accuracy(r.X, nil)))
					}
					row += fmt.Sprintf("  lr %g: %s", lr, strings.Join(accs, "/"))
				}
				rows = append(rows, row)
			}
		})
		b.Logf("training loss (held-out accuracy) after 15 epochs of SGD, batch 32, %d training points, seeds 1/2/3:\n%s", train.Len(), strings.Join(rows, "\n"))
	})

	// Batch norm's caveats at lr 0.1, 15 epochs, seeds 1 and 2: small
	// batches, and the gap between the running statistics and the data's
	// own.
	b.Run("batchnorm-caveats", func(b *testing.B) {
		train, val := problems.SpiralArms(5, 160, 0.25, 1).Split(0.5, 2)
		all := problems.All(train.Len())
		const seeds = 2
		var rows []string
		timed(b, func() {
			rows = rows[:0]
			for _, batch := range []int{2, 8, 32} {
				var run, fit, plain, trainLoss, evalLoss float64
				for seed := uint64(1); seed <= seeds; seed++ {
					net := nn.NewBatchNormMLP(train, []int{32, 32, 32}, nn.ReLU, 0)
					x := make([]float64, net.Dim())
					net.Init(x, nn.He, seed)
					r := Run(problems.Objective("spiral arms", net), x, NewSGD(0.1), settings(batch, 15, seed))
					// Training mode on consecutive batches of the training batch size.
					for lo := 0; lo < len(all); lo += batch {
						idx := all[lo:min(lo+batch, len(all))]
						trainLoss += net.Measure(nil, r.X, idx) * float64(len(idx)) / float64(seeds*len(all))
					}
					net.SetTraining(false)
					evalLoss += net.Loss(nil, r.X, all) / seeds
					run += net.OnData(val).Accuracy(r.X, nil) / seeds
					net.FitRunningStats(r.X, nil)
					fit += net.OnData(val).Accuracy(r.X, nil) / seeds

					pn := nn.NewMLP(train, []int{32, 32, 32}, nn.ReLU, 0)
					y := make([]float64, pn.Dim())
					pn.Init(y, nn.He, seed)
					rp := Run(problems.Objective("spiral arms", pn), y, NewSGD(0.1), settings(batch, 15, seed))
					plain += pn.OnData(val).Accuracy(rp.X, nil) / seeds
				}
				rows = append(rows, fmt.Sprintf("batch %2d: held-out %.3f with running statistics, %.3f with fitted (no batch norm: %.3f); "+
					"training loss %.3f in training mode (batches of %d), %.3f in evaluation mode",
					batch, run, fit, plain, trainLoss, batch, evalLoss))
			}
		})
		b.Logf("3×32 network with batch norm, SGD lr 0.1, 15 epochs, mean of %d seeds:\n%s", seeds, strings.Join(rows, "\n"))
	})
}
