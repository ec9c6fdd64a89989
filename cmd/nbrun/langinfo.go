package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// setGoLexer completes the language_info GoNB writes into an executed
// notebook. GoNB answers kernel_info with an empty pygments_lexer and
// codemirror_mode, which nbconvert (the site, JupyterLab's "Export Notebook
// As… HTML", nbviewer) reads as IPython: words like "is" or "for" in a comment
// become keywords and an apostrophe opens a string to the end of the line.
// A Go notebook gets "go" for both; everything else is kept as it was.
func setGoLexer(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var nb map[string]any
	if err := dec.Decode(&nb); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	meta, _ := nb["metadata"].(map[string]any)
	info, _ := meta["language_info"].(map[string]any)
	if info == nil || info["name"] != "go" {
		return nil
	}
	changed := false
	for _, k := range []string{"pygments_lexer", "codemirror_mode"} {
		if v, _ := info[k].(string); v == "" {
			info[k] = "go"
			changed = true
		}
	}
	if !changed {
		return nil
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out) // sorted keys, one-space indent, no \u003c: as nbformat writes
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(nb); err != nil {
		return err
	}
	return os.WriteFile(path, out.Bytes(), 0o644)
}
