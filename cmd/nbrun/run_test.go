package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/descentlab/descent/internal/testenv"
)

// repoRoot is the checkout holding this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// requireKernel skips t unless slow tests run (testenv.Slow: each test
// that starts real gonb kernels takes from 10 s to a minute; `make
// test-notebooks` runs them), and then fails it if `make setup` has not
// been run.
func requireKernel(t *testing.T) {
	t.Helper()
	testenv.Slow(t)
	r := &Runner{Root: repoRoot(t), OutDir: t.TempDir()}
	if err := r.init("."); err != nil {
		t.Fatalf("notebook execution needs `make setup`: %v", err)
	}
}

// newRunner returns a runner writing into a temporary folder, for a test
// that executes notebooks (see requireKernel).
func newRunner(t *testing.T, timeout time.Duration) *Runner {
	t.Helper()
	requireKernel(t)
	r := &Runner{Root: repoRoot(t), OutDir: t.TempDir(), CellTimeout: timeout}
	if err := r.init("."); err != nil {
		t.Fatal(err)
	}
	return r
}

// noCopyLeft fails if the runner left anything in its output folder.
func noCopyLeft(t *testing.T, r *Runner) {
	t.Helper()
	entries, err := os.ReadDir(r.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("runner left %s behind after a failure", e.Name())
	}
}

// TestRunPasses executes fixtures that must pass: a plain notebook, one
// whose claims sit in a helper, a loop and a branch that does not run (the
// count of claims a cell must check is a lower bound), and one that prints
// "exit status" and "panic:" to stderr as ordinary text.
func TestRunPasses(t *testing.T) {
	requireKernel(t)
	cases := []struct {
		notebook string
		output   string // in the executed copy
		claims   int
	}{
		{"ok.ipynb", "GradientThreshold", 0},
		{"claims-pass.ipynb", "the last claim", 6},
		{"stderr-words.ipynb", "done", 0},
	}
	for _, c := range cases {
		t.Run(c.notebook, func(t *testing.T) {
			t.Parallel() // a kernel each: one waits for Jupyter while another compiles
			r := newRunner(t, 120*time.Second)
			dst, claims, err := r.RunContext(context.Background(), filepath.Join("testdata", c.notebook))
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), c.output) {
				t.Errorf("executed copy lacks the cell's output %q:\n%s", c.output, b)
			}
			if claims != c.claims {
				t.Errorf("%d claims checked, want %d", claims, c.claims)
			}
			noScratchLeft(t, r)
		})
	}
}

// noScratchLeft fails if the runner left a scratch folder in its output folder.
func noScratchLeft(t *testing.T, r *Runner) {
	t.Helper()
	entries, _ := os.ReadDir(r.OutDir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), scratchPrefix) {
			t.Errorf("runner left its scratch folder %s behind", e.Name())
		}
	}
}

// TestRunFails executes fixtures that must fail and checks that the message
// names the notebook, the cell and the cause, and that no copy is left.
func TestRunFails(t *testing.T) {
	requireKernel(t)
	cases := []struct {
		notebook string
		want     []string // all must appear in the error
	}{
		{"panic.ipynb", []string{"panic.ipynb", "cell 3", "code cell 2", "panic: runtime error: index out of range"}},
		{"compile-error.ipynb", []string{"compile-error.ipynb", "cell 2", `cannot use "three"`}},
		{"failed-claim.ipynb", []string{"failed-claim.ipynb", "cell 2", "claim failed: 2+2 = 4, not 5"}},
		{"exit-nonzero.ipynb", []string{"exit-nonzero.ipynb", "cell 2", "exit status 3"}},
		{"shell-fails.ipynb", []string{"shell-fails.ipynb", "cell 2", "a shell line (!) failed: exit status 1"}},
		{"exit-before-claims.ipynb", []string{"exit-before-claims.ipynb", "cell 3", "stopped before checking all its claims",
			"at least 2 (nb.Claim on lines 2, 4)", "its output shows 1", "os.Exit"}},
	}
	for _, c := range cases {
		t.Run(c.notebook, func(t *testing.T) {
			t.Parallel()
			r := newRunner(t, 120*time.Second)
			_, err := r.Run(filepath.Join("testdata", c.notebook))
			if err == nil {
				t.Fatal("runner passed a failing notebook")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
			noCopyLeft(t, r)
		})
	}
}

func TestRunTimesOut(t *testing.T) {
	r := newRunner(t, 5*time.Second)
	_, err := r.Run("testdata/hang.ipynb")
	if err == nil {
		t.Fatal("runner passed a hanging notebook")
	}
	for _, w := range []string{"hang.ipynb", "cell 2", "timed out after 5s", "-timeout"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not mention %q:\n%v", w, err)
		}
	}
	noCopyLeft(t, r)
}

// TestRunRejectsBadFiles needs no kernel: bad files are refused before execution.
func TestRunRejectsBadFiles(t *testing.T) {
	r := &Runner{Root: repoRoot(t), OutDir: t.TempDir(), CellTimeout: time.Second}
	cases := []struct {
		notebook string
		want     []string
	}{
		{"not-json.ipynb", []string{"not-json.ipynb", "not valid notebook JSON", "git checkout"}},
		{"wrong-kernel.ipynb", []string{"wrong-kernel.ipynb", `kernel "python3"`, "Change Kernel"}},
		{"missing.ipynb", []string{"missing.ipynb", "no such file"}},
	}
	for _, c := range cases {
		t.Run(c.notebook, func(t *testing.T) {
			_, err := r.Run(filepath.Join("testdata", c.notebook))
			if err == nil {
				t.Fatal("runner accepted a bad notebook")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
			noCopyLeft(t, r)
		})
	}
}

func TestInitExplainsMissingSetup(t *testing.T) {
	r := &Runner{Root: t.TempDir()}
	err := r.init("x.ipynb")
	if err == nil || !strings.Contains(err.Error(), "make setup") {
		t.Fatalf("init on an unprepared root: got %v, want an error telling to run make setup", err)
	}
}

// TestCourseNotebooksStoredClean: the course is stored without outputs and
// every notebook names the gonb kernel.
func TestCourseNotebooksStoredClean(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(repoRoot(t), "notebooks", "*.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no notebooks in notebooks/")
	}
	for _, p := range paths {
		name := filepath.Base(p)
		nb, err := readNotebook(p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for i, c := range nb.Cells {
			if len(c.Outputs) > 0 {
				t.Errorf("%s: cell %d is stored with %d outputs; clear outputs before committing (JupyterLab: Edit → Clear Outputs of All Cells)", name, i+1, len(c.Outputs))
			}
		}
		var raw map[string]json.RawMessage
		b, _ := os.ReadFile(p)
		if json.Unmarshal(b, &raw) == nil {
			var cells []map[string]json.RawMessage
			_ = json.Unmarshal(raw["cells"], &cells)
			for i, c := range cells {
				if ec, ok := c["execution_count"]; ok && string(ec) != "null" {
					t.Errorf("%s: cell %d is stored with execution_count %s; clear outputs before committing", name, i+1, ec)
				}
			}
		}
	}
}

func TestCheckChartBundle(t *testing.T) {
	chart := `{"text/html": "<div class=\"descent-viz\" id=\"a\"></div>"}`
	loader := `{"text/html": "<script data-descent-echarts=\"5.6.0\"></script>"}`
	cases := []struct {
		name, json string
		ok         bool
	}{
		{"no charts", `{"cells": []}`, true},
		{"charts and one bundle", loader + chart + chart, true},
		{"charts without the bundle", chart + chart, false},
		{"bundle twice", loader + chart + loader, false},
	}
	for _, c := range cases {
		err := checkChartBundle("x.ipynb", []byte(c.json))
		if (err == nil) != c.ok {
			t.Errorf("%s: got %v, want ok=%v", c.name, err, c.ok)
		}
	}
}
