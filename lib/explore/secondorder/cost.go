package secondorder

import (
	"fmt"
	"math"
	"time"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/internal/fig"

	"github.com/descentlab/descent/lib/measure"
	"github.com/descentlab/descent/lib/secondorder/cost"
)

// cost (notebook 06): the cost of one step at a chosen dimension d,
// extrapolated from timings measured by the notebook
// (cost.MeasureMin, handed over as Data with CostData) with
// cost.FitRows and cost.Extrapolate, the notebook's own
// functions. Panels: the time of one Newton step, one L-BFGS direction
// (m = the measurement's memory) and one CG iteration against d — the
// measured points and the fitted rates — and the memory of a dense Hessian,
// of L-BFGS's pairs and of the parameters, each with the chosen d marked.
// Cost: microseconds.
func init() {
	register(&explore.Explorable{
		Name:   "cost",
		Module: Module,
		Title:  "What one step costs at d parameters, from this machine's measurements",
		Controls: []explore.Control{
			{Name: "d", Label: "parameters d", Min: 100, Max: 1e9, Step: 0.05, Log: true, Default: 1e7},
		},
		Func: runCost,
	})
}

// CostData turns measured rows (cost.Measure, with L-BFGS
// memory m) into the Data of the "cost" explorable: times in nanoseconds,
// exactly as the rows hold them, so that the explorable refits exactly what
// the notebook fitted.
func CostData(rows []cost.Row, m int) explore.Data {
	d := explore.Data{"m": {float64(m)}}
	for _, r := range rows {
		d["d"] = append(d["d"], float64(r.D))
		d["assembleNs"] = append(d["assembleNs"], float64(r.Assemble))
		d["factorNs"] = append(d["factorNs"], float64(r.Factor))
		d["solveNs"] = append(d["solveNs"], float64(r.Solve))
		d["factorGFLOPS"] = append(d["factorGFLOPS"], r.FactorGFLOPS)
		d["twoLoopNs"] = append(d["twoLoopNs"], float64(r.TwoLoop))
		d["cgNs"] = append(d["cgNs"], float64(r.CGIter))
	}
	return d
}

// costRows reads the rows back; it panics, naming what is missing, on data
// that CostData did not write.
func costRows(d explore.Data) ([]cost.Row, int) {
	keys := []string{"d", "assembleNs", "factorNs", "solveNs", "factorGFLOPS", "twoLoopNs", "cgNs"}
	n := len(d["d"])
	for _, k := range keys {
		if len(d[k]) != n || n == 0 {
			panic(fmt.Sprintf("explore: cost needs the notebook's measured rows (lib/explore/secondorder.CostData): %q has %d values, d has %d", k, len(d[k]), n))
		}
	}
	if len(d["m"]) != 1 || !(d["m"][0] >= 1) {
		panic("explore: cost needs the L-BFGS memory of the measurement (CostData's m)")
	}
	m := int(d["m"][0])
	rows := make([]cost.Row, n)
	for i := range rows {
		dim := d["d"][i]
		rows[i] = cost.Row{D: int(dim), HessianBytes: 8 * dim * dim, LBFGSBytes: 16 * float64(m) * dim,
			Assemble: time.Duration(d["assembleNs"][i]), Factor: time.Duration(d["factorNs"][i]),
			Solve: time.Duration(d["solveNs"][i]), FactorGFLOPS: d["factorGFLOPS"][i],
			TwoLoop: time.Duration(d["twoLoopNs"][i]), CGIter: time.Duration(d["cgNs"][i])}
	}
	return rows, m
}

func runCost(v explore.Values, data explore.Data) *explore.Figure {
	rows, m := costRows(data)
	fit := cost.FitRows(rows)
	var ds []float64
	for e := 2.0; e <= 9+1e-9; e += 0.25 {
		ds = append(ds, math.Pow(10, e))
	}
	ext := cost.Extrapolate(fit, m, ds)
	var newton, lbfgs, cg, hess, pairs, params []float64
	for _, e := range ext {
		newton, lbfgs, cg = append(newton, e.NewtonSeconds), append(lbfgs, e.LBFGSSeconds), append(cg, e.CGIterSeconds)
		hess, pairs, params = append(hess, e.HessianBytes), append(pairs, e.LBFGSBytes), append(params, 8*e.D)
	}
	dFactor, tFactor := cost.Timings(rows, cost.Cholesky)
	dLoop, tLoop := cost.Timings(rows, cost.TwoLoop)
	dCG, tCG := cost.Timings(rows, cost.CGIteration)
	d := v["d"]
	at := cost.Extrapolate(fit, m, []float64{d})[0]
	lbfgsName := fmt.Sprintf("L-BFGS direction, m = %d", m)
	return &explore.Figure{
		Panels: []explore.Panel{{
			Title: "Time of one step", Note: "markers: measured here (Newton: its Cholesky factorisation); lines: fitted",
			XLabel: "parameters d", YLabel: "seconds", LogX: true, LogY: true, XMin: 100, XMax: 1e9,
			Series: []explore.Series{
				{Name: "Newton step", Kind: explore.Line, X: ds, Y: newton},
				{Name: lbfgsName, Kind: explore.Line, X: ds, Y: lbfgs},
				{Name: "CG iteration", Kind: explore.Line, X: ds, Y: cg},
				{Name: "Newton step", Kind: explore.Points, X: dFactor, Y: tFactor, Symbol: "circle", Size: 6, NoLegend: true},
				{Name: lbfgsName, Kind: explore.Points, X: dLoop, Y: tLoop, Symbol: "triangle", Size: 7, NoLegend: true},
				{Name: "CG iteration", Kind: explore.Points, X: dCG, Y: tCG, Symbol: "square", Size: 6, NoLegend: true},
				{Name: "your d", Kind: explore.Line, X: []float64{d, d}, Y: []float64{at.CGIterSeconds, at.NewtonSeconds}, Color: "#000000", Dashed: true},
			},
		}, {
			Title: "Memory", XLabel: "parameters d", YLabel: "bytes", LogX: true, LogY: true, XMin: 100, XMax: 1e9,
			Series: []explore.Series{
				{Name: "dense Hessian 8d²", Kind: explore.Line, X: ds, Y: hess},
				{Name: fmt.Sprintf("L-BFGS pairs 16md, m = %d", m), Kind: explore.Line, X: ds, Y: pairs},
				{Name: "parameters 8d", Kind: explore.Line, X: ds, Y: params},
				{Name: "64 GB", Kind: explore.Line, X: []float64{100, 1e9}, Y: []float64{64e9, 64e9}, Color: fig.Gray, Dashed: true},
				{Name: "your d", Kind: explore.Line, X: []float64{d, d}, Y: []float64{8 * d, at.HessianBytes}, Color: "#000000", Dashed: true},
			},
		}},
		Readout: []explore.Reading{
			{Label: "Hessian", Value: at.HessianBytes, Unit: "B", Text: measure.FormatBytes(at.HessianBytes)},
			{Label: "Newton step", Value: at.NewtonSeconds, Unit: "s", Text: measure.FormatSeconds(at.NewtonSeconds)},
			{Label: "L-BFGS pairs", Value: at.LBFGSBytes, Unit: "B", Text: measure.FormatBytes(at.LBFGSBytes)},
			{Label: "L-BFGS direction", Value: at.LBFGSSeconds, Unit: "s", Text: measure.FormatSeconds(at.LBFGSSeconds)},
			{Label: "CG iteration", Value: at.CGIterSeconds, Unit: "s", Text: measure.FormatSeconds(at.CGIterSeconds)},
		},
	}
}
