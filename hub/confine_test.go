package hub

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// What TestClassOnPodman measures in a student's container besides the
// notebook: the disk a student can fill and the cloud metadata service a
// student must not reach (hub/jupyterhub_config.py, "before each start").

const (
	metadataURL = "http://169.254.169.254/latest/meta-data/"
	// controlURL is an address outside the host that the block must leave
	// open: served by the same fake service, so a probe that fails on the
	// metadata address and succeeds here fails because of the rule.
	controlURL = "http://198.51.100.10/"
	// The fake service: a network namespace of its own behind a veth pair,
	// routed from the class network only (policy routing: the host's own
	// traffic to 169.254.169.254 keeps its route), as the metadata service of
	// a cloud VM is a hop away from the containers.
	imdsNetns, imdsVeth, imdsPeer = "descent-it-imds", "descent-imds", "descent-imds-n"
	imdsTable                     = "4242"
	imdsHostAddr                  = "169.254.77.1"
)

// probePy prints, for each URL, the URL and either the HTTP status or
// "error" and why, in 5 s at most.
const probePy = `import sys, urllib.request
for u in sys.argv[1:]:
    try:
        print(u, urllib.request.urlopen(u, timeout=5).status)
    except Exception as e:
        print(u, "error", e)
`

// classNetwork creates the podman bridge network of the test's class (as
// `docker network create jupyterhub` does for an instructor) and returns its
// name, its IPv4 subnet and a container of the image that stays on it until
// the end. podman (netavark) makes a network's bridge, and so the gateway
// address the hub listens on, only while a container is on the network,
// where Docker makes it with the network: the container keeps it there.
// Everything is removed at the end.
func classNetwork(t *testing.T, podman func(time.Duration, ...string) (string, error), image string) (name, subnet, anchor string) {
	t.Helper()
	name, anchor = "descent-it-net", "descent-it-net-anchor"
	podman(time.Minute, "rm", "-f", "-t", "0", anchor)
	podman(time.Minute, "network", "rm", "-f", name)
	if out, err := podman(time.Minute, "network", "create", name); err != nil {
		t.Fatalf("podman network create: %v\n%s", err, out)
	}
	t.Cleanup(func() { podman(time.Minute, "network", "rm", "-f", name) })
	out, err := podman(time.Minute, "network", "inspect", "--format", "{{range .Subnets}}{{.Subnet}} {{end}}", name)
	for _, s := range strings.Fields(out) {
		if strings.Count(s, ".") == 3 {
			subnet = s
		}
	}
	if err != nil || subnet == "" {
		t.Fatalf("podman network inspect %s: %v\n%s", name, err, out)
	}
	t.Cleanup(func() { podman(time.Minute, "rm", "-f", "-t", "0", anchor) })
	if out, err := podman(3*time.Minute, "run", "-d", "--name", anchor, "--network", name, "--label", "descent.image-test=1",
		"--entrypoint", "sleep", image, "infinity"); err != nil {
		t.Fatalf("a container on %s: %v\n%s", name, err, out)
	}
	return name, subnet, anchor
}

// sh runs a command on the host and returns its combined output.
func sh(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

// fakeMetadata serves 200 on metadataURL and controlURL to the containers of
// subnet, from a network namespace of its own; torn down at the end (and a
// leftover of a killed run at the start).
func fakeMetadata(t *testing.T, python, subnet string) {
	t.Helper()
	for _, tool := range []string{"ip", "iptables"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (Debian: apt-get install iproute2 iptables)", tool)
		}
	}
	teardown := func() {
		if out, err := sh("ip", "netns", "pids", imdsNetns); err == nil {
			for _, p := range strings.Fields(out) {
				if pid, err := strconv.Atoi(p); err == nil {
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
		sh("ip", "netns", "del", imdsNetns) // takes the veth pair with it
		sh("ip", "link", "del", imdsVeth)
		for i := 0; i < 10; i++ {
			if _, err := sh("ip", "rule", "del", "pref", imdsTable); err != nil {
				break
			}
		}
		sh("ip", "route", "flush", "table", imdsTable)
	}
	teardown()
	t.Cleanup(teardown)
	metaIP, controlIP := "169.254.169.254", "198.51.100.10"
	for _, cmd := range [][]string{
		{"netns", "add", imdsNetns},
		{"link", "add", imdsVeth, "type", "veth", "peer", "name", imdsPeer},
		{"link", "set", imdsPeer, "netns", imdsNetns},
		{"addr", "add", imdsHostAddr + "/32", "dev", imdsVeth},
		{"link", "set", imdsVeth, "up"},
		{"-n", imdsNetns, "addr", "add", metaIP + "/32", "dev", imdsPeer},
		{"-n", imdsNetns, "addr", "add", controlIP + "/32", "dev", imdsPeer},
		{"-n", imdsNetns, "link", "set", imdsPeer, "up"},
		{"-n", imdsNetns, "link", "set", "lo", "up"},
		{"-n", imdsNetns, "route", "add", imdsHostAddr + "/32", "dev", imdsPeer},
		{"-n", imdsNetns, "route", "add", "default", "via", imdsHostAddr},
		{"route", "add", metaIP + "/32", "dev", imdsVeth, "table", imdsTable},
		{"route", "add", controlIP + "/32", "dev", imdsVeth, "table", imdsTable},
		{"rule", "add", "from", subnet, "lookup", imdsTable, "pref", imdsTable},
	} {
		if out, err := sh("ip", cmd...); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(cmd, " "), err, out)
		}
	}
	srv := exec.Command("ip", "netns", "exec", imdsNetns, python, "-c", `import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        b = b"fake-metadata\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("0.0.0.0", 80), H)
print("ready", flush=True)
s.serve_forever()
`)
	srv.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, _ := srv.StdoutPipe()
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		t.Fatalf("fake metadata service: %v", err)
	}
	done := make(chan struct{})
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- strings.TrimSpace(line) == "ready"
		srv.Wait()
		close(done)
	}()
	t.Cleanup(func() { stopGroup(srv, done) })
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("fake metadata service did not start")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("fake metadata service: not ready after 30 s")
	}
}

// metadataChain is where jupyterhub_config.py puts its rule: Docker's
// DOCKER-USER chain where it exists, else FORWARD.
func metadataChain() string {
	if _, err := sh("iptables", "-w", "-n", "-L", "DOCKER-USER"); err == nil {
		return "DOCKER-USER"
	}
	return "FORWARD"
}

var metadataRule = []string{"-d", "169.254.169.254/32", "-j", "REJECT"}

// withoutMetadataRule removes the metadata rule from the host for the test
// (the hub puts it back at the first start) and, at the end, leaves the
// host's firewall as it found it.
func withoutMetadataRule(t *testing.T) {
	t.Helper()
	chain := metadataChain()
	removeAll := func() (n int) {
		for ; n < 100; n++ {
			if _, err := sh("iptables", append([]string{"-w", "-D", chain}, metadataRule...)...); err != nil {
				return n
			}
		}
		return n
	}
	had := removeAll()
	t.Cleanup(func() {
		removeAll()
		for i := 0; i < had; i++ {
			sh("iptables", append([]string{"-w", "-I", chain, "1"}, metadataRule...)...)
		}
	})
}

// probeStatus is the status probePy printed for u: "200", or "error …".
func probeStatus(out, u string) string {
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, u+" "); ok {
			return rest
		}
	}
	return "(no answer)"
}

var ddBytes = regexp.MustCompile(`(?m)^(\d+) bytes`)

// fill writes 2 GiB of zeros to path in the container as the student, and
// returns how many bytes went in, whether dd stopped on "No space left on
// device", and dd's output. The file is removed.
func fill(podman func(time.Duration, ...string) (string, error), container, path string) (int64, bool, string) {
	out, _ := podman(5*time.Minute, "exec", container, "sh", "-c",
		fmt.Sprintf("dd if=/dev/zero of=%[1]s bs=1M count=2048 2>&1; rm -f %[1]s", path))
	var n int64 = -1
	if m := ddBytes.FindStringSubmatch(out); m != nil {
		n, _ = strconv.ParseInt(m[1], 10, 64)
	}
	return n, strings.Contains(out, "No space left on device"), out
}

// checkConfinement measures, in a student's running container, what a
// student can fill and reach: 2 GiB written to /tmp and to the work folder
// stop at their bounds, the metadata address is refused while another
// address beyond the host answers, and the hub's rule is on the host.
func checkConfinement(t *testing.T, podman func(time.Duration, ...string) (string, error), container string) {
	t.Helper()
	const MiB = 1 << 20
	t0 := time.Now()
	n, full, out := fill(podman, container, "/tmp/fill")
	t.Logf("%s: 2 GiB to /tmp: %d MiB written, no space left: %v (%.1fs)", container, n/MiB, full, time.Since(t0).Seconds())
	if !full || n < 250*MiB || n > 256*MiB {
		t.Errorf("%s: 2 GiB to /tmp: want No space left on device at the 256 MiB tmpfs, got %d bytes:\n%s", container, n, out)
	}
	t0 = time.Now()
	n, full, out = fill(podman, container, "/home/jovyan/work/fill")
	t.Logf("%s: 2 GiB to ~/work: %d MiB written, no space left: %v (%.1fs)", container, n/MiB, full, time.Since(t0).Seconds())
	if !full || n < 900*MiB || n > 1024*MiB {
		t.Errorf("%s: 2 GiB to ~/work: want No space left on device at the 1 GiB work filesystem, got %d bytes:\n%s", container, n, out)
	}
	out, _ = podman(time.Minute, "exec", container, "python3", "-c", probePy, metadataURL, controlURL)
	meta, control := probeStatus(out, metadataURL), probeStatus(out, controlURL)
	t.Logf("%s: %s -> %s; %s -> %s", container, metadataURL, meta, controlURL, control)
	if !strings.HasPrefix(meta, "error") || control != "200" {
		t.Errorf("%s: want the metadata address refused and %s answering 200:\n%s", container, controlURL, out)
	}
	chain := metadataChain()
	if out, err := sh("iptables", append([]string{"-w", "-C", chain}, metadataRule...)...); err != nil {
		t.Errorf("the hub left no rule %q in %s: %v %s", strings.Join(metadataRule, " "), chain, err, out)
	}
}

// unmountWork unmounts the students' work filesystems under root (the hub
// mounted them), before the test's folder is removed.
func unmountWork(t *testing.T, root string) {
	t.Helper()
	t.Cleanup(func() {
		dirs, _ := filepath.Glob(filepath.Join(root, "mnt", "*"))
		for _, d := range dirs {
			for i := 0; i < 5; i++ {
				if _, err := sh("mountpoint", "-q", d); err != nil {
					break
				}
				if out, err := sh("umount", d); err != nil {
					t.Logf("umount %s: %v %s", d, err, out)
					time.Sleep(time.Second)
				}
			}
		}
	})
}
