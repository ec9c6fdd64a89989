//go:build !descentcell

package render

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/web"
	"github.com/descentlab/descent/lib/viz"
)

// Render draws r in this program. A decoded plot's contour values come
// from grid (nil when the plot has its functions). It returns the drawing
// error, or one for a request that holds nothing to draw.
func Render(r Request, grid GridFunc) (Reply, error) {
	if r.Explore != "" {
		return renderExplore(r)
	}
	if r.Output == "loader" {
		return Reply{Bytes: []byte(viz.EChartsLoader())}, nil
	}
	c := r.Chart()
	if c == nil {
		return Reply{}, errors.New("render: the request holds neither a chart nor an explorable")
	}
	if r.Plot != nil && grid != nil {
		r.Plot.ContoursFrom(grid)
	}
	var out Reply
	var err error
	switch r.Output {
	case "":
		out.HTML, err = viz.HTML(c, r.Config.Option())
		out.ID = viz.ID(c)
	case "html":
		var s string
		s, err = viz.HTML(c, r.Config.Option())
		out.Bytes = []byte(s)
	case "svg", "png":
		var b bytes.Buffer
		if r.Output == "svg" {
			err = viz.SVG(&b, c)
		} else {
			err = viz.PNG(&b, c)
		}
		out.Bytes = b.Bytes()
	case "options":
		out.Bytes, err = viz.Options(c)
	case "id":
		out.Bytes = []byte(viz.ID(c))
	default:
		return Reply{}, fmt.Errorf("render: unknown output %q", r.Output)
	}
	if err != nil {
		return Reply{}, err
	}
	return out, nil
}

// renderExplore is the explorable's fragment with the loaders asked for.
func renderExplore(r Request) (Reply, error) {
	e := explore.Lookup(r.Explore)
	if e == nil {
		return Reply{}, fmt.Errorf("%w: %q (have %v)", explore.ErrUnknown, r.Explore, explore.Names())
	}
	frag, err := web.HTML(r.Explore, web.Options{Values: r.Values, Data: r.Data})
	if err != nil {
		return Reply{}, err
	}
	var b strings.Builder
	out := Reply{ModuleName: e.Module}
	if r.Echarts {
		b.WriteString(viz.EChartsLoader())
		b.WriteByte('\n')
	}
	if r.Module && !slices.Contains(r.Sent, e.Module) {
		a, err := assetOf(e.Module)
		if err != nil {
			out.Warning = fmt.Sprintf("nb: the explorable %s is shown as a picture: %v", r.Explore, err)
			frag += fmt.Sprintf("\n<p><em>Not interactive here: the WebAssembly module could not be built (%s).</em></p>",
				html.EscapeString(err.Error()))
		} else {
			out.Module = true
			b.WriteString(a.Loader())
			b.WriteByte('\n')
		}
	}
	b.WriteString(frag)
	out.HTML = b.String()
	return out, nil
}

// assetOf builds (or reads from the cache) the asset of a module.
func assetOf(module string) (*web.Asset, error) {
	root, err := web.Root()
	if err != nil {
		return nil, err
	}
	return web.Build(root, module)
}
