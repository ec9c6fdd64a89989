package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Runner executes notebooks with the repository's gonb kernel.
type Runner struct {
	Root        string        // repository root (holds go.mod and .venv)
	OutDir      string        // where executed copies go (default Root/build/notebooks)
	CellTimeout time.Duration // per-cell timeout handed to nbconvert
	Deadline    time.Duration // whole-notebook limit (0: cells × CellTimeout + 2m)
	Log         io.Writer     // what nbrun ended or removed besides the run itself (nil: discarded)
}

// init fills the defaults and checks that setup has been run.
func (r *Runner) init(firstNotebook string) error {
	if r.Root == "" {
		root, err := findRoot(firstNotebook)
		if err != nil {
			return err
		}
		r.Root = root
	}
	root, err := filepath.Abs(r.Root)
	if err != nil {
		return err
	}
	r.Root = root
	if r.OutDir == "" {
		r.OutDir = filepath.Join(r.Root, "build", "notebooks")
	}
	if r.OutDir, err = filepath.Abs(r.OutDir); err != nil {
		return err
	}
	if r.CellTimeout <= 0 {
		r.CellTimeout = 300 * time.Second
	}
	if _, err := os.Stat(r.jupyter()); err != nil {
		return fmt.Errorf("%s not found: run `make setup` in %s first", r.jupyter(), r.Root)
	}
	if _, err := os.Stat(r.kernelSpec()); err != nil {
		return fmt.Errorf("the gonb kernel is not installed (%s missing): run `make setup` in %s", r.kernelSpec(), r.Root)
	}
	sweepLeftovers(r.OutDir, r.log())
	return nil
}

func (r *Runner) jupyter() string { return filepath.Join(r.Root, ".venv", "bin", "jupyter") }

// findRoot walks up from the working directory, then from the notebook, to
// the first folder holding both go.mod and .venv.
func findRoot(notebook string) (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if abs, err := filepath.Abs(notebook); err == nil {
		starts = append(starts, filepath.Dir(abs))
	}
	for _, dir := range starts {
		for d := dir; ; d = filepath.Dir(d) {
			if isFile(filepath.Join(d, "go.mod")) && isDir(filepath.Join(d, ".venv")) {
				return d, nil
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return "", errors.New("no repository found (a folder with go.mod and .venv) above the working directory or the notebook: run `make setup` in the checkout, or pass -root")
}

func isFile(p string) bool { st, err := os.Stat(p); return err == nil && !st.IsDir() }
func isDir(p string) bool  { st, err := os.Stat(p); return err == nil && st.IsDir() }

// notebook is the part of the nbformat JSON the runner reads.
type notebook struct {
	NBFormat int `json:"nbformat"`
	Metadata struct {
		Kernelspec *struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
	} `json:"metadata"`
	Cells []cell `json:"cells"`
}

type cell struct {
	CellType string          `json:"cell_type"`
	Source   json.RawMessage `json:"source"` // a string or a list of strings
	Outputs  []output        `json:"outputs"`
}

type output struct {
	OutputType string                     `json:"output_type"`
	Name       string                     `json:"name"`
	Text       json.RawMessage            `json:"text"`
	EName      string                     `json:"ename"`
	EValue     string                     `json:"evalue"`
	Data       map[string]json.RawMessage `json:"data"`
}

// multiline decodes nbformat's "string or list of strings".
func multiline(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []string
	if json.Unmarshal(raw, &parts) == nil {
		return strings.Join(parts, "")
	}
	return ""
}

// readNotebook parses and checks a notebook before it is executed.
func readNotebook(path string) (*notebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var nb notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		return nil, fmt.Errorf("%s is not valid notebook JSON (%v): restore it from git (`git checkout -- %s`) or re-save it from JupyterLab", path, err, path)
	}
	if nb.NBFormat < 4 {
		return nil, fmt.Errorf("%s has nbformat %d; the runner needs nbformat 4: re-save it from JupyterLab", path, nb.NBFormat)
	}
	switch {
	case nb.Metadata.Kernelspec == nil:
		return nil, fmt.Errorf("%s names no kernel: set metadata.kernelspec.name to \"gonb\" (in JupyterLab: Kernel → Change Kernel… → Go (gonb), then save)", path)
	case nb.Metadata.Kernelspec.Name != "gonb":
		return nil, fmt.Errorf("%s names kernel %q, not \"gonb\": set metadata.kernelspec.name to \"gonb\" (in JupyterLab: Kernel → Change Kernel… → Go (gonb), then save)", path, nb.Metadata.Kernelspec.Name)
	}
	return &nb, nil
}

// Run executes one notebook and returns the path of its executed copy.
func (r *Runner) Run(path string) (string, error) {
	dst, _, err := r.RunContext(context.Background(), path)
	return dst, err
}

// ErrStopped wraps the error RunContext returns when its context ends the run.
var ErrStopped = errors.New("stopped")

// RunContext executes one notebook and returns the path of its executed copy
// and how many claims the notebook checked (lines starting with
// nb.ClaimPrefix in its cells' standard output).
//
// However the run ends — the notebook passes or fails, a cell times out, the
// whole-notebook deadline passes, or ctx is cancelled (nbrun got SIGINT,
// SIGTERM or SIGHUP) — every process it caused (nbconvert, the kernel, the
// cell's program, the go command, and whatever a cell left running, in a
// session of its own or not) has ended and its scratch folder is gone when
// RunContext returns. When ctx ends the run, the error wraps ErrStopped and
// context.Cause(ctx). That holds in full in a process that is a child
// subreaper and runs one notebook at a time, as nbrun does (see procs.go):
// RunContext then ends every descendant of the process.
func (r *Runner) RunContext(ctx context.Context, path string) (string, int, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", 0, err
	}
	src, err := readNotebook(abs)
	if err != nil {
		return "", 0, err
	}
	if ctx.Err() != nil {
		return "", 0, fmt.Errorf("%s: %w by %v before it started", path, ErrStopped, context.Cause(ctx))
	}
	if err := os.MkdirAll(r.OutDir, 0o755); err != nil {
		return "", 0, err
	}
	s, err := newSession(r.OutDir)
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if left := s.end(); len(left) > 0 {
			fmt.Fprintf(r.log(), "nbrun: %s: ended %d processes still running after nbconvert exited:\n    %s\n",
				filepath.Base(path), len(left), strings.Join(procNames(left), "\n    "))
		}
	}()
	guard, err := os.Executable()
	if err != nil {
		return "", 0, fmt.Errorf("nbrun cannot find its own executable to guard the kernel: %v", err)
	}
	if err := s.writeKernelSpec(r.kernelSpec(), guard); err != nil {
		return "", 0, err
	}
	logFile, err := os.Create(s.logPath())
	if err != nil {
		return "", 0, err
	}
	defer logFile.Close()

	name := filepath.Base(abs)
	secs := int(r.CellTimeout.Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	cmd := exec.Command(r.jupyter(), "nbconvert",
		"--to", "notebook", "--execute", "--allow-errors",
		"--ExecutePreprocessor.kernel_name=gonb",
		fmt.Sprintf("--ExecutePreprocessor.timeout=%d", secs),
		"--ExecutePreprocessor.startup_timeout=120",
		"--output-dir", s.outDir(), "--output", name, abs)
	cmd.Dir = filepath.Dir(abs)
	cmd.Env = s.env(r.env())
	// A file, not a pipe: the kernel inherits nbconvert's output, and a pipe
	// it holds would keep Wait from returning after nbconvert is gone.
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return "", 0, err
	}
	s.top.PID = cmd.Process.Pid
	if p, ok := readStat(s.top.PID); ok {
		s.top.Start = p.Start
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := r.deadline(src)
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	var runErr error
	select {
	case runErr = <-done:
	case <-ctx.Done():
		ended := s.end()
		_ = cmd.Process.Kill() // ended already, but where there is no /proc to list it
		<-done
		return "", 0, fmt.Errorf("%s: %w by %v: ended the run's %s",
			path, ErrStopped, context.Cause(ctx), countProcs(ended))
	case <-timer.C:
		ended := s.end()
		_ = cmd.Process.Kill()
		<-done
		why := fmt.Sprintf("the -deadline of %v", deadline)
		if r.Deadline <= 0 {
			why = fmt.Sprintf("%v: %d cells at the -timeout of %v each, and 2m to start the kernel", deadline, len(src.Cells), r.CellTimeout)
		}
		return "", 0, fmt.Errorf("%s: the whole notebook took longer than %s, so nbrun ended its %s: "+
			"make the notebook faster, or raise -timeout or -deadline", path, why, countProcs(ended))
	}
	if runErr != nil {
		log, _ := os.ReadFile(s.logPath())
		return "", 0, r.explainFailure(path, src, string(log), runErr)
	}
	executed := filepath.Join(s.outDir(), name)
	claims, err := checkExecuted(path, executed)
	if err != nil {
		return "", 0, err
	}
	if err := setGoLexer(executed); err != nil {
		return "", 0, err
	}
	dst := filepath.Join(r.OutDir, name)
	if err := os.Rename(executed, dst); err != nil {
		return "", 0, err
	}
	return dst, claims, nil
}

// deadline is the most a whole notebook may take: Runner.Deadline, or
// cells × the cell timeout plus two minutes for the kernel to start.
func (r *Runner) deadline(nb *notebook) time.Duration {
	if r.Deadline > 0 {
		return r.Deadline
	}
	return time.Duration(len(nb.Cells)+1)*r.CellTimeout + 2*time.Minute
}

func (r *Runner) kernelSpec() string {
	return filepath.Join(r.Root, ".venv", "share", "jupyter", "kernels", "gonb", "kernel.json")
}

func (r *Runner) log() io.Writer {
	if r.Log == nil {
		return io.Discard
	}
	return r.Log
}

// countProcs says how many processes ps holds and names them:
// "4 processes (jupyter-nbconve, nbrun, gonb, gonb_3233f830)".
func countProcs(ps []procInfo) string {
	if len(ps) == 0 {
		return "0 processes"
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Comm)
	}
	noun := "processes"
	if len(ps) == 1 {
		noun = "process"
	}
	return fmt.Sprintf("%d %s (%s)", len(ps), noun, strings.Join(names, ", "))
}

func procNames(ps []procInfo) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

// env is the environment of nbconvert and of the kernel it starts: the
// project's Jupyter data (where the gonb kernel spec lives) and tools first.
func (r *Runner) env() []string {
	env := os.Environ()
	path := filepath.Join(r.Root, ".venv", "bin") + string(os.PathListSeparator) +
		filepath.Join(r.Root, ".tools", "bin") + string(os.PathListSeparator) + os.Getenv("PATH")
	env = append(env,
		"PATH="+path,
		"JUPYTER_DATA_DIR="+filepath.Join(r.Root, ".venv", "share", "jupyter"),
		"JUPYTER_PLATFORM_DIRS=1",
		"PYDEVD_DISABLE_FILE_VALIDATION=1",
	)
	return env
}

var timeoutPreview = regexp.MustCompile(`(?s)Here is a preview of the cell contents:\s*-+\s*(.*?)\s*-+`)

// explainFailure turns a failed nbconvert run into a message naming the
// notebook and, when it can be found, the cell.
func (r *Runner) explainFailure(path string, nb *notebook, stderr string, runErr error) error {
	if strings.Contains(stderr, "CellTimeoutError") || strings.Contains(stderr, "timed out") {
		where := "a cell"
		if m := timeoutPreview.FindStringSubmatch(stderr); m != nil {
			if i := findCell(nb, m[1]); i >= 0 {
				where = fmt.Sprintf("cell %d (%s)", i+1, firstLine(multiline(nb.Cells[i].Source)))
			}
		}
		return fmt.Errorf("%s: %s timed out after %v: make the cell faster, or raise the limit with -timeout", path, where, r.CellTimeout)
	}
	if strings.Contains(stderr, "No such kernel named gonb") || strings.Contains(stderr, "NoSuchKernel") {
		return fmt.Errorf("%s: the gonb kernel was not found: run `make setup` in %s", path, r.Root)
	}
	return fmt.Errorf("%s: nbconvert failed (%v):\n%s", path, runErr, lastLines(stderr, 25))
}

// findCell returns the index of the first code cell whose source starts
// with the given preview, or -1.
func findCell(nb *notebook, preview string) int {
	preview = strings.TrimSpace(preview)
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		src := strings.TrimSpace(multiline(c.Source))
		if src != "" && (strings.HasPrefix(src, preview) || strings.HasPrefix(preview, src)) {
			return i
		}
	}
	return -1
}

// CellError is a failed cell in an executed notebook.
type CellError struct {
	Notebook string
	Cell     int // 1-based position among all cells
	Code     int // 1-based position among code cells
	First    string
	Message  string
}

func (e *CellError) Error() string {
	return fmt.Sprintf("%s: cell %d (code cell %d: %q) failed:\n%s", e.Notebook, e.Cell, e.Code, e.First, indent(e.Message))
}

// claimPrefix is lib/viz/nb.ClaimPrefix (not imported: the runner must
// build without the notebook display package's dependencies).
const claimPrefix = "✔ claim: "

// checkExecuted reads an executed notebook and returns the number of claims
// its cells checked, or the first failing cell as a *CellError (with a count
// of further failures). A cell fails when it has an error, a shell line in
// it fails, or it printed fewer claims than it must check when it runs to
// its end (see claims.go).
func checkExecuted(name, executed string) (int, error) {
	b, err := os.ReadFile(executed)
	if err != nil {
		return 0, err
	}
	var nb notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		return 0, fmt.Errorf("%s: executed copy is not valid JSON: %v", name, err)
	}
	claims := 0
	var first *CellError
	failures := 0
	code := 0
	counter := newClaimCounter()
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		code++
		printed := 0
		for _, o := range c.Outputs {
			if o.OutputType == "stream" && o.Name == "stdout" {
				for _, line := range strings.Split(multiline(o.Text), "\n") {
					if strings.HasPrefix(line, claimPrefix) {
						printed++
					}
				}
			}
		}
		claims += printed
		src := multiline(c.Source)
		must := counter.cell(i+1, src)
		msg := cellFailure(c)
		if msg == "" && printed < len(must) {
			msg = fmt.Sprintf("the cell stopped before checking all its claims: a run to its end checks at least %d (%s), "+
				"its output shows %d. Did it call os.Exit, return early, or end main with runtime.Goexit?", len(must), describeSites(must), printed)
		}
		if msg != "" {
			failures++
			if first == nil {
				first = &CellError{Notebook: name, Cell: i + 1, Code: code, First: firstLine(src), Message: msg}
			}
		}
	}
	if first == nil {
		return claims, checkChartBundle(name, b)
	}
	if failures > 1 {
		first.Message += fmt.Sprintf("\n(and %d later cells failed too)", failures-1)
	}
	return claims, first
}

// Chart markers of lib/viz (not imported, like claimPrefix): every chart's
// container has the class, and the chart that carries the echarts bundle
// has the attribute.
const (
	chartClass = `class=\"descent-viz\"`
	loaderAttr = `data-descent-echarts=`
)

// checkChartBundle fails a notebook whose charts cannot become interactive:
// it has charts but its outputs carry the echarts bundle not exactly once
// (GoNB can drop a cell's last display message, and a dropped first chart
// takes the bundle with it). b is the executed notebook's JSON.
func checkChartBundle(name string, b []byte) error {
	if !bytes.Contains(b, []byte(chartClass)) {
		return nil
	}
	if n := bytes.Count(b, []byte(loaderAttr)); n != 1 {
		return fmt.Errorf("%s: the outputs carry the echarts bundle %d times, want exactly once (was the first chart's output dropped, or nb.Reload called?)", name, n)
	}
	return nil
}

var goPosition = regexp.MustCompile(`[^\s]+\.go:\d+:\d+: [^\n]*`)

var gonbCompileError = regexp.MustCompile(`Cell\[\d+\]: Line \d+ [^\n]*?:\d+:\d+: [^\n]*`)

// exitReport is how GoNB reports a program that did not exit 0 — the cell's
// own program or a `!` shell line's command: a stderr stream message of its
// own holding exactly "exit status N" or "signal: …", after everything the
// program wrote (and "^C" first when the kernel was interrupted). nbconvert
// keeps each stream message as an output of its own (nbclient's
// coalesce_streams is off, and ExecutePreprocessor does not turn it on).
var exitReport = regexp.MustCompile(`^(\^C\n)?(exit status [1-9][0-9]*|signal: [a-z0-9 ]+)\n?$`)

// cellFailure returns why a cell failed, or "" when it did not.
//
// GoNB turns every failure of the cell's Go program — a compile error, a
// panic, log.Fatal, a failed nb.Claim, any non-zero exit or a fatal signal —
// into an error output. A failing `!` shell line gives no error output, only
// GoNB's exit report on stderr, so that report fails a cell that runs shell
// lines. Text a cell writes to stderr itself ("exit status", "panic:") is
// ordinary output and fails nothing.
func cellFailure(c cell) string {
	var stderr strings.Builder
	var errs []string
	var shellFailed []string
	shell := hasShellLine(multiline(c.Source))
	for _, o := range c.Outputs {
		switch o.OutputType {
		case "stream":
			if o.Name != "stderr" {
				continue
			}
			text := multiline(o.Text)
			stderr.WriteString(text)
			if shell && exitReport.MatchString(text) {
				shellFailed = append(shellFailed, strings.TrimSpace(strings.TrimPrefix(text, "^C\n")))
			}
		case "error":
			errs = append(errs, strings.TrimSpace(o.EName+": "+o.EValue))
		}
	}
	if len(errs) == 0 && len(shellFailed) == 0 {
		return ""
	}
	se := stderr.String()
	var msg []string
	// GoNB reports compile errors as HTML; pull out the "Cell[n]: Line m ...: message" lines.
	// Errors in a library package the cell imports have no cell location:
	// then keep the report's text lines that carry a Go position (file.go:line:col).
	for _, o := range c.Outputs {
		if raw, ok := o.Data["text/html"]; ok && o.OutputType == "display_data" && len(errs) > 0 {
			text := html.UnescapeString(stripTags(multiline(raw)))
			found := gonbCompileError.FindAllString(text, -1)
			if len(found) == 0 {
				found = goPosition.FindAllString(text, 20)
			}
			for _, m := range found {
				msg = append(msg, strings.TrimSpace(m))
			}
		}
	}
	if len(errs) == 0 {
		msg = append(msg, fmt.Sprintf("a shell line (!) failed: %s", strings.Join(shellFailed, ", ")))
	}
	if s := strings.TrimSpace(ansi.ReplaceAllString(se, "")); s != "" {
		msg = append(msg, lastLines(s, 20))
	}
	if len(msg) == 0 {
		msg = errs
	}
	return strings.Join(msg, "\n")
}

// hasShellLine reports whether a cell runs a `!` shell line.
func hasShellLine(src string) bool {
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimPrefix(strings.TrimSpace(line), "//gonb:")
		if strings.HasPrefix(t, "!") {
			return true
		}
	}
	return false
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

var tags = regexp.MustCompile(`(?s)<style>.*?</style>|<[^>]+>`)

func stripTags(s string) string { return tags.ReplaceAllString(s, "") }

// firstLine returns the first line of a cell's source that says something
// (GoNB's "%%" marker is skipped), shortened for messages.
func firstLine(src string) string {
	s := ""
	for _, line := range strings.Split(src, "\n") {
		if line = strings.TrimSpace(line); line != "" && line != "%%" {
			s = line
			break
		}
	}
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") }
