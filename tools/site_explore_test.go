package tools

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// explorableNotebook is an executed notebook with two explorable outputs
// of the firstorder module as lib/viz/nb.Explore leaves them: the first
// carries the module's asset (here a stand-in script), the second only its
// container and mount script.
func explorableNotebook(title, asset string) []byte {
	box := func(id string) string {
		return `<div class="descent-explore" id="explore-` + id + `" data-explore="momentum" data-module="firstorder" data-runs="0">` +
			`<div class="descent-viz" id="explore-` + id + `-0"><img alt="p" src="data:image/png;base64,iVBORw0KGgo="></div></div>` +
			"\n<script>(function(){})();</script>"
	}
	// The echarts loader as lib/viz writes it, with a stand-in bundle.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("window.echarts={};"))
	zw.Close()
	first := `<script data-descent-echarts="5.6.0">(function(){var s=atob("` + base64.StdEncoding.EncodeToString(gz.Bytes()) + `");})();</script>` + "\n"
	if asset != "" {
		first += `<script data-descent-explore="firstorder-0123456789ab">` + asset + "</script>\n"
	}
	cell := func(id, html string) map[string]any {
		return map[string]any{"cell_type": "code", "id": id, "execution_count": 1, "metadata": map[string]any{}, "source": "%%\nnb.Explore(\"momentum\")",
			"outputs": []any{map[string]any{"output_type": "display_data", "metadata": map[string]any{},
				"data": map[string]any{"text/html": html, "text/plain": "explorable: momentum"}}}}
	}
	return gonbNotebook(
		map[string]any{"cell_type": "markdown", "id": "m", "metadata": map[string]any{}, "source": "# " + title + "\n"},
		cell("c1", first+box("a")), cell("c2", box("b")),
	)
}

// TestSiteExplorables: the builder moves an explorable module's asset out of
// the page into assets/explore-MODULE-VERSION.js, referenced once (deferred)
// by the page that carried it and by a page whose explorables lost theirs;
// a page with explorables of a module no notebook carries stops the build.
func TestSiteExplorables(t *testing.T) {
	t.Parallel()
	py := python(t)
	sources, src, dst := course(t, "00-with", "01-without")
	const asset = `window.fakeExploreAsset=1;`
	for _, d := range []string{sources, src} {
		write(t, filepath.Join(d, "00-with.ipynb"), explorableNotebook("With", asset))
		write(t, filepath.Join(d, "01-without.ipynb"), explorableNotebook("Without", ""))
	}
	if out, err := buildSite(t, py, sources, src, dst); err != nil {
		t.Fatalf("build failed: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dst, "assets", "explore-firstorder-0123456789ab.js"))
	if err != nil || string(got) != asset {
		t.Fatalf("assets/explore-firstorder-0123456789ab.js = %q, %v; want the script the notebook carried", got, err)
	}
	for _, page := range []string{"00-with.html", "01-without.html"} {
		b, _ := os.ReadFile(filepath.Join(dst, page))
		s := string(b)
		if strings.Contains(s, "fakeExploreAsset") || strings.Contains(s, "data-descent-explore=") {
			t.Errorf("%s still inlines the asset", page)
		}
		if n := strings.Count(s, `<script defer src="assets/explore-firstorder-0123456789ab.js"></script>`); n != 1 {
			t.Errorf("%s references the asset %d times, want 1", page, n)
		}
		if n := strings.Count(s, `class="descent-explore"`); n != 2 {
			t.Errorf("%s has %d explorables, want 2", page, n)
		}
	}

	// No notebook carries the module: the build names the notebook.
	write(t, filepath.Join(src, "00-with.ipynb"), explorableNotebook("With", ""))
	out, err := buildSite(t, py, sources, src, dst)
	if err == nil || !strings.Contains(out, "00-with.ipynb has explorables of the firstorder module") {
		t.Errorf("a page without its module's asset: err %v, output\n%s", err, out)
	}
}
