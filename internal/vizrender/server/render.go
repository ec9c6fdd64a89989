// Package server is the chart helper's side of package vizrender: it draws
// the charts and explorables a notebook cell hands over, with lib/viz/draw and
// lib/explore/web. cmd/vizrender serves it on stdin and stdout; tests call
// Render to compare the helper's drawing with their own.
package server

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/descentlab/descent/internal/vizrender"
	"github.com/descentlab/descent/internal/vizstate"
	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/web"
	"github.com/descentlab/descent/lib/viz/draw"
)

// Render draws r in this program. A decoded plot's contour values come
// from grid (nil when the plot has its functions). It returns the drawing
// error, or one for a request that holds nothing to draw.
func Render(r vizrender.Request, grid vizrender.GridFunc) (vizrender.Reply, error) {
	if r.Explore != "" {
		return renderExplore(r)
	}
	if r.Output == "loader" {
		return vizrender.Reply{Bytes: []byte(draw.EChartsLoader())}, nil
	}
	c := r.Chart()
	if c == nil {
		return vizrender.Reply{}, errors.New("render: the request holds neither a chart nor an explorable")
	}
	if r.Plot != nil && grid != nil {
		vizstate.SetGrid(r.Plot, grid)
	}
	var out vizrender.Reply
	var err error
	switch r.Output {
	case "":
		out.HTML, err = draw.HTML(c, r.Config.Option())
		out.ID = draw.ID(c)
	case "html":
		var s string
		s, err = draw.HTML(c, r.Config.Option())
		out.Bytes = []byte(s)
	case "svg", "png":
		var b bytes.Buffer
		if r.Output == "svg" {
			err = draw.SVG(&b, c)
		} else {
			err = draw.PNG(&b, c)
		}
		out.Bytes = b.Bytes()
	case "options":
		out.Bytes, err = draw.Options(c)
	case "id":
		out.Bytes = []byte(draw.ID(c))
	default:
		return vizrender.Reply{}, fmt.Errorf("render: unknown output %q", r.Output)
	}
	if err != nil {
		return vizrender.Reply{}, err
	}
	return out, nil
}

// renderExplore is the explorable's fragment with the loaders asked for.
func renderExplore(r vizrender.Request) (vizrender.Reply, error) {
	all := web.Explorables()
	e := all.Lookup(r.Explore)
	if e == nil {
		return vizrender.Reply{}, fmt.Errorf("%w: %q (have %v)", explore.ErrUnknown, r.Explore, all.Names())
	}
	frag, err := web.HTML(r.Explore, web.Options{Values: r.Values, Data: r.Data})
	if err != nil {
		return vizrender.Reply{}, err
	}
	var b strings.Builder
	out := vizrender.Reply{ModuleName: e.Module}
	if r.Echarts {
		b.WriteString(draw.EChartsLoader())
		b.WriteByte('\n')
	}
	if r.Module && !slices.Contains(r.Sent, e.Module) {
		a, err := assetOf(e.Module)
		if err != nil {
			return vizrender.Reply{}, fmt.Errorf("the explorable %s: %w", r.Explore, err)
		}
		out.Module = true
		b.WriteString(a.Loader())
		b.WriteByte('\n')
	}
	b.WriteString(frag)
	out.HTML = b.String()
	return out, nil
}

// assetOf reads the asset of a module that cmd/explore built (web.Load:
// an error naming the command when it is missing or stale).
func assetOf(module string) (*web.Asset, error) {
	root, err := web.Root()
	if err != nil {
		return nil, err
	}
	return web.Load(root, module)
}
