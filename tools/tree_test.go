package tools

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descentlab/descent/internal/testenv"
)

// committedLarge lists the tracked files allowed over maxTracked bytes: each
// is a pinned third-party source a page or the kernel needs offline.
var committedLarge = map[string]string{
	"lib/viz/draw/assets/echarts.min.js": "the pinned echarts bundle, embedded for offline charts",
}

const maxTracked = 2 << 20 // 2 MiB

// TestNothingBuiltIsCommitted: no tracked file is a compiled program (an ELF,
// Mach-O, Windows PE or WebAssembly header) and none is over 2 MiB but the ones listed above. A
// clone should not download what `go build` makes (benchreport, 15.7 MB,
// was committed at the root).
func TestNothingBuiltIsCommitted(t *testing.T) {
	root := testenv.Root(t)
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("not a git checkout (%v): nothing to check", err)
	}
	magics := map[string][]byte{
		"ELF": []byte("\x7fELF"), "Mach-O": {0xcf, 0xfa, 0xed, 0xfe}, "Mach-O 32-bit": {0xce, 0xfa, 0xed, 0xfe},
		"WebAssembly": []byte("\x00asm"), "Windows PE": []byte("MZ\x90\x00"),
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		path := filepath.Join(root, name)
		info, err := os.Lstat(path)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the work tree, or a link
		}
		if info.Size() > maxTracked && committedLarge[name] == "" {
			t.Errorf("%s is %d bytes, over %d: build outputs are not committed (or list it in committedLarge with why)", name, info.Size(), maxTracked)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		head := make([]byte, 4)
		n, _ := f.Read(head)
		f.Close()
		for kind, m := range magics {
			if bytes.HasPrefix(head[:n], m) {
				t.Errorf("%s is a compiled program (%s): build outputs are not committed", name, kind)
			}
		}
	}
}
