package render

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
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

// helper is the running helper of this program, started on first use.
var helper struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	enc    *gob.Encoder
	dec    *gob.Decoder
	stderr bytes.Buffer
	err    error // once the helper failed, every later Call fails
}

// Call has the helper draw r, answering its questions about contour
// values with grid, and returns its reply. viz.Default's bindings go with
// the request and come back with the reply. The first Call of a kernel
// session builds the helper (about a second); the first Call of a program
// starts it (milliseconds).
func Call(r Request, grid GridFunc) (Reply, error) {
	helper.mu.Lock()
	defer helper.mu.Unlock()
	if err := startLocked(); err != nil {
		return Reply{}, err
	}
	looks, err := viz.Default.MarshalJSON()
	if err != nil {
		return Reply{}, fmt.Errorf("render: looks: %w", err)
	}
	r.Looks = looks
	if err := helper.enc.Encode(r); err != nil {
		return Reply{}, failLocked("sending a request", err)
	}
	for {
		var m message
		if err := helper.dec.Decode(&m); err != nil {
			return Reply{}, failLocked("reading its reply", err)
		}
		if m.Reply != nil {
			if len(m.Reply.Looks) > 0 {
				if err := viz.Default.UnmarshalJSON(m.Reply.Looks); err != nil {
					return Reply{}, fmt.Errorf("render: the helper's looks: %w", err)
				}
			}
			return *m.Reply, nil
		}
		if m.Ask == nil {
			return Reply{}, failLocked("reading its reply", errors.New("empty message"))
		}
		var a GridAnswer
		if grid == nil {
			a.Err = "render: the helper asked for contour values of a request without a plot"
		} else if z, err := grid(m.Ask.I, m.Ask.Xs, m.Ask.Ys); err != nil {
			a.Err = err.Error()
		} else {
			a.Z = z
		}
		if err := helper.enc.Encode(a); err != nil {
			return Reply{}, failLocked("answering it", err)
		}
	}
}

// failLocked records that talking to the helper failed, with what the
// helper wrote to stderr.
func failLocked(what string, err error) error {
	msg := strings.TrimSpace(helper.stderr.String())
	if helper.stdin != nil {
		helper.stdin.Close()
		_ = helper.cmd.Wait()
		msg = strings.TrimSpace(helper.stderr.String())
	}
	if msg != "" {
		err = fmt.Errorf("%w; the helper said: %s", err, msg)
	}
	helper.err = fmt.Errorf("render: %s: %w", what, err)
	return helper.err
}

// startLocked starts the helper, building it first when this kernel
// session has not.
func startLocked() error {
	if helper.err != nil || helper.cmd != nil {
		return helper.err
	}
	bin, done, err := build()
	if err != nil {
		helper.err = err
		return err
	}
	defer done() // a running program's file can go
	cmd := exec.Command(bin)
	cmd.Stderr = &helper.stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		helper.err = fmt.Errorf("render: starting the helper: %w", err)
		return helper.err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		helper.err = fmt.Errorf("render: starting the helper: %w", err)
		return helper.err
	}
	if err := cmd.Start(); err != nil {
		helper.err = fmt.Errorf("render: starting the helper %s: %w", bin, err)
		return helper.err
	}
	helper.cmd, helper.stdin = cmd, in
	helper.enc, helper.dec = gob.NewEncoder(in), gob.NewDecoder(out)
	return nil
}

// build returns the helper's path. In a kernel session it is built once,
// in $GONB_TMP_DIR (whose go.work holds the course's module), with the
// kernel's GOFLAGS less the descentcell tag; later programs of the session
// reuse it (Forget rebuilds it). Outside a kernel (tests), every program
// builds it afresh from the sources around its working directory, so that
// it is never stale, into a temporary folder that done removes once the
// helper has started.
func build() (bin string, done func(), err error) {
	done = func() {}
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

// Forget removes the kernel session's helper, so that the next Call
// builds it again from the sources (nb.Reload does it, after the library
// changed). Outside a kernel it does nothing: every program builds its own.
func Forget() error {
	d := os.Getenv("GONB_TMP_DIR")
	if d == "" {
		return nil
	}
	if err := os.Remove(filepath.Join(d, "descent-vizrender")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}
