package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSetGoLexer: an executed notebook with GoNB's language_info (empty
// pygments_lexer and codemirror_mode) gets "go" for both, and nothing else
// changes: outputs with markup, numbers and key order stay as they were.
func TestSetGoLexer(t *testing.T) {
	dir := t.TempDir()
	const gonb = `{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "a",
   "metadata": {},
   "outputs": [
    {
     "data": {
      "text/html": "<div class=\"descent-viz\">x & y</div>"
     },
     "metadata": {},
     "output_type": "display_data"
    }
   ],
   "source": "%%\nfmt.Println(1e-8, 0.30000000000000004)"
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "Go (gonb)",
   "language": "go",
   "name": "gonb"
  },
  "language_info": {
   "codemirror_mode": "",
   "file_extension": ".go",
   "mimetype": "text/x-go",
   "name": "go",
   "nbconvert_exporter": "",
   "pygments_lexer": "",
   "version": "go1.26.8"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`
	p := filepath.Join(dir, "x.ipynb")
	if err := os.WriteFile(p, []byte(gonb), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := setGoLexer(p); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	want := strings.NewReplacer(`"codemirror_mode": ""`, `"codemirror_mode": "go"`, `"pygments_lexer": ""`, `"pygments_lexer": "go"`).Replace(gonb)
	if string(got) != want {
		t.Errorf("rewritten notebook:\n%s\nwant:\n%s", got, want)
	}
	// A notebook of another language, or one already right, is left alone.
	var nb map[string]any
	json.Unmarshal([]byte(gonb), &nb)
	nb["metadata"].(map[string]any)["language_info"].(map[string]any)["name"] = "python"
	b, _ := json.Marshal(nb)
	os.WriteFile(p, b, 0o644)
	if err := setGoLexer(p); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(p); string(after) != string(b) {
		t.Error("a Python notebook was changed")
	}
}
