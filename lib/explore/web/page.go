package web

import (
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/compression"
	"github.com/descentlab/descent/lib/explore/secondorder"
	"github.com/descentlab/descent/lib/secondorder/cost"
	"github.com/descentlab/descent/lib/viz/draw"
)

// Item is one explorable of a page, with its options.
type Item struct {
	Name    string
	Options Options
}

// WritePage writes a standalone HTML page showing the explorables with
// echarts and the asset inlined once: it opens from disk with no network.
// For tests and for a look at an explorable outside the course. Cost: one
// HTML per explorable.
func WritePage(w io.Writer, title string, assets []*Asset, items ...Item) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n</head>\n"+
		"<body style=\"font-family:sans-serif;max-width:60rem;margin:0 auto\">\n<h1>%s</h1>\n",
		html.EscapeString(title), html.EscapeString(title))
	b.WriteString(draw.EChartsLoader())
	b.WriteByte('\n')
	for _, a := range assets {
		b.WriteString(a.Loader())
		b.WriteByte('\n')
	}
	for _, it := range items {
		frag, err := HTML(it.Name, it.Options)
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

// AllItems returns every explorable at its defaults, with the data those
// that need it take: for "cost", timings measured now on this machine
// (cost.Measure at d = 100 … 10⁵, dense up to 400: a second or
// two), as notebook 06 measures them; for "compress", the network at its He
// initialization (notebook 10 hands over the teacher it trained).
func AllItems() []Item {
	var items []Item
	for _, n := range Explorables().Names() {
		it := Item{Name: n}
		if n == "cost" {
			const m = 10
			rows := cost.Measure([]int{100, 200, 400, 10_000, 100_000},
				cost.Settings{MaxDense: 400, Memory: m, MinTime: 5 * time.Millisecond, Seed: 1})
			it.Options.Data = secondorder.CostData(rows, m)
		}
		if n == "compress" {
			it.Options.Data = explore.Data{"teacher": compression.CompressStart()}
		}
		items = append(items, it)
	}
	return items
}
