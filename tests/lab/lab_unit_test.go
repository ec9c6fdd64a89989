package lab

import (
	"testing"
	"time"
)

func TestStartWithoutVenv(t *testing.T) {
	if _, err := Start(t.TempDir(), time.Second); err == nil {
		t.Error("Start in a folder without .venv succeeded")
	}
}
