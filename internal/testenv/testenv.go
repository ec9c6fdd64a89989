// Package testenv is what the project's browser, JupyterLab, JupyterHub and
// site checks share: the checkout's root, free loopback ports, tokens, the
// rule for a missing prerequisite (skip on a developer's machine, fail under
// CI), the one gate for slow tests, headless Debian Chromium with the
// project's flags and a listener for what goes wrong in a page, and the
// marking of every process a test starts so that none outlives it.
//
// Slow tests (JupyterLab, JupyterHub, a real kernel) call Slow first: they run
// only when DESCENT_SLOW=1 (make test sets it for them), so that a plain
// `go test ./...` stays quick.
package testenv

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Module is the project's module path, which marks its root's go.mod.
const Module = "github.com/descentlab/descent"

// SlowEnv is the variable that lets slow tests run: DESCENT_SLOW=1.
const SlowEnv = "DESCENT_SLOW"

// RepoRoot returns the checkout's root: the nearest folder at or above the
// working directory whose go.mod declares Module.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("module "+Module+"\n")) {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("testenv: no go.mod of " + Module + " at or above the working directory")
		}
		dir = up
	}
}

// Root is RepoRoot for a test: it fails the test when there is none.
func Root(t testing.TB) string {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// FreePorts returns n distinct TCP ports on 127.0.0.1 that were free a
// moment ago (all held open together while they are picked).
func FreePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("testenv: no free port on 127.0.0.1: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// FreePort returns one port as FreePorts does.
func FreePort() (int, error) {
	p, err := FreePorts(1)
	if err != nil {
		return 0, err
	}
	return p[0], nil
}

// NewToken returns 24 random bytes in hex (48 digits): tokens, passwords,
// markers.
func NewToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// Missing ends a test whose prerequisites are missing: a skip on a
// developer's machine, a failure under CI (CI set), where .ci/run installs
// everything a test needs. Each entry names what is missing and how to get it.
func Missing(t testing.TB, missing ...string) {
	t.Helper()
	if len(missing) == 0 {
		return
	}
	msg := "missing: " + strings.Join(missing, ", ")
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (CI is set: this test must run)")
	}
	t.Skip(msg)
}

// Prereq is a file a test needs and how to get it.
type Prereq struct{ Path, Hint string }

// Need calls Missing with those of files (relative paths under root) that do
// not exist.
func Need(t testing.TB, root string, files ...Prereq) {
	t.Helper()
	var missing []string
	for _, f := range files {
		p := f.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		if _, err := os.Stat(p); err != nil {
			missing = append(missing, fmt.Sprintf("%s (%s)", f.Path, f.Hint))
		}
	}
	Missing(t, missing...)
}

// Setup lists what `make setup` puts in a checkout and the gonb kernel needs.
var Setup = []Prereq{
	{".venv/bin/jupyter", "make setup"},
	{".venv/share/jupyter/kernels/gonb/kernel.json", "make setup"},
	{".tools/bin/gonb", "make setup"},
}

// Slow skips a slow test unless DESCENT_SLOW=1: a plain `go test ./...`
// stays quick, and `make test` runs every slow test with the variable set.
// Under CI the skip is not silent about why.
func Slow(t testing.TB) {
	t.Helper()
	if os.Getenv(SlowEnv) != "1" {
		t.Skipf("slow test: runs with %s=1 (make test sets it)", SlowEnv)
	}
}
