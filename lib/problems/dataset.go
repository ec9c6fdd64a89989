package problems

import (
	"fmt"

	"github.com/descentlab/descent/internal/modelargs"
)

// Dataset is a plain table of examples that a chart can scatter and a model
// can train on. Row i is the input X[i] (all rows have the same length) with
// either a real target Y[i] (regression: Label is nil) or a class
// Label[i] ∈ [0, Classes) (classification: Y is nil).
type Dataset struct {
	Name    string
	X       [][]float64
	Y       []float64
	Label   []int
	Classes int
	// Truth holds the parameters that generated the data when there are
	// any (weights, then bias), so a fit can be compared with them.
	Truth []float64
}

// Len is the number of examples.
func (d Dataset) Len() int { return len(d.X) }

// Features is the length of each input row (0 for an empty dataset).
func (d Dataset) Features() int {
	if len(d.X) == 0 {
		return 0
	}
	return len(d.X[0])
}

// Subset returns the examples idx, in that order. Rows share memory with d;
// the Y and Label slices are new. Cost O(len(idx)). It panics with a
// "problems: " message on an index out of range.
func (d Dataset) Subset(idx []int) Dataset {
	s := Dataset{Name: d.Name, Classes: d.Classes, Truth: d.Truth, X: make([][]float64, len(idx))}
	if d.Y != nil {
		s.Y = make([]float64, len(idx))
	}
	if d.Label != nil {
		s.Label = make([]int, len(idx))
	}
	for k, i := range idx {
		if i < 0 || i >= len(d.X) {
			panic(fmt.Sprintf("problems: Dataset.Subset: index %d out of range [0, %d)", i, len(d.X)))
		}
		s.X[k] = d.X[i]
		if d.Y != nil {
			s.Y[k] = d.Y[i]
		}
		if d.Label != nil {
			s.Label[k] = d.Label[i]
		}
	}
	return s
}

// Split shuffles the examples with seed and returns the first
// round(frac·n) of them as the training set and the rest as the validation
// set. Same seed, same split. Cost O(n). It panics unless 0 < frac < 1 and
// both parts are non-empty.
func (d Dataset) Split(frac float64, seed uint64) (train, val Dataset) {
	n := d.Len()
	if !(frac > 0 && frac < 1) {
		panic(fmt.Sprintf("problems: Dataset.Split: frac = %v, want 0 < frac < 1", frac))
	}
	k := int(frac*float64(n) + 0.5)
	if k == 0 || k == n {
		panic(fmt.Sprintf("problems: Dataset.Split: frac = %v of %d examples leaves an empty part", frac, n))
	}
	perm := modelargs.NewRand(seed).Perm(n)
	return d.Subset(perm[:k]), d.Subset(perm[k:])
}

// Accuracy returns the fraction of the examples idx (all of them when idx
// is nil) whose Label predict gets right: the accuracy of any classifier on
// a classification dataset. Cost O(|idx|) calls of predict. It panics with
// a "problems: " message on an empty non-nil idx or an index out of range.
func (data Dataset) Accuracy(idx []int, predict func(input []float64) int) float64 {
	n := len(idx)
	if idx == nil {
		n = data.Len()
	}
	if n == 0 {
		panic("problems: Dataset.Accuracy: no examples")
	}
	right := 0
	for k := 0; k < n; k++ {
		i := k
		if idx != nil {
			i = idx[k]
		}
		if i < 0 || i >= data.Len() {
			panic(fmt.Sprintf("problems: Dataset.Accuracy: index %d out of range [0, %d)", i, data.Len()))
		}
		if predict(data.X[i]) == data.Label[i] {
			right++
		}
	}
	return float64(right) / float64(n)
}
