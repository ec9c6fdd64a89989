package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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

// build returns the helper's path. In a kernel session it is built in
// $GONB_TMP_DIR (whose go.work holds the course's module), with the
// kernel's GOFLAGS less the descentcell tag, and later programs of the
// session reuse it until the library's sources change (sourceStamp), as
// a cell sees an edit to the library at its next run. Outside a kernel
// every Call builds it afresh from the sources around the working
// directory into a temporary folder that done removes once the helper has
// started; $DESCENT_VIZRENDER, when set, is used instead.
func build() (bin string, done func(), err error) {
	done = func() {}
	if p := os.Getenv(HelperEnv); p != "" {
		return p, done, nil
	}
	if d := os.Getenv("GONB_TMP_DIR"); d != "" {
		bin = filepath.Join(d, "descent-vizrender")
		stamp := stampOnce()
		if _, err := os.Stat(bin); err == nil && stamp != "" {
			if was, err := os.ReadFile(bin + ".stamp"); err == nil && string(was) == stamp {
				return bin, done, nil
			}
		}
		tmp := fmt.Sprintf("%s.%d", bin, os.Getpid())
		if err := goBuild(d, tmp); err != nil {
			return "", done, err
		}
		if err := os.Rename(tmp, bin); err != nil {
			return "", done, fmt.Errorf("render: %w", err)
		}
		// Without a stamp (sources not found) the helper is built for
		// every program: slower, never stale.
		if stamp != "" {
			if err := os.WriteFile(bin+".stamp", []byte(stamp), 0o644); err != nil {
				return "", done, fmt.Errorf("render: %w", err)
			}
		}
		return bin, done, nil
	}
	return buildTemp()
}

// buildTemp builds the helper from the sources around the working
// directory into a new temporary folder, which remove deletes.
func buildTemp() (bin string, remove func(), err error) {
	d, err := os.MkdirTemp("", "descent-vizrender-")
	if err != nil {
		return "", func() {}, fmt.Errorf("render: %w", err)
	}
	bin = filepath.Join(d, "descent-vizrender")
	if err := goBuild("", bin); err != nil {
		os.RemoveAll(d)
		return "", func() {}, err
	}
	return bin, func() { os.RemoveAll(d) }, nil
}

// stampOnce is sourceStamp, computed once per program.
var stampOnce = sync.OnceValue(sourceStamp)

// sourceStamp fingerprints the sources the helper is built from: the path,
// size and modification time of every file under the module's lib and
// internal folders (Go files and embedded assets; not tests or testdata),
// and of go.mod and go.sum. The module is found
// from this file's path as compiled (empty, so no reuse, under -trimpath).
// Cost: one stat per file, about a millisecond.
func sourceStamp() string {
	_, self, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(self) {
		return ""
	}
	root := filepath.Join(filepath.Dir(self), "..", "..", "..", "..", "..")
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum"} {
		fi, err := os.Stat(filepath.Join(root, f))
		if err != nil {
			return ""
		}
		fmt.Fprintf(h, "%s %d %d\n", f, fi.Size(), fi.ModTime().UnixNano())
	}
	for _, dir := range []string{"lib", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() {
				if e.Name() == "testdata" || strings.HasPrefix(e.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(path, "_test.go") {
				return nil
			}
			fi, err := e.Info()
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s %d %d\n", path, fi.Size(), fi.ModTime().UnixNano())
			return nil
		})
		if err != nil {
			return ""
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// HelperEnv names an environment variable that, when set, is the path of
// a helper already built, used by every Call (see WithHelper).
const HelperEnv = "DESCENT_VIZRENDER"

// WithHelper builds the helper once, runs run with $DESCENT_VIZRENDER
// naming it, removes it and returns run's result: a TestMain's
// os.Exit(render.WithHelper(m.Run)), so that a package's tests do not
// build it for every chart. It returns 2 if the helper cannot be built.
func WithHelper(run func() int) int {
	bin, remove, err := buildTemp()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer remove()
	os.Setenv(HelperEnv, bin)
	return run()
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
