//go:build js && wasm

// Command compression is the WebAssembly module "compression" of the explorables:
// lib/explore/compression's, served to the page by cmd/explore/internal/wasmrun.
// cmd/explore builds it (GOOS=js GOARCH=wasm).
package main

import (
	"github.com/descentlab/descent/cmd/explore/internal/wasmrun"
	"github.com/descentlab/descent/lib/explore/compression"
)

func main() { wasmrun.Serve(compression.Explorables()) }
