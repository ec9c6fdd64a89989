package explore

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// JSON encodes the figure for the browser:
//
//	{"panels":[{"title":…,"xLabel":…,"yLabel":…,"logX":…,"logY":…,
//	  "xMin":…,"xMax":…,"yMin":…,"yMax":…,"note":…,"message":…,
//	  "series":[{"name":…,"kind":"line"|"points"|"path"|"contour",
//	    "x":[…],"y":[…],"color":…,"dashed":…,"symbol":…,"size":…,"noLegend":…}]}],
//	 "readout":[{"label":…,"value":…,"unit":…,"text":…}]}
//
// Numbers are written in the shortest form that reads back to the same
// float64 (strconv 'g', -1), so the browser draws, and a check compares,
// exactly the numbers the run produced; NaN and ±Inf are written as null.
// Strings escape '<' so that the JSON can sit inside a <script>. It is
// written by hand (no reflection) to keep the WebAssembly module small.
// Cost O(points).
func (f *Figure) JSON() []byte {
	w := &jsonWriter{b: make([]byte, 0, f.sizeHint())}
	w.raw(`{"panels":[`)
	for i, p := range f.Panels {
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"title":`)
		w.str(p.Title)
		w.raw(`,"xLabel":`)
		w.str(p.XLabel)
		w.raw(`,"yLabel":`)
		w.str(p.YLabel)
		w.raw(`,"logX":`)
		w.boolean(p.LogX)
		w.raw(`,"logY":`)
		w.boolean(p.LogY)
		w.raw(`,"xMin":`)
		w.num(p.XMin)
		w.raw(`,"xMax":`)
		w.num(p.XMax)
		w.raw(`,"yMin":`)
		w.num(p.YMin)
		w.raw(`,"yMax":`)
		w.num(p.YMax)
		w.raw(`,"note":`)
		w.str(p.Note)
		w.raw(`,"message":`)
		w.str(p.Message)
		w.raw(`,"series":[`)
		for j, s := range p.Series {
			if j > 0 {
				w.raw(",")
			}
			w.raw(`{"name":`)
			w.str(s.Name)
			w.raw(`,"kind":`)
			w.str(s.Kind.String())
			if x, y := s.fixedJSON(); x != nil {
				w.raw(`,"x":`)
				w.b = append(w.b, x...)
				w.raw(`,"y":`)
				w.b = append(w.b, y...)
			} else {
				w.raw(`,"x":`)
				w.nums(s.X)
				w.raw(`,"y":`)
				w.nums(s.Y)
			}
			w.raw(`,"color":`)
			w.str(s.Color)
			w.raw(`,"dashed":`)
			w.boolean(s.Dashed)
			w.raw(`,"symbol":`)
			w.str(s.Symbol)
			w.raw(`,"size":`)
			w.num(s.Size)
			w.raw(`,"noLegend":`)
			w.boolean(s.NoLegend)
			w.raw("}")
		}
		w.raw("]}")
	}
	w.raw(`],"readout":[`)
	for i, r := range f.Readout {
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"label":`)
		w.str(r.Label)
		w.raw(`,"value":`)
		w.num(r.Value)
		w.raw(`,"unit":`)
		w.str(r.Unit)
		w.raw(`,"text":`)
		w.str(r.Text)
		w.raw("}")
	}
	w.raw("]}")
	return w.b
}

// sizeHint guesses the length of the figure's JSON, so that it is written
// into one buffer instead of growing one through a dozen copies: about 20
// bytes a number (most are written with 16 or 17 digits) and 300 bytes a
// series, panel or reading for the names and fields around them.
func (f *Figure) sizeHint() int {
	n := 300 * (1 + len(f.Readout))
	for _, p := range f.Panels {
		n += 300
		for _, s := range p.Series {
			n += 300 + 20*(len(s.X)+len(s.Y))
		}
	}
	return n
}

// String names the kind as Figure.JSON writes it.
func (k Kind) String() string {
	switch k {
	case Line:
		return "line"
	case Points:
		return "points"
	case Path:
		return "path"
	case Contour:
		return "contour"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

type jsonWriter struct{ b []byte }

func (w *jsonWriter) raw(s string) { w.b = append(w.b, s...) }

func (w *jsonWriter) boolean(v bool) { w.b = strconv.AppendBool(w.b, v) }

func (w *jsonWriter) num(v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		w.raw("null")
		return
	}
	w.b = strconv.AppendFloat(w.b, v, 'g', -1, 64)
}

func (w *jsonWriter) nums(vs []float64) {
	w.raw("[")
	for i, v := range vs {
		if i > 0 {
			w.raw(",")
		}
		w.num(v)
	}
	w.raw("]")
}

// str writes s as a JSON string: quotes, backslashes and control characters
// escaped, '<', '>' and '&' as \u escapes, invalid UTF-8 as U+FFFD.
func (w *jsonWriter) str(s string) {
	const hex = "0123456789abcdef"
	w.b = append(w.b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				w.b = append(w.b, '\\', c)
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				w.b = append(w.b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			default:
				w.b = append(w.b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			w.b = append(w.b, `\ufffd`...)
		} else {
			w.b = append(w.b, s[i:i+size]...)
		}
		i += size
	}
	w.b = append(w.b, '"')
}
