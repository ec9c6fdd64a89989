package draw

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/descentlab/descent/lib/viz"
)

// WritePage writes a standalone HTML page with the given title showing the
// charts in order, with the echarts bundle inlined once: it opens from disk
// with no network. Cost: one HTML render per chart.
func WritePage(w io.Writer, title string, charts ...viz.Chart) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n</head>\n<body style=\"font-family:sans-serif\">\n<h1>%s</h1>\n",
		html.EscapeString(title), html.EscapeString(title))
	b.WriteString(EChartsLoader())
	b.WriteByte('\n')
	for _, c := range charts {
		frag, err := HTML(c)
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
