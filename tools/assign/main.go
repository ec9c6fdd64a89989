// Command assign turns the course notebooks into an nbgrader course: one
// assignment per notebook that has exercises, written as
//
//	<out>/source/<notebook>/<notebook>.ipynb
//	<out>/nbgrader_config.py   (a copy of hub/nbgrader_config.py)
//
// Usage (what `make assignments` runs, before nbgrader generate_assignment):
//
//	go run ./tools/assign -root . -out build/course notebooks/*.ipynb
//
// The notebooks stay the single source. Every cell is copied, except each
// exercise's worked solution (a code cell tagged "solution"), which becomes:
//
//   - an answer cell (nbgrader "autograded answer"): a function
//     exerciseN() returning the values the solution's claims read, its body
//     between // BEGIN SOLUTION and // END SOLUTION, which nbgrader replaces
//     with the Go stub panic(exercise + ": your code here");
//   - one test cell per check (a top-level statement of the solution that
//     calls nb.Claim), one point each, locked: a %% cell that calls
//     exerciseN() and, between // BEGIN HIDDEN TESTS and // END HIDDEN
//     TESTS, the claim — hidden because a claim states the answer — and a
//     line printing a token that hub/nbgrader_config.py's GoCheckCompleted
//     looks for, so a cell whose program ends early with status 0 (os.Exit(0)
//     in a student's function) earns nothing.
//
// Why a function and %% test cells: GoNB compiles every cell together with
// the declarations of the cells before it, and keeps a cell's declarations
// only when the cell compiles. A student's answer that does not compile is
// therefore forgotten; the exercise's own test cells then fail to compile
// (undefined: exerciseN) and score zero, and every later cell compiles as if
// the answer were absent. A panic, os.Exit or endless loop happens inside
// the test cell's program, which ends (or is interrupted at nbgrader's
// per-cell timeout), failing only that cell. The test cells hold no
// declarations, so nothing in them can break a later cell either.
//
// The split is computed with go/types on the program GoNB would compile (the
// declarations of every earlier cell, latest wins, imports added by
// goimports). A solution cell that cannot be split this way — no claim, a
// declaration of its own, a value reassigned after a claim read it, a value
// whose type cannot be named — becomes a manually graded answer (or an
// ungraded one without claims), reported on stdout.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

func main() {
	root := flag.String("root", ".", "the repository (holds go.mod and hub/nbgrader_config.py)")
	out := flag.String("out", "build/course", "the nbgrader course directory to write")
	flag.Parse()
	if err := run(*root, *out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "assign:", err)
		os.Exit(1)
	}
}

func run(root, out string, paths []string) error {
	root, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		paths, _ = filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
	}
	sort.Strings(paths)
	work, err := os.MkdirTemp("", "descent-assign-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	var nbs []*notebook
	for _, p := range paths {
		n, err := readNotebook(p)
		if err != nil {
			return err
		}
		nbs = append(nbs, n)
	}
	ck, err := newChecker(root, work)
	if err != nil {
		return err
	}
	// Pass 1: every solution cell's program, type-checked in one go list.
	for _, n := range nbs {
		n.plan(ck)
	}
	if err := ck.check(); err != nil {
		return err
	}
	// Pass 2: the split exercises, type-checked as the students' notebook
	// will compile them; what fails falls back to a manual answer.
	for _, n := range nbs {
		n.split(ck)
	}
	if err := ck.check(); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	cfg, err := os.ReadFile(filepath.Join(root, "hub", "nbgrader_config.py"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "nbgrader_config.py"), cfg, 0o644); err != nil {
		return err
	}
	srcRoot := filepath.Join(out, "source")
	// Assignments of notebooks that no longer exist (renamed lessons) go.
	old, _ := filepath.Glob(filepath.Join(srcRoot, "*"))
	keep := map[string]bool{}
	for _, n := range nbs {
		keep[n.name] = n.exercises() > 0
	}
	for _, o := range old {
		if !keep[filepath.Base(o)] {
			os.RemoveAll(o)
		}
	}
	for _, n := range nbs {
		if n.exercises() == 0 {
			fmt.Printf("%s: no exercise, no assignment\n", n.name)
			continue
		}
		dir := filepath.Join(srcRoot, n.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		b, err := n.render()
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, n.name+".ipynb"), b, 0o644); err != nil {
			return err
		}
		fmt.Printf("%s: %s\n", n.name, n.summary())
	}
	return nil
}

// --- notebooks --------------------------------------------------------------

type cell struct {
	raw  map[string]json.RawMessage
	typ  string
	src  string
	tags []string
}

type notebook struct {
	path, name string
	raw        map[string]json.RawMessage
	cells      []*cell
	ex         []*exercise
}

func readNotebook(path string) (*notebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	n := &notebook{path: path, name: strings.TrimSuffix(filepath.Base(path), ".ipynb")}
	if err := json.Unmarshal(b, &n.raw); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var cells []map[string]json.RawMessage
	if err := json.Unmarshal(n.raw["cells"], &cells); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for _, c := range cells {
		cl := &cell{raw: c}
		json.Unmarshal(c["cell_type"], &cl.typ)
		var src any
		json.Unmarshal(c["source"], &src)
		switch s := src.(type) {
		case string:
			cl.src = s
		case []any:
			for _, l := range s {
				cl.src += fmt.Sprint(l)
			}
		}
		var md struct {
			Tags []string `json:"tags"`
		}
		json.Unmarshal(c["metadata"], &md)
		cl.tags = md.Tags
		n.cells = append(n.cells, cl)
	}
	return n, nil
}

func (c *cell) has(tag string) bool {
	for _, t := range c.tags {
		if t == tag {
			return true
		}
	}
	return false
}

// gonbParts splits a cell as GoNB does: declarations before the %% line, the
// body of main after it. ok is false for magics (% or ! lines) this tool
// does not model.
func gonbParts(src string) (decls, body string, hasMain, ok bool) {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "%%" || strings.HasPrefix(t, "%% ") {
			return strings.Join(lines[:i], "\n"), strings.Join(lines[i+1:], "\n"), true, !magic(lines[i+1:]) && !magic(lines[:i])
		}
	}
	return src, "", false, !magic(lines)
}

func magic(lines []string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, "%") || strings.HasPrefix(l, "!") {
			return true
		}
	}
	return false
}

// --- exercises --------------------------------------------------------------

type result struct{ name, typ string }

type exercise struct {
	cell   int // index in notebook cells
	label  string
	fn     string
	decls  string // earlier cells' declarations (deduplicated), for checking
	body   string
	own    string // declarations of the solution cell itself
	plain  *pkg   // the solution as GoNB compiles it
	gen    *pkg   // the split, as the student's notebook compiles it
	split  bool
	why    string   // why it was not split
	answer string   // the answer function (source notebook)
	tests  []string // test cells (source notebook)
	claims int
}

var exerciseRe = regexp.MustCompile(`(?i)//\s*exercises?\s+(\d+)`)

func (n *notebook) exercises() int { return len(n.ex) }

func (n *notebook) summary() string {
	auto, manual, pts := 0, 0, 0
	var why []string
	for _, e := range n.ex {
		if e.split {
			auto++
			pts += len(e.tests)
		} else {
			manual++
			why = append(why, e.label+": "+e.why)
		}
	}
	s := fmt.Sprintf("%d exercises autograded (%d points), %d graded by hand", auto, pts, manual)
	if len(why) > 0 {
		s += " (" + strings.Join(why, "; ") + ")"
	}
	return s
}

// plan records, for every solution cell, the program GoNB would compile.
func (n *notebook) plan(ck *checker) {
	var order []string
	latest := map[string]string{}
	var imports []string
	seq, number := 0, 0
	for i, c := range n.cells {
		if c.typ != "code" {
			continue
		}
		decls, body, _, ok := gonbParts(c.src)
		if c.has("solution") {
			seq++
			e := &exercise{cell: i, body: body, own: decls}
			// A cell without its own "// Exercise N" continues the solution
			// cell right before it (code cells only in between), or else
			// starts the next exercise.
			continued := false
			if len(n.ex) > 0 {
				continued = true
				for _, between := range n.cells[n.ex[len(n.ex)-1].cell+1 : i] {
					if between.typ == "markdown" {
						continued = false
					}
				}
			}
			if m := exerciseRe.FindStringSubmatch(c.src); m != nil {
				e.label, e.fn = "exercise "+m[1], "exercise"+m[1]
				fmt.Sscan(m[1], &number)
			} else if continued {
				prev := n.ex[len(n.ex)-1]
				e.label, e.fn = prev.label+" (continued)", prev.fn+"b"
			} else {
				number++
				e.label, e.fn = fmt.Sprintf("exercise %d", number), fmt.Sprintf("exercise%d", number)
			}
			for _, o := range n.ex {
				if o.fn == e.fn {
					e.fn = fmt.Sprintf("%s_%d", e.fn, seq)
				}
			}
			var b strings.Builder
			b.WriteString(strings.Join(imports, "\n") + "\n")
			for _, k := range order {
				b.WriteString(latest[k] + "\n")
			}
			e.decls = b.String()
			switch {
			case !ok:
				e.why = "a cell magic"
			case strings.TrimSpace(decls) != "":
				e.why = "the solution declares " + firstLine(decls)
			case !strings.Contains(body, "nb.Claim("):
				e.why = "no claim to grade"
			default:
				e.plain = ck.add(n.name+"/"+e.fn+"/plain", "package main\n"+e.decls+"\nfunc main() {\n"+body+"\n}\n")
			}
			n.ex = append(n.ex, e)
		}
		if !ok {
			continue
		}
		// GoNB keeps the latest declaration of each name.
		for _, d := range splitDecls(decls) {
			if d.key == "import" {
				imports = append(imports, d.src)
				continue
			}
			if _, seen := latest[d.key]; !seen {
				order = append(order, d.key)
			}
			latest[d.key] = d.src
		}
	}
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "//") {
			return "`" + t + "`"
		}
	}
	return "something"
}

type decl struct{ key, src string }

// splitDecls cuts a cell's declaration part into top-level declarations,
// each keyed by the names it declares.
func splitDecls(src string) []decl {
	if strings.TrimSpace(src) == "" {
		return nil
	}
	text := "package main\n" + src
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", text, parser.ParseComments)
	if err != nil {
		return []decl{{key: "unparsed:" + src, src: src}}
	}
	var out []decl
	for _, d := range f.Decls {
		start, end := fset.Position(d.Pos()).Offset, fset.Position(d.End()).Offset
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Doc != nil {
			start = fset.Position(fd.Doc.Pos()).Offset
		}
		s := text[start:end]
		switch d := d.(type) {
		case *ast.FuncDecl:
			key := "func " + d.Name.Name
			if d.Recv != nil && len(d.Recv.List) > 0 {
				key = "method " + types.ExprString(d.Recv.List[0].Type) + "." + d.Name.Name
			}
			out = append(out, decl{key, s})
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				out = append(out, decl{"import", s})
				continue
			}
			var names []string
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					names = append(names, sp.Name.Name)
				case *ast.ValueSpec:
					for _, id := range sp.Names {
						names = append(names, id.Name)
					}
				}
			}
			out = append(out, decl{d.Tok.String() + " " + strings.Join(names, ","), s})
		}
	}
	return out
}

// isCheck says whether a statement calls nb.Claim anywhere inside.
func isCheck(s ast.Stmt) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "nb" && sel.Sel.Name == "Claim" {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// split cuts each planned solution into its answer function and its checks.
func (n *notebook) split(ck *checker) {
	for _, e := range n.ex {
		if e.plain == nil {
			continue
		}
		if e.plain.err != "" {
			e.why = "the solution does not type-check here: " + e.plain.err
			e.plain = nil
			continue
		}
		if why := e.cut(); why != "" {
			e.why = why
			e.plain = nil
			continue
		}
		// The student's notebook: the answer, then each test cell, compiled
		// with the declarations before them.
		var b strings.Builder
		b.WriteString("package main\n" + e.decls + "\n" + e.answer + "\n")
		for i, t := range e.tests {
			_, body, _, _ := gonbParts(t)
			fmt.Fprintf(&b, "func test%d() {\n%s\n}\n", i, body)
		}
		b.WriteString("func main() {}\n")
		e.gen = ck.add(n.name+"/"+e.fn+"/split", b.String())
	}
	// Resolved after ck.check() by render.
}

func (e *exercise) cut() string {
	p := e.plain
	var main *ast.FuncDecl
	for _, d := range p.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "main" && fd.Recv == nil {
			main = fd
		}
	}
	if main == nil {
		return "no main"
	}
	stmts := main.Body.List
	src := p.src
	off := func(pos token.Pos) int { return p.fset.Position(pos).Offset }
	// Top-level locals of main, by object.
	top := map[types.Object]bool{}
	scope := p.info.Scopes[main.Type]
	for _, name := range scope.Names() {
		top[scope.Lookup(name)] = true
	}
	var results []types.Object
	inResults := map[types.Object]bool{}
	readBy := map[types.Object]int{} // object -> index of the first check that reads it
	var checks []ast.Stmt
	for i, s := range stmts {
		if !isCheck(s) {
			continue
		}
		checks = append(checks, s)
		ast.Inspect(s, func(nd ast.Node) bool {
			id, ok := nd.(*ast.Ident)
			if !ok {
				return true
			}
			obj := p.info.Uses[id]
			if obj == nil || !top[obj] {
				return true
			}
			if obj.Pos() >= s.Pos() && obj.Pos() < s.End() {
				return true
			}
			if !inResults[obj] {
				inResults[obj] = true
				results = append(results, obj)
				readBy[obj] = i
			}
			return true
		})
	}
	if len(checks) == 0 {
		return "no claim at the top level of the solution"
	}
	// A value a check read must not change afterwards, and a check must not
	// declare what later statements use.
	for i, s := range stmts {
		if isCheck(s) {
			if as, ok := s.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				return "a claim statement declares a variable"
			}
			// A claim inside a statement that also computes what the
			// solution keeps (a loop filling a map, say) cannot be moved
			// out of the answer.
			if name := writesOutside(s, top, p.info); name != "" {
				return fmt.Sprintf("a claim sits in a statement that also changes %s", name)
			}
			continue
		}
		bad := ""
		ast.Inspect(s, func(nd ast.Node) bool {
			var lhs []ast.Expr
			switch nd := nd.(type) {
			case *ast.AssignStmt:
				lhs = nd.Lhs
			case *ast.IncDecStmt:
				lhs = []ast.Expr{nd.X}
			case *ast.UnaryExpr:
				if nd.Op == token.AND {
					lhs = []ast.Expr{nd.X}
				}
			}
			for _, l := range lhs {
				if id, ok := ast.Unparen(l).(*ast.Ident); ok {
					if obj := p.info.Uses[id]; obj != nil && inResults[obj] && readBy[obj] < i {
						bad = id.Name
					}
				}
			}
			return bad == ""
		})
		if bad != "" {
			return fmt.Sprintf("%s changes after a claim read it", bad)
		}
	}
	qual := func(pk *types.Package) string {
		if pk.Name() == "main" {
			return ""
		}
		return pk.Name()
	}
	var names, typs []string
	for _, r := range results {
		t := types.TypeString(r.Type(), qual)
		names = append(names, r.Name())
		typs = append(typs, t)
	}
	// The answer: the solution's statements without its checks, comments kept.
	bodyStart, bodyEnd := off(main.Body.Lbrace)+1, off(main.Body.Rbrace)
	var body strings.Builder
	at := bodyStart
	for _, c := range checks {
		s, e := lineStart(src, off(c.Pos())), lineEnd(src, off(c.End()))
		body.WriteString(src[at:s])
		at = e
	}
	body.WriteString(src[at:bodyEnd])
	ans := strings.Trim(body.String(), "\n")
	ans = indent(dedent(ans), "\t")
	var a strings.Builder
	fmt.Fprintf(&a, "// %s: %s returns what the exercise computes — %s — and the\n",
		capital(e.label), e.fn, describe(names, typs))
	fmt.Fprintf(&a, "// graded cells below check it. Write your solution in place of the panic.\n")
	fmt.Fprintf(&a, "func %s() (%s) {\n", e.fn, strings.Join(typs, ", "))
	fmt.Fprintf(&a, "\tconst exercise = %q\n", e.label)
	a.WriteString("\t// BEGIN SOLUTION\n")
	a.WriteString(ans + "\n")
	fmt.Fprintf(&a, "\treturn %s\n", strings.Join(names, ", "))
	a.WriteString("\t// END SOLUTION\n}\n")
	e.answer = a.String()
	e.claims = len(checks)
	for i, c := range checks {
		s, en := lineStart(src, off(c.Pos())), lineEnd(src, off(c.End()))
		var uses []string
		for _, nm := range names {
			uses = append(uses, nm)
		}
		blanks := strings.TrimSuffix(strings.Repeat("_, ", len(names)), ", ")
		var t strings.Builder
		t.WriteString("%%\n")
		fmt.Fprintf(&t, "// %s, check %d of %d.\n", capital(e.label), i+1, len(checks))
		fmt.Fprintf(&t, "%s := %s()\n", strings.Join(uses, ", "), e.fn)
		fmt.Fprintf(&t, "%s = %s\n", blanks, strings.Join(uses, ", "))
		t.WriteString("// BEGIN HIDDEN TESTS\n")
		t.WriteString(dedent(strings.Trim(src[s:en], "\n")) + "\n")
		fmt.Fprintf(&t, "fmt.Println(%q)\n", "graded: "+e.label+fmt.Sprintf(" check %d complete ", i+1)+token16(e.body, e.fn, i))
		t.WriteString("// END HIDDEN TESTS")
		e.tests = append(e.tests, t.String())
	}
	return ""
}

// writesOutside returns the name of a top-level local, declared outside s,
// that s assigns to (directly, through an index, a field or a pointer) or
// increments; "" if none.
func writesOutside(s ast.Stmt, top map[types.Object]bool, info *types.Info) string {
	found := ""
	root := func(e ast.Expr) {
		for {
			switch x := e.(type) {
			case *ast.IndexExpr:
				e = x.X
				continue
			case *ast.SelectorExpr:
				e = x.X
				continue
			case *ast.StarExpr:
				e = x.X
				continue
			case *ast.ParenExpr:
				e = x.X
				continue
			case *ast.Ident:
				if obj := info.Uses[x]; obj != nil && top[obj] && (obj.Pos() < s.Pos() || obj.Pos() >= s.End()) {
					found = x.Name
				}
			}
			return
		}
	}
	ast.Inspect(s, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, l := range n.Lhs {
					root(l)
				}
			}
		case *ast.IncDecStmt:
			root(n.X)
		}
		return found == ""
	})
	return found
}

func token16(parts ...any) string {
	h := sha256.Sum256([]byte(fmt.Sprint(parts...)))
	return hex.EncodeToString(h[:8])
}

func describe(names, typs []string) string {
	var s []string
	for i := range names {
		s = append(s, names[i]+" ("+typs[i]+")")
	}
	return strings.Join(s, ", ")
}

func capital(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func lineStart(s string, i int) int {
	for i > 0 && s[i-1] != '\n' {
		i--
	}
	return i
}

func lineEnd(s string, i int) int {
	for i < len(s) && s[i] != '\n' {
		i++
	}
	if i < len(s) {
		i++
	}
	return i
}

func dedent(s string) string {
	lines := strings.Split(s, "\n")
	min := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, "\t"))
		if min < 0 || n < min {
			min = n
		}
	}
	for i, l := range lines {
		if len(l) >= min && min > 0 {
			lines[i] = l[min:]
		}
	}
	return strings.Join(lines, "\n")
}

func indent(s, p string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = p + l
		}
	}
	return strings.Join(lines, "\n")
}

// --- output -----------------------------------------------------------------

func nbgraderMeta(id string, solution, grade, locked bool, points int) map[string]any {
	m := map[string]any{"grade": grade, "grade_id": id, "locked": locked, "schema_version": 3, "solution": solution, "task": false}
	if grade {
		m["points"] = points
	}
	return m
}

func codeCell(src string, tags []string, nbg map[string]any) map[string]any {
	md := map[string]any{"nbgrader": nbg}
	if len(tags) > 0 {
		md["tags"] = tags
	}
	return map[string]any{"cell_type": "code", "execution_count": nil, "id": nbg["grade_id"], "metadata": md, "outputs": []any{}, "source": src}
}

func (n *notebook) render() ([]byte, error) {
	byCell := map[int]*exercise{}
	for _, e := range n.ex {
		if e.gen != nil && e.gen.err != "" {
			e.why = "the split does not compile: " + e.gen.err
			e.gen = nil
		}
		e.split = e.gen != nil
		byCell[e.cell] = e
	}
	var cells []any
	for i, c := range n.cells {
		e := byCell[i]
		if e == nil {
			var m map[string]any
			b, _ := json.Marshal(c.raw)
			json.Unmarshal(b, &m)
			if c.typ == "code" {
				m["outputs"] = []any{}
				m["execution_count"] = nil
			}
			cells = append(cells, m)
			continue
		}
		id := strings.ReplaceAll(e.fn, "_", "-")
		if e.split {
			cells = append(cells, codeCell(e.answer, []string{"answer"}, nbgraderMeta(id+"-answer", true, false, false, 0)))
			for j, t := range e.tests {
				cells = append(cells, codeCell(t, []string{"graded"}, nbgraderMeta(fmt.Sprintf("%s-check%d", id, j+1), false, true, true, 1)))
			}
			continue
		}
		// By hand: the whole solution is the answer region.
		var s strings.Builder
		if strings.TrimSpace(e.own) != "" {
			s.WriteString(strings.TrimRight(e.own, "\n") + "\n")
		}
		s.WriteString("%%\n")
		fmt.Fprintf(&s, "const exercise = %q\n// BEGIN SOLUTION\n%s\n// END SOLUTION", e.label, strings.Trim(e.body, "\n"))
		claims := strings.Count(e.body, "nb.Claim(")
		if claims > 0 {
			cells = append(cells, codeCell(s.String(), []string{"answer"}, nbgraderMeta(id+"-manual", true, true, false, claims)))
		} else {
			cells = append(cells, codeCell(s.String(), []string{"answer"}, nbgraderMeta(id+"-answer", true, false, false, 0)))
		}
	}
	out := map[string]any{}
	for k, v := range n.raw {
		out[k] = v
	}
	out["cells"] = cells
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// --- type checking ------------------------------------------------------------

type pkg struct {
	dir, src string
	fset     *token.FileSet
	file     *ast.File
	info     *types.Info
	err      string
}

// checker type-checks programs the way GoNB builds them: each in a package
// of a scratch module whose go.work also uses the repository.
type checker struct {
	root, work string
	pending    []*pkg
	n          int
}

func newChecker(root, work string) (*checker, error) {
	gov, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %v", err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(gov)), "go")
	if f := strings.SplitN(v, ".", 3); len(f) >= 2 {
		v = f[0] + "." + f[1]
	}
	os.WriteFile(filepath.Join(work, "go.mod"), []byte("module descentassign\n\ngo "+v+"\n"), 0o644)
	os.WriteFile(filepath.Join(work, "go.work"), []byte("go "+v+"\n\nuse (\n\t.\n\t"+root+"\n)\n"), 0o644)
	return &checker{root: root, work: work}, nil
}

func (c *checker) add(name, src string) *pkg {
	c.n++
	p := &pkg{dir: filepath.Join(c.work, fmt.Sprintf("p%03d", c.n)), src: src}
	os.MkdirAll(p.dir, 0o755)
	os.WriteFile(filepath.Join(p.dir, "main.go"), []byte(src), 0o644)
	c.pending = append(c.pending, p)
	return p
}

func (c *checker) env() []string {
	return append(os.Environ(), "GOWORK="+filepath.Join(c.work, "go.work"))
}

func (c *checker) goimports() (string, error) {
	bin := filepath.Join(c.root, ".tools", "bin", "goimports")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	bin = filepath.Join(c.work, "goimports")
	cmd := exec.Command("go", "build", "-o", bin, "golang.org/x/tools/cmd/goimports")
	cmd.Dir = c.root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building goimports: %v\n%s", err, out)
	}
	return bin, nil
}

func (c *checker) check() error {
	if len(c.pending) == 0 {
		return nil
	}
	gi, err := c.goimports()
	if err != nil {
		return err
	}
	args := []string{"-w"}
	for _, p := range c.pending {
		args = append(args, filepath.Join(p.dir, "main.go"))
	}
	cmd := exec.Command(gi, args...)
	cmd.Dir, cmd.Env = c.work, c.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		// A file goimports cannot parse is reported by the type check below.
		_ = out
	}
	// Export data of every dependency, from one go list.
	var pats []string
	for _, p := range c.pending {
		pats = append(pats, "./"+filepath.Base(p.dir))
	}
	cmd = exec.Command("go", append([]string{"list", "-e", "-export", "-deps", "-json=ImportPath,Export"}, pats...)...)
	cmd.Dir, cmd.Env = c.work, c.env()
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go list: %v", err)
	}
	exports := map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var e struct{ ImportPath, Export string }
		if err := dec.Decode(&e); err != nil {
			return err
		}
		exports[e.ImportPath] = e.Export
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	for _, p := range c.pending {
		b, err := os.ReadFile(filepath.Join(p.dir, "main.go"))
		if err != nil {
			return err
		}
		p.src, p.fset = string(b), fset
		p.file, err = parser.ParseFile(fset, "main.go", b, parser.ParseComments)
		if err != nil {
			p.err = firstErr(err)
			continue
		}
		p.info = &types.Info{Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}, Scopes: map[ast.Node]*types.Scope{}}
		var first error
		conf := types.Config{Importer: imp, Error: func(err error) {
			if first == nil {
				first = err
			}
		}}
		conf.Check("main", fset, []*ast.File{p.file}, p.info)
		if first != nil {
			p.err = firstErr(first)
		}
	}
	c.pending = nil
	return nil
}

func firstErr(err error) string {
	s := err.Error()
	if i := strings.Index(s, "\n"); i >= 0 {
		s = s[:i]
	}
	return s
}
