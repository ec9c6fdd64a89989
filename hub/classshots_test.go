package hub

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/descentlab/descent/internal/testenv"
)

// classShots saves screenshots of the class (TestClassWithNbgrader with
// DESCENT_CLASS_SHOTS=dir) into dir, taken in headless Chromium logged in
// through the hub's form as each user:
//
//	student-assignments.png   the student's assignment list in JupyterLab
//	released-exercise.png     the empty student's notebook as released, at an exercise's stub
//	formgrader-assignments.png, formgrader-students.png   the instructor's formgrader
//	feedback-top.png, feedback-exercise.png   a feedback page read from disk (file://)
//
// feedback is the path of a feedback page. A failure fails the test: the
// pictures are asked for.
func classShots(t *testing.T, dir string, h *hubRun, instructor, student, empty *classUser, assignment, feedback string) {
	t.Helper()
	must(t, os.MkdirAll(dir, 0o755))
	shoot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx context.Context) error {
			// JupyterLab's toasts (its news question) are not the class.
			if err := chromedp.Evaluate(`document.querySelectorAll(".Toastify").forEach(e => e.remove())`, nil).Do(ctx); err != nil {
				return err
			}
			var png []byte
			if err := chromedp.CaptureScreenshot(&png).Do(ctx); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, name), png, 0o644)
		})
	}
	session := func(u *classUser, steps ...chromedp.Action) {
		t.Helper()
		b := testenv.NewBrowser(t, testenv.BrowserConfig{Width: 1280, Height: 860, Marker: h.marker})
		ctx, cancel := context.WithTimeout(b.Ctx, 3*time.Minute)
		defer cancel()
		login := []chromedp.Action{
			chromedp.Navigate(h.url + "/hub/login"),
			chromedp.WaitVisible(`#username_input`, chromedp.ByQuery),
			chromedp.SendKeys(`#username_input`, u.name, chromedp.ByQuery),
			chromedp.SendKeys(`#password_input`, h.password, chromedp.ByQuery),
			chromedp.Click(`#login_submit`, chromedp.ByQuery),
			chromedp.WaitNotPresent(`#login_submit`, chromedp.ByQuery),
		}
		if err := chromedp.Run(ctx, append(login, steps...)...); err != nil {
			t.Fatalf("screenshots as %s: %v", u.name, err)
		}
		b.Close()
	}
	lab := func(u *classUser, path string) []chromedp.Action {
		return []chromedp.Action{
			chromedp.Navigate(h.url + "/user/" + u.name + "/lab" + path),
			chromedp.WaitVisible(`#jp-main-dock-panel`, chromedp.ByQuery),
			chromedp.Poll(`typeof window.jupyterapp === "object"`, nil, chromedp.WithPollingTimeout(time.Minute)),
		}
	}
	wait := func(d time.Duration) chromedp.Action { return chromedp.Sleep(d) }

	// The student's assignment list (nbgrader's lab extension).
	steps := append(lab(student, ""),
		chromedp.Evaluate(`window.jupyterapp.commands.execute("nbgrader:open-assignment-list")`, nil),
		chromedp.WaitVisible(`#released_assignments_list, .nbgrader-assignment-list, #submitted_assignments_list`, chromedp.ByQuery),
		chromedp.Poll(fmt.Sprintf(`document.body.innerText.includes(%q)`, assignment), nil, chromedp.WithPollingTimeout(time.Minute)),
		wait(time.Second), shoot("student-assignments.png"))
	session(student, steps...)

	// A released exercise: the empty submission is the release as fetched.
	nbPath := "/tree/" + assignment + "/" + assignment + ".ipynb"
	steps = append(lab(empty, nbPath),
		chromedp.Poll(`(() => { const w = window.jupyterapp.shell.currentWidget;
			return !!(w && w.content && w.content.model && w.content.model.cells.length > 0); })()`, nil, chromedp.WithPollingTimeout(time.Minute)),
		chromedp.Poll(`(() => { const c = [...document.querySelectorAll(".jp-Notebook .jp-Cell")]
			.find(e => e.textContent.includes("your code here"));
			if (!c) return false;
			(c.previousElementSibling || c).scrollIntoView({block: "start"}); return true; })()`, nil, chromedp.WithPollingTimeout(time.Minute)),
		wait(2*time.Second), shoot("released-exercise.png"))
	session(empty, steps...)

	// The instructor's formgrader: the assignments and the gradebook.
	session(instructor,
		chromedp.Navigate(h.url+"/user/"+instructor.name+"/formgrader/manage_assignments"),
		chromedp.Poll(fmt.Sprintf(`document.body.innerText.includes(%q)`, assignment), nil, chromedp.WithPollingTimeout(time.Minute)),
		wait(time.Second), shoot("formgrader-assignments.png"),
		chromedp.Navigate(h.url+"/user/"+instructor.name+"/formgrader/manage_students"),
		chromedp.Poll(fmt.Sprintf(`document.body.innerText.includes(%q)`, student.name), nil, chromedp.WithPollingTimeout(time.Minute)),
		wait(time.Second), shoot("formgrader-students.png"))

	// A feedback page, from disk: its formulas drawn without a network.
	b := testenv.NewBrowser(t, testenv.BrowserConfig{Width: 1280, Height: 860, Marker: h.marker})
	ctx, cancel := context.WithTimeout(b.Ctx, time.Minute)
	defer cancel()
	if err := chromedp.Run(ctx,
		chromedp.Navigate("file://"+feedback),
		chromedp.WaitVisible(`body`, chromedp.ByQuery),
		wait(time.Second), shoot("feedback-top.png"),
		chromedp.Evaluate(`(() => { const m = [...document.querySelectorAll("math")].find(e => e.closest(".text_cell_render") && e.getBoundingClientRect().top > 1500);
			if (m) m.scrollIntoView({block: "center"}); return !!m; })()`, nil),
		wait(time.Second), shoot("feedback-exercise.png"),
	); err != nil {
		t.Fatalf("screenshots of %s: %v", feedback, err)
	}
	t.Logf("screenshots in %s", dir)
}
