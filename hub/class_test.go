package hub

// TestClassWithNbgrader runs a class with nbgrader for real, as separate
// Unix users (root creates them with useradd, each with a home of mode 0700):
// an instructor and three students share an nbgrader exchange directory
// (mode 0777, as nbgrader's docs ask) and nothing else. The instructor builds
// the course with tools/assign from the course notebooks (the assignment with
// the fewest cells among those whose exercises are all autograded, or
// DESCENT_CLASS_ASSIGNMENT), validates the source notebook, generates and
// releases it; each student fetches and submits (one correct, one wrong,
// one empty); the instructor collects, autogrades through the gonb kernel,
// generates and releases feedback and exports the gradebook as CSV.
//
// The wrong submission adds a cell with a declaration that does not compile
// before the first exercise, solves the first exercise and breaks the others
// in turn: os.Exit(0), an endless loop (the per-cell timeout), an answer that
// does not compile, a panic. Each costs only that exercise's points; the
// empty submission's stubs panic.
//
// Asserted: the three totals; that a student cannot list the inbound
// submissions, read another's submission or feedback, the instructor's
// source or gradebook; that the released notebook holds neither solutions
// nor hidden tests; that no process of the four users is left.
//
// It runs nbgrader's command line as each user (runuser), not the JupyterHub
// of hub/: the hub adds nothing to nbgrader's file exchange, and the time
// budget (under five minutes) goes to the kernels. The network is not used:
// the instructor's kernel reads modules from a read-only copy of the needed
// module cache (GOPROXY=file://…, GOSUMDB=off).

import (
	"bytes"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/descentlab/descent/internal/testenv"
)

type classUser struct {
	name, home string
	uid        int
	env        []string
}

type classRun struct {
	t        *testing.T
	root     string
	base     string
	exchange string
	modcache string
	users    []*classUser
	venvBin  string // the bin folder with nbgrader that the users run
}

func TestClassWithNbgrader(t *testing.T) {
	testenv.Slow(t)
	root := testenv.Root(t)
	testenv.Need(t, root, append(testenv.Setup,
		testenv.Prereq{Path: ".venv/bin/nbgrader", Hint: "make setup (requirements.txt)"},
		testenv.Prereq{Path: ".tools/bin/goimports", Hint: "make setup"})...)
	if os.Geteuid() != 0 {
		testenv.Missing(t, "root (the test creates Unix users with useradd)")
	}
	for _, tool := range []string{"useradd", "userdel", "runuser"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool+" (apt-get install passwd util-linux)")
		}
	}
	start := time.Now()
	c := &classRun{t: t, root: root}
	base, err := os.MkdirTemp("", "descent-class-")
	if err != nil {
		t.Fatal(err)
	}
	c.base = base
	os.Chmod(base, 0o755)
	t.Cleanup(c.cleanup)

	suffix := make([]byte, 3)
	rand.Read(suffix)
	sfx := hex.EncodeToString(suffix)
	instructor := c.addUser("dci" + sfx)
	alice, bob, carol := c.addUser("dca"+sfx), c.addUser("dcb"+sfx), c.addUser("dcc"+sfx)
	students := []*classUser{alice, bob, carol}

	c.exchange = filepath.Join(base, "exchange")
	must(t, os.Mkdir(c.exchange, 0o777))
	must(t, os.Chmod(c.exchange, 0o777))
	c.modcache = filepath.Join(base, "gomod")
	c.prepareModcache(instructor)
	c.instructorKernel(instructor)
	c.venvBin = c.usersPython(instructor)
	for _, u := range c.users {
		u.env = c.env(u)
	}
	// The students' nbgrader configuration: where the exchange is, which
	// course (in an image: /etc/jupyter/nbgrader_config.py, hub/CLASS.md).
	// The students' nbgrader configuration: the course's own file (its
	// PrivateSubmit keeps submissions from other students), with the
	// exchange's path; in an image: /etc/jupyter/nbgrader_config.py.
	shared, err := os.ReadFile(filepath.Join(root, "hub", "nbgrader_config.py"))
	must(t, err)
	for _, s := range []*classUser{alice, bob, carol} {
		dir := filepath.Join(s.home, ".jupyter")
		must(t, os.MkdirAll(dir, 0o755))
		must(t, os.WriteFile(filepath.Join(dir, "nbgrader_config.py"), append(shared, []byte(fmt.Sprintf(
			"\nc.Exchange.root = %q\n", c.exchange))...), 0o644))
		c.chown(dir, s)
	}
	t.Logf("users and module cache ready in %v", time.Since(start).Round(time.Second))

	// The course, built by the instructor's tool run (as root: it needs
	// the repository's build cache), then handed to the instructor.
	course := filepath.Join(instructor.home, "course")
	c.rootRun(root, "go", "run", "./tools/assign", "-root", root, "-out", course)
	assignment := c.pickAssignment(course)
	c.chown(course, instructor)
	srcNB := filepath.Join(course, "source", assignment, assignment+".ipynb")
	answers, points := answerCells(t, srcNB)
	t.Logf("assignment %s: %d exercises, points %v", assignment, len(answers), points)

	t0 := time.Now()
	// Validation compiles the library on a cold build cache: a longer
	// per-cell timeout than grading's.
	saved := instructor.env
	instructor.env = append(append([]string(nil), saved...), "DESCENT_CELL_TIMEOUT=300")
	out := c.as(instructor, course, "nbgrader", "validate", srcNB)
	instructor.env = saved
	if !strings.Contains(out, "Success! Your notebook passes all the tests.") {
		t.Fatalf("nbgrader validate on the source did not pass:\n%s", classTail(out, 3000))
	}
	t.Logf("nbgrader validate (source, cold build cache): %v", time.Since(t0).Round(time.Second))
	for _, s := range students {
		c.as(instructor, course, "nbgrader", "db", "student", "add", s.name)
	}
	c.as(instructor, course, "nbgrader", "generate_assignment", assignment, "--force")
	c.as(instructor, course, "nbgrader", "release_assignment", assignment, "--force")
	// Submissions join the instructor's group (PrivateSubmit, CLASS.md).
	c.as(instructor, course, "chmod", "g+s", filepath.Join(c.exchange, "descent", "inbound"))

	// The release: no solution, no hidden test, no token.
	release := filepath.Join(course, "release", assignment, assignment+".ipynb")
	rel, err := os.ReadFile(release)
	must(t, err)
	for _, secret := range []string{"BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "graded: exercise"} {
		if bytes.Contains(rel, []byte(secret)) {
			t.Errorf("the released notebook contains %q", secret)
		}
	}
	released := strings.Join(cellSources(t, release), "\n")
	for _, h := range hiddenTests(t, srcNB) {
		if strings.Contains(released, h) {
			t.Errorf("the released notebook contains a hidden test:\n%s", h)
		}
	}
	if !bytes.Contains(rel, []byte(`panic(exercise + \": your code here\")`)) {
		t.Errorf("the released notebook has no Go stub")
	}

	// Students fetch, answer and submit.
	for i, s := range students {
		c.as(s, s.home, "nbgrader", "fetch_assignment", assignment, "--course", "descent")
		nbPath := filepath.Join(s.home, assignment, assignment+".ipynb")
		if _, err := os.Stat(nbPath); err != nil {
			t.Fatalf("%s: fetch_assignment left no notebook: %v", s.name, err)
		}
		switch i {
		case 0: // correct: the worked solutions
			editAnswers(t, nbPath, false, func(k int, id, src string) string { return answers[k].src })
		case 1: // wrong: the first right, the others broken one way each
			editAnswers(t, nbPath, true, func(k int, id, src string) string {
				if k == 0 {
					return answers[k].src
				}
				return brokenAnswer(k, answers[k])
			})
		case 2: // empty: the stubs as released
		}
		c.chown(filepath.Join(s.home, assignment), s)
		c.as(s, s.home, "nbgrader", "submit", assignment, "--course", "descent")
	}

	// Permissions between students and toward the instructor.
	inbound := filepath.Join(c.exchange, "descent", "inbound")
	subs, _ := filepath.Glob(filepath.Join(inbound, alice.name+"+"+assignment+"+*"))
	if len(subs) == 0 {
		t.Fatalf("no submission of %s in %s", alice.name, inbound)
	}
	c.cannot(bob, "list the inbound submissions", "ls", inbound)
	// nbgrader's exchange would leave a submission's files readable by all
	// (0444), behind an inbound folder others cannot list and a name ending
	// in 12 random characters; PrivateSubmit makes them the instructor's
	// group's: even with its path another student cannot read it.
	if parts := strings.Split(filepath.Base(subs[0]), "+"); len(parts) < 4 || len(parts[3]) < 12 {
		t.Errorf("submission %s has no random part in its name", subs[0])
	}
	c.cannot(bob, "read another student's submission, knowing its path", "cat", filepath.Join(subs[0], assignment+".ipynb"))
	c.cannot(bob, "read another student's submission in their home", "cat", filepath.Join(alice.home, assignment, assignment+".ipynb"))
	c.cannot(bob, "list another student's submission cache", "ls", filepath.Join(alice.home, ".local", "share", "jupyter"))
	c.cannot(bob, "read the instructor's source", "cat", srcNB)
	c.cannot(bob, "read the gradebook", "cat", filepath.Join(course, "gradebook.db"))
	c.cannot(bob, "list the instructor's course", "ls", course)
	c.cannot(bob, "read another student's home", "ls", alice.home)

	// Collect, autograde (one submission at a time, timed), feedback, export.
	c.as(instructor, course, "nbgrader", "collect", assignment)
	times, logs := map[string]time.Duration{}, map[string]string{}
	for _, s := range students {
		t0 := time.Now()
		out := c.as(instructor, course, "nbgrader", "autograde", assignment, "--student", s.name, "--force")
		t.Logf("autograde %s: %v%s", s.name, time.Since(t0).Round(100*time.Millisecond), gradeLines(out))
		times[s.name], logs[s.name] = time.Since(t0), out
	}
	c.as(instructor, course, "nbgrader", "generate_feedback", assignment, "--force")
	c.as(instructor, course, "nbgrader", "release_feedback", assignment)
	for _, s := range students {
		fb := filepath.Join(course, "feedback", s.name, assignment, assignment+".html")
		if _, err := os.Stat(fb); err != nil {
			t.Errorf("no feedback page for %s: %v", s.name, err)
		}
	}
	c.as(alice, alice.home, "nbgrader", "fetch_feedback", assignment, "--course", "descent")
	if fbs, _ := filepath.Glob(filepath.Join(alice.home, assignment, "feedback", "*", assignment+".html")); len(fbs) == 0 {
		t.Errorf("fetch_feedback left no feedback page in %s's home", alice.name)
	}
	outbound, _ := filepath.Glob(filepath.Join(c.exchange, "descent", "feedback", "*.html"))
	for _, f := range outbound {
		c.cannot(bob, "list the released feedback", "ls", filepath.Dir(f))
		break
	}
	c.as(instructor, course, "nbgrader", "export", "--to", filepath.Join(course, "grades.csv"))

	grades := readGrades(t, filepath.Join(course, "grades.csv"), assignment)
	total := 0.0
	for _, p := range points {
		total += p
	}
	want := map[string]float64{alice.name: total, bob.name: points[0], carol.name: 0}
	var report strings.Builder
	fmt.Fprintf(&report, "gradebook (%s, max %g):\n", assignment, total)
	for _, s := range students {
		fmt.Fprintf(&report, "  %s  %g / %g  autograde %v\n", s.name, grades[s.name], total, times[s.name].Round(100*time.Millisecond))
		if grades[s.name] != want[s.name] {
			t.Errorf("%s: score %g, want %g; autograde said:\n%s", s.name, grades[s.name], want[s.name], classTail(logs[s.name], 6000))
		}
	}
	t.Log(report.String())
	// The autograded notebooks and feedback pages stay in build/class-test
	// for a look (screenshots, debugging).
	keep := filepath.Join(root, "build", "class-test")
	os.RemoveAll(keep)
	os.MkdirAll(keep, 0o755)
	for _, d := range []string{"autograded", "feedback", "release", "grades.csv"} {
		exec.Command("cp", "-a", filepath.Join(course, d), keep).Run()
	}
	if r := os.Getenv("DESCENT_CLASS_REPORT"); r != "" {
		os.WriteFile(r, []byte(report.String()), 0o644)
	}

	// Nothing of the four users is left running.
	if left := c.processes(2 * time.Second); len(left) > 0 {
		t.Errorf("processes left after the class: %v", left)
	}
	t.Logf("class done in %v", time.Since(start).Round(time.Second))
}

// --- users and commands -----------------------------------------------------

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (c *classRun) addUser(name string) *classUser {
	c.t.Helper()
	home := filepath.Join(c.base, "home", name)
	must(c.t, os.MkdirAll(filepath.Dir(home), 0o755))
	if out, err := exec.Command("useradd", "-m", "-d", home, "-s", "/bin/bash", "-U", name).CombinedOutput(); err != nil {
		c.t.Fatalf("useradd %s: %v\n%s", name, err, out)
	}
	u := &classUser{name: name, home: home}
	c.users = append(c.users, u)
	lu, err := user.Lookup(name)
	must(c.t, err)
	u.uid, _ = strconv.Atoi(lu.Uid)
	must(c.t, os.Chmod(home, 0o700))
	return u
}

func (c *classRun) env(u *classUser) []string {
	goroot, _ := exec.Command("go", "env", "GOROOT").Output()
	gobin := filepath.Join(strings.TrimSpace(string(goroot)), "bin")
	return []string{
		"HOME=" + u.home, "USER=" + u.name, "LOGNAME=" + u.name, "LANG=C.UTF-8",
		"PATH=" + c.venvBin + ":" + c.root + "/.tools/bin:" + gobin + ":/usr/local/bin:/usr/bin:/bin",
		"JUPYTER_DATA_DIR=" + filepath.Join(u.home, ".local", "share", "jupyter"),
		"JUPYTER_PATH=" + filepath.Join(c.root, ".venv", "share", "jupyter"), // nbconvert templates, in the shim case
		"GOMODCACHE=" + c.modcache, "GOCACHE=" + filepath.Join(u.home, ".cache", "go-build"),
		"GOPATH=" + filepath.Join(u.home, "go"), "GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local",
		"DESCENT_EXCHANGE=" + c.exchange,
		"DESCENT_CELL_TIMEOUT=" + envOr("DESCENT_CLASS_CELL_TIMEOUT", "20"),
		"TMPDIR=/tmp",
	}
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

// as runs a command as u in dir and returns its combined output; it fails
// the test when the command fails.
func (c *classRun) as(u *classUser, dir string, name string, args ...string) string {
	c.t.Helper()
	cmd := exec.Command("runuser", append([]string{"-u", u.name, "--", "env", "-i"}, append(u.env, append([]string{name}, args...)...)...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("%s: %s %s: %v\n%s", u.name, name, strings.Join(args, " "), err, classTail(string(out), 4000))
	}
	return string(out)
}

// cannot asserts that a command run as u fails.
func (c *classRun) cannot(u *classUser, what string, name string, args ...string) {
	c.t.Helper()
	cmd := exec.Command("runuser", append([]string{"-u", u.name, "--", name}, args...)...)
	cmd.Dir = "/"
	if out, err := cmd.CombinedOutput(); err == nil {
		c.t.Errorf("student %s can %s (%s %s):\n%s", u.name, what, name, strings.Join(args, " "), classTail(string(out), 500))
	}
}

func (c *classRun) rootRun(dir, name string, args ...string) {
	c.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		c.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, classTail(string(out), 3000))
	}
}

func (c *classRun) chown(path string, u *classUser) {
	c.t.Helper()
	c.rootRun("/", "chown", "-R", u.name+":"+u.name, path)
}

// prepareModcache gives the instructor a module cache of their own, filled
// from root's (its download cache, which Go reads as a file:// proxy), so the
// kernel never reaches for the network.
func (c *classRun) prepareModcache(owner *classUser) {
	c.t.Helper()
	gomod, _ := exec.Command("go", "env", "GOMODCACHE").Output()
	must(c.t, os.MkdirAll(filepath.Join(c.modcache, "cache"), 0o755))
	c.rootRun("/", "cp", "-a", filepath.Join(strings.TrimSpace(string(gomod)), "cache", "download"), filepath.Join(c.modcache, "cache", "download"))
	c.chown(c.modcache, owner)
}

// usersPython returns the bin folder of a Python environment with nbgrader
// that the users can run: the repository's .venv when its interpreter is
// theirs to run, else (a .venv made from a Python under root's home, as
// pyenv's) a virtual environment of the system's Python of the same version
// that reads the .venv's packages through a .pth file: no network needed.
func (c *classRun) usersPython(u *classUser) string {
	c.t.Helper()
	bin := filepath.Join(c.root, ".venv", "bin")
	if exec.Command("runuser", "-u", u.name, "--", filepath.Join(bin, "python"), "-c", "import nbgrader").Run() == nil {
		return bin
	}
	out, err := exec.Command(filepath.Join(bin, "python"), "-c",
		"import sys, sysconfig; print('%d.%d' % sys.version_info[:2]); print(sysconfig.get_paths()['purelib']); print(sysconfig.get_paths()['platlib'])").Output()
	must(c.t, err)
	f := strings.Fields(string(out))
	py := "/usr/bin/python" + f[0]
	if _, err := os.Stat(py); err != nil {
		testenv.Missing(c.t, fmt.Sprintf("a Python %s the test users can run (the .venv's interpreter is not theirs to run; apt-get install python%s-venv)", f[0], f[0]))
	}
	venv := filepath.Join(c.base, "venv")
	c.rootRun("/", py, "-m", "venv", "--without-pip", venv)
	site, err := exec.Command(filepath.Join(venv, "bin", "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").Output()
	must(c.t, err)
	must(c.t, os.WriteFile(filepath.Join(strings.TrimSpace(string(site)), "descent-venv.pth"), []byte(f[1]+"\n"+f[2]+"\n"), 0o644))
	// Every console script of the .venv (nbgrader runs alembic, jupyter, …).
	scripts, _ := os.ReadDir(bin)
	for _, e := range scripts {
		b, err := os.ReadFile(filepath.Join(bin, e.Name()))
		if err != nil || strings.HasPrefix(e.Name(), "python") || !bytes.HasPrefix(b, []byte("#!"+filepath.Join(bin, "python"))) {
			continue
		}
		lines := strings.SplitN(string(b), "\n", 2)
		must(c.t, os.WriteFile(filepath.Join(venv, "bin", e.Name()), []byte("#!"+filepath.Join(venv, "bin", "python")+"\n"+lines[1]), 0o755))
	}
	c.rootRun("/", "chmod", "-R", "a+rX", venv)
	c.t.Logf("the users run nbgrader from %s (system Python %s with the .venv's packages)", venv, f[0])
	return filepath.Join(venv, "bin")
}

// instructorKernel installs the repository's gonb kernel spec for the
// instructor, with GOPROXY pointing at the shared module cache (the
// repository's spec points at root's cache, which the instructor cannot
// read).
func (c *classRun) instructorKernel(u *classUser) {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.root, ".venv", "share", "jupyter", "kernels", "gonb", "kernel.json"))
	must(c.t, err)
	var spec map[string]any
	must(c.t, json.Unmarshal(b, &spec))
	env, _ := spec["env"].(map[string]any)
	if env == nil {
		env = map[string]any{}
	}
	env["GOPROXY"] = "file://" + filepath.Join(c.modcache, "cache", "download")
	spec["env"] = env
	dir := filepath.Join(u.home, ".local", "share", "jupyter", "kernels", "gonb")
	must(c.t, os.MkdirAll(dir, 0o755))
	b, _ = json.MarshalIndent(spec, "", " ")
	must(c.t, os.WriteFile(filepath.Join(dir, "kernel.json"), b, 0o644))
	c.chown(filepath.Join(u.home, ".local"), u)
}

// processes waits up to d for the users' processes to end and returns those left.
func (c *classRun) processes(d time.Duration) []string {
	uids := map[uint32]bool{}
	for _, u := range c.users {
		uids[uint32(u.uid)] = true
	}
	deadline := time.Now().Add(d)
	for {
		var left []string
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			var st syscall.Stat_t
			if syscall.Stat(filepath.Join("/proc", e.Name()), &st) != nil || !uids[st.Uid] {
				continue
			}
			cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			left = append(left, fmt.Sprintf("%d %s", pid, strings.ReplaceAll(string(cmdline), "\x00", " ")))
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (c *classRun) cleanup() {
	// End what the users left (processes this test started), then remove them.
	uids := map[uint32]bool{}
	for _, u := range c.users {
		uids[uint32(u.uid)] = true
	}
	for _, p := range c.processes(0) {
		if pid, err := strconv.Atoi(strings.Fields(p)[0]); err == nil {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	for _, u := range c.users {
		exec.Command("userdel", "-r", "-f", u.name).Run()
	}
	os.RemoveAll(c.base)
}

// --- notebooks ------------------------------------------------------------

type answerCell struct {
	id, src string
	fn      string // the exercise function's signature line
}

func cellSource(c map[string]any) string {
	switch s := c["source"].(type) {
	case string:
		return s
	case []any:
		var b strings.Builder
		for _, l := range s {
			b.WriteString(fmt.Sprint(l))
		}
		return b.String()
	}
	return ""
}

func cellSources(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	must(t, err)
	var nb struct{ Cells []map[string]any }
	must(t, json.Unmarshal(b, &nb))
	var out []string
	for _, c := range nb.Cells {
		out = append(out, cellSource(c))
	}
	return out
}

// hiddenTests returns the hidden regions of a source notebook's cells.
func hiddenTests(t *testing.T, path string) []string {
	var out []string
	for _, s := range cellSources(t, path) {
		for {
			i := strings.Index(s, "// BEGIN HIDDEN TESTS\n")
			j := strings.Index(s, "// END HIDDEN TESTS")
			if i < 0 || j < i {
				break
			}
			out = append(out, strings.TrimSpace(s[i+len("// BEGIN HIDDEN TESTS\n"):j]))
			s = s[j+1:]
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no hidden test", path)
	}
	return out
}

// answerCells lists the autograded answer cells of a source notebook and
// the points of each exercise.
func answerCells(t *testing.T, path string) ([]answerCell, []float64) {
	b, err := os.ReadFile(path)
	must(t, err)
	var nb struct{ Cells []map[string]any }
	must(t, json.Unmarshal(b, &nb))
	var out []answerCell
	var pts []float64
	for _, c := range nb.Cells {
		md, _ := c["metadata"].(map[string]any)
		g, _ := md["nbgrader"].(map[string]any)
		if g == nil {
			continue
		}
		id, _ := g["grade_id"].(string)
		if g["solution"] == true && g["grade"] == false && strings.HasSuffix(id, "-answer") {
			src := cellSource(c)
			sig := ""
			for _, l := range strings.Split(src, "\n") {
				if strings.HasPrefix(l, "func ") {
					sig = l
				}
			}
			out = append(out, answerCell{id: id, src: src, fn: sig})
			pts = append(pts, 0)
		}
		if g["grade"] == true && g["solution"] == false && len(pts) > 0 {
			p, _ := g["points"].(float64)
			pts[len(pts)-1] += p
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no autograded exercise", path)
	}
	return out, pts
}

// brokenAnswer breaks exercise k (k >= 1) one way: os.Exit(0), an endless
// loop, a declaration that does not compile, a panic.
func brokenAnswer(k int, a answerCell) string {
	switch (k - 1) % 4 {
	case 0:
		return a.fn + "\n\tos.Exit(0)\n\tpanic(\"unreachable\")\n}\n"
	case 1:
		return a.fn + "\n\tfor {\n\t}\n}\n"
	case 2:
		return a.fn + "\n\treturn this is not Go\n}\n"
	default:
		return a.fn + "\n\tpanic(\"a student's bug\")\n}\n"
	}
}

// brokenCell is a cell a student adds before the first answer: a
// declaration that does not compile. GoNB forgets it, so it must cost
// nothing.
const brokenCell = "// my helper\nfunc helper() int { return \"not an int\" }\n"

// editAnswers rewrites the answer cells of a student's notebook.
func editAnswers(t *testing.T, path string, insertBroken bool, edit func(k int, id, src string) string) {
	b, err := os.ReadFile(path)
	must(t, err)
	var nb map[string]any
	must(t, json.Unmarshal(b, &nb))
	k := 0
	for _, ci := range nb["cells"].([]any) {
		c := ci.(map[string]any)
		md, _ := c["metadata"].(map[string]any)
		g, _ := md["nbgrader"].(map[string]any)
		id, _ := g["grade_id"].(string)
		if g == nil || g["solution"] != true || !strings.HasSuffix(id, "-answer") {
			continue
		}
		c["source"] = edit(k, id, cellSource(c))
		k++
	}
	if insertBroken {
		cells := nb["cells"].([]any)
		for i, ci := range cells {
			md, _ := ci.(map[string]any)["metadata"].(map[string]any)
			if g, _ := md["nbgrader"].(map[string]any); g != nil && g["solution"] == true {
				extra := map[string]any{"cell_type": "code", "id": "student-helper", "metadata": map[string]any{},
					"execution_count": nil, "outputs": []any{}, "source": brokenCell}
				nb["cells"] = append(cells[:i], append([]any{extra}, cells[i:]...)...)
				break
			}
		}
	}
	b, err = json.MarshalIndent(nb, "", " ")
	must(t, err)
	must(t, os.WriteFile(path, b, 0o644))
}

// pickAssignment chooses the assignment the class works on.
func (c *classRun) pickAssignment(course string) string {
	c.t.Helper()
	if a := os.Getenv("DESCENT_CLASS_ASSIGNMENT"); a != "" {
		return a
	}
	dirs, _ := filepath.Glob(filepath.Join(course, "source", "*"))
	sort.Strings(dirs)
	best, bestCells := "", 0
	for _, d := range dirs {
		name := filepath.Base(d)
		b, err := os.ReadFile(filepath.Join(d, name+".ipynb"))
		if err != nil {
			continue
		}
		var nb struct{ Cells []map[string]any }
		if json.Unmarshal(b, &nb) != nil {
			continue
		}
		answers, manual := 0, false
		for _, cl := range nb.Cells {
			md, _ := cl["metadata"].(map[string]any)
			g, _ := md["nbgrader"].(map[string]any)
			if g == nil {
				continue
			}
			if g["solution"] == true && g["grade"] == true {
				manual = true
			}
			if id, _ := g["grade_id"].(string); strings.HasSuffix(id, "-answer") {
				answers++
			}
		}
		if manual || answers < 3 {
			continue
		}
		if best == "" || len(nb.Cells) < bestCells {
			best, bestCells = name, len(nb.Cells)
		}
	}
	if best == "" {
		c.t.Fatalf("no assignment in %s has three or more exercises, all autograded", course)
	}
	return best
}

func readGrades(t *testing.T, path, assignment string) map[string]float64 {
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	must(t, err)
	if len(rows) < 2 {
		t.Fatalf("%s: no grades", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	out := map[string]float64{}
	for _, r := range rows[1:] {
		if r[col["assignment"]] != assignment {
			continue
		}
		s, err := strconv.ParseFloat(r[col["score"]], 64)
		if err != nil {
			t.Fatalf("%s: score %q: %v", path, r[col["score"]], err)
		}
		out[r[col["student_id"]]] = s
	}
	t.Logf("grades.csv:\n%s", mustRead(path))
	return out
}

func mustRead(p string) string { b, _ := os.ReadFile(p); return string(b) }

func classTail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// gradeLines picks nbgrader's per-cell score lines out of autograde's log.
func gradeLines(out string) string {
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "score") || strings.Contains(l, "CellTimeoutError") || strings.Contains(l, "Timeout") {
			b.WriteString("\n  " + strings.TrimSpace(l))
		}
	}
	return b.String()
}
