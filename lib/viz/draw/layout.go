package draw

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"codeberg.org/go-fonts/dejavu/dejavusans"
	"codeberg.org/go-fonts/dejavu/dejavusansbold"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// Text sizes in CSS pixels, the same in both renderers.
const (
	titleSize  = 15
	noteSize   = 12
	legendSize = 12
	axisSize   = 12 // axis names
	tickSize   = 11 // axis labels
	lineGap    = 1.35
)

// widthSlack covers the difference between the metrics measured here
// (DejaVu Sans, which static pictures are drawn with and Debian's browsers
// use for sans-serif) and other browsers' sans-serif fonts: text is laid
// out as if this much wider, so it fits either way.
const widthSlack = 1.08

// Static pictures are drawn in DejaVu Sans: unlike gonum/plot's default
// Liberation Sans it has the glyphs the course writes (∇, ⁻¹, ⁰, ⁹, ★, ⊙).
var registerFonts = sync.OnceFunc(func() {
	regular, err1 := opentype.Parse(dejavusans.TTF)
	bold, err2 := opentype.Parse(dejavusansbold.TTF)
	if err1 != nil || err2 != nil {
		panic(fmt.Sprintf("viz: parsing the embedded DejaVu fonts: %v %v", err1, err2))
	}
	font.DefaultCache.Add(font.Collection{
		{Font: font.Font{Typeface: "DejaVu", Variant: "Sans"}, Face: regular},
		{Font: font.Font{Typeface: "DejaVu", Variant: "Sans", Weight: xfont.WeightBold}, Face: bold},
	})
})

var styles sync.Map // key: size*10 + bold → text.Style

// textStyle returns the sans style of the given pixel size.
func textStyle(px float64, bold bool) text.Style {
	key := int(px * 10)
	if bold {
		key++
	}
	if s, ok := styles.Load(key); ok {
		return s.(text.Style)
	}
	registerFonts()
	f := font.Font{Typeface: "DejaVu", Variant: "Sans", Size: vg.Points(px * 0.75)}
	if bold {
		f.Weight = xfont.WeightBold
	}
	s := text.Style{Font: f, Handler: text.Plain{Fonts: font.DefaultCache}}
	styles.Store(key, s)
	return s
}

// textWidth is the laid-out width of s in CSS pixels at size px.
func textWidth(s string, px float64, bold bool) float64 {
	return float64(textStyle(px, bold).Width(s)) / 0.75 * widthSlack
}

// wrap breaks s into lines no wider than width pixels at size px, at
// spaces; a word longer than a line is cut (a 200-character title with no
// spaces still fits). Newlines in s are kept.
func wrap(s string, width, px float64, bold bool) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		cur := ""
		for _, word := range strings.Fields(para) {
			try := word
			if cur != "" {
				try = cur + " " + word
			}
			if textWidth(try, px, bold) <= width {
				cur = try
				continue
			}
			if cur != "" {
				lines = append(lines, cur)
			}
			for textWidth(word, px, bold) > width {
				cut := fitPrefix(word, width, px, bold)
				lines = append(lines, word[:cut])
				word = word[cut:]
			}
			cur = word
		}
		lines = append(lines, cur)
	}
	return lines
}

// fitPrefix returns the byte length of the longest prefix of s (at a rune
// boundary, at least one rune) that fits in width.
func fitPrefix(s string, width, px float64, bold bool) int {
	cut := 0
	for i := range s {
		if i > 0 && textWidth(s[:i], px, bold) > width {
			break
		}
		cut = i
	}
	if cut == 0 {
		for i := range s {
			if i > 0 {
				return i
			}
		}
		return len(s)
	}
	return cut
}

// Legend geometry in CSS pixels, as echarts draws a plain legend.
const (
	legendIcon    = 25 // item icon width
	legendIconGap = 5  // icon to text
	legendItemGap = 10 // between items
	legendRowH    = 20
)

// legendRows lays the names out in rows no wider than width, in order.
func legendRows(names []string, width float64) [][]string {
	var rows [][]string
	var row []string
	used := 0.0
	for _, n := range names {
		w := legendIcon + legendIconGap + textWidth(n, legendSize, false)
		if len(row) > 0 && used+legendItemGap+w > width {
			rows = append(rows, row)
			row, used = nil, 0
		}
		if len(row) > 0 {
			used += legendItemGap
		}
		row = append(row, n)
		used += w
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// header is the space above a plot's axes: the title and notes (centred,
// wrapped clear of the toolbox), the legend rows and the y-axis name, with
// their heights. Both renderers draw it from the same numbers.
type header struct {
	title, notes []string
	legend       [][]string
	yName        string
	titleTop     float64 // y of the first title line's top
	notesTop     float64
	legendTop    float64
	yNameTop     float64
	height       float64 // the grid's top
}

// toolboxReserve is the width kept free at each side of the title for
// echarts' zoom/restore/save icons at the top right.
const toolboxReserve = 95

func layoutHeader(w int, title string, notes []string, legend []string, yName string) header {
	h := header{yName: yName}
	tw := float64(w) - 2*toolboxReserve
	if title != "" {
		h.title = wrap(title, tw, titleSize, true)
	}
	for _, n := range notes {
		h.notes = append(h.notes, wrap(n, float64(w)-40, noteSize, false)...)
	}
	h.legend = legendRows(legend, float64(w)-30)
	y := 8.0
	h.titleTop = y
	y += float64(len(h.title)) * titleSize * lineGap
	h.notesTop = y
	y += float64(len(h.notes)) * noteSize * lineGap
	if len(h.legend) > 0 {
		y += 4
	}
	h.legendTop = y
	y += float64(len(h.legend)) * legendRowH
	y += 6
	h.yNameTop = y
	if yName != "" {
		y += axisSize*lineGap + 4
	}
	h.height = math.Ceil(y + 6)
	return h
}

// superscript digits for powers of ten.
var superscript = strings.NewReplacer("0", "⁰", "1", "¹", "2", "²", "3", "³", "4", "⁴",
	"5", "⁵", "6", "⁶", "7", "⁷", "8", "⁸", "9", "⁹", "-", "⁻")

// tickLabel formats an axis value compactly: powers of ten as 10ⁿ on a log
// axis (1, 10, 100 and 1000 in digits); on a linear axis plain digits
// between 1e-3 and 1e5 (no thousands separators), m×10ⁿ outside. The same rules are written in JavaScript in
// html.go for the interactive charts.
func tickLabel(v float64, log bool) string {
	if v == 0 {
		return "0"
	}
	a := math.Abs(v)
	e := math.Floor(math.Log10(a))
	if a/math.Pow(10, e) >= 10-1e-9 { // Log10(1e15) is 14.999…: 10¹⁵, not 10×10¹⁴
		e++
	}
	if log {
		if m := v / math.Pow(10, e); math.Abs(m-1) < 1e-9 {
			if e >= 0 && e <= 3 {
				return strconv.FormatFloat(v, 'f', -1, 64)
			}
			return "10" + superscript.Replace(strconv.Itoa(int(e)))
		}
	}
	if a >= 1e-3 && a < 1e5 {
		r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 4, 64), 64)
		return strconv.FormatFloat(r, 'f', -1, 64)
	}
	m := strconv.FormatFloat(v/math.Pow(10, e), 'g', 3, 64)
	return m + "×10" + superscript.Replace(strconv.Itoa(int(e)))
}
