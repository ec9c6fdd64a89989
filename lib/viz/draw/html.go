package draw

import (
	_ "embed" // the pinned echarts bundle
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"html"
	"strings"
	"sync"

	"github.com/descentlab/descent/lib/viz"
)

// EChartsVersion is the version of the echarts copy embedded in this
// package (assets/echarts.min.js, from the npm package echarts@5.6.0,
// Apache-2.0; see assets/README.md for its checksum).
const EChartsVersion = "5.6.0"

// ChartClass is the class of the <div> that holds each chart in HTML
// output, and LoaderAttr the attribute that marks the <script> carrying
// echarts. A checker of executed notebooks or exported pages can count
// them: a page with charts needs LoaderAttr exactly once.
const (
	ChartClass = "descent-viz"
	LoaderAttr = "data-descent-echarts"
)

// echartsSHA256 is the SHA-256 of assets/echarts.min.js.
const echartsSHA256 = "bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1"

// echartsGzip is assets/echarts.min.js gzip-compressed (assets/
// echarts.min.js.gz, made once with compress/gzip at BestCompression; run
// go test -run EChartsGzip -update to remake it). It is embedded
// compressed so that a cell program neither carries the 1 MB file nor
// spends ~0.1 CPU-second compressing it for its first chart, and so that
// the loader's bytes do not depend on the Go version's compressor.
//
//go:embed assets/echarts.min.js.gz
var echartsGzip []byte

// EChartsLoader returns a <script> element that defines window.echarts
// from the embedded bundle, unless the page already has it. The bundle
// travels gzip-compressed in base64 (about 450 kB instead of 1 MB) and is
// unpacked with the browser's DecompressionStream; it is evaluated with
// define, module and exports shadowed, so that require.js or another AMD
// loader on the page cannot capture it. When it is ready it fires the
// window event "descent-echarts". No network request is made.
// Put it once per page, before or after the charts. The result is cached.
func EChartsLoader() string { return loader() }

var loader = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString(`<script ` + LoaderAttr + `="` + EChartsVersion + `">(function(){` +
		`if(window.echarts||window.__descentEChartsLoading)return;` +
		`if(typeof DecompressionStream==="undefined"){console.warn("descent/viz: this browser cannot unpack echarts; showing static pictures");return;}` +
		`window.__descentEChartsLoading=true;` +
		`var s=atob("`)
	b.WriteString(base64.StdEncoding.EncodeToString(echartsGzip))
	b.WriteString(`"),u=new Uint8Array(s.length);for(var i=0;i<s.length;i++)u[i]=s.charCodeAt(i);` +
		`new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream("gzip"))).text().then(function(src){` +
		`(new Function("define","module","exports",src+"\n//# sourceURL=echarts-` + EChartsVersion + `.min.js"))(undefined,undefined,undefined);` +
		`window.__descentEChartsLoading=false;window.dispatchEvent(new Event("descent-echarts"));` +
		`});})();</script>`)
	return b.String()
})

// HTML returns an HTML fragment that shows c wherever it is read: a <div>
// holding the static picture (an <img> with a data: URI, so that sanitizers
// that drop scripts and inline SVG keep it), followed by a <script> that,
// once window.echarts exists (see EChartsLoader), draws the interactive
// chart in the div and hides the picture. Without scripts, or if echarts
// never arrives, the picture stays. The script finds its div as its
// previous sibling, so the same chart shown twice on a page works, and the
// div's id is ID(c). Tables are plain HTML, without script.
// The fragment is the same bytes for the same chart. Cost: one static and
// one interactive render.
func HTML(c viz.Chart, opts ...viz.HTMLOption) (string, error) {
	cfg := viz.HTMLConfig{Format: "svg"}
	for _, o := range opts {
		o(&cfg)
	}
	if t, ok := c.(*viz.Table); ok {
		return tableView{t}.html()
	}
	title, w, h := dims(c)
	pic, err := staticBytes(c, cfg.Format)
	if err != nil {
		return "", err
	}
	mime := "image/svg+xml"
	if cfg.Format == "png" {
		mime = "image/png"
	}
	var b strings.Builder
	if cfg.WithLoader && !cfg.NoScript {
		b.WriteString(EChartsLoader())
		b.WriteByte('\n')
	}
	id := ID(c)
	fmt.Fprintf(&b, `<div class="`+ChartClass+`" id="%s" style="width:%dpx;max-width:100%%">`, id, w)
	fmt.Fprintf(&b, `<img alt="%s" width="%d" height="%d" style="max-width:100%%;height:auto;display:block" src="%s">`,
		html.EscapeString(title), w, h, dataURI(mime, pic))
	b.WriteString(`</div>`)
	if cfg.NoScript {
		return b.String(), nil
	}
	opt, err := Options(c)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "\n<script>(function(){var s=document.currentScript,box=s&&s.previousElementSibling,opt=%s;"+
		`if(!box||box.className!=="descent-viz")box=document.getElementById(%q);if(!box)return;`+
		fmtJS+
		`function draw(){if(box.getAttribute("data-live"))return;box.setAttribute("data-live","1");`+
		`var img=box.querySelector("img"),d=document.createElement("div");d.className="descent-viz-chart";`+
		`d.style.cssText="width:%dpx;max-width:100%%;height:%dpx";box.insertBefore(d,img);`+
		`var ch=echarts.init(d,null,{renderer:window.__descentRenderer||"canvas",width:d.clientWidth||%d,height:%d});`+
		`ch.setOption(formatters(opt));`+
		`if(window.ResizeObserver)new ResizeObserver(function(){if(d.clientWidth)ch.resize();}).observe(d);`+
		`if(img)img.style.display="none";}`+
		`if(window.echarts)draw();else{window.addEventListener("descent-echarts",draw);`+
		`var n=0,t=setInterval(function(){if(window.echarts){clearInterval(t);draw();}else if(++n>300)clearInterval(t);},100);}`+
		`})();</script>`, opt, id, w, h, w, h)
	return b.String(), nil
}

// dataURI is the data: URI of a static picture: SVG as UTF-8 text (a
// quarter smaller than base64), with % and # percent-encoded, line breaks
// folded and the rest HTML-escaped for a double-quoted attribute; PNG in
// base64.
func dataURI(mime string, pic []byte) string {
	if mime != "image/svg+xml" {
		return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(pic)
	}
	// "://" is written "%3A//" (the SVG reads the same once decoded):
	// DevTools' request blocking and some content blockers match URL
	// patterns such as "http://*" anywhere in a URL, and would otherwise
	// block the picture for its xmlns="http://www.w3.org/2000/svg".
	svg := strings.NewReplacer("%", "%25", "#", "%23", "://", "%3A//", "\n", " ", "\r", " ", "\t", " ").Replace(string(pic))
	return "data:image/svg+xml;charset=utf-8," + html.EscapeString(svg)
}

// ID returns the chart's fixed identifier: a slug of its title and a
// hash of its content, so that re-running a notebook gives the same
// bytes and two different charts never share an id. Cost: one render
// of the echarts options.
func ID(c viz.Chart) string {
	title, _, _ := dims(c)
	h := fnv.New32a()
	b, err := Options(c)
	if t, ok := c.(*viz.Table); ok {
		var s string
		s, err = tableView{t}.html()
		b = []byte(s)
	}
	if err != nil {
		h.Write([]byte(err.Error()))
	}
	h.Write(b)
	return fmt.Sprintf("viz-%s-%08x", slug(title), h.Sum32())
}

// dims returns c's title and size in CSS pixels.
func dims(c viz.Chart) (title string, width, height int) {
	switch c := c.(type) {
	case *viz.Plot:
		return plotView{c}.chart()
	case *viz.HeatMaps:
		return heatView{c}.chart()
	case *viz.Table:
		return tableView{c}.chart()
	}
	panic(fmt.Sprintf("viz: unknown chart type %T", c))
}
