package nb

import (
	"encoding/gob"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/descentlab/descent/lib/viz"
	"github.com/descentlab/descent/lib/viz/draw"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// fakeGoNB plays the kernel's side of the display protocol as GoNB's
// jpyexec does: it reads gob-encoded DisplayData from the first pipe and
// answers every sync request on the second with an acknowledgement. It
// sends what it read, in order, on the returned channel.
func fakeGoNB(t *testing.T) <-chan protocol.DisplayData {
	t.Helper()
	dir := t.TempDir()
	toKernel, fromKernel := filepath.Join(dir, "pipe"), filepath.Join(dir, "pipe_back")
	for _, p := range []string{toKernel, fromKernel} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatalf("mkfifo %s: %v", p, err)
		}
	}
	t.Setenv(protocol.GONB_PIPE_ENV, toKernel)
	t.Setenv(protocol.GONB_PIPE_BACK_ENV, fromKernel)
	t.Setenv(protocol.GONB_TMP_DIR_ENV, dir)
	got := make(chan protocol.DisplayData, 16)
	go func() {
		defer close(got)
		r, err := os.OpenFile(toKernel, os.O_RDONLY, 0)
		if err != nil {
			return
		}
		defer r.Close()
		w, err := os.OpenFile(fromKernel, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		dec, enc := gob.NewDecoder(r), gob.NewEncoder(w)
		for {
			var d protocol.DisplayData
			if dec.Decode(&d) != nil {
				return
			}
			got <- d
			if v, ok := d.Data[protocol.MIMECommValue].(protocol.CommValue); ok && v.Address == protocol.GonbuiSyncAddress {
				enc.Encode(&protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: v.Value})
			}
		}
	}()
	// This test process is now "a cell program": a fresh connection.
	old := inNotebook
	inNotebook = true
	t.Cleanup(func() {
		gonb.mu.Lock()
		if gonb.w != nil {
			gonb.w.Close()
			gonb.r.Close()
		}
		gonb.w, gonb.enc, gonb.r, gonb.dec, gonb.err, gonb.next = nil, nil, nil, nil, nil, 0
		gonb.mu.Unlock()
		inNotebook = old
		mu.Lock()
		sent = false
		mu.Unlock()
	})
	mu.Lock()
	sent = false
	mu.Unlock()
	return got
}

// Display sends the chart (HTML with the echarts loader the first time,
// and a plain-text fallback), then a sync request, and returns only after
// GoNB acknowledged it; the next chart goes over the same connection
// without the bundle and with the next sync id.
func TestDisplaySpeaksGoNBsProtocol(t *testing.T) {
	got := fakeGoNB(t)
	chart := func(title string) viz.Chart {
		return viz.NewPlot(title).Line("SGD", []float64{0, 1, 2}, []float64{3, 2, 1})
	}
	for i, title := range []string{"First", "Second"} {
		if err := Display(chart(title)); err != nil {
			t.Fatalf("Display(%s): %v", title, err)
		}
		d := <-got
		html, _ := d.Data[protocol.MIMETextHTML].(string)
		plain, _ := d.Data[protocol.MIMETextPlain].(string)
		if !strings.Contains(html, "descent-viz") || !strings.HasPrefix(plain, "chart: ") {
			t.Fatalf("chart %d: html %.80q…, text %q: want the chart's fragment and its id", i, html, plain)
		}
		if carries := strings.Contains(html, draw.LoaderAttr); carries != (i == 0) {
			t.Errorf("chart %d carries the echarts loader: %v, want %v", i, carries, i == 0)
		}
		s := <-got
		v, ok := s.Data[protocol.MIMECommValue].(protocol.CommValue)
		if !ok || v.Address != protocol.GonbuiSyncAddress || v.Value != i {
			t.Fatalf("after chart %d: %+v, want sync request %d", i, s.Data, i)
		}
	}
}

// A progress bar updates one display id in place and syncs when forced.
func TestProgressSpeaksGoNBsProtocol(t *testing.T) {
	got := fakeGoNB(t)
	p := &Progress{id: "bar-1", label: "Adam", total: 10, start: time.Now()}
	p.Done("converged")
	d := <-got
	if d.DisplayID != "bar-1" || !strings.Contains(d.Data[protocol.MIMETextHTML].(string), "converged") {
		t.Fatalf("progress update %+v: want display id bar-1 and the status", d)
	}
	if s := <-got; s.Data[protocol.MIMECommValue].(protocol.CommValue).Address != protocol.GonbuiSyncAddress {
		t.Fatalf("after the final update: %+v, want a sync request", s.Data)
	}
}

// Without a kernel at the other end Display reports the error and keeps it.
func TestDisplayReportsABrokenPipe(t *testing.T) {
	old := inNotebook
	inNotebook = true
	defer func() {
		inNotebook = old
		gonb.mu.Lock()
		gonb.err = nil
		gonb.mu.Unlock()
	}()
	t.Setenv(protocol.GONB_PIPE_ENV, filepath.Join(t.TempDir(), "no-such-pipe"))
	for range 2 {
		err := Display(viz.NewPlot("Lost").Line("SGD", []float64{0, 1}, []float64{1, 0}))
		if err == nil || !strings.Contains(err.Error(), "GoNB's pipe") {
			t.Fatalf("Display without GoNB = %v, want an error about GoNB's pipe", err)
		}
	}
}
