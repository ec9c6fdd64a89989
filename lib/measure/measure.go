// Package measure states measured quantities for any lesson: the log-log
// fit that turns a table of sizes and costs (steps against κ, seconds
// against d) into the exponent of a growth law, and byte counts and
// durations written for a reader. It is its own package because first- and
// second-order lessons both fit growth laws and neither should import the
// other's optimizers to do it; of the course's packages it imports only
// internal/num, where the fit is implemented for the library's own use.
package measure

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/descentlab/descent/internal/num"
)

// FitLogLog fits log₁₀ y = slope·log₁₀ x + intercept by least squares, so
// that y ≈ 10^intercept · x^slope: the exponent of a growth law. It
// returns an error, and no fit, unless len(x) == len(y) ≥ 2, every value
// is finite and positive, and two x differ. Cost O(len(x)).
func FitLogLog(x, y []float64) (slope, intercept float64, err error) {
	return num.FitLogLog(x, y)
}

// FormatBytes writes a byte count with a decimal (SI) unit (B, kB, MB, GB,
// TB, PB, EB) to three significant digits: FormatBytes(8e18) is "8 EB".
func FormatBytes(b float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}
	i := 0
	for b >= 1000 && i < len(units)-1 {
		b /= 1000
		i++
	}
	return fmt.Sprintf("%.3g %s", b, units[i])
}

// FormatSeconds writes a duration given in seconds in the largest fitting
// unit (µs, ms, s, min, h, days, years) to three significant digits;
// years above a million read m×10ⁿ.
func FormatSeconds(s float64) string {
	switch {
	case s < 1e-3:
		return fmt.Sprintf("%.3g µs", s*1e6)
	case s < 1:
		return fmt.Sprintf("%.3g ms", s*1e3)
	case s < 120:
		return fmt.Sprintf("%.3g s", s)
	case s < 7200:
		return fmt.Sprintf("%.3g min", s/60)
	case s < 2*86400:
		return fmt.Sprintf("%.3g h", s/3600)
	case s < 2*365.25*86400:
		return fmt.Sprintf("%.3g days", s/86400)
	}
	return fmt.Sprintf("%s years", threeDigits(s/(365.25*86400)))
}

// threeDigits writes v ≥ 1 to three significant digits without an
// exponent below a million ("2510", not "2.51e+03") and as m×10ⁿ above.
func threeDigits(v float64) string {
	if v < 1e6 {
		r, _ := strconv.ParseFloat(fmt.Sprintf("%.3g", v), 64)
		return strconv.FormatFloat(r, 'f', -1, 64)
	}
	e := math.Floor(math.Log10(v))
	m, _ := strconv.ParseFloat(fmt.Sprintf("%.3g", v/math.Pow(10, e)), 64)
	if m >= 10 {
		m, e = m/10, e+1
	}
	sup := strings.NewReplacer("-", "⁻", "0", "⁰", "1", "¹", "2", "²", "3", "³", "4", "⁴", "5", "⁵", "6", "⁶", "7", "⁷", "8", "⁸", "9", "⁹")
	return strconv.FormatFloat(m, 'f', -1, 64) + "×10" + sup.Replace(strconv.Itoa(int(e)))
}
