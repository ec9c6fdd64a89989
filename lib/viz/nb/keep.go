package nb

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// Keep saves v under name for later cells of the same kernel session: each
// GoNB cell is a new program, so values computed in one cell are gone in the
// next, and a cell that measures something slow (notebook 06's timings)
// keeps its result for the cells that chart it. v is encoded with
// encoding/gob (exported fields only; an error interface field travels
// only if nil) into $GONB_TMP_DIR, which lives as long as the kernel, or
// into a folder of the process's temporary directory outside a notebook.
// Keeping a name again replaces its value. It returns an error naming the
// value when it cannot be encoded or written.
//
// Keep and Kept are typed: keep a struct whose fields name what a later cell
// reads (best.Iters, best.Status) rather than a positional map or slice
// (p50[5] holding float64(r.Status)), and Kept fills a variable of that type:
//
//	type tuned struct{ LR float64; Iters int }
//	err := nb.Keep("tuned", tuned{LR: 0.1, Iters: r.Stats.Iterations})
//	…
//	var t tuned
//	err := nb.Kept("tuned", &t)
func Keep[T any](name string, v T) error {
	path, err := keptPath(name)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		return fmt.Errorf("nb: Keep(%q): %w", name, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o600); err != nil {
		return fmt.Errorf("nb: Keep(%q): %w", name, err)
	}
	return os.Rename(tmp, path)
}

// Kept loads the value saved under name into *ptr, of the type given to Keep
// (decoded with encoding/gob, so a struct with a subset of the kept fields
// also works). It returns an error saying which cell to run
// when nothing is kept under that name (a cell run out of order, or a
// restarted kernel), or naming the type when the value does not decode.
func Kept[T any](name string, ptr *T) error {
	path, err := keptPath(name)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return fmt.Errorf("nb: nothing is kept under %q in this kernel session: run the cell that calls nb.Keep(%q, …) first", name, name)
	}
	if err != nil {
		return fmt.Errorf("nb: Kept(%q): %w", name, err)
	}
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(ptr); err != nil {
		return fmt.Errorf("nb: Kept(%q) into %T: %w", name, ptr, err)
	}
	return nil
}

var keepName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// keptPath is the file of a kept name in the session's folder.
func keptPath(name string) (string, error) {
	if !keepName.MatchString(name) || name == "." || name == ".." {
		return "", fmt.Errorf("nb: kept name %q: use 1–100 letters, digits, '_', '.' or '-'", name)
	}
	dir := os.Getenv("GONB_TMP_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("descent-nb-kept-%d", os.Getuid()))
	}
	dir = filepath.Join(dir, "kept")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("nb: keep folder: %w", err)
	}
	return filepath.Join(dir, name+".gob"), nil
}
