//go:build js && wasm

// Command secondorder is the WebAssembly module "secondorder" of the explorables:
// lib/explore/secondorder's, served to the page by cmd/explore/internal/wasmrun.
// cmd/explore builds it (GOOS=js GOARCH=wasm).
package main

import (
	"github.com/descentlab/descent/cmd/explore/internal/wasmrun"
	"github.com/descentlab/descent/lib/explore/secondorder"
)

func main() { wasmrun.Serve(secondorder.Explorables()) }
