package nn

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/descentlab/descent/lib/problems"
)

// WeightMatrix locates one weight matrix in a flat parameter vector: Rows ×
// Cols values in row-major order from Off. Row r holds the incoming weights
// of output unit r, the "channel" of per-channel quantization.
type WeightMatrix struct {
	Layer int // 1-based layer number, for labels
	Off   int
	Rows  int
	Cols  int
}

// Len is Rows·Cols.
func (w WeightMatrix) Len() int { return w.Rows * w.Cols }

// Row returns row r of the matrix inside params.
func (w WeightMatrix) Row(params []float64, r int) []float64 {
	o := w.Off + r*w.Cols
	return params[o : o+w.Cols]
}

// Network is a model whose parameters include weight matrices: what
// pruning and quantization act on. Biases and batch-norm parameters are
// not among them; they stay in full precision and are never pruned, as in
// Han et al. (2015) and Jacob et al. (2018).
type Network interface {
	problems.Stochastic
	WeightMatrices() []WeightMatrix
}

// PruneScope says how magnitude pruning ranks weights.
type PruneScope int

const (
	// Global ranks all weights of all matrices together and removes the
	// smallest: layers with many small weights lose more of them.
	Global PruneScope = iota
	// PerLayer removes the same fraction from every matrix, by magnitude
	// within it.
	PerLayer
)

func (s PruneScope) String() string {
	switch s {
	case Global:
		return "global"
	case PerLayer:
		return "per layer"
	}
	return fmt.Sprintf("PruneScope(%d)", int(s))
}

// MagnitudePrune removes the fraction sparsity of the weights in ws with
// the smallest magnitude |w| (Han et al. 2015): it sets them to zero in
// params and returns the mask keep (len(params)), false where a weight was
// removed; everything outside ws is kept. Weights that are already zero
// rank first, so pruning a pruned network further only removes more
// (iterative pruning). round(sparsity·N) weights go, N being the number of
// weights in ws (PerLayer: in each matrix); ties go by position. Cost
// O(N log N) and O(N + len(params)) memory. It panics, changing nothing,
// unless 0 ≤ sparsity < 1, the scope is known, the matrices lie inside
// params and do not overlap, and every weight is finite.
func MagnitudePrune(params []float64, ws []WeightMatrix, sparsity float64, scope PruneScope) (keep []bool) {
	checkSparsity("MagnitudePrune", sparsity)
	if scope != Global && scope != PerLayer {
		panic(fmt.Sprintf("nn: MagnitudePrune: unknown scope %d", int(scope)))
	}
	checkMatrices("MagnitudePrune", params, ws)
	keep = make([]bool, len(params))
	for i := range keep {
		keep[i] = true
	}
	// The weights are ranked by (|w|, position): the order of a stable sort
	// by |w| of positions in increasing order, which every weight's
	// finiteness makes total. The first m of that order are the weights
	// below the m-th smallest magnitude t, and the first by position of
	// those equal to t: a sort of the magnitudes alone finds t.
	n := 0
	for _, w := range ws {
		n += w.Len()
	}
	abs, tied := make([]float64, 0, n), []int(nil)
	remove := func(pos []int) {
		m := int(math.Round(sparsity * float64(len(pos))))
		if m == 0 {
			return
		}
		abs = abs[:0]
		for _, j := range pos {
			abs = append(abs, math.Abs(params[j]))
		}
		slices.Sort(abs)
		t := abs[m-1]
		below, _ := slices.BinarySearch(abs, t) // how many are < t
		tied = tied[:0]
		for _, j := range pos {
			switch a := math.Abs(params[j]); {
			case a < t:
				keep[j] = false
			case a == t:
				tied = append(tied, j)
			}
		}
		slices.Sort(tied)
		for _, j := range tied[:m-below] {
			keep[j] = false
		}
	}
	pos := make([]int, 0, n)
	for _, w := range ws {
		if scope == PerLayer {
			pos = pos[:0]
		}
		for j := w.Off; j < w.Off+w.Len(); j++ {
			pos = append(pos, j)
		}
		if scope == PerLayer {
			remove(pos)
		}
	}
	if scope == Global {
		remove(pos)
	}
	ApplyMask(params, keep)
	return keep
}

// ApplyMask sets params[i] = 0 wherever keep[i] is false. Cost O(n). It
// panics if the lengths differ.
func ApplyMask(params []float64, keep []bool) {
	if len(keep) != len(params) {
		panic(fmt.Sprintf("nn: ApplyMask: len(keep) = %d, len(params) = %d", len(keep), len(params)))
	}
	for i, k := range keep {
		if !k {
			params[i] = 0
		}
	}
}

// Sparsity is the fraction of the weights in ws that are exactly zero (0
// when ws holds none). Cost O(N).
func Sparsity(params []float64, ws []WeightMatrix) float64 {
	checkMatrices("Sparsity", params, ws)
	var zero, n int
	for _, w := range ws {
		for _, v := range params[w.Off : w.Off+w.Len()] {
			if v == 0 {
				zero++
			}
		}
		n += w.Len()
	}
	if n == 0 {
		return 0
	}
	return float64(zero) / float64(n)
}

// checkSparsity panics unless 0 ≤ s < 1.
func checkSparsity(name string, s float64) {
	if !(s >= 0 && s < 1) {
		panic(fmt.Sprintf("nn: %s: sparsity = %v, want 0 ≤ sparsity < 1 (the fraction of weights removed)", name, s))
	}
}

// checkMatrices panics unless every matrix lies inside params, none
// overlap, and their weights are finite.
func checkMatrices(name string, params []float64, ws []WeightMatrix) {
	sorted := slices.Clone(ws)
	slices.SortFunc(sorted, func(a, b WeightMatrix) int { return cmp.Compare(a.Off, b.Off) })
	end := 0
	for _, w := range sorted {
		if w.Rows < 1 || w.Cols < 1 || w.Off < 0 || w.Off+w.Len() > len(params) {
			panic(fmt.Sprintf("nn: %s: matrix %+v does not fit in %d parameters", name, w, len(params)))
		}
		if w.Off < end {
			panic(fmt.Sprintf("nn: %s: matrix %+v overlaps another", name, w))
		}
		end = w.Off + w.Len()
		for j, v := range params[w.Off:end] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				panic(fmt.Sprintf("nn: %s: weight %d of layer %d is %v", name, j, w.Layer, v))
			}
		}
	}
}
