package nn

import (
	"math"

	"github.com/descentlab/descent/internal/modelargs"
)

// Predictor returns a function with Predict's answer for params and one
// input, which skips the products that are exactly zero: the weights that
// are zero and, for a layer fed by ReLU units, the inputs that are zero. A
// weight matrix whose weights are all finite and that is at most
// three-quarters full, or fed by ReLU units, is kept as its columns'
// nonzero entries (built here, O(P) once; params is read now and not
// later), and its sums are taken column by column, skipping the zero
// inputs: each unit's sum adds the same products in the same order as
// Predict's, without the zero ones. For a pruned ReLU network a call then
// costs O(weights kept that meet a nonzero input + units) instead of O(P).
// A zero product w·a adds nothing to a unit's sum (but for the sign of a
// zero sum, which changes only the signs of zeros further on, and no arg
// max tells ±0 apart) as long as w and a are finite: a layer whose input
// is not all finite therefore takes every weight, and a matrix with a
// non-finite weight is used as it is, as Predict does. So the answers are
// Predict's. The function allocates nothing; like the MLP it is not safe
// for concurrent use, nor is it to be called while the MLP is used
// otherwise. It panics, as Predict does, on a wrong length of params or
// input.
func (m *MLP) Predictor(params []float64) func(input []float64) int {
	modelargs.Params("nn", "MLP", "Predictor", params, m.dim)
	L := m.Layers()
	sparse := make([]*colsNonzero, L)
	for l := 1; l <= L; l++ {
		w, _ := m.layerParams(params, l)
		sparse[l-1] = nonzeroCols(w, m.sizes[l], m.sizes[l-1], l > 1 && m.act == ReLU)
	}
	params = append([]float64(nil), params...)
	return func(input []float64) int {
		m.checkInput("Predictor", params, input)
		m.forwardLayers(params, input, nil, sparse)
		return argmax(m.a[L])
	}
}

// colsNonzero is a row-major matrix by the nonzero entries of its columns:
// column j's are rows[start[j]:start[j+1]], vals likewise, in row order.
type colsNonzero struct {
	start []int
	rows  []int
	vals  []float64
}

// nonzeroCols returns the out × in row-major w by its columns' nonzero
// entries, or nil when a weight is not finite, or when more than
// three-quarters of them are nonzero and the input is not from ReLU units
// (relu: about half its values are then zero, and skipped).
func nonzeroCols(w []float64, out, in int, relu bool) *colsNonzero {
	nz := 0
	for _, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		if v != 0 {
			nz++
		}
	}
	if 4*nz > 3*len(w) && !relu {
		return nil
	}
	s := &colsNonzero{start: make([]int, in+1), rows: make([]int, 0, nz), vals: make([]float64, 0, nz)}
	for j := range in {
		for o := range out {
			if v := w[o*in+j]; v != 0 {
				s.rows, s.vals = append(s.rows, o), append(s.vals, v)
			}
		}
		s.start[j+1] = len(s.rows)
	}
	return s
}

// affine is the package's affine (z = W·a + b) over the nonzero weights
// and the nonzero inputs, for an input a that is all finite: each z[o]
// starts at b[o] (or 0) and adds W[o][j]·a[j] in increasing j, the same
// sums in the same order without their zero products.
func (s *colsNonzero) affine(z, b, a []float64) {
	if b != nil {
		copy(z, b[:len(z)])
	} else {
		clear(z)
	}
	for j, v := range a {
		if v == 0 {
			continue
		}
		lo, hi := s.start[j], s.start[j+1]
		rows := s.rows[lo:hi]
		vals := s.vals[lo:hi][:len(rows)]
		for k, o := range rows {
			z[o] += vals[k] * v
		}
	}
}

// allFinite reports whether no value of v is NaN or ±Inf.
func allFinite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
