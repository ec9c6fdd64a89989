package hub

// TestClassWithNbgrader runs a class with nbgrader for real, through the
// JupyterHub of hub/ (testdata/class_config.py: local_config.py's hub, run as
// root, whose single-user servers run as the Unix users of their names): an
// instructor and four students are Unix users (useradd, each home of mode
// 0700) who share an nbgrader exchange directory (mode 0777, as nbgrader's
// docs ask) and nothing else. Everyone logs in with the hub's login form and
// acts through their own server, with the token their browser session
// created:
//
//   - the instructor, through the formgrader's API: adds the students,
//     generates and releases the assignment, collects, autogrades each
//     submission (timed), generates and releases feedback, and reads each
//     check's score;
//   - the students, through the assignment list's API (fetch, submit,
//     fetch_feedback) and the contents API (the answers, written into the
//     fetched notebook): one correct, one wrong, one empty, one partly right.
//
// What nbgrader offers no endpoint for runs as the instructor's command line
// (runuser, what they would type in their server's terminal): validating the
// source (which also warms their Go build cache), `chmod g+s` on the inbound
// folder (hub/CLASS.md) and `nbgrader export` of the gradebook as CSV. The
// course is built with tools/assign from the course notebooks (the
// assignment with the fewest cells among those whose exercises are all
// autograded, or DESCENT_CLASS_ASSIGNMENT).
//
// The wrong submission adds a cell with a declaration that does not compile
// before the first exercise, solves the first exercise and breaks the others
// in turn: os.Exit(0), an endless loop (the per-cell timeout), an answer that
// does not compile, a panic. Each costs only that exercise's points; the
// empty submission's stubs panic. The partly right submission returns the
// zero value in place of the last value of every exercise whose checks do
// not all read it: each check that reads it fails, the others pass, and the
// exercise gets exactly the points of the checks passed (read per check from
// the formgrader).
//
// Asserted: the four totals and the partial scores; that a student's server
// does not serve the formgrader (page and API) while the instructor's does;
// that a student cannot list the inbound submissions, read another's
// submission or feedback, the instructor's source or gradebook; that the
// released notebook holds neither solutions nor hidden tests; that no
// process of the five users is left once their servers stop.
//
// The network is not used: the instructor's kernel reads modules from a
// read-only copy of the needed module cache (GOPROXY=file://…, GOSUMDB=off).
// DESCENT_CLASS_SHOTS=<dir> also saves screenshots of the class in headless
// Chromium (classshots_test.go).

import (
	"bytes"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
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
	web        *student // the hub session: cookies, token, server URL
}

type classRun struct {
	t        *testing.T
	root     string
	base     string
	exchange string
	modcache string
	users    []*classUser
	venvBin  string       // the bin folder with nbgrader that the users run
	http     *http.Client // for the servers' APIs (an autograde takes a while)
}

const classCourse = "descent"

func TestClassWithNbgrader(t *testing.T) {
	testenv.Slow(t)
	root := testenv.Root(t)
	testenv.Need(t, root, append(testenv.Setup,
		testenv.Prereq{Path: ".venv/bin/nbgrader", Hint: "make setup (requirements.txt)"},
		testenv.Prereq{Path: ".venv/bin/jupyterhub", Hint: "make setup (requirements.txt)"},
		testenv.Prereq{Path: ".venv/bin/jupyterhub-singleuser", Hint: "make setup (requirements.txt)"},
		testenv.Prereq{Path: ".tools/bin/goimports", Hint: "make setup"})...)
	if os.Geteuid() != 0 {
		testenv.Missing(t, "root (the test creates Unix users with useradd)")
	}
	for _, tool := range []string{"useradd", "userdel", "runuser", "npm", "node"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, tool+" (apt-get install passwd util-linux nodejs npm)")
		}
	}
	start := time.Now()
	npmCI(t, root)
	c := &classRun{t: t, root: root, http: &http.Client{Timeout: 10 * time.Minute, CheckRedirect: noRedirect}}
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
	alice, bob, carol, dave := c.addUser("dca"+sfx), c.addUser("dcb"+sfx), c.addUser("dcc"+sfx), c.addUser("dcd"+sfx)
	students := []*classUser{alice, bob, carol, dave}

	c.exchange = filepath.Join(base, "exchange")
	must(t, os.Mkdir(c.exchange, 0o777))
	must(t, os.Chmod(c.exchange, 0o777))
	c.modcache = filepath.Join(base, "gomod")
	c.openPath(root)
	c.prepareModcache(instructor)
	c.instructorKernel(instructor)
	c.venvBin = c.usersPython(instructor)
	for _, u := range c.users {
		u.env = c.env(u)
	}
	course := filepath.Join(instructor.home, "course")
	c.configure(instructor, students, course)
	t.Logf("users and module cache ready in %v", time.Since(start).Round(time.Second))

	// The course, built by the instructor's tool run (as root: it needs
	// the repository's build cache), then handed to the instructor.
	c.rootRun(root, "go", "run", "./tools/assign", "-root", root, "-out", course)
	assignment := c.pickAssignment(course)
	c.chown(course, instructor)
	srcNB := filepath.Join(course, "source", assignment, assignment+".ipynb")
	answers, points := answerCells(t, srcNB)
	t.Logf("assignment %s: %d exercises, points %v", assignment, len(answers), points)

	// Validation of the source compiles the library on the instructor's
	// cold build cache (a longer per-cell timeout than grading's); it runs
	// while the hub starts and the students fetch and submit, and must pass
	// before grading starts.
	validate := c.cmdAs(instructor, course, append(append([]string(nil), instructor.env...), "DESCENT_CELL_TIMEOUT=300"), "nbgrader", "validate", srcNB)
	var validated bytes.Buffer
	validate.Stdout, validate.Stderr = &validated, &validated
	t0 := time.Now()
	must(t, validate.Start()) // c.cleanup ends it if the test stops early

	// The hub, and everyone's server.
	var names []string
	var web []*student
	for _, u := range c.users {
		names = append(names, u.name)
	}
	hubDir := filepath.Join(base, "hub")
	must(t, os.Mkdir(hubDir, 0o700))
	h := startHub(t, root, hubDir, "class_config.py", names, "HUBTEST_UNIX_USERS=1",
		"HUBTEST_SINGLEUSER="+filepath.Join(c.venvBin, "jupyterhub-singleuser"),
		"HUBTEST_USER_ENV="+filepath.Join(base, "env"))
	for _, u := range c.users {
		u.web = &student{name: u.name, home: u.home, base: h.url + "/user/" + u.name + "/"}
		web = append(web, u.web)
	}
	phase(t, "log in", web, func(s *student) error { return login(h.url, s, h.password) })
	phase(t, "spawn", web, func(s *student) error { return spawn(h.url, s) })
	t.Logf("hub and %d servers up at %v", len(web), time.Since(start).Round(time.Second))

	// The formgrader is the instructor's alone.
	for _, u := range c.users {
		want := http.StatusNotFound
		if u == instructor {
			want = http.StatusOK
		}
		for _, path := range []string{"formgrader/manage_assignments", "formgrader/api/status"} {
			if code := c.api(u, "GET", path, nil, nil); code != want {
				t.Errorf("%s's server: GET %s: status %d, want %d", u.name, path, code, want)
			}
		}
	}

	roles := []string{"correct", "wrong", "empty", "partly right"}
	for i, s := range students {
		var got map[string]any
		name := map[string]any{"last_name": s.name, "first_name": roles[i]}
		if code := c.api(instructor, "PUT", "formgrader/api/student/"+s.name, name, &got); code != 200 || got["id"] != s.name {
			t.Fatalf("formgrader: add student %s: status %d, %v", s.name, code, got)
		}
	}
	c.formgrader(instructor, "assignment/"+assignment+"/assign")
	c.formgrader(instructor, "assignment/"+assignment+"/release")
	// Submissions join the instructor's group (PrivateSubmit, CLASS.md).
	c.as(instructor, course, "chmod", "g+s", filepath.Join(c.exchange, classCourse, "inbound"))

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

	// Students see the assignment in their list, fetch it, answer in the
	// fetched notebook and submit.
	partial, partialWant := partialAnswers(t, answers)
	nbRel := assignment + "/" + assignment + ".ipynb"
	for i, s := range students {
		if st := c.listed(s, assignment); st != "released" {
			t.Fatalf("%s's assignment list: %s is %q, want released", s.name, assignment, st)
		}
		c.assignmentAction(s, "fetch", assignment)
		if st := c.listed(s, assignment); st != "fetched" {
			t.Errorf("%s's assignment list after fetch: %s is %q, want fetched", s.name, assignment, st)
		}
		var model struct {
			Content map[string]any `json:"content"`
		}
		if code := c.api(s, "GET", "api/contents/"+nbRel+"?content=1", nil, &model); code != 200 || model.Content == nil {
			t.Fatalf("%s: the fetched notebook through the contents API: status %d", s.name, code)
		}
		nb := model.Content
		switch i {
		case 0: // correct: the worked solutions
			editAnswers(nb, false, func(k int) string { return answers[k].src })
		case 1: // wrong: the first right, the others broken one way each
			editAnswers(nb, true, func(k int) string {
				if k == 0 {
					return answers[k].src
				}
				return brokenAnswer(k, answers[k])
			})
		case 2: // empty: the stubs as released
		case 3: // partly right
			editAnswers(nb, false, func(k int) string { return partial[k] })
		}
		if i != 2 {
			if code := c.api(s, "PUT", "api/contents/"+nbRel, map[string]any{"type": "notebook", "format": "json", "content": nb}, nil); code != 200 {
				t.Fatalf("%s: save the answers through the contents API: status %d", s.name, code)
			}
		}
		c.assignmentAction(s, "submit", assignment)
	}

	// Permissions between students and toward the instructor.
	inbound := filepath.Join(c.exchange, classCourse, "inbound")
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

	if err := validate.Wait(); err != nil || !strings.Contains(validated.String(), "Success! Your notebook passes all the tests.") {
		t.Fatalf("nbgrader validate on the source did not pass (%v):\n%s", err, classTail(validated.String(), 3000))
	}
	t.Logf("nbgrader validate (source, cold build cache): done %v after it started", time.Since(t0).Round(time.Second))

	// Collect, autograde (one submission at a time, timed), feedback.
	c.formgrader(instructor, "assignment/"+assignment+"/collect")
	times, logs := map[string]time.Duration{}, map[string]string{}
	for _, s := range students {
		t0 := time.Now()
		out := c.formgrader(instructor, "submission/"+assignment+"/"+s.name+"/autograde")
		t.Logf("autograde %s: %v%s", s.name, time.Since(t0).Round(100*time.Millisecond), gradeLines(out))
		times[s.name], logs[s.name] = time.Since(t0), out
	}
	c.formgrader(instructor, "assignment/"+assignment+"/generate_feedback")
	c.formgrader(instructor, "assignment/"+assignment+"/release_feedback")
	mathjax := regexp.MustCompile(`(?i)<script[^>]*src="[^"]*mathjax`)
	for _, s := range students {
		fb, err := os.ReadFile(filepath.Join(course, "feedback", s.name, assignment, assignment+".html"))
		if err != nil {
			t.Errorf("no feedback page for %s: %v", s.name, err)
			continue
		}
		// Formulas rendered when the page was made (MathMLFeedback), no MathJax.
		if !bytes.Contains(fb, []byte("<math")) || mathjax.Match(fb) {
			t.Errorf("%s's feedback page: %d MathML formulas, MathJax loaded: %v; want formulas rendered, no MathJax",
				s.name, bytes.Count(fb, []byte("<math")), mathjax.Match(fb))
		}
	}
	c.assignmentAction(alice, "fetch_feedback", assignment)
	if fbs, _ := filepath.Glob(filepath.Join(alice.home, assignment, "feedback", "*", assignment+".html")); len(fbs) == 0 {
		t.Errorf("fetch_feedback left no feedback page in %s's home", alice.name)
	}
	outbound, _ := filepath.Glob(filepath.Join(c.exchange, classCourse, "feedback", "*.html"))
	if len(outbound) == 0 {
		t.Errorf("no released feedback in the exchange")
	} else {
		c.cannot(bob, "list the released feedback", "ls", filepath.Dir(outbound[0]))
	}

	// The partly right submission: each check's score, from the formgrader.
	c.checkPartial(instructor, assignment, dave, partialWant)

	// The gradebook as CSV: no endpoint, the instructor's command line.
	c.as(instructor, course, "nbgrader", "export", "--to", filepath.Join(course, "grades.csv"))
	grades := readGrades(t, filepath.Join(course, "grades.csv"), assignment)
	total := 0.0
	for _, p := range points {
		total += p
	}
	want := map[string]float64{alice.name: total, bob.name: points[0], carol.name: 0, dave.name: partialWant.total}
	var report strings.Builder
	fmt.Fprintf(&report, "gradebook (%s, max %g):\n", assignment, total)
	for i, s := range students {
		fmt.Fprintf(&report, "  %s (%s)  %g / %g  autograde %v\n", s.name, roles[i],
			grades[s.name], total, times[s.name].Round(100*time.Millisecond))
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
	if dir := os.Getenv("DESCENT_CLASS_SHOTS"); dir != "" {
		classShots(t, dir, h, instructor, alice, carol, assignment,
			filepath.Join(course, "feedback", dave.name, assignment, assignment+".html"))
	}

	// Everyone stops their server; nothing of the five users is left.
	phase(t, "stop servers", web, func(s *student) error { return stopServer(h.url, h.marker, s) })
	if left := c.processes(2 * time.Second); len(left) > 0 {
		t.Errorf("processes left after the class: %v", left)
	}
	t.Logf("class done in %v", time.Since(start).Round(time.Second))
}

// configure writes each user's configuration: the environment of their
// server (read by class_config.py), their nbgrader_config.py (the course's,
// with the exchange; the instructor's also names the course directory, for
// the formgrader), and for the students the server configuration the course
// image has in its .venv (docker/provision.sh): the formgrader and the
// course list off.
func (c *classRun) configure(instructor *classUser, students []*classUser, course string) {
	c.t.Helper()
	shared, err := os.ReadFile(filepath.Join(c.root, "hub", "nbgrader_config.py"))
	must(c.t, err)
	envDir := filepath.Join(c.base, "env")
	must(c.t, os.Mkdir(envDir, 0o700))
	studentsEtc := filepath.Join(c.base, "students-etc")
	must(c.t, os.MkdirAll(filepath.Join(studentsEtc, "jupyter_server_config.d"), 0o755))
	must(c.t, os.WriteFile(filepath.Join(studentsEtc, "jupyter_server_config.d", "nbgrader_students.json"), []byte(
		`{"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": false, "nbgrader.server_extensions.course_list": false}}}`+"\n"), 0o644))
	// and the lab plugins `jupyter labextension disable` turns off there.
	must(c.t, os.MkdirAll(filepath.Join(studentsEtc, "labconfig"), 0o755))
	must(c.t, os.WriteFile(filepath.Join(studentsEtc, "labconfig", "page_config.json"), []byte(
		`{"disabledExtensions": {"@jupyter/nbgrader:formgrader": true, "@jupyter/nbgrader:course-list": true, "@jupyter/nbgrader:create-assignment": true}}`+"\n"), 0o644))
	for _, u := range c.users {
		env := map[string]string{}
		for _, kv := range u.env {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		conf := append([]byte(nil), shared...)
		conf = fmt.Appendf(conf, "\nc.Exchange.root = %q\n", c.exchange)
		if u == instructor {
			conf = fmt.Appendf(conf, "c.CourseDirectory.root = %q\n", course)
		} else {
			env["JUPYTER_CONFIG_PATH"] = studentsEtc + ":" + env["JUPYTER_CONFIG_PATH"]
		}
		b, err := json.Marshal(env)
		must(c.t, err)
		must(c.t, os.WriteFile(filepath.Join(envDir, u.name+".json"), b, 0o600))
		dir := filepath.Join(u.home, ".jupyter")
		must(c.t, os.MkdirAll(dir, 0o755))
		must(c.t, os.WriteFile(filepath.Join(dir, "nbgrader_config.py"), conf, 0o644))
		c.chown(dir, u)
	}
}

// api calls path on u's server with u's token and returns the status.
func (c *classRun) api(u *classUser, method, path string, body, out any) int {
	c.t.Helper()
	code, err := call(c.http, method, u.web.base+path, u.web.token, body, out)
	if err != nil {
		c.t.Fatalf("%s: %s %s: %v", u.name, method, path, err)
	}
	return code
}

// formgrader posts to the formgrader's API on the instructor's server and
// returns nbgrader's log; it fails the test unless nbgrader reports success.
func (c *classRun) formgrader(u *classUser, path string) string {
	c.t.Helper()
	var r struct {
		Success bool   `json:"success"`
		Log     string `json:"log"`
		Error   string `json:"error"`
	}
	if code := c.api(u, "POST", "formgrader/api/"+path, map[string]any{}, &r); code != 200 || !r.Success {
		c.t.Fatalf("formgrader %s: status %d, success %v:\n%s\n%s", path, code, r.Success, classTail(r.Log, 4000), classTail(r.Error, 4000))
	}
	return r.Log
}

// assignmentAction fetches, submits or fetches the feedback of an
// assignment through the assignment list's API on u's server.
func (c *classRun) assignmentAction(u *classUser, action, assignment string) {
	c.t.Helper()
	var r json.RawMessage
	body := map[string]any{"assignment_id": assignment, "course_id": classCourse}
	if code := c.api(u, "POST", "assignments/"+action, body, &r); code != 200 {
		c.t.Fatalf("%s: %s %s: status %d", u.name, action, assignment, code)
	}
	var failed struct {
		Success *bool  `json:"success"`
		Value   string `json:"value"`
	}
	if json.Unmarshal(r, &failed) == nil && failed.Success != nil && !*failed.Success {
		c.t.Fatalf("%s: %s %s failed: %s", u.name, action, assignment, classTail(failed.Value, 3000))
	}
}

// listed returns the status of assignment in u's assignment list
// (released, fetched, submitted), or "" when it is not listed.
func (c *classRun) listed(u *classUser, assignment string) string {
	c.t.Helper()
	var r struct {
		Success bool `json:"success"`
		Value   []struct {
			ID     string `json:"assignment_id"`
			Status string `json:"status"`
		} `json:"value"`
	}
	if code := c.api(u, "GET", "assignments?course_id="+url.QueryEscape(classCourse), nil, &r); code != 200 || !r.Success {
		c.t.Fatalf("%s: the assignment list: status %d, success %v", u.name, code, r.Success)
	}
	for _, a := range r.Value {
		if a.ID == assignment {
			return a.Status
		}
	}
	return ""
}

// partialWant is what the partly right submission should score: each
// check's points by grade id, and the total.
type partialWant struct {
	check map[string]float64
	total float64
	split int // exercises with some checks passed and some failed
}

// partialAnswers returns the partly right answer of every exercise and its
// expected scores: the worked solution, except that an exercise whose
// checks do not all read its last returned value returns that value's zero
// value (*new(T)); a check that reads it fails, the others pass.
func partialAnswers(t *testing.T, answers []answerCell) ([]string, partialWant) {
	t.Helper()
	var out []string
	w := partialWant{check: map[string]float64{}}
	for _, a := range answers {
		reads := regexp.MustCompile(`\b` + regexp.QuoteMeta(a.last) + `\b`)
		var in, notIn int
		for _, ck := range a.checks {
			if reads.MatchString(ck.hidden) {
				in++
			} else {
				notIn++
			}
		}
		src := a.src
		zeroed := in > 0 && notIn > 0
		if zeroed {
			src = zeroLast(t, a)
			w.split++
		}
		for _, ck := range a.checks {
			p := ck.points
			if zeroed && reads.MatchString(ck.hidden) {
				p = 0
			}
			w.check[ck.id] = p
			w.total += p
		}
		out = append(out, src)
	}
	if w.split == 0 {
		t.Fatalf("no exercise has checks of which some read its last returned value and some do not: no partial credit to test")
	}
	return out, w
}

// zeroLast rewrites the solution's last return statement so that its last
// value is the zero value of the function's last result type.
func zeroLast(t *testing.T, a answerCell) string {
	t.Helper()
	lines := strings.Split(a.src, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if !strings.HasPrefix(strings.TrimSpace(l), "return ") {
			continue
		}
		exprs := splitTop(strings.TrimPrefix(strings.TrimSpace(l), "return "))
		indent := l[:len(l)-len(strings.TrimLeft(l, "\t "))]
		// The value is still computed (a variable must be used in Go).
		use := indent + "_ = " + exprs[len(exprs)-1]
		exprs[len(exprs)-1] = "*new(" + a.lastType + ")"
		lines[i] = use + "\n" + indent + "return " + strings.Join(exprs, ", ")
		return strings.Join(lines, "\n")
	}
	t.Fatalf("%s: no return statement in the solution", a.id)
	return ""
}

// splitTop splits s at the commas outside brackets.
func splitTop(s string) []string {
	var out []string
	depth, from := 0, 0
	for i, r := range s {
		switch r {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[from:i]))
				from = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[from:]))
}

// checkPartial reads the partly right submission's score per check from the
// formgrader and compares it with w.
func (c *classRun) checkPartial(instructor *classUser, assignment string, s *classUser, w partialWant) {
	c.t.Helper()
	var nbs []struct {
		ID      string  `json:"id"`
		Student string  `json:"student"`
		Score   float64 `json:"score"`
	}
	if code := c.api(instructor, "GET", "formgrader/api/submitted_notebooks/"+assignment+"/"+assignment, nil, &nbs); code != 200 {
		c.t.Fatalf("formgrader: submitted notebooks: status %d", code)
	}
	id := ""
	for _, n := range nbs {
		if n.Student == s.name {
			id = n.ID
		}
	}
	if id == "" {
		c.t.Fatalf("formgrader lists no notebook of %s: %+v", s.name, nbs)
	}
	var grades []struct {
		Name      string   `json:"name"`
		AutoScore *float64 `json:"auto_score"`
		MaxScore  float64  `json:"max_score"`
	}
	if code := c.api(instructor, "GET", "formgrader/api/grades?submission_id="+url.QueryEscape(id), nil, &grades); code != 200 {
		c.t.Fatalf("formgrader: grades of %s: status %d", s.name, code)
	}
	var lines []string
	seen := 0
	for _, g := range grades {
		want, ok := w.check[g.Name]
		if !ok {
			continue
		}
		seen++
		got := -1.0
		if g.AutoScore != nil {
			got = *g.AutoScore
		}
		lines = append(lines, fmt.Sprintf("%s %g/%g", g.Name, got, g.MaxScore))
		if got != want {
			c.t.Errorf("partly right submission, %s: %g points, want %g", g.Name, got, want)
		}
	}
	if seen != len(w.check) {
		c.t.Errorf("formgrader lists %d of the %d checks for %s", seen, len(w.check), s.name)
	}
	sort.Strings(lines)
	c.t.Logf("partly right submission (%s), per check: %s", s.name, strings.Join(lines, ", "))
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
		// nbconvert's templates and the server extensions' configuration
		// (nbgrader's, descent's guard), also when the users run the .venv
		// through a shim (usersPython), whose prefix is elsewhere.
		"JUPYTER_PATH=" + filepath.Join(c.root, ".venv", "share", "jupyter"),
		"JUPYTER_CONFIG_PATH=" + filepath.Join(c.root, ".venv", "etc", "jupyter"),
		"GOMODCACHE=" + c.modcache, "GOCACHE=" + filepath.Join(u.home, ".cache", "go-build"),
		"GOPATH=" + filepath.Join(u.home, "go"), "GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local",
		"DESCENT_EXCHANGE=" + c.exchange,
		"DESCENT_HOME=" + c.root, // the checkout, as the course image sets it
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
	out, err := c.cmdAs(u, dir, u.env, name, args...).CombinedOutput()
	if err != nil {
		c.t.Fatalf("%s: %s %s: %v\n%s", u.name, name, strings.Join(args, " "), err, classTail(string(out), 4000))
	}
	return string(out)
}

// cmdAs is the command that runs name as u in dir with the environment env
// (and nothing else).
func (c *classRun) cmdAs(u *classUser, dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.Command("runuser", append([]string{"-u", u.name, "--", "env", "-i"}, append(env, append([]string{name}, args...)...)...)...)
	cmd.Dir = dir
	return cmd
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
	cmd := exec.Command("runuser", "-u", u.name, "--", filepath.Join(venv, "bin", "python"), "-c", "import jupyterhub, nbgrader")
	cmd.Dir = "/"
	if out, err := cmd.CombinedOutput(); err != nil {
		c.t.Fatalf("the test users cannot import the .venv's packages through %s: %v\n%s", venv, err, classTail(string(out), 500))
	}
	c.t.Logf("the users run nbgrader from %s (system Python %s with the .venv's packages)", venv, f[0])
	return filepath.Join(venv, "bin")
}

// openPath lets other users enter every directory on the way to path, as
// the course image's checkout is: a clone under mktemp -d (mode 0700) is
// not, and the test's Unix users must read the repository's .venv, tools
// and library. It adds only o+x (enter, not list) and puts each mode back
// when the test ends.
func (c *classRun) openPath(path string) {
	c.t.Helper()
	for d := path; d != filepath.Dir(d); d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 != 0 {
			continue
		}
		mode := fi.Mode().Perm()
		must(c.t, os.Chmod(d, mode|0o001))
		c.t.Logf("opened %s (mode %#o) for the test users until the test ends", d, mode)
		c.t.Cleanup(func() { os.Chmod(d, mode) })
	}
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
	// the name its test cells give the last returned value, and its type
	last, lastType string
	checks         []checkCell
}

// checkCell is a test cell of an exercise: its grade id, points and hidden
// region.
type checkCell struct {
	id, hidden string
	points     float64
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

// answerCells lists the autograded answer cells of a source notebook, each
// with its test cells, and the points of each exercise.
func answerCells(t *testing.T, path string) ([]answerCell, []float64) {
	b, err := os.ReadFile(path)
	must(t, err)
	var nb struct{ Cells []map[string]any }
	must(t, json.Unmarshal(b, &nb))
	var out []answerCell
	var pts []float64
	// A test cell names the values: `a, b := exerciseN()`.
	call := regexp.MustCompile(`(?m)^(.*) := exercise\d+\(\)$`)
	for _, c := range nb.Cells {
		md, _ := c["metadata"].(map[string]any)
		g, _ := md["nbgrader"].(map[string]any)
		if g == nil {
			continue
		}
		id, _ := g["grade_id"].(string)
		src := cellSource(c)
		if g["solution"] == true && g["grade"] == false && strings.HasSuffix(id, "-answer") {
			sig := ""
			for _, l := range strings.Split(src, "\n") {
				if strings.HasPrefix(l, "func ") {
					sig = l
				}
			}
			a := answerCell{id: id, src: src, fn: sig}
			if i, j := strings.Index(sig, ") ("), strings.LastIndex(sig, ") {"); i >= 0 && j > i {
				types := splitTop(sig[i+3 : j])
				a.lastType = types[len(types)-1]
			} else if i, j := strings.Index(sig, ") "), strings.LastIndex(sig, " {"); i >= 0 && j > i {
				a.lastType = sig[i+2 : j]
			}
			out = append(out, a)
			pts = append(pts, 0)
		}
		if g["grade"] == true && g["solution"] == false && len(out) > 0 {
			p, _ := g["points"].(float64)
			pts[len(pts)-1] += p
			a := &out[len(out)-1]
			hidden := ""
			if i, j := strings.Index(src, "// BEGIN HIDDEN TESTS"), strings.Index(src, "// END HIDDEN TESTS"); i >= 0 && j > i {
				hidden = src[i:j]
			}
			a.checks = append(a.checks, checkCell{id: id, hidden: hidden, points: p})
			if m := call.FindStringSubmatch(src); m != nil {
				names := splitTop(m[1])
				a.last = names[len(names)-1]
			}
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

// editAnswers rewrites the answer cells of a student's notebook (as the
// contents API gives it), and adds brokenCell before the first when
// insertBroken.
func editAnswers(nb map[string]any, insertBroken bool, edit func(k int) string) {
	k := 0
	cells, _ := nb["cells"].([]any)
	for _, ci := range cells {
		c := ci.(map[string]any)
		md, _ := c["metadata"].(map[string]any)
		g, _ := md["nbgrader"].(map[string]any)
		id, _ := g["grade_id"].(string)
		if g == nil || g["solution"] != true || !strings.HasSuffix(id, "-answer") {
			continue
		}
		c["source"] = edit(k)
		k++
	}
	if insertBroken {
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

// gradeLines picks nbgrader's per-cell score lines and timeouts out of
// autograde's log (not its debug lines, which hold whole outputs).
func gradeLines(out string) string {
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "[DEBUG]") || len(l) > 300 {
			continue
		}
		if strings.Contains(l, "score") || strings.Contains(l, "Timeout") {
			b.WriteString("\n  " + strings.TrimSpace(l))
		}
	}
	return b.String()
}
