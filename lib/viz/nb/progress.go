package nb

import (
	"fmt"
	"html"
	"os"
	"sync/atomic"
	"time"

	"github.com/descentlab/descent/lib/optim"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// Progress is a bar updated in place in the cell's output while a long
// loop runs (through GoNB's display updates), at most ten times a second.
// Outside a notebook it does nothing. A Progress is not safe for
// concurrent use.
type Progress struct {
	label string
	total int
	id    string
	start time.Time
	last  time.Time
}

var progressCount atomic.Int64

// NewProgress starts a bar named label for total steps (total ≤ 0: a
// counter without a bar).
func NewProgress(label string, total int) *Progress {
	p := &Progress{label: label, total: total, start: time.Now(),
		id: fmt.Sprintf("descent-progress-%d-%d", os.Getpid(), progressCount.Add(1))}
	p.show(0, "", true)
	return p
}

// Set reports that done steps are finished; status is shown after the
// bar (e.g. "loss 0.031"). Cost: one display update when 100 ms have
// passed since the last one, else nothing.
func (p *Progress) Set(done int, status string) { p.show(done, status, false) }

// Observe is an optim.Observer that moves the bar to the record's
// iteration and shows its loss: attach it to a run with
// optim.Settings{Observe: bar.Observe}. It never stops the run. (For a
// stochastic run counted in epochs, make the bar with total = epochs and
// use ObserveEpochs.) Cost: as Set.
func (p *Progress) Observe(r optim.Record) bool {
	p.Set(r.Iter, recordStatus(r))
	return false
}

// ObserveEpochs is Observe for a bar whose total is a number of epochs:
// it moves the bar to the record's completed epochs.
func (p *Progress) ObserveEpochs(r optim.Record) bool {
	p.Set(int(r.Epoch), recordStatus(r))
	return false
}

func recordStatus(r optim.Record) string {
	if r.Full {
		return fmt.Sprintf("f = %.4g", r.F)
	}
	return fmt.Sprintf("batch loss %.4g", r.F)
}

// Done shows the final state, whatever the time since the last update.
//
// The final state shows no elapsed time, so that a re-run notebook keeps
// the same bytes.
func (p *Progress) Done(status string) { p.show(p.total, status, true) }

func (p *Progress) show(done int, status string, force bool) {
	if !inNotebook {
		return
	}
	now := time.Now()
	if !force && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start)
	if force && done == p.total {
		elapsed = -1
	}
	// A bar is decoration: if GoNB cannot be reached, the run goes on
	// and the next chart reports the error.
	err := send(&protocol.DisplayData{DisplayID: p.id,
		Data: map[protocol.MIMEType]any{protocol.MIMETextHTML: progressHTML(p.label, done, p.total, status, elapsed)}})
	if err == nil && force {
		_ = syncGoNB() // the final state must reach GoNB before the cell ends
	}
}

// progressHTML renders the bar: plain HTML that survives sanitizers.
// A negative elapsed time is left out.
func progressHTML(label string, done, total int, status string, elapsed time.Duration) string {
	bar, count := "", fmt.Sprintf("%d", done)
	if total > 0 {
		frac := min(max(float64(done)/float64(total), 0), 1)
		bar = fmt.Sprintf(`<span style="display:inline-block;width:200px;height:0.8em;border:1px solid #888;vertical-align:middle">`+
			`<span style="display:block;height:100%%;width:%.1f%%;background:#0072B2"></span></span> `, 100*frac)
		count = fmt.Sprintf("%d/%d (%.0f%%)", done, total, 100*frac)
	}
	t := ""
	if elapsed >= 0 {
		t = " · " + elapsed.Round(100*time.Millisecond).String()
	}
	return fmt.Sprintf(`<div style="font-family:monospace">%s %s%s%s %s</div>`,
		html.EscapeString(label), bar, count, t, html.EscapeString(status))
}
