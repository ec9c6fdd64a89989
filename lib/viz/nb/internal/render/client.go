package render

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/descentlab/descent/lib/viz"
)

// Tag is the build tag of a notebook cell whose charts are drawn by the
// helper: the kernel's GOFLAGS carry -tags=descentcell.
const Tag = "descentcell"

// Helper is the import path of the helper command.
const Helper = "github.com/descentlab/descent/lib/viz/nb/internal/render/vizrender"

// mu serializes Calls: each starts its own helper process.
var mu sync.Mutex

// Call has the helper draw r, answering its questions about contour
// values with grid, and returns its reply. viz.Default's bindings go with
// the request and come back with the reply. The first Call of a kernel
// session builds the helper (about a second); each Call then starts it,
// and waits for it to exit, so that its CPU time is the cell's (a few
// tens of milliseconds per chart).
func Call(r Request, grid GridFunc) (Reply, error) {
	mu.Lock()
	defer mu.Unlock()
	looks, err := viz.Default.MarshalJSON()
	if err != nil {
		return Reply{}, fmt.Errorf("render: looks: %w", err)
	}
	r.Looks = looks
	bin, done, err := build()
	if err != nil {
		return Reply{}, err
	}
	cmd := exec.Command(bin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		done()
		return Reply{}, fmt.Errorf("render: starting the helper: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		done()
		return Reply{}, fmt.Errorf("render: starting the helper: %w", err)
	}
	err = cmd.Start()
	done() // a running program's file can go
	if err != nil {
		return Reply{}, fmt.Errorf("render: starting the helper %s: %w", bin, err)
	}
	reply, err := exchange(gob.NewEncoder(in), gob.NewDecoder(out), r, grid)
	in.Close() // the helper exits at the end of its input
	switch werr := cmd.Wait(); {
	case werr != nil && err == nil:
		err = fmt.Errorf("render: the helper: %w", werr)
	case werr != nil:
		err = fmt.Errorf("%w (the helper: %v)", err, werr)
	}
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			err = fmt.Errorf("%w; the helper said: %s", err, msg)
		}
		return Reply{}, err
	}
	if len(reply.Looks) > 0 {
		if err := viz.Default.UnmarshalJSON(reply.Looks); err != nil {
			return Reply{}, fmt.Errorf("render: the helper's looks: %w", err)
		}
	}
	return reply, nil
}

// exchange sends r and answers the helper's questions until its reply.
func exchange(enc *gob.Encoder, dec *gob.Decoder, r Request, grid GridFunc) (Reply, error) {
	if err := enc.Encode(r); err != nil {
		return Reply{}, fmt.Errorf("render: sending the request to the helper: %w", err)
	}
	for {
		var m message
		if err := dec.Decode(&m); err != nil {
			return Reply{}, fmt.Errorf("render: reading the helper's reply: %w", err)
		}
		if m.Reply != nil {
			return *m.Reply, nil
		}
		if m.Ask == nil {
			return Reply{}, errors.New("render: the helper sent an empty message")
		}
		var a GridAnswer
		if grid == nil {
			a.Err = "render: the helper asked for contour values of a request without a plot"
		} else if z, err := grid(m.Ask.I, m.Ask.Xs, m.Ask.Ys); err != nil {
			a.Err = err.Error()
		} else {
			a.Z = z
		}
		if err := enc.Encode(a); err != nil {
			return Reply{}, fmt.Errorf("render: answering the helper: %w", err)
		}
	}
}

// build returns the helper's path. In a kernel session it is built once,
// in $GONB_TMP_DIR (whose go.work holds the course's module), with the
// kernel's GOFLAGS less the descentcell tag; later programs of the session
// reuse it (a new kernel session builds it again). Outside a kernel every Call builds it
// afresh from the sources around the working directory, so that it is
// never stale, into a temporary folder that done removes once the helper
// has started; $DESCENT_VIZRENDER, when set, is used instead.
func build() (bin string, done func(), err error) {
	done = func() {}
	if p := os.Getenv(HelperEnv); p != "" {
		return p, done, nil
	}
	if d := os.Getenv("GONB_TMP_DIR"); d != "" {
		bin = filepath.Join(d, "descent-vizrender")
		if _, err := os.Stat(bin); err == nil {
			return bin, done, nil
		}
		tmp := fmt.Sprintf("%s.%d", bin, os.Getpid())
		if err := goBuild(d, tmp); err != nil {
			return "", done, err
		}
		if err := os.Rename(tmp, bin); err != nil {
			return "", done, fmt.Errorf("render: %w", err)
		}
		return bin, done, nil
	}
	d, err := os.MkdirTemp("", "descent-vizrender-")
	if err != nil {
		return "", done, fmt.Errorf("render: %w", err)
	}
	done = func() { os.RemoveAll(d) }
	bin = filepath.Join(d, "descent-vizrender")
	if err := goBuild("", bin); err != nil {
		done()
		return "", func() {}, err
	}
	return bin, done, nil
}

// HelperEnv names an environment variable that, when set, is the path of
// a helper already built (BuildHelper): tests build it once.
const HelperEnv = "DESCENT_VIZRENDER"

// BuildHelper builds the helper into out from the sources around the
// working directory.
func BuildHelper(out string) error { return goBuild("", out) }

// goBuild builds the helper into out, running go in dir ("" for the
// working directory) with GOFLAGS less the descentcell tag.
func goBuild(dir, out string) error {
	cmd := exec.Command("go", "build", "-o", out, Helper)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS="+withoutTag(os.Getenv("GOFLAGS")))
	if b, err := cmd.CombinedOutput(); err != nil {
		os.Remove(out)
		return fmt.Errorf("render: building the chart helper (%s): %w\n%s", Helper, err, bytes.TrimSpace(b))
	}
	return nil
}

// withoutTag removes the descentcell tag from a GOFLAGS value.
func withoutTag(goflags string) string {
	var out []string
	for _, f := range strings.Fields(goflags) {
		name, list, ok := strings.Cut(f, "=")
		if !ok || (name != "-tags" && name != "--tags") {
			out = append(out, f)
			continue
		}
		var keep []string
		for _, t := range strings.Split(list, ",") {
			if t != Tag && t != "" {
				keep = append(keep, t)
			}
		}
		if len(keep) > 0 {
			out = append(out, name+"="+strings.Join(keep, ","))
		}
	}
	return strings.Join(out, " ")
}
