package vizrender

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

// HelperName is the helper's file name: tools/setup.sh builds cmd/vizrender
// into .tools/bin/descent-vizrender.
const HelperName = "descent-vizrender"

// HelperEnv names an environment variable that, when set, is the path of the
// helper (the course kernel's spec sets it; tests set it to one they built).
const HelperEnv = "DESCENT_VIZRENDER"

// StampSuffix ends the name of the file beside the helper that holds the
// SourceStamp of the sources it was built from.
const StampSuffix = ".stamp"

// Setup is the command that builds the helper, named in Call's errors.
const Setup = "make setup"

// mu serializes Calls: each starts its own helper process.
var mu sync.Mutex

// Call has the helper draw r, answering its questions about contour
// values with grid, and returns its reply. viz.Default's bindings go with
// the request and come back with the reply. Call starts the helper and
// waits for it to exit, so that its CPU time is the cell's (a few tens of
// milliseconds per chart). It returns an error naming the command that
// builds the helper when the helper is missing or was built from other
// sources than this program's library.
func Call(r Request, grid GridFunc) (Reply, error) {
	mu.Lock()
	defer mu.Unlock()
	looks, err := viz.Default.MarshalJSON()
	if err != nil {
		return Reply{}, fmt.Errorf("render: looks: %w", err)
	}
	r.Looks, r.Version = looks, Version
	bin, err := helper()
	if err != nil {
		return Reply{}, err
	}
	cmd := exec.Command(bin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return Reply{}, fmt.Errorf("render: starting the helper: %w", err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return Reply{}, fmt.Errorf("render: starting the helper: %w", err)
	}
	if err := cmd.Start(); err != nil {
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
		var m Message
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

// helper returns the helper's path, checked against this program's
// sources: $DESCENT_VIZRENDER, else .tools/bin/descent-vizrender of the
// checkout this package was compiled from, else descent-vizrender on $PATH.
func helper() (string, error) {
	root := sourceRoot()
	bin := os.Getenv(HelperEnv)
	if bin == "" && root != "" {
		if p := filepath.Join(root, ".tools", "bin", HelperName); isFile(p) {
			bin = p
		}
	}
	if bin == "" {
		p, err := exec.LookPath(HelperName)
		if err != nil {
			where := "the course folder"
			if root != "" {
				where = root
			}
			return "", fmt.Errorf("render: the chart helper %s is not installed: run `%s` in %s, "+
				"which builds it into .tools/bin (charts are drawn by it, not by the cell)", HelperName, Setup, where)
		}
		bin = p
	}
	if !isFile(bin) {
		return "", fmt.Errorf("render: the chart helper %s (from $%s) does not exist: run `%s` in the course folder", bin, HelperEnv, Setup)
	}
	if root == "" {
		return bin, nil // compiled with -trimpath: no sources to compare with
	}
	want, err := stampOnce()
	if err != nil {
		return "", fmt.Errorf("render: fingerprinting the library's sources in %s: %w", root, err)
	}
	have, err := os.ReadFile(bin + StampSuffix)
	if err != nil || strings.TrimSpace(string(have)) != want {
		return "", fmt.Errorf("render: the chart helper %s was built from other sources than this program's "+
			"(lib/, internal/ or go.mod changed since): run `%s` in %s to rebuild it", bin, Setup, root)
	}
	return bin, nil
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// sourceRoot is the module's folder, found from this file's path as
// compiled: empty under -trimpath.
func sourceRoot() string {
	_, self, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(self) {
		return ""
	}
	root := filepath.Join(filepath.Dir(self), "..", "..")
	if !isFile(filepath.Join(root, "go.mod")) {
		return ""
	}
	return root
}

// stampOnce is SourceStamp of sourceRoot, computed once per program.
var stampOnce = sync.OnceValues(func() (string, error) { return SourceStamp(sourceRoot()) })

// SourceStamp fingerprints the sources the helper is built from, in the
// module at root: the path and content of every file under lib and internal
// (Go files and embedded assets; not tests, Markdown, or folders named
// testdata, build, node_modules or starting with a dot), and of go.mod and
// go.sum. Cost: reading about 2 MB, a few milliseconds.
func SourceStamp(root string) (string, error) {
	h := sha256.New()
	add := func(rel string) error {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(b))
		h.Write(b)
		return nil
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		if err := add(f); err != nil {
			return "", err
		}
	}
	for _, dir := range []string{"lib", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() {
				if e.Name() == "testdata" || e.Name() == "build" || e.Name() == "node_modules" || strings.HasPrefix(e.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if !e.Type().IsRegular() || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, ".md") {
				return nil
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			return add(rel)
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
