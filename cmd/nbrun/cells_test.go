package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCellFailure reads outputs GoNB really gave: testdata/outputs.ipynb
// executed by nbconvert with the gonb kernel into outputs.executed.ipynb
// (regenerate with `jupyter nbconvert --to notebook --execute --allow-errors
// --ExecutePreprocessor.kernel_name=gonb --ExecutePreprocessor.coalesce_streams=False
// --output outputs.executed.ipynb testdata/outputs.ipynb` in .venv's environment).
func TestCellFailure(t *testing.T) {
	b, err := os.ReadFile("testdata/outputs.executed.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	var nb notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatal(err)
	}
	// By the cell's first source line: "" passes, else words the message holds.
	want := map[string][]string{
		`fmt.Fprintln(os.Stderr, "the go tool reports exit status 2 when a test fails, and panic: when a program panics")`: nil,
		`fmt.Fprintln(os.Stderr, "exit status 2")`: nil,
		`os.Exit(3)`:                         {"exit status 3"},
		`panic("boom")`:                      {"panic: boom", "goroutine 1 [running]"},
		`!false`:                             {"a shell line (!) failed: exit status 1"},
		`!echo "a shell line that succeeds"`: nil,
		`log.Fatal("fatal")`:                 {"fatal", "exit status 1"},
		`syscall.Kill(os.Getpid(), syscall.SIGKILL)`: {"signal: killed"},
		`var n int = "three"`:                        {`cannot use "three"`},
		`fmt.Println("last")`:                        nil,
	}
	seen := 0
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		first := strings.Split(strings.TrimPrefix(multiline(c.Source), "%%\n"), "\n")[0]
		words, ok := want[first]
		if !ok {
			t.Fatalf("cell %d (%q) is not in the table", i+1, first)
		}
		seen++
		got := cellFailure(c)
		switch {
		case words == nil && got != "":
			t.Errorf("cell %d (%s) fails, want it to pass:\n%s", i+1, first, got)
		case words != nil && got == "":
			t.Errorf("cell %d (%s) passes, want it to fail", i+1, first)
		}
		for _, w := range words {
			if !strings.Contains(got, w) {
				t.Errorf("cell %d (%s): message does not mention %q:\n%s", i+1, first, w, got)
			}
		}
	}
	if seen != 11 { // !false appears twice
		t.Errorf("checked %d cells, want 11", seen)
	}
}

// TestCheckExecutedClaims: a cell whose output shows fewer claims than its
// code must check fails, naming the cell; extra claims from loops pass.
func TestCheckExecutedClaims(t *testing.T) {
	type out struct {
		OutputType string `json:"output_type"`
		Name       string `json:"name"`
		Text       string `json:"text"`
	}
	type c struct {
		CellType string `json:"cell_type"`
		Source   string `json:"source"`
		Outputs  []out  `json:"outputs"`
	}
	claimLines := func(n int) []out {
		return []out{{"stream", "stdout", strings.Repeat(claimPrefix+"x\n", n)}}
	}
	write := func(t *testing.T, cells ...c) string {
		b, err := json.Marshal(map[string]any{"cells": cells, "nbformat": 4})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "x.ipynb")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	helper := c{"code", "import \"github.com/descentlab/descent/lib/viz/nb\"\n\nfunc both() {\n\tnb.Claim(true, \"a\")\n\tnb.Claim(true, \"b\")\n}", nil}
	loop := "%%\nfor i := range 4 {\n\tnb.Claim(i < 4, \"i\")\n}\nnb.Claim(true, \"after\")"

	p := write(t, helper, c{"code", "%%\nboth()\nnb.Claim(true, \"c\")", claimLines(3)}, c{"code", loop, claimLines(5)})
	if n, err := checkExecuted("x.ipynb", p); err != nil || n != 8 {
		t.Errorf("complete run: got %d claims, %v; want 8, nil", n, err)
	}

	p = write(t, helper, c{"markdown", "prose", nil}, c{"code", "%%\nboth()\nos.Exit(0)\nnb.Claim(true, \"c\")", claimLines(2)})
	_, err := checkExecuted("x.ipynb", p)
	for _, w := range []string{"x.ipynb: cell 3 (code cell 2: \"both()\")", "at least 3", "line 2 calls both, declared in cell 1", "nb.Claim on line 4", "shows 2"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("early stop: error does not mention %q:\n%v", w, err)
		}
	}
}
