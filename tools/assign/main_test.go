package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descentlab/descent/internal/testenv"
)

// TestCourseFromNotebooks builds the course from whatever notebooks exist
// (under a new name too, as a renumbered lesson would be) and checks each
// assignment's shape: every exercise is an answer cell with Go solution
// delimiters, followed (when autograded) by locked test cells with points
// whose claims are hidden and which end with the completion token.
func TestCourseFromNotebooks(t *testing.T) {
	root := testenv.Root(t)
	testenv.Need(t, root, testenv.Prereq{Path: "hub/nbgrader_config.py", Hint: "the checkout"})
	nbs, _ := filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
	if len(nbs) == 0 {
		t.Skip("no notebooks")
	}
	// A renumbered lesson: the first notebook under another name.
	tmp := t.TempDir()
	b, err := os.ReadFile(nbs[0])
	if err != nil {
		t.Fatal(err)
	}
	renamed := filepath.Join(tmp, "42-renamed-lesson.ipynb")
	if err := os.WriteFile(renamed, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "course")
	if err := run(root, out, append(append([]string(nil), nbs...), renamed)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "nbgrader_config.py")); err != nil {
		t.Error(err)
	}
	dirs, _ := filepath.Glob(filepath.Join(out, "source", "*"))
	if len(dirs) == 0 {
		t.Fatal("no assignment written")
	}
	auto := 0
	for _, d := range dirs {
		name := filepath.Base(d)
		b, err := os.ReadFile(filepath.Join(d, name+".ipynb"))
		if err != nil {
			t.Fatal(err)
		}
		var nb struct {
			Cells []struct {
				Raw      any            `json:"source"`
				Source   string         `json:"-"`
				Metadata map[string]any `json:"metadata"`
			} `json:"cells"`
		}
		if err := json.Unmarshal(b, &nb); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		answers := 0
		for _, c := range nb.Cells {
			switch r := c.Raw.(type) {
			case string:
				c.Source = r
			case []any:
				for _, l := range r {
					c.Source += l.(string)
				}
			}
			g, _ := c.Metadata["nbgrader"].(map[string]any)
			if g == nil {
				continue
			}
			id, _ := g["grade_id"].(string)
			switch {
			case g["solution"] == true:
				answers++
				if !strings.Contains(c.Source, "// BEGIN SOLUTION") || !strings.Contains(c.Source, "// END SOLUTION") ||
					!strings.Contains(c.Source, "const exercise = ") {
					t.Errorf("%s %s: answer cell without Go solution delimiters or exercise label:\n%s", name, id, c.Source)
				}
			case g["grade"] == true:
				auto++
				if g["locked"] != true || g["points"] == nil {
					t.Errorf("%s %s: test cell not locked or without points", name, id)
				}
				if !strings.HasPrefix(c.Source, "%%\n") || !strings.Contains(c.Source, "// BEGIN HIDDEN TESTS\n") ||
					!strings.Contains(c.Source, "nb.Claim(") || !strings.Contains(c.Source, "// END HIDDEN TESTS") {
					t.Errorf("%s %s: test cell is not a %%%% cell with hidden claims:\n%s", name, id, c.Source)
				}
				if strings.Index(c.Source, "nb.Claim(") < strings.Index(c.Source, "// BEGIN HIDDEN TESTS") {
					t.Errorf("%s %s: a claim is visible:\n%s", name, id, c.Source)
				}
				if !strings.Contains(c.Source, `fmt.Println("graded: `) {
					t.Errorf("%s %s: test cell without its completion token", name, id)
				}
			}
		}
		if answers == 0 {
			t.Errorf("%s: an assignment without answer cells", name)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "source", "42-renamed-lesson")); err != nil {
		t.Errorf("the renamed lesson has no assignment: %v", err)
	}
	if auto == 0 {
		t.Error("no autograded test cell in the whole course")
	}
	t.Logf("%d assignments, %d autograded test cells", len(dirs), auto)
}
