package main

import (
	"os"
	"testing"
)

// testMainEnv makes the test binary run nbrun's main: the hard-stop tests
// start nbrun as a process of its own, and the kernel guard nbrun puts in
// front of the kernel is then the test binary too (os.Executable).
const testMainEnv = "NBRUN_TEST_MAIN"

func TestMain(m *testing.M) {
	guardMain()
	if os.Getenv(testMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
