package hub

// Executing a notebook through a single-user server's REST API and its
// kernel WebSocket (the Jupyter messaging protocol, JSON over text frames),
// as JupyterLab does when a student runs every cell.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type kernelConn struct {
	rw      bufConn
	session string
}

// bufConn reads through the reader the handshake may have left data in.
type bufConn struct {
	net.Conn
	r io.Reader
}

func (b bufConn) Read(p []byte) (int, error) { return b.r.Read(p) }

// dialKernel opens the channels WebSocket of kernel id on the server at
// base (http://host:port/user/<name>/), authenticated with token.
func dialKernel(ctx context.Context, base, kernelID, token string) (*kernelConn, error) {
	session := newID()
	u := strings.Replace(base, "http://", "ws://", 1) + "api/kernels/" + kernelID + "/channels?session_id=" + session
	d := ws.Dialer{Header: ws.HandshakeHeaderHTTP(http.Header{"Authorization": {"token " + token}})}
	c, br, _, err := d.Dial(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("kernel websocket %s: %w", u, err)
	}
	bc := bufConn{Conn: c, r: c}
	if br != nil {
		bc.r = br
	}
	return &kernelConn{rw: bc, session: session}, nil
}

func (k *kernelConn) Close() { _ = k.rw.Close() }

type jmsg struct {
	Header       map[string]any  `json:"header"`
	ParentHeader map[string]any  `json:"parent_header"`
	Metadata     map[string]any  `json:"metadata"`
	Content      json.RawMessage `json:"content"`
	Channel      string          `json:"channel"`
	Buffers      []any           `json:"buffers,omitempty"`
}

// cellRun is what one execute_request produced.
type cellRun struct {
	Outputs []map[string]any // nbformat outputs
	Stdout  string
	Stderr  string
	Errors  []string // error messages (ename: evalue)
	Status  string   // execute_reply status
}

// execute runs code and collects its outputs until the kernel is idle again.
func (k *kernelConn) execute(code string, timeout time.Duration) (*cellRun, error) {
	id := newID()
	content, _ := json.Marshal(map[string]any{
		"code": code, "silent": false, "store_history": true,
		"user_expressions": map[string]any{}, "allow_stdin": false, "stop_on_error": true,
	})
	req := jmsg{
		Header: map[string]any{"msg_id": id, "username": "student", "session": k.session,
			"msg_type": "execute_request", "version": "5.3", "date": time.Now().UTC().Format(time.RFC3339Nano)},
		ParentHeader: map[string]any{}, Metadata: map[string]any{}, Content: content, Channel: "shell",
	}
	b, _ := json.Marshal(req)
	deadline := time.Now().Add(timeout)
	_ = k.rw.SetDeadline(deadline)
	if err := wsutil.WriteClientText(k.rw, b); err != nil {
		return nil, fmt.Errorf("send execute_request: %w", err)
	}
	run := &cellRun{Outputs: []map[string]any{}}
	var replied, idle bool
	displayIdx := map[string]int{} // display_id -> index in Outputs
	for !(replied && idle) {
		data, op, err := wsutil.ReadServerData(k.rw)
		if err != nil {
			return run, fmt.Errorf("read kernel message (replied=%v idle=%v, deadline %v): %w", replied, idle, timeout, err)
		}
		if op != ws.OpText {
			continue // binary frames: buffers of comm messages, not used here
		}
		var m jmsg
		if err := json.Unmarshal(data, &m); err != nil {
			return run, fmt.Errorf("kernel message is not JSON: %w", err)
		}
		if m.ParentHeader["msg_id"] != id {
			continue
		}
		var c map[string]any
		_ = json.Unmarshal(m.Content, &c)
		mt, _ := m.Header["msg_type"].(string)
		switch mt {
		case "execute_reply":
			replied = true
			run.Status, _ = c["status"].(string)
			if run.Status == "error" {
				run.Errors = append(run.Errors, fmt.Sprintf("execute_reply %v: %v", c["ename"], c["evalue"]))
			}
		case "status":
			if c["execution_state"] == "idle" {
				idle = true
			}
		case "stream":
			name, _ := c["name"].(string)
			text, _ := c["text"].(string)
			if name == "stderr" {
				run.Stderr += text
			} else {
				run.Stdout += text
			}
			run.Outputs = append(run.Outputs, map[string]any{"output_type": "stream", "name": name, "text": text})
		case "display_data", "execute_result":
			out := map[string]any{"output_type": mt, "data": c["data"], "metadata": orEmpty(c["metadata"])}
			if mt == "execute_result" {
				out["execution_count"] = c["execution_count"]
			}
			if tr, ok := c["transient"].(map[string]any); ok {
				if did, ok := tr["display_id"].(string); ok {
					displayIdx[did] = len(run.Outputs)
				}
			}
			run.Outputs = append(run.Outputs, out)
		case "update_display_data":
			if tr, ok := c["transient"].(map[string]any); ok {
				if did, ok := tr["display_id"].(string); ok {
					if i, ok := displayIdx[did]; ok {
						run.Outputs[i] = map[string]any{"output_type": "display_data", "data": c["data"], "metadata": orEmpty(c["metadata"])}
					}
				}
			}
		case "clear_output":
			run.Outputs = []map[string]any{}
			displayIdx = map[string]int{}
		case "error":
			e := fmt.Sprintf("%v: %v", c["ename"], c["evalue"])
			run.Errors = append(run.Errors, e)
			run.Outputs = append(run.Outputs, map[string]any{"output_type": "error",
				"ename": c["ename"], "evalue": c["evalue"], "traceback": c["traceback"]})
		}
	}
	return run, nil
}

func orEmpty(v any) any {
	if v == nil {
		return map[string]any{}
	}
	return v
}

// failure says why a cell counts as failed, as cmd/nbrun judges it: an
// error output (GoNB reports every failure of the cell's program as one: a
// panic, log.Fatal, a non-zero exit, a failed nb.Claim) or a non-ok reply.
// Text on stderr alone is not a failure (the notebooks run no "!" lines).
func (r *cellRun) failure() string {
	switch {
	case len(r.Errors) > 0:
		return strings.Join(r.Errors, "; ") + tail(r.Stderr)
	case r.Status != "ok":
		return "execute_reply status " + r.Status + tail(r.Stderr)
	}
	return ""
}

func tail(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return "\n" + s
}

// openAndRun starts a gonb kernel session for nbName on the student's
// server, connects to it through the hub's proxy and runs every code cell of
// nb in it, filling in outputs and execution counts and adding the claims
// checked to s.claims. It returns the open kernel (the caller closes it) and
// the number of code cells run.
func openAndRun(s *student, nbName string, nb map[string]any) (*kernelConn, int, error) {
	var sess struct {
		Kernel struct {
			ID string `json:"id"`
		} `json:"kernel"`
	}
	if code, err := call(http.DefaultClient, "POST", s.base+"api/sessions", s.token,
		map[string]any{"path": nbName, "type": "notebook", "name": nbName, "kernel": map[string]any{"name": "gonb"}}, &sess); err != nil || code != 201 {
		return nil, 0, fmt.Errorf("start session: %d %v", code, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	k, err := dialKernel(ctx, s.base, sess.Kernel.ID, s.token)
	cancel()
	if err != nil {
		return nil, 0, err
	}
	count := 0
	for i, c := range nb["cells"].([]any) {
		cell := c.(map[string]any)
		if cell["cell_type"] != "code" {
			continue
		}
		count++
		run, err := k.execute(joinSource(cell["source"]), 5*time.Minute)
		if err != nil {
			k.Close()
			return nil, count, fmt.Errorf("cell %d: %w", i+1, err)
		}
		if f := run.failure(); f != "" {
			k.Close()
			return nil, count, fmt.Errorf("cell %d (code cell %d) failed: %s", i+1, count, f)
		}
		s.claims += strings.Count(run.Stdout, claimPrefix)
		cell["outputs"] = run.Outputs
		cell["execution_count"] = count
	}
	return k, count, nil
}
