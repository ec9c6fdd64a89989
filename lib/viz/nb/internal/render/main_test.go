//go:build !descentcell

package render

import (
	"os"
	"testing"
)

// TestMain builds the helper once for all the tests.
func TestMain(m *testing.M) { os.Exit(WithHelper(m.Run)) }
