package optim

import "time"

// DefaultTraceLimit is the number of records a Trace keeps when its Limit is 0.
const DefaultTraceLimit = 1000

// DefaultTraceXDim is the largest dimension for which a Trace stores x in
// each record when its XDim is 0; above it records carry X == nil.
const DefaultTraceXDim = 1000

// Record is one iterate of a run, as the Trace keeps it and the observer
// sees it.
type Record struct {
	Iter  int     // iteration (0 = the starting point)
	Epoch float64 // passes over the data so far (stochastic runs), else 0
	// X is the iterate: a copy in a Trace (nil above its XDim), the live
	// point in an observer's call.
	X []float64
	// F and GradNorm are f(x) and ‖∇f(x)‖₂: of the full objective when Full,
	// else (the steps of a stochastic run) of the batch.
	F        float64
	GradNorm float64
	Full     bool
	// StepSize is the α of the step that led to x: the learning rate of a
	// step rule, the step length along the search direction of a Searcher;
	// 0 at the start.
	StepSize  float64
	FuncEvals int           // cumulative evaluations of f (see Stats)
	GradEvals int           // cumulative evaluations of ∇f (see Stats)
	Elapsed   time.Duration // wall time since the run started
}

// Trace is the path of a run: a sequence of Records in increasing Iter.
// A long run is decimated as it goes: when Limit records are held, every
// other one is dropped and only every Stride()-th iteration is kept from
// then on, so a trace of any length holds between Limit/2 and Limit
// records, spread evenly over the run. Add is O(1) amortised.
//
// The zero value is ready to use with the defaults.
type Trace struct {
	// Label names the run in chart legends and tables.
	Label string
	// Limit is the most records kept (0 means DefaultTraceLimit; minimum 4).
	Limit int
	// XDim is the largest dimension whose x is copied into records
	// (0 means DefaultTraceXDim; negative means never).
	XDim int

	Records []Record
	stride  int

	// Evals holds the full-data evaluations of a stochastic run (F and
	// GradNorm of the full objective, Full set; GradNorm NaN with
	// Settings.EvalLossOnly), at the start, at the end of
	// every epoch, every EvalEvery steps and at the end; never decimated.
	// Empty for full-objective runs, whose Records already hold f(x). A
	// network in training mode is measured in training mode (with batch
	// norm: all n examples as one batch), through problems.Measurer when
	// it is one, so that measuring leaves its running statistics and
	// dropout masks alone.
	Evals []Record
}

// Full returns the records of the full objective: Evals for a stochastic
// run, else Records. Loss curves and tables read these.
func (t *Trace) Full() []Record {
	if len(t.Evals) > 0 {
		return t.Evals
	}
	return t.Records
}

// EvalFs returns the full-data losses of Evals.
func (t *Trace) EvalFs() []float64 {
	out := make([]float64, len(t.Evals))
	for i, r := range t.Evals {
		out[i] = r.F
	}
	return out
}

// EvalEpochs returns the epochs (passes over the data) at which Evals were measured.
func (t *Trace) EvalEpochs() []float64 {
	out := make([]float64, len(t.Evals))
	for i, r := range t.Evals {
		out[i] = r.Epoch
	}
	return out
}

// Stride is the spacing in iterations between the records now being kept.
func (t *Trace) Stride() int {
	if t.stride == 0 {
		return 1
	}
	return t.stride
}

// keeps reports whether Add keeps iteration iter: a multiple of the
// stride, a power of two.
func (t *Trace) keeps(iter int) bool { return iter&(t.Stride()-1) == 0 }

func (t *Trace) limit() int {
	switch {
	case t.Limit == 0:
		return DefaultTraceLimit
	case t.Limit < 4:
		return 4
	}
	return t.Limit
}

// Add records r, copying r.X (when within XDim), unless decimation skips
// iteration r.Iter. Use Final for the last step of a run so that it is kept
// whatever the stride.
func (t *Trace) Add(r Record) {
	if !t.keeps(r.Iter) {
		return
	}
	t.add(r)
}

// Final records r whatever the stride, replacing a record of the same
// iteration if one is already last.
func (t *Trace) Final(r Record) {
	t.dropLast(r.Iter)
	t.add(r)
}

// dropLast removes the last record if it is of iteration iter.
func (t *Trace) dropLast(iter int) {
	if n := len(t.Records); n > 0 && t.Records[n-1].Iter == iter {
		t.Records = t.Records[:n-1]
	}
}

// xdim is the largest dimension whose x the trace copies.
func (t *Trace) xdim() int {
	if t.XDim == 0 {
		return DefaultTraceXDim
	}
	return t.XDim
}

func (t *Trace) add(r Record) {
	if len(t.Records) >= t.limit() {
		t.thin()
	}
	t.Records = append(t.Records, t.kept(r))
}

// addEval appends r to Evals, copying r.X when within XDim.
func (t *Trace) addEval(r Record) {
	t.Evals = append(t.Evals, t.kept(r))
}

// kept returns r with X as a Trace keeps it: a copy of r.X when its length
// is at most XDim, else nil.
func (t *Trace) kept(r Record) Record {
	if len(r.X) <= t.xdim() {
		r.X = append([]float64(nil), r.X...)
	} else {
		r.X = nil
	}
	return r
}

// thin keeps every other record (the first included) and doubles the stride.
func (t *Trace) thin() {
	kept := t.Records[:0]
	s := 2 * t.Stride()
	for _, r := range t.Records {
		if r.Iter%s == 0 {
			kept = append(kept, r)
		}
	}
	clear(t.Records[len(kept):])
	t.Records = kept
	t.stride = s
}

// Len is the number of records held.
func (t *Trace) Len() int { return len(t.Records) }

// Last returns the last record and whether there is one.
func (t *Trace) Last() (Record, bool) {
	if len(t.Records) == 0 {
		return Record{}, false
	}
	return t.Records[len(t.Records)-1], true
}

// Column returns one field of every record as float64s, for charts:
// it calls get on each record in order. Cost O(Len()).
func (t *Trace) Column(get func(Record) float64) []float64 {
	out := make([]float64, len(t.Records))
	for i, r := range t.Records {
		out[i] = get(r)
	}
	return out
}

// Iters returns the iteration numbers as float64s.
func (t *Trace) Iters() []float64 { return t.Column(func(r Record) float64 { return float64(r.Iter) }) }

// Fs returns the recorded objective values.
func (t *Trace) Fs() []float64 { return t.Column(func(r Record) float64 { return r.F }) }

// GradNorms returns the recorded gradient norms.
func (t *Trace) GradNorms() []float64 { return t.Column(func(r Record) float64 { return r.GradNorm }) }

// Seconds returns the recorded wall times in seconds.
func (t *Trace) Seconds() []float64 {
	return t.Column(func(r Record) float64 { return r.Elapsed.Seconds() })
}

// Coord returns component i of the recorded points (NaN where X was not kept).
func (t *Trace) Coord(i int) []float64 {
	return t.Column(func(r Record) float64 {
		if i < len(r.X) {
			return r.X[i]
		}
		return nan
	})
}
