// Package tools holds the scripts the Makefile runs; this test checks that
// tools/setup.sh explains a missing prerequisite instead of failing obscurely.
package tools

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBin writes executable shell scripts into a fresh folder and returns it.
func fakeBin(t *testing.T, scripts map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runSetup runs setup.sh with PATH set to the fake tools plus the basic
// system folders (bash, sha256sum, …) and returns its combined output. The
// prerequisite checks come before setup writes anything, so these runs
// leave the checkout untouched.
func runSetup(t *testing.T, path string, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", "setup.sh")
	cmd.Env = append([]string{"PATH=" + path, "HOME=" + t.TempDir()}, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// systemPath keeps only folders that hold no go or python of their own.
func systemPath(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, tool := range []string{"bash", "sh", "cat", "cut", "sha256sum", "dirname", "mkdir"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("%s not found", tool)
		}
		if err := os.Symlink(p, filepath.Join(dir, tool)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestSetupExplainsMissingPrerequisites(t *testing.T) {
	sys := systemPath(t)
	goodGo := `case "$1 $2" in "env GOVERSION") echo go1.26.0;; *) echo "go version go1.26.0 linux/amd64";; esac`
	cases := []struct {
		name  string
		tools map[string]string
		env   []string
		want  []string
	}{
		{"no go", nil, nil,
			[]string{"Go is not on PATH", "Install Go 1.24 or newer"}},
		{"old go", map[string]string{"go": `case "$1 $2" in "env GOVERSION") echo go1.21.5;; *) echo "go version go1.21.5";; esac`}, nil,
			[]string{"Go 1.21.5", "needs Go 1.24 or newer"}},
		{"no python", map[string]string{"go": goodGo}, nil,
			[]string{"Python 3 is not on PATH", "python3-venv"}},
		{"old python", map[string]string{"go": goodGo, "python3": `case "$1" in -V) echo "Python 3.8.10";; -c) exit 1;; esac`}, nil,
			[]string{"Python 3.8.10", "too old", "3.10 or newer"}},
		{"python without venv", map[string]string{"go": goodGo, "python3": `case "$1" in -V) echo "Python 3.11.2";; -c) case "$2" in *venv*) exit 1;; *) exit 0;; esac;; esac`}, nil,
			[]string{"no working venv module", "apt-get install python3-venv"}},
		{"no node", map[string]string{"go": goodGo, "python3": `case "$1" in -V) echo "Python 3.11.2";; *) exit 0;; esac`}, nil,
			[]string{"node is not on PATH", "KaTeX", "apt-get install nodejs npm"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := sys
			if c.tools != nil {
				path = fakeBin(t, c.tools) + ":" + sys
			}
			out, err := runSetup(t, path, c.env...)
			if err == nil {
				t.Fatalf("setup succeeded without its prerequisite:\n%s", out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("setup output does not mention %q:\n%s", w, out)
				}
			}
		})
	}
}
