//go:build js && wasm

// Package wasmrun is what every WebAssembly module of the explorables
// (cmd/explore/wasm/…) runs: it puts the module's explorables in the page
// and answers their runs.
package wasmrun

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"syscall/js"

	"github.com/descentlab/descent/lib/explore"
)

// Serve puts one function per explorable of c in
// window.descentExploreModules (by name: run(values, data)), fires the
// window event "descent-explore-go" and waits for calls: it never returns.
func Serve(c explore.Catalog) {
	g := js.Global()
	mods := g.Get("descentExploreModules")
	if mods.Type() != js.TypeObject {
		mods = g.Get("Object").New()
		g.Set("descentExploreModules", mods)
	}
	for _, e := range c {
		m := dataMemo{figures: map[string]string{}}
		mods.Set(e.Name, js.FuncOf(func(this js.Value, args []js.Value) any {
			return run(e, args, &m)
		}))
	}
	g.Call("dispatchEvent", g.Get("Event").New("descent-explore-go"))
	select {}
}

// dataMemo keeps the last data object an explorable was called with and
// its conversion: the front-end hands over the same object (its
// specification's data) at every move, and reading 4.5k numbers one
// js.Value call at a time (08's teacher) cost milliseconds a move. A page
// that changes an array of it in place must pass a new object.
//
// It also keeps the figures (their JSON) of the last memoSize settings run
// with that data, so that a reader dragging a slider back over positions
// it passed gets them without a run: Run is deterministic, so a kept
// figure is the one a run would give.
type dataMemo struct {
	obj     js.Value
	data    explore.Data
	figures map[string]string // by settingKey
	order   []string          // keys of figures, oldest first
}

// memoSize is how many figures an explorable keeps (tens of kB each).
const memoSize = 32

// memoHits counts the answers taken from a memo, in the page's
// window.descentExploreMemoHits, so that a check can tell a move that ran
// from one that was remembered.
var memoHits int

// settingKey writes values in a canonical form (sorted by name, numbers
// in full precision).
func settingKey(v explore.Values) string {
	keys := slices.Sorted(maps.Keys(v))
	var b []byte
	for _, k := range keys {
		b = append(b, k...)
		b = append(b, '=')
		b = strconv.AppendFloat(b, v[k], 'g', -1, 64)
		b = append(b, ';')
	}
	return string(b)
}

// remember keeps out as the figure of key, forgetting the oldest beyond
// memoSize.
func (m *dataMemo) remember(key, out string) {
	if len(m.order) == memoSize {
		delete(m.figures, m.order[0])
		m.order = m.order[1:]
	}
	m.figures[key] = out
	m.order = append(m.order, key)
}

// run(values, data) returns the figure's JSON, or {"error": "…"}.
// values is an object of numbers by control name, data an object of
// arrays of numbers, converted once per object; a figure run before with
// the same values and data comes from the memo (dataMemo). A panic is
// recovered here too (Explorable.Run already turns the explorable's panics
// into errors; this covers reading the arguments), so that the module
// keeps running.
func run(e *explore.Explorable, args []js.Value, m *dataMemo) (out any) {
	defer func() {
		if r := recover(); r != nil {
			out = string(explore.Response(nil, fmt.Errorf("explore: panic: %v", r)))
		}
	}()
	args = append([]js.Value{js.Null()}, args...) // args[1]: values, args[2]: data
	values := explore.Values{}
	if len(args) > 1 && args[1].Type() == js.TypeObject {
		keys := js.Global().Get("Object").Call("keys", args[1])
		for i := range keys.Length() {
			k := keys.Index(i).String()
			v := args[1].Get(k)
			if v.Type() != js.TypeNumber {
				return string(explore.Response(nil, fmt.Errorf("explore: value %s is not a number", k)))
			}
			values[k] = v.Float()
		}
	}
	data := explore.Data{}
	if len(args) > 2 && m.data != nil && args[2].Equal(m.obj) {
		data = m.data
	} else if len(args) > 2 && args[2].Type() == js.TypeObject {
		keys := js.Global().Get("Object").Call("keys", args[2])
		for i := range keys.Length() {
			k := keys.Index(i).String()
			arr := args[2].Get(k)
			xs := make([]float64, arr.Length())
			for j := range xs {
				xs[j] = arr.Index(j).Float()
			}
			data[k] = xs
		}
		m.obj, m.data = args[2], data
		clear(m.figures)
		m.order = m.order[:0]
	}
	key := settingKey(values)
	if out, ok := m.figures[key]; ok {
		memoHits++
		js.Global().Set("descentExploreMemoHits", memoHits)
		return out
	}
	fig, err := e.Run(values, data)
	text := string(explore.Response(fig, err))
	if err == nil {
		m.remember(key, text)
	}
	return text
}
