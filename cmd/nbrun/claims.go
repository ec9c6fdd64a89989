package main

// Which claims a cell is sure to check.
//
// A cell's program can end early and still exit 0 (os.Exit(0), a return at
// the top of main, runtime.Goexit in main): its claims after that point are
// never evaluated and nothing in the outputs says so. No library code can see
// it happen (os.Exit skips deferred calls, and Go has no exit hook), so the
// runner works it out from the source: it counts the nb.Claim calls that
// every run of the cell reaching the end of main must make, and fails the
// cell when its output shows fewer "✔ claim:" lines.
//
// Counted, in the body of the cell's main (the lines after %%, or a func
// main declared in the cell): nb.Claim calls in statements that always run —
// top-level statements and plain blocks, the init and condition of if,
// switch and for, the range expression, deferred calls — and, the same way,
// in the bodies of functions declared in the notebook (up to and including
// this cell) that such statements call. Not counted: claims inside if or
// switch branches, loop bodies, function literals, goroutines, the right side
// of && and ||, and method calls: they may rightly run zero times, so the
// count is a lower bound and never fails a cell whose functions all ran to
// their ends. A loop that checks claims still prints a line per claim and
// they are all counted in the notebook's total.
//
// A return before a top-level claim, in main or in a function it calls, is
// stopping early like os.Exit: the claims after it go unchecked on that path.
// A claim that may rightly not run belongs inside the branch that decides it.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// nbImportPath is lib/viz/nb's import path (not imported: see claimPrefix).
const nbImportPath = "github.com/descentlab/descent/lib/viz/nb"

// claimCounter follows a notebook's cells in order, as GoNB does: the
// functions a cell declares stay declared for later cells.
type claimCounter struct {
	funcs  map[string]*notebookFunc // top-level functions declared so far, by name
	nbName string                   // lib/viz/nb's name in the cells: "nb", an alias, or "."
	memo   map[*notebookFunc][]claimSite
	busy   map[*notebookFunc]bool // recursion guard
}

type notebookFunc struct {
	decl *ast.FuncDecl
	fset *token.FileSet
	cell int // 1-based cell position
}

// claimSite is one nb.Claim call a cell must make.
type claimSite struct {
	Line int    // line in the cell holding the call (or the call of the function holding it)
	Via  string // "" for a call in the cell itself, else the function's name and cell
}

func newClaimCounter() *claimCounter {
	return &claimCounter{funcs: map[string]*notebookFunc{}, nbName: "nb", memo: map[*notebookFunc][]claimSite{}, busy: map[*notebookFunc]bool{}}
}

// cell reads the next code cell (cell is its 1-based position among all
// cells) and returns the claims its program must check when it runs to the
// end of main. A cell that does not parse as Go, or has no main, gives nil.
func (c *claimCounter) cell(cell int, src string) []claimSite {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", gonbToGo(src), parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == nbImportPath {
			c.nbName = "nb"
			if imp.Name != nil {
				c.nbName = imp.Name.Name
			}
		}
	}
	var main *notebookFunc
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Body == nil {
			continue
		}
		nf := &notebookFunc{decl: fd, fset: fset, cell: cell}
		if fd.Name.Name == "main" {
			main = nf
			continue
		}
		c.funcs[fd.Name.Name] = nf
		c.memo = map[*notebookFunc][]claimSite{} // a redeclaration changes what callers check
	}
	if main == nil {
		return nil
	}
	return c.mustRun(main, "")
}

// mustRun returns the claims a run of fn's body to its end must check.
// via names fn for sites reached through a call ("" for the cell's main).
func (c *claimCounter) mustRun(fn *notebookFunc, via string) []claimSite {
	if via != "" {
		if sites, ok := c.memo[fn]; ok {
			return sites
		}
		if c.busy[fn] {
			return nil
		}
		c.busy[fn] = true
		defer delete(c.busy, fn)
	}
	var sites []claimSite
	line := func(n ast.Node) int { return fn.fset.Position(n.Pos()).Line }
	var visitExpr func(ast.Node)
	visitExpr = func(n ast.Node) {
		if n == nil {
			return
		}
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BinaryExpr:
				if n.Op == token.LAND || n.Op == token.LOR {
					visitExpr(n.X) // the right side may not run
					return false
				}
			case *ast.CallExpr:
				if c.isClaim(n.Fun) {
					sites = append(sites, claimSite{Line: line(n), Via: via})
				} else if id, ok := n.Fun.(*ast.Ident); ok {
					if callee, ok := c.funcs[id.Name]; ok && callee != fn {
						name := fmt.Sprintf("%s, declared in cell %d", id.Name, callee.cell)
						for _, s := range c.mustRun(callee, name) {
							if via == "" { // name the call in the cell, not the one inside
								s.Line, s.Via = line(n), name
							}
							sites = append(sites, s)
						}
					}
				}
			}
			return true
		})
	}
	// visitStmt visits what of s runs whenever s runs; s may be nil.
	var visitStmt func(ast.Stmt)
	visitStmt = func(s ast.Stmt) {
		switch s := s.(type) {
		case nil:
		case *ast.BlockStmt:
			for _, inner := range s.List {
				visitStmt(inner)
			}
		case *ast.LabeledStmt:
			visitStmt(s.Stmt)
		case *ast.IfStmt:
			visitStmt(s.Init)
			visitExpr(s.Cond)
		case *ast.SwitchStmt:
			visitStmt(s.Init)
			visitExpr(s.Tag)
		case *ast.TypeSwitchStmt:
			visitStmt(s.Init)
			visitStmt(s.Assign)
		case *ast.ForStmt:
			visitStmt(s.Init)
			visitExpr(s.Cond)
		case *ast.RangeStmt:
			visitExpr(s.X)
		case *ast.SelectStmt, *ast.GoStmt, *ast.CaseClause, *ast.CommClause:
		default: // expression, assignment, declaration, defer, return, send, ++/--
			visitExpr(s)
		}
	}
	visitStmt(fn.decl.Body)
	if via != "" {
		c.memo[fn] = sites
	}
	return sites
}

func (c *claimCounter) isClaim(fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		x, ok := f.X.(*ast.Ident)
		return ok && f.Sel.Name == "Claim" && x.Name == c.nbName
	case *ast.Ident:
		_, declared := c.funcs[f.Name]
		return c.nbName == "." && f.Name == "Claim" && !declared
	}
	return false
}

// gonbToGo turns a GoNB cell into a Go file with the same line numbers:
// special lines (%…, !…, and their \-continuations) become blank, "%%" or
// "%main" opens func main, closed at the end.
func gonbToGo(src string) string {
	lines := strings.Split(src, "\n")
	continued, hasMain := false, false
	for i, line := range lines {
		t := strings.TrimSpace(line)
		t = strings.TrimPrefix(t, "//gonb:")
		special := continued || strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!")
		continued = special && strings.HasSuffix(t, `\`)
		switch {
		case !hasMain && (t == "%%" || strings.HasPrefix(t, "%% ") || strings.HasPrefix(t, "%%\t") || strings.HasPrefix(t, "%main")):
			lines[i] = "func main() {"
			hasMain = true
		case special || strings.HasPrefix(t, "package "):
			lines[i] = ""
		}
	}
	goSrc := "package main; " + strings.Join(lines, "\n")
	if hasMain {
		goSrc += "\n}"
	}
	return goSrc
}

// describeSites says where a cell's missing claims are, for a message.
func describeSites(sites []claimSite) string {
	var direct []string
	var via []string
	seen := map[string]bool{}
	for _, s := range sites {
		if s.Via == "" {
			direct = append(direct, strconv.Itoa(s.Line))
		} else if !seen[s.Via] {
			seen[s.Via] = true
			via = append(via, fmt.Sprintf("line %d calls %s", s.Line, s.Via))
		}
	}
	var parts []string
	if len(direct) == 1 {
		parts = append(parts, "nb.Claim on line "+direct[0])
	} else if len(direct) > 1 {
		parts = append(parts, "nb.Claim on lines "+strings.Join(direct, ", "))
	}
	parts = append(parts, via...)
	return strings.Join(parts, "; ")
}
