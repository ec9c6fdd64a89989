// Package helpertest builds the chart helper for tests: a package whose
// tests show charts through lib/viz/nb (or call vizrender.Call) runs them
// under WithHelper, since the library itself never builds the helper
// (make setup does, for notebooks).
package helpertest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/descentlab/descent/internal/vizrender"
)

// Command is the import path of the helper command.
const Command = "github.com/descentlab/descent/cmd/vizrender"

// Build builds the helper from the module's sources into dir, with its
// stamp beside it, and returns its path.
func Build(dir string) (string, error) {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("helpertest: cannot find the module's sources")
	}
	root := filepath.Join(filepath.Dir(self), "..", "..", "..")
	bin := filepath.Join(dir, vizrender.HelperName)
	cmd := exec.Command("go", "build", "-o", bin, Command)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("helpertest: building the chart helper: %w\n%s", err, out)
	}
	stamp, err := vizrender.SourceStamp(root)
	if err != nil {
		return "", fmt.Errorf("helpertest: %w", err)
	}
	if err := os.WriteFile(bin+vizrender.StampSuffix, []byte(stamp+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("helpertest: %w", err)
	}
	return bin, nil
}

// WithHelper builds the helper once, runs run with $DESCENT_VIZRENDER
// naming it, removes it and returns run's result: a TestMain's
// os.Exit(helpertest.WithHelper(m.Run)). It returns 2 if the helper cannot
// be built.
func WithHelper(run func() int) int {
	dir, err := os.MkdirTemp("", "descent-vizrender-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(dir)
	bin, err := Build(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	os.Setenv(vizrender.HelperEnv, bin)
	return run()
}
