//go:build js && wasm

// Command firstorder is the WebAssembly module "firstorder" of the explorables:
// lib/explore/firstorder's, served to the page by cmd/explore/internal/wasmrun.
// cmd/explore builds it (GOOS=js GOARCH=wasm).
package main

import (
	"github.com/descentlab/descent/cmd/explore/internal/wasmrun"
	"github.com/descentlab/descent/lib/explore/firstorder"
)

func main() { wasmrun.Serve(firstorder.Explorables()) }
