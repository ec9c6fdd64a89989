package secondorder

import "strconv"

// axpy sets dst = x + a·y.
func axpy(dst, x []float64, a float64, y []float64) {
	for i := range dst {
		dst[i] = x[i] + a*y[i]
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
