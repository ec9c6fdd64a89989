package explorecheck

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	"github.com/descentlab/descent/lib/explore"
)

// Oracle runs explorables natively in a separate process: cmd/explore
// -oracle built for GOARCH=386. On that architecture Go's math.Exp and
// math.Log are the portable Go code that WebAssembly runs too; on amd64
// they are assembly and may differ in the last bit, which a long training
// run amplifies (Drive reports that difference separately). Start it with
// StartOracle; Close ends it.
type Oracle struct {
	mu   sync.Mutex
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	tmp  string
	Arch string
}

// StartOracle builds cmd/explore for GOARCH=386 in the descent checkout
// at root (into a temporary folder) and starts it.
func StartOracle(root string) (*Oracle, error) {
	tmp, err := os.MkdirTemp("", "descent-oracle-")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(tmp, "explore")
	build := exec.Command("go", "build", "-o", bin, "./cmd/explore")
	build.Dir = root
	build.Env = append(os.Environ(), "GOARCH=386", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("explorecheck: GOARCH=386 go build ./cmd/explore: %w\n%s", err, out)
	}
	cmd := exec.Command(bin, "-oracle")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return &Oracle{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20), tmp: tmp, Arch: "386"}, nil
}

// Run returns the figure JSON (explore.Response) of one run.
func (o *Oracle) Run(name string, v explore.Values, d explore.Data) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	req, err := json.Marshal(struct {
		Name   string         `json:"name"`
		Values explore.Values `json:"values"`
		Data   explore.Data   `json:"data"`
	}{name, v, d})
	if err != nil {
		return "", err
	}
	if _, err := o.in.Write(append(req, '\n')); err != nil {
		return "", fmt.Errorf("explorecheck: oracle: %w", err)
	}
	line, err := o.out.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("explorecheck: oracle: %w", err)
	}
	return line[:len(line)-1], nil
}

// Close ends the process and removes its binary.
func (o *Oracle) Close() {
	o.in.Close()
	o.cmd.Wait()
	os.RemoveAll(o.tmp)
}
