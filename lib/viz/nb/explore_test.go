package nb

import (
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/lib/explore"
	"github.com/descentlab/descent/lib/explore/firstorder"
	"github.com/descentlab/descent/lib/explore/secondorder"
)

func TestExploreErrors(t *testing.T) {
	// The error's text, as the chart helper of a descentcell build passes
	// only text.
	if err := DisplayExplore("no-such"); err == nil || !strings.Contains(err.Error(), explore.ErrUnknown.Error()) {
		t.Errorf("an unknown explorable: %v", err)
	}
	// Outside a notebook the explorable is still run and drawn (bad input
	// is reported), and nothing is shown.
	if err := DisplayExplore("nonconvex-1d", Start(explore.Values{"x0": 0.2})); err != nil {
		t.Errorf("a good explorable: %v", err)
	}
	err := DisplayExplore("nonconvex-1d", Start(explore.Values{"nope": 1}))
	if err == nil || !strings.Contains(err.Error(), `no control "nope"`) {
		t.Errorf("an unknown control: %v", err)
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("Explore of an explorable whose default run fails did not panic")
		}
	}()
	Explore("cost") // no measured rows
}

// Each module travels once per kernel session, like the echarts bundle.
func TestModuleOncePerSession(t *testing.T) {
	t.Setenv("GONB_TMP_DIR", t.TempDir())
	newCell := func() { mu.Lock(); clear(modulesSent); mu.Unlock() }
	newCell()
	if !needModule(firstorder.Module) || !needModule(secondorder.Module) {
		t.Fatal("the first explorable of a session should carry its module")
	}
	markModule(firstorder.Module)
	newCell()
	if needModule(firstorder.Module) {
		t.Error("a later cell carried the first-order module again")
	}
	if !needModule(secondorder.Module) {
		t.Error("the second-order module was never sent but is taken as sent")
	}
	if err := Reload(); err != nil {
		t.Fatal(err)
	}
	newCell()
	if !needModule(firstorder.Module) {
		t.Error("after Reload the module should travel again")
	}
}

// needModule reports whether an explorable of module would carry it.
func needModule(module string) bool { return !slices.Contains(sentModules(), module) }
