package web

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/descentlab/descent/lib/viz"
)

// WritePage writes a standalone HTML page showing the named explorables
// (at their defaults) with echarts and the asset inlined once: it opens
// from disk with no network. For tests and for a look at an explorable
// outside the course. Cost: one HTML per explorable.
func WritePage(w io.Writer, title string, a *Asset, names ...string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n</head>\n"+
		"<body style=\"font-family:sans-serif;max-width:60rem;margin:0 auto\">\n<h1>%s</h1>\n",
		html.EscapeString(title), html.EscapeString(title))
	b.WriteString(viz.EChartsLoader())
	b.WriteByte('\n')
	b.WriteString(a.Loader())
	b.WriteByte('\n')
	for _, n := range names {
		frag, err := HTML(n, Options{})
		if err != nil {
			return err
		}
		b.WriteString(frag)
		b.WriteByte('\n')
	}
	b.WriteString("</body>\n</html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
