package server

import (
	"os"
	"testing"

	"github.com/descentlab/descent/internal/vizrender/helpertest"
)

// TestMain builds the helper once for all the tests.
func TestMain(m *testing.M) { os.Exit(helpertest.WithHelper(m.Run)) }
