package problems

import (
	"fmt"
	"math"

	"github.com/descentlab/descent/internal/modelargs"
)

// LinearData draws n examples of a noisy linear model in d features:
//
//	xᵢ ~ N(0, I_d),   yᵢ = w·xᵢ + b + σ εᵢ,   εᵢ ~ N(0, 1),
//
// with true weights w ~ N(0, I_d) and bias b ~ N(0, 1) drawn first from the
// same seed and stored in Truth as (w, b). The least-squares fit recovers
// Truth up to O(σ/√n). Same seed, same bits. Cost O(n·d).
// It panics unless n ≥ 1, d ≥ 1 and σ ≥ 0.
func LinearData(n, d int, noise float64, seed uint64) Dataset {
	if n < 1 || d < 1 {
		panic(fmt.Sprintf("problems: LinearData: n = %d, d = %d, want both ≥ 1", n, d))
	}
	checkNoise("LinearData", noise)
	rng := modelargs.NewRand(seed)
	truth := make([]float64, d+1)
	for j := range truth {
		truth[j] = rng.NormFloat64()
	}
	x := modelargs.Rows(n, d)
	y := make([]float64, n)
	for i := range x {
		s := truth[d]
		for j := range x[i] {
			x[i][j] = rng.NormFloat64()
			s += truth[j] * x[i][j]
		}
		y[i] = s + noise*rng.NormFloat64()
	}
	return Dataset{Name: "linear", X: x, Y: y, Truth: truth}
}

// LogisticData draws n two-class examples from a logistic model in d features:
//
//	xᵢ ~ N(0, I_d),   P(labelᵢ = 1 | xᵢ) = σ(w·xᵢ + b),   σ(z) = 1/(1 + e⁻ᶻ),
//
// with ‖w‖ = 4 in a random direction and b = 0.5, stored in Truth as (w, b).
// About 90% of the labels agree with sign(w·x + b), so the classes overlap a
// little and the logistic loss has a finite minimizer. Same seed, same bits.
// Cost O(n·d). It panics unless n ≥ 1 and d ≥ 1.
func LogisticData(n, d int, seed uint64) Dataset {
	if n < 1 || d < 1 {
		panic(fmt.Sprintf("problems: LogisticData: n = %d, d = %d, want both ≥ 1", n, d))
	}
	rng := modelargs.NewRand(seed)
	truth := make([]float64, d+1)
	var norm float64
	for j := 0; j < d; j++ {
		truth[j] = rng.NormFloat64()
		norm += truth[j] * truth[j]
	}
	norm = math.Sqrt(norm)
	for j := 0; j < d; j++ {
		truth[j] *= 4 / norm
	}
	truth[d] = 0.5
	x := modelargs.Rows(n, d)
	label := make([]int, n)
	for i := range x {
		z := truth[d]
		for j := range x[i] {
			x[i][j] = rng.NormFloat64()
			z += truth[j] * x[i][j]
		}
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			label[i] = 1
		}
	}
	return Dataset{Name: "logistic", X: x, Label: label, Classes: 2, Truth: truth}
}

// SortedClasses draws k classes of perClass 2-D points each, stored in
// blocks: all of class 0, then all of class 1, … ("100 dogs, then 100 cats,
// then 100 cows"). Class c is a Gaussian blob with standard deviation 1
// around (3 cos 2πc/k, 3 sin 2πc/k). Taken in stored order, every mini-batch
// of size ≤ perClass holds one class, so SGD without shuffling chases each
// class in turn: the lesson that data must be shuffled. Same seed, same bits.
// Cost O(k·perClass). It panics unless k ≥ 2 and perClass ≥ 1.
func SortedClasses(k, perClass int, seed uint64) Dataset {
	if k < 2 || perClass < 1 {
		panic(fmt.Sprintf("problems: SortedClasses: k = %d, perClass = %d, want k ≥ 2 and perClass ≥ 1", k, perClass))
	}
	rng := modelargs.NewRand(seed)
	x := modelargs.Rows(k*perClass, 2)
	label := make([]int, k*perClass)
	for c := 0; c < k; c++ {
		s, co := math.Sincos(2 * math.Pi * float64(c) / float64(k))
		for i := c * perClass; i < (c+1)*perClass; i++ {
			x[i][0] = 3*co + rng.NormFloat64()
			x[i][1] = 3*s + rng.NormFloat64()
			label[i] = c
		}
	}
	return Dataset{Name: "sorted classes", X: x, Label: label, Classes: k}
}

// Moons draws n 2-D points on two interleaving half circles (scikit-learn's
// make_moons): class 0 on (cos t, sin t), class 1 on (1 − cos t, ½ − sin t),
// t uniform in [0, π], plus N(0, noise²) jitter; labels alternate 0, 1, 0, …
// so the classes are balanced. Not linearly separable: logistic regression
// stops near 85% accuracy while a small MLP separates them. Same seed, same
// bits. Cost O(n). It panics unless n ≥ 2 and noise ≥ 0.
func Moons(n int, noise float64, seed uint64) Dataset {
	if n < 2 {
		panic(fmt.Sprintf("problems: Moons: n = %d, want n ≥ 2", n))
	}
	checkNoise("Moons", noise)
	rng := modelargs.NewRand(seed)
	x := modelargs.Rows(n, 2)
	label := make([]int, n)
	for i := range x {
		s, c := math.Sincos(math.Pi * rng.Float64())
		if i%2 == 0 {
			x[i][0], x[i][1] = c, s
		} else {
			x[i][0], x[i][1] = 1-c, 0.5-s
			label[i] = 1
		}
		x[i][0] += noise * rng.NormFloat64()
		x[i][1] += noise * rng.NormFloat64()
	}
	return Dataset{Name: "moons", X: x, Label: label, Classes: 2}
}

// Spirals draws perClass 2-D points on each of k interleaved spiral arms
// (the CS231n toy set): for class c and r = i/(perClass−1),
//
//	point = r (sin θ, cos θ),   θ = 4c + 4r + noise·N(0, 1),
//
// stored class by class. Only a network with a hidden layer separates them,
// and its decision boundary is the picture of what depth buys. Same seed,
// same bits. Cost O(k·perClass). It panics unless k ≥ 2, perClass ≥ 2 and
// noise ≥ 0.
func Spirals(k, perClass int, noise float64, seed uint64) Dataset {
	if k < 2 || perClass < 2 {
		panic(fmt.Sprintf("problems: Spirals: k = %d, perClass = %d, want k ≥ 2 and perClass ≥ 2", k, perClass))
	}
	checkNoise("Spirals", noise)
	rng := modelargs.NewRand(seed)
	x := modelargs.Rows(k*perClass, 2)
	label := make([]int, k*perClass)
	for c := 0; c < k; c++ {
		for i := 0; i < perClass; i++ {
			r := float64(i) / float64(perClass-1)
			t := 4*float64(c) + 4*r + noise*rng.NormFloat64()
			s, co := math.Sincos(t)
			j := c*perClass + i
			x[j][0], x[j][1] = r*s, r*co
			label[j] = c
		}
	}
	return Dataset{Name: "spirals", X: x, Label: label, Classes: k}
}

// SpiralArms draws perClass 2-D points on each of k spiral arms spaced
// evenly around the origin, each three quarters of a turn long: for class c,
//
//	r ~ U(0, 1),   θ = 2πc/k + (3π/2) r + noise·N(0, 1),   point = r (cos θ, sin θ),
//
// stored in turn (example i has class i mod k). Neighbouring arms are 2π/k
// apart in angle, so the Euclidean gap between them grows with r: they
// meet at the centre, where the classes overlap and no classifier is always
// right, and separate outwards, where a boundary must wind between them.
// That makes a task harder than two moons (k classes, curved boundaries,
// label ambiguity near the centre, and a neighbouring arm as the natural
// confusion, which a teacher's soft targets carry) that is still 2-D and
// drawn in one chart. With k = 5, 300 points per arm and noise 0.25, a
// 2-64-64-5 ReLU network trained on half of them reaches about 97% on the
// other half, a 2-16-16-5 one trained on 100 points about 83%
// (BenchmarkNotebook08 in lib/optim measures both). Unlike Spirals
// the arms are evenly spaced for every k. Same seed, same bits. Cost
// O(k·perClass). It panics unless k ≥ 2, perClass ≥ 1 and noise ≥ 0.
func SpiralArms(k, perClass int, noise float64, seed uint64) Dataset {
	if k < 2 || perClass < 1 {
		panic(fmt.Sprintf("problems: SpiralArms: k = %d, perClass = %d, want k ≥ 2 and perClass ≥ 1", k, perClass))
	}
	checkNoise("SpiralArms", noise)
	rng := modelargs.NewRand(seed)
	x := modelargs.Rows(k*perClass, 2)
	label := make([]int, k*perClass)
	for i := range x {
		c := i % k
		r := rng.Float64()
		t := 2*math.Pi*float64(c)/float64(k) + 1.5*math.Pi*r + noise*rng.NormFloat64()
		s, co := math.Sincos(t)
		x[i][0], x[i][1] = r*co, r*s
		label[i] = c
	}
	return Dataset{Name: "spiral arms", X: x, Label: label, Classes: k}
}

// checkNoise panics unless noise is a finite value ≥ 0, naming the constructor.
func checkNoise(name string, noise float64) {
	if !(noise >= 0) || math.IsInf(noise, 1) {
		panic(fmt.Sprintf("problems: %s: noise = %v, want a finite noise ≥ 0", name, noise))
	}
}
