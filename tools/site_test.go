package tools

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// python returns the project's venv Python, skipping outside CI when setup
// has not run (CI runs `make setup` first; there its absence is a failure).
func python(t *testing.T) string {
	t.Helper()
	py, err := filepath.Abs("../.venv/bin/python")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(py); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s missing: make setup did not run", py)
		}
		t.Skipf("%s missing: run make setup", py)
	}
	return py
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func buildSite(t *testing.T, py, src, dst string, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(py, "site/build.py", src, dst)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestSiteBuild: a good build makes the pages, index and assets; a bad
// notebook or an oversized page stops the build with the file named and
// leaves the previous site exactly as it was, with no temporary folder behind.
func TestSiteBuild(t *testing.T) {
	py := python(t)
	work := t.TempDir()
	src, dst := filepath.Join(work, "notebooks"), filepath.Join(work, "html")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, "../cmd/nbrun/testdata/ok.ipynb", filepath.Join(src, "00-first.ipynb"))
	copyFile(t, "../cmd/nbrun/testdata/ok.ipynb", filepath.Join(src, "01-second.ipynb"))
	if out, err := buildSite(t, py, src, dst); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	for _, f := range []string{"index.html", "00-first.html", "01-second.html", "assets/katex/katex.min.js", "assets/site.css"} {
		if _, err := os.Stat(filepath.Join(dst, f)); err != nil {
			t.Errorf("site lacks %s", f)
		}
	}
	page, _ := os.ReadFile(filepath.Join(dst, "00-first.html"))
	for _, want := range []string{`href="01-second.html"`, `href="index.html"`, `assets/katex/katex.min.js`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("00-first.html lacks %s", want)
		}
	}
	for _, banned := range []string{"require.js", "require.min.js", "cdnjs", "unpkg", "jsdelivr", "mathjax"} {
		if strings.Contains(strings.ToLower(string(page)), banned) {
			t.Errorf("00-first.html still refers to %s", banned)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dst, "index.html"))

	expectFailure := func(name, want string, env ...string) {
		t.Helper()
		out, err := buildSite(t, py, src, dst, env...)
		if err == nil {
			t.Fatalf("%s: build succeeded", name)
		}
		if !strings.Contains(out, want) {
			t.Errorf("%s: output does not name %q:\n%s", name, want, out)
		}
		after, _ := os.ReadFile(filepath.Join(dst, "index.html"))
		if string(after) != string(before) {
			t.Errorf("%s: the previous site was changed", name)
		}
		if _, err := os.Stat(filepath.Join(dst, "02-broken.html")); err == nil {
			t.Errorf("%s: a page of the failed build was left in the site", name)
		}
		left, _ := filepath.Glob(filepath.Join(work, ".site-*"))
		if len(left) > 0 {
			t.Errorf("%s: temporary folders left behind: %v", name, left)
		}
	}
	expectFailure("page over budget", "page budget", "DESCENT_PAGE_BUDGET=1000")
	if err := os.WriteFile(filepath.Join(src, "02-broken.ipynb"), []byte(`{"cells": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	expectFailure("unreadable notebook", "02-broken.ipynb")
}
