// Package cpuclock reads the CPU time the process has used, where the
// system keeps it (getrusage on Unix), so that lib/secondorder's cost
// timings do not count the time spent waiting for a core. The build
// constraints that choose the system's clock live here, not in lib/.
package cpuclock
