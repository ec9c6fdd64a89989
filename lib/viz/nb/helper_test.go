//go:build descentcell

package nb

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/descentlab/descent/lib/viz/nb/internal/render"
)

// TestMain builds the chart helper once: built with the descentcell tag,
// this package's tests draw every chart through it, as a notebook cell does.
func TestMain(m *testing.M) {
	os.Exit(func() int {
		d, err := os.MkdirTemp("", "nb-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		defer os.RemoveAll(d)
		bin := filepath.Join(d, "descent-vizrender")
		if err := render.BuildHelper(bin); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		os.Setenv(render.HelperEnv, bin)
		return m.Run()
	}())
}
