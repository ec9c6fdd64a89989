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
// series in a chart. Names get looks in the order they are first drawn:
// the eight Okabe–Ito colours with solid lines, then with dashed lines,
// then dotted (24 looks), then again from the start. Two names share a look
// only when more than 24 have been drawn.
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

// For returns the look of name, assigning the next free one on first use.
func (l *Looks) For(name string) Look {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byName == nil {
		l.byName = map[string]int{}
	}
	i, ok := l.byName[name]
	if !ok {
		i = len(l.byName)
		l.byName[name] = i
	}
	n := len(Palette)
	return Look{Color: Palette[i%n], Dash: Dash((i / n) % 3)}
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
