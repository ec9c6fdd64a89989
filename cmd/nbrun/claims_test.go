package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestClaimCounter(t *testing.T) {
	// Each case is a notebook: its code cells in order, and what the last
	// cell must check when it runs to its end.
	cases := []struct {
		name  string
		cells []string
		lines []int    // lines of the claim sites (or of the calls reaching them)
		via   []string // their Via, "" for direct claims
	}{
		{"top-level claims", []string{"%%\nnb.Claim(true, \"a\")\nos.Exit(0)\nnb.Claim(false, \"b\")"}, []int{2, 4}, []string{"", ""}},
		{"no main: declarations only", []string{"func f() { nb.Claim(true, \"x\") }"}, nil, nil},
		{"declarations before %%", []string{"import \"fmt\"\n\nvar x = 1\n%%\nfmt.Println(x)\nnb.Claim(x == 1, \"x\")"}, []int{6}, []string{""}},
		{"func main declared in the cell", []string{"func main() {\n\tnb.Claim(true, \"m\")\n}"}, []int{2}, []string{""}},
		{"loops, branches, literals and goroutines do not count", []string{
			"%%\nfor i := range 3 {\n\tnb.Claim(i < 3, \"l\")\n}\nif ok {\n\tnb.Claim(true, \"b\")\n} else {\n\tnb.Claim(true, \"e\")\n}\n" +
				"switch {\ncase ok:\n\tnb.Claim(true, \"s\")\n}\nf := func() { nb.Claim(true, \"f\") }\ngo nb.Claim(true, \"g\")\n" +
				"select {}\n_ = ok && claimed()\nnb.Claim(true, \"last\")"}, []int{18}, []string{""}},
		{"plain blocks, labels, conditions, range expressions and defers count", []string{
			"func all() []int { nb.Claim(true, \"all\"); return nil }",
			"%%\n{\n\tnb.Claim(true, \"block\")\n}\nL:\nnb.Claim(true, \"label\")\nif nb.Claim(true, \"cond\"); ok {\n}\n" +
				"for _, x := range all() {\n}\ndefer nb.Claim(true, \"defer\")\nx := 1\nnb.Claim(x == 1, \"assign %d\", x)"},
			[]int{3, 6, 7, 9, 11, 13}, []string{"", "", "", "all, declared in cell 1", "", ""}},
		{"helpers declared in earlier cells, transitively", []string{
			"import \"github.com/descentlab/descent/lib/viz/nb\"\n\nfunc inner() {\n\tnb.Claim(true, \"i1\")\n\tnb.Claim(true, \"i2\")\n}",
			"func outer() bool {\n\tinner()\n\tif false {\n\t\tinner()\n\t}\n\treturn true\n}",
			"%%\nok := outer()\nnb.Claim(ok, \"direct\")"}, []int{2, 2, 3}, []string{"outer, declared in cell 2", "outer, declared in cell 2", ""}},
		{"recursion ends", []string{"func a() { nb.Claim(true, \"a\"); b() }\nfunc b() { a() }", "%%\na()"}, []int{2}, []string{"a, declared in cell 1"}},
		{"a redeclared helper counts as declared last", []string{
			"func h() { nb.Claim(true, \"1\"); nb.Claim(true, \"2\") }", "%%\nh()", "func h() { nb.Claim(true, \"only\") }", "%%\nh()"},
			[]int{2}, []string{"h, declared in cell 3"}},
		{"an aliased import", []string{"import check \"github.com/descentlab/descent/lib/viz/nb\"", "%%\ncheck.Claim(true, \"a\")\nnb.Claim(true, \"not lib/viz/nb\")"}, []int{2}, []string{""}},
		{"shell lines, magics and continuations are not Go", []string{"!echo hi \\\n  there\n%goflags -race\n%%\nnb.Claim(true, \"a\")"}, []int{5}, []string{""}},
		{"a cell that does not parse gives nothing", []string{"%%\nnb.Claim(true, \"a\"\n"}, nil, nil},
		{"methods are not followed", []string{"type T struct{}\nfunc (T) check() { nb.Claim(true, \"m\") }", "%%\nT{}.check()"}, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			counter := newClaimCounter()
			var sites []claimSite
			for i, src := range c.cells {
				sites = counter.cell(i+1, src)
			}
			var lines []int
			var via []string
			for _, s := range sites {
				lines, via = append(lines, s.Line), append(via, s.Via)
			}
			if !reflect.DeepEqual(lines, c.lines) || !reflect.DeepEqual(via, c.via) {
				t.Errorf("got lines %v via %q, want lines %v via %q", lines, via, c.lines, c.via)
			}
		})
	}
}

func TestDescribeSites(t *testing.T) {
	got := describeSites([]claimSite{{Line: 2}, {Line: 4}, {Line: 6, Via: "h, declared in cell 1"}, {Line: 6, Via: "h, declared in cell 1"}})
	want := "nb.Claim on lines 2, 4; line 6 calls h, declared in cell 1"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := describeSites([]claimSite{{Line: 3}}); got != "nb.Claim on line 3" {
		t.Errorf("one site: got %q", got)
	}
}

func TestGonbToGoKeepsLines(t *testing.T) {
	src := "import \"fmt\"\n!ls\n%%\nfmt.Println(1)"
	got := gonbToGo(src)
	if n, m := strings.Count(got, "\n"), strings.Count(src, "\n")+1; n != m {
		t.Errorf("%d newlines, want %d (the cell's plus the closing brace):\n%s", n, m, got)
	}
	if !strings.Contains(got, "func main() {\nfmt.Println(1)\n}") {
		t.Errorf("%%%% does not open main:\n%s", got)
	}
}
