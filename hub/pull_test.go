package hub

// TestPullKeepsStudentEdits distributes the course with nbgitpuller 1.x the
// way a hub link does (`gitpuller URL BRANCH DIR`, what /hub/user-redirect/
// git-pull?repo=… runs in the student's server), from a local git repository
// (file://, no network), and checks its update rules on the real notebooks:
// a student's edit survives an update, a notebook the instructor changed and
// the student did not is updated, a new notebook arrives, and where both
// changed the same notebook the student's version is kept (nbgitpuller
// merges with "ours"). It takes a few seconds, so it runs in a plain go test.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descentlab/descent/internal/testenv"
)

func TestPullKeepsStudentEdits(t *testing.T) {
	root := testenv.Root(t)
	testenv.Need(t, root, testenv.Prereq{Path: ".venv/bin/gitpuller", Hint: "make setup (requirements.txt: nbgitpuller)"})
	if _, err := exec.LookPath("git"); err != nil {
		testenv.Missing(t, "git (apt-get install git)")
	}
	nbs, _ := filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
	if len(nbs) < 2 {
		t.Fatalf("need two notebooks in notebooks/, found %d", len(nbs))
	}
	tmp := t.TempDir()
	gitEnv := append(os.Environ(), "GIT_AUTHOR_NAME=instructor", "GIT_AUTHOR_EMAIL=i@example.org",
		"GIT_COMMITTER_NAME=instructor", "GIT_COMMITTER_EMAIL=i@example.org", "HOME="+tmp,
		"GIT_CONFIG_NOSYSTEM=1")
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, gitEnv
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	// The instructor's course repository: the notebooks as they are.
	course := filepath.Join(tmp, "course")
	must(t, os.MkdirAll(filepath.Join(course, "notebooks"), 0o755))
	for _, nb := range nbs {
		b, err := os.ReadFile(nb)
		must(t, err)
		must(t, os.WriteFile(filepath.Join(course, "notebooks", filepath.Base(nb)), b, 0o644))
	}
	git(course, "init", "-q", "-b", "main")
	git(course, "add", ".")
	git(course, "commit", "-q", "-m", "course")
	url := "file://" + course

	pull := func() {
		t.Helper()
		cmd := exec.Command(filepath.Join(root, ".venv", "bin", "gitpuller"), url, "main", "descent")
		cmd.Dir, cmd.Env = filepath.Join(tmp, "student"), gitEnv
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gitpuller: %v\n%s", err, out)
		}
	}
	must(t, os.MkdirAll(filepath.Join(tmp, "student"), 0o755))
	pull()
	home := filepath.Join(tmp, "student", "descent", "notebooks")
	first, second := filepath.Base(nbs[0]), filepath.Base(nbs[1])
	if _, err := os.Stat(filepath.Join(home, first)); err != nil {
		t.Fatalf("the first pull did not bring the course: %v", err)
	}

	// The student edits the first notebook; the instructor changes the
	// second and the first, and adds a notebook.
	edit := func(path, mark string) {
		t.Helper()
		b, err := os.ReadFile(path)
		must(t, err)
		b = bytes.Replace(b, []byte(`"source": [`), []byte(`"source": [`+"\n    \""+mark+"\\n\","), 1)
		must(t, os.WriteFile(path, b, 0o644))
	}
	edit(filepath.Join(home, first), "// student's work")
	edit(filepath.Join(course, "notebooks", second), "// instructor's fix")
	edit(filepath.Join(course, "notebooks", first), "// instructor's change to the same notebook")
	b, _ := os.ReadFile(nbs[0])
	must(t, os.WriteFile(filepath.Join(course, "notebooks", "99-new-lesson.ipynb"), b, 0o644))
	git(course, "add", ".")
	git(course, "commit", "-q", "-m", "update")

	pull()
	got := func(name string) string {
		b, err := os.ReadFile(filepath.Join(home, name))
		if err != nil {
			t.Fatalf("after the update: %v", err)
		}
		return string(b)
	}
	if s := got(first); !strings.Contains(s, "// student's work") {
		t.Errorf("the update overwrote the student's edit of %s", first)
	} else if strings.Contains(s, "instructor's change") {
		t.Logf("%s: both versions merged", first)
	} else {
		t.Logf("%s: the student's version kept, the instructor's change to it not merged", first)
	}
	if !strings.Contains(got(second), "// instructor's fix") {
		t.Errorf("the update did not bring the instructor's change to %s", second)
	}
	got("99-new-lesson.ipynb")
}
