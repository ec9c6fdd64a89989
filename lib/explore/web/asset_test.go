package web_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descentlab/descent/internal/exploreasset"
	"github.com/descentlab/descent/internal/explorebuild"
	"github.com/descentlab/descent/lib/explore/web"
)

// fakeRoot is a checkout with the files SourcesHash reads.
func fakeRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range map[string]string{
		"go.mod":                     "module github.com/descentlab/descent\n",
		"go.sum":                     "",
		"lib/optim/sgd.go":           "package optim\n",
		"lib/optim/sgd_test.go":      "package optim\n",
		"internal/explorebuild/x.js": "//\n",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestLoadSaysWhatToRun: a missing asset, and one whose sources changed
// (an edit, a new file, a test file does not count), fail naming the
// command that builds it; a fresh one reads back as saved.
func TestLoadSaysWhatToRun(t *testing.T) {
	root := fakeRoot(t)
	const module = "firstorder"
	if _, err := web.Load(root, module); err == nil || !strings.Contains(err.Error(), "not built") || !strings.Contains(err.Error(), exploreasset.BuildCommand) {
		t.Errorf("no asset: %v", err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("\x00asm fake"))
	zw.Close()
	a, err := explorebuild.Assemble(module, gz.Bytes(), "/* wasm_exec.js */", "go1.0")
	if err != nil {
		t.Fatal(err)
	}
	dirs := []string{"lib/optim", "internal/explorebuild"}
	sum, err := exploreasset.SourcesHash(root, dirs)
	if err != nil {
		t.Fatal(err)
	}
	if err := explorebuild.Save(root, a, exploreasset.Manifest{Sources: sum, Dirs: dirs, Go: "go1.0"}); err != nil {
		t.Fatal(err)
	}
	got, err := web.Load(root, module)
	if err != nil || got.Script != a.Script || got.Version != a.Version || got.WasmBytes != 9 || got.GzipBytes != gz.Len() {
		t.Fatalf("Load = %+v, %v", got, err)
	}
	os.WriteFile(filepath.Join(root, "lib/optim/sgd_test.go"), []byte("package optim // edited\n"), 0o644)
	if _, err := web.Load(root, module); err != nil {
		t.Errorf("a test file edited: %v", err)
	}
	for _, edit := range []string{"lib/optim/sgd.go", "lib/optim/new.go", "internal/explorebuild/x.js", "go.sum"} {
		p := filepath.Join(root, filepath.FromSlash(edit))
		old, _ := os.ReadFile(p)
		os.WriteFile(p, append(old, "// edited\n"...), 0o644)
		if _, err := web.Load(root, module); err == nil || !strings.Contains(err.Error(), "older than") || !strings.Contains(err.Error(), exploreasset.BuildCommand) {
			t.Errorf("%s edited: %v", edit, err)
		}
		if old == nil {
			os.Remove(p)
		} else {
			os.WriteFile(p, old, 0o644)
		}
	}
	if _, err := web.Load(root, module); err != nil {
		t.Errorf("edits undone: %v", err)
	}
	if _, err := web.Load(root, "nope"); err == nil {
		t.Error("an unknown module loaded")
	}
}
