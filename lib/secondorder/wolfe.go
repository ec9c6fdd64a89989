package secondorder

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/num"
)

// StrongWolfe is the line search of Nocedal & Wright (Numerical
// Optimization, 2nd ed., Algorithms 3.5 and 3.6): it brackets, then zooms
// with safeguarded cubic interpolation, until a step satisfies the strong
// Wolfe conditions
//
//	φ(α) ≤ φ(0) + C1·α·φ'(0)   (sufficient decrease)
//	|φ'(α)| ≤ C2·|φ'(0)|        (curvature)
//
// which keep sᵀy > 0 and so BFGS updates well defined. While bracketing, the
// step grows to the cubic extrapolation clamped within [2.1α, 5α]. A
// non-finite trial is treated as too long: it closes the bracket and the
// zoom bisects towards the last finite point.
//
// Cost: one objective and one gradient evaluation per trial. If MaxTrials
// pass, the search returns the best point found with sufficient decrease,
// if it has one (the curvature condition then may not hold); otherwise it
// fails with a *LineSearchError, or an *optim.NumericalError when every
// trial was non-finite.
//
// Every field must be set: 0 < C1 < C2 < 1 and MaxTrials ≥ 1 (Nocedal &
// Wright: C1 = 1e-4 and C2 = 0.9 for quasi-Newton, 0.1 for nonlinear CG; 25
// trials). The methods use exactly that when their LineSearch is nil.
// Search panics on values out of range.
type StrongWolfe struct {
	C1, C2    float64
	MaxTrials int
}

func (w StrongWolfe) params() (c1, c2 float64, maxTrials int) {
	c1, c2, maxTrials = w.C1, w.C2, w.MaxTrials
	if !(0 < c1 && c1 < c2 && c2 < 1) || maxTrials < 1 {
		panic(fmt.Sprintf("secondorder: %+v: need 0 < C1 < C2 < 1 (Nocedal & Wright: 1e-4 and 0.9) and MaxTrials ≥ 1", w))
	}
	return c1, c2, maxTrials
}

type wolfePoint struct{ a, f, d float64 }

// Search implements LineSearcher.
func (w StrongWolfe) Search(l *Line, phi0, dphi0, alpha0 float64) (float64, error) {
	c1, c2, maxTrials := w.params()
	armijo := func(p wolfePoint) bool { return p.f <= phi0+c1*p.a*dphi0 }
	curv := func(p wolfePoint) bool { return math.Abs(p.d) <= -c2*dphi0 }

	// best is the lowest trial with sufficient decrease, the fallback when
	// the budget runs out.
	best := wolfePoint{a: 0, f: phi0, d: dphi0}
	anyFinite := false
	eval := func(a float64) (wolfePoint, bool) {
		f, d := l.PhiDeriv(a)
		p := wolfePoint{a, f, d}
		ok := num.Finite(f) && num.Finite(d)
		anyFinite = anyFinite || ok
		if ok && armijo(p) && f < best.f {
			best = p
		}
		return p, ok
	}

	prev := wolfePoint{a: 0, f: phi0, d: dphi0}
	alpha := alpha0
	var lo, hi wolfePoint
	hiFinite := true
	trials := 0
	bracketed := false
	for trials < maxTrials {
		cur, ok := eval(alpha)
		trials++
		if !ok {
			lo, hi, hiFinite, bracketed = prev, cur, false, true
			break
		}
		if !armijo(cur) || (trials > 1 && cur.f >= prev.f) {
			lo, hi, bracketed = prev, cur, true
			break
		}
		if curv(cur) {
			return cur.a, nil
		}
		if cur.d >= 0 {
			lo, hi, bracketed = cur, prev, true
			break
		}
		// Extrapolate.
		next := cubicMin(prev, cur)
		lower, upper := cur.a+1.1*(cur.a-prev.a), cur.a+4*(cur.a-prev.a)
		if !num.Finite(next) || next < lower || next > upper {
			next = upper
		}
		prev, alpha = cur, next
	}
	for bracketed && trials < maxTrials {
		// Zoom: lo satisfies Armijo and has the lowest f so far;
		// φ'(lo)·(hi − lo) < 0.
		width := hi.a - lo.a
		var t float64
		if hiFinite {
			t = cubicMin(lo, hi)
		} else {
			t = nan
		}
		if !num.Finite(t) && hiFinite {
			t = quadMin(lo, hi)
		}
		a, b := math.Min(lo.a, hi.a), math.Max(lo.a, hi.a)
		guard := 0.1 * (b - a)
		switch {
		case !num.Finite(t):
			t = lo.a + 0.5*width
		case t < a+guard:
			t = a + guard
		case t > b-guard:
			t = b - guard
		}
		if !hiFinite {
			// Step towards lo quickly out of the non-finite region.
			t = lo.a + 0.1*width
		}
		cur, ok := eval(t)
		trials++
		if !l.moved() {
			break
		}
		if !ok {
			hi, hiFinite = cur, false
			continue
		}
		if !armijo(cur) || cur.f >= lo.f {
			hi, hiFinite = cur, true
			continue
		}
		if curv(cur) {
			return cur.a, nil
		}
		if cur.d*(hi.a-lo.a) >= 0 {
			hi, hiFinite = lo, true
		}
		lo = cur
		if math.Abs(hi.a-lo.a) <= 1e-16*math.Max(1, math.Abs(lo.a)) {
			break
		}
	}
	if best.a > 0 {
		if l.Alpha != best.a {
			l.PhiDeriv(best.a)
		}
		return best.a, nil
	}
	if !anyFinite {
		return l.Alpha, nonFiniteLine(l)
	}
	return l.Alpha, &LineSearchError{Alpha: l.Alpha, Evals: l.Evals, Reason: "no step with sufficient decrease"}
}

// cubicMin returns the minimiser of the cubic that interpolates φ and φ' at
// the two points (NaN when it has none).
func cubicMin(p, q wolfePoint) float64 {
	d1 := p.d + q.d - 3*(p.f-q.f)/(p.a-q.a)
	disc := d1*d1 - p.d*q.d
	if disc < 0 {
		return nan
	}
	d2 := math.Copysign(math.Sqrt(disc), q.a-p.a)
	return q.a - (q.a-p.a)*(q.d+d2-d1)/(q.d-p.d+2*d2)
}

// quadMin returns the minimiser of the quadratic through φ(p.a), φ'(p.a)
// and φ(q.a) (NaN when it opens downwards).
func quadMin(p, q wolfePoint) float64 {
	h := q.a - p.a
	c := (q.f - p.f - p.d*h) / (h * h)
	if !(c > 0) {
		return nan
	}
	return p.a - p.d/(2*c)
}
