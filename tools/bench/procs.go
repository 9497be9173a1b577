package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

// proc is a server process started by the bench: the portal or the Fiber ceiling.
type proc struct {
	cmd     *exec.Cmd
	addr    string
	logPath string
	started time.Time
	done    chan struct{}
	exitErr error
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startProc starts bin with args and extra environment, its output going to logPath (a file, as a platform's
// log collector would take it, so the bench spends nothing on reading it).
func startProc(bin string, args, env []string, addr, logPath string) (*proc, error) {
	out, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	p := &proc{cmd: cmd, addr: addr, logPath: logPath, done: make(chan struct{})}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, err
	}
	go func() {
		p.exitErr = cmd.Wait()
		out.Close()
		close(p.done)
	}()
	return p, nil
}

// waitReady polls path until it answers 200 and returns the time since the process started.
func (p *proc) waitReady(path string, timeout time.Duration) (time.Duration, error) {
	c := &fasthttp.Client{}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + p.addr + path)
	deadline := p.started.Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return 0, fmt.Errorf("%s stopped before it was ready (%v): %s", p.cmd.Path, p.exitErr, p.logTail())
		default:
		}
		err := c.DoTimeout(req, resp, time.Until(deadline))
		if err == nil && resp.StatusCode() == fasthttp.StatusOK {
			return time.Since(p.started), nil
		}
		time.Sleep(time.Millisecond)
	}
	return 0, fmt.Errorf("%s not ready after %v: %s", p.cmd.Path, timeout, p.logTail())
}

// stop ends the process with SIGTERM, as a platform would, and waits for it.
func (p *proc) stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
		return errors.New("did not stop within 20 s of SIGTERM")
	}
	var exit *exec.ExitError
	if p.exitErr != nil && !errors.As(p.exitErr, &exit) {
		return p.exitErr
	}
	return nil
}

// logTail returns the last lines the process wrote.
func (p *proc) logTail() string {
	b, _ := os.ReadFile(p.logPath)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-8):], "\n")
}

// memory reads the resident set size now (VmRSS) and its peak since the start (VmHWM), in bytes.
func (p *proc) memory() (rss, peak int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch k {
		case "VmRSS":
			rss = kiloBytes(v)
		case "VmHWM":
			peak = kiloBytes(v)
		}
	}
	return rss, peak, sc.Err()
}

func kiloBytes(v string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
	return n * 1024
}

// sampler records the largest RSS of a process while load runs.
type sampler struct {
	p    *proc
	mu   sync.Mutex
	top  int64
	stop chan struct{}
	done chan struct{}
}

func sample(p *proc) *sampler {
	s := &sampler{p: p, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, _, err := p.memory(); err == nil {
				s.mu.Lock()
				s.top = max(s.top, rss)
				s.mu.Unlock()
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// end stops sampling and returns the largest RSS seen.
func (s *sampler) end() int64 {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.top
}

// loadAverage reads the one-minute load average of the machine.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
