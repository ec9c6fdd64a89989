//go:build !descentcell

package render

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestMain builds the helper once for all the tests.
func TestMain(m *testing.M) {
	os.Exit(func() int {
		d, err := os.MkdirTemp("", "render-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		defer os.RemoveAll(d)
		bin := filepath.Join(d, "descent-vizrender")
		if err := BuildHelper(bin); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		os.Setenv(HelperEnv, bin)
		return m.Run()
	}())
}
