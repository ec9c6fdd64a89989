package viz

import (
	"encoding/json"
	"sync"
)

// Dash is the line pattern of a series.
type Dash int

const (
	// Solid is an unbroken line.
	Solid Dash = iota
	// Dashed is a line of long dashes.
	DashedLine
	// Dotted is a line of dots.
	Dotted
)

// Look is how a named series is drawn: its colour and line pattern.
type Look struct {
	Color string
	Dash  Dash
}

// Looks binds each series name to one Look, so that a method keeps its
// colour and dash in every chart of a notebook, whatever the order of the
// series in a chart. A name drawn for the first time takes the first look
// no other name has: the Okabe–Ito colours but yellow with solid lines,
// then dashed, then dotted (21 looks); past 21 names, the first look no
// other series of its chart has. So a name never changes look and two
// series of one chart do not share one.
//
// A Series with its own Color keeps it (and is not registered). Looks is
// safe for concurrent use; Default is the registry charts use, which
// lib/viz/nb saves and restores for the whole kernel session.
type Looks struct {
	mu     sync.Mutex
	byName map[string]int
}

// Default is the registry every chart draws its unnamed colours from.
var Default = &Looks{}

// lookColors are the colours of looks: the palette without yellow, which
// is hard to see as a thin line on white.
func lookColors() []string { return Palette[:len(Palette)-1] }

// lookCount is the number of distinct looks: 7 colours × 3 dashes.
func lookCount() int { return 3 * len(lookColors()) }

func lookOf(i int) Look {
	c := lookColors()
	i %= lookCount()
	return Look{Color: c[i%len(c)], Dash: Dash(i / len(c))}
}

// For returns the look of name, binding the first look not yet bound on
// first use.
func (l *Looks) For(name string) Look { return l.Assign([]string{name})[0] }

// Assign returns the looks of the names of one chart, in order: a bound
// name keeps its look; an unbound one is bound to the first look that no
// other name of the chart has (nor, while looks remain, any name already
// bound). Cost O(len(names) · 24).
func (l *Looks) Assign(names []string) []Look {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byName == nil {
		l.byName = map[string]int{}
	}
	inChart := map[int]bool{}
	for _, n := range names {
		if i, ok := l.byName[n]; ok {
			inChart[i%lookCount()] = true
		}
	}
	bound := map[int]bool{}
	for _, i := range l.byName {
		bound[i%lookCount()] = true
	}
	out := make([]Look, len(names))
	for k, n := range names {
		i, ok := l.byName[n]
		if !ok {
			i = -1
			for j := 0; j < lookCount() && i < 0; j++ { // unused anywhere
				if !inChart[j] && !bound[j] {
					i = j
				}
			}
			for j := 0; j < lookCount() && i < 0; j++ { // unused in this chart
				if !inChart[j] {
					i = j
				}
			}
			if i < 0 {
				i = len(l.byName) % lookCount()
			}
			l.byName[n] = i
			inChart[i] = true
			bound[i] = true
		}
		out[k] = lookOf(i)
	}
	return out
}

// Reset forgets every binding.
func (l *Looks) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byName = nil
}

// MarshalJSON encodes the bindings (name → order of first use).
func (l *Looks) MarshalJSON() ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byName == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(l.byName)
}

// UnmarshalJSON replaces the bindings with those encoded by MarshalJSON.
func (l *Looks) UnmarshalJSON(b []byte) error {
	m := map[string]int{}
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byName = m
	return nil
}
