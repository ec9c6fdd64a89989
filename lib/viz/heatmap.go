package viz

import (
	"gonum.org/v1/gonum/mat"
)

// Matrix is one panel of a HeatMaps: Data[i][j] is row i, column j,
// drawn with row 0 at the top.
type Matrix struct {
	Name string
	Data [][]float64
}

// HeatMaps draws matrices side by side on one shared colour scale, e.g.
// an exact inverse Hessian next to its BFGS approximation. The scale is
// symmetric about 0 (blue < 0 < vermillion, through white) when the
// values have both signs, and white to blue otherwise.
type HeatMaps struct {
	Title  string
	Panels []Matrix
	// Panel is the side of each square panel in CSS pixels (0 means 320).
	Panel int
}

// MatrixOf returns the panel named name showing the entries of m, e.g. a
// gonum *mat.SymDense. Cost O(rows·columns).
func MatrixOf(name string, m mat.Matrix) Matrix {
	r, c := m.Dims()
	data := make([][]float64, r)
	for i := range data {
		data[i] = make([]float64, c)
		for j := range data[i] {
			data[i][j] = m.At(i, j)
		}
	}
	return Matrix{Name: name, Data: data}
}

// NewHeatMaps returns matrices side by side under one title.
func NewHeatMaps(title string, panels ...Matrix) *HeatMaps {
	return &HeatMaps{Title: title, Panels: panels}
}
