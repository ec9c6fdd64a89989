package nn

import (
	"math"

	"github.com/descentlab/descent/internal/modelargs"
)

// Predictor returns a function with Predict's answer for params and one
// input, which skips the weights that are exactly zero: for a pruned
// network it costs O(nonzero weights + units) a call instead of O(P). A
// weight matrix at most three-quarters full is kept as its rows' nonzero
// entries (built here, O(P) once; params is read now and not later), a
// fuller one is used as it is. A zero weight adds a zero product w·a to a
// unit's sum, which leaves the sum as it is (but for the sign of a zero
// sum, which changes only the signs of zeros further on, and no arg max
// tells ±0 apart), unless a is infinite or
// NaN: a layer whose input is not all finite therefore takes every weight,
// as Predict does. So the answers are Predict's. The function allocates
// nothing; like the MLP it is not safe for concurrent use, nor is it to be
// called while the MLP is used otherwise. It panics, as Predict does, on a
// wrong length of params or input.
func (m *MLP) Predictor(params []float64) func(input []float64) int {
	modelargs.Params("nn", "MLP", "Predictor", params, m.dim)
	L := m.Layers()
	sparse := make([]*rowsNonzero, L)
	for l := 1; l <= L; l++ {
		w, _ := m.layerParams(params, l)
		sparse[l-1] = nonzeroRows(w, m.sizes[l], m.sizes[l-1])
	}
	params = append([]float64(nil), params...)
	return func(input []float64) int {
		m.checkInput("Predictor", params, input)
		m.forwardLayers(params, input, nil, sparse)
		return argmax(m.a[L])
	}
}

// rowsNonzero is a row-major matrix by the nonzero entries of its rows:
// row o's are cols[start[o]:start[o+1]], vals likewise, in column order.
type rowsNonzero struct {
	start []int
	cols  []int
	vals  []float64
}

// nonzeroRows returns the out × in row-major w by its nonzero entries, or
// nil when more than three-quarters of them are nonzero.
func nonzeroRows(w []float64, out, in int) *rowsNonzero {
	nz := 0
	for _, v := range w {
		if v != 0 {
			nz++
		}
	}
	if 4*nz > 3*len(w) {
		return nil
	}
	s := &rowsNonzero{start: make([]int, out+1), cols: make([]int, 0, nz), vals: make([]float64, 0, nz)}
	for o := range out {
		for j, v := range w[o*in : o*in+in] {
			if v != 0 {
				s.cols, s.vals = append(s.cols, j), append(s.vals, v)
			}
		}
		s.start[o+1] = len(s.cols)
	}
	return s
}

// affine is the package's affine (z = W·a + b) over the nonzero weights:
// the same sums in the same order without their zero products.
func (s *rowsNonzero) affine(z, b, a []float64) {
	for o := range z {
		var sum float64
		if b != nil {
			sum = b[o]
		}
		lo, hi := s.start[o], s.start[o+1]
		vals := s.vals[lo:hi]
		for k, j := range s.cols[lo:hi] {
			sum += vals[k] * a[j]
		}
		z[o] = sum
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
