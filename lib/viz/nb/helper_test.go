package nb

import (
	"os"
	"testing"

	"github.com/descentlab/descent/internal/vizrender/helpertest"
)

// TestMain builds the chart helper once: this package's tests draw every
// chart through it, as a notebook cell does.
func TestMain(m *testing.M) { os.Exit(helpertest.WithHelper(m.Run)) }
