// Package faultproxy is a TCP proxy for fault-injection tests: it stands between the portal and PostgreSQL or
// an SMTP server and, on command, cuts the connection, freezes it, delays it or resets it, while traffic flows.
//
// Our own rather than Shopify/toxiproxy: the test PostgreSQL listens on a unix socket only, which toxiproxy
// cannot forward to, and the four faults below are a hundred lines; toxiproxy would bring its HTTP API,
// metrics and logging libraries into the module for them.
package faultproxy

import (
	"net"
	"sync"
	"time"
)

// Proxy forwards connections from a loopback TCP port to an upstream address (TCP or unix socket).
type Proxy struct {
	network, upstream string

	mu       sync.Mutex
	addr     string // where it listens, kept across a cut
	ln       net.Listener
	conns    map[net.Conn]struct{}
	frozen   chan struct{} // non-nil while frozen: closed to thaw
	delay    time.Duration
	accepted int
}

// Start listens on a free loopback port and forwards to upstream ("tcp" or "unix", and its address).
func Start(network, upstream string) (*Proxy, error) {
	p := &Proxy{network: network, upstream: upstream, conns: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p.addr = ln.Addr().String()
	p.ln = ln
	go p.serve(ln)
	return p, nil
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.addr }

// Accepted counts the connections the proxy has taken.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

func (p *Proxy) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *Proxy) handle(client net.Conn) {
	p.mu.Lock()
	p.accepted++
	p.conns[client] = struct{}{}
	p.mu.Unlock()
	// A frozen upstream takes the connection (the kernel does) but says nothing: wait before dialing.
	p.waitThaw()
	server, err := net.DialTimeout(p.network, p.upstream, 5*time.Second)
	if err != nil {
		p.drop(client)
		return
	}
	p.mu.Lock()
	if _, open := p.conns[client]; !open { // cut or reset meanwhile
		p.mu.Unlock()
		server.Close()
		return
	}
	p.conns[server] = struct{}{}
	p.mu.Unlock()
	var wg sync.WaitGroup
	wg.Go(func() { p.pump(server, client) })
	wg.Go(func() { p.pump(client, server) })
	wg.Wait()
	p.drop(client)
	p.drop(server)
}

// pump copies from src to dst, chunk by chunk, holding each chunk while frozen and for the delay.
func (p *Proxy) pump(dst, src net.Conn) {
	buf := make([]byte, 32*1024)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.waitThaw()
			p.mu.Lock()
			d := p.delay
			p.mu.Unlock()
			if d > 0 {
				time.Sleep(d)
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	// Half-close is not needed by the protocols here: end both sides.
	dst.Close()
	src.Close()
}

func (p *Proxy) waitThaw() {
	p.mu.Lock()
	f := p.frozen
	p.mu.Unlock()
	if f != nil {
		<-f
	}
}

func (p *Proxy) drop(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// closeAll ends every open connection; with reset the peer gets a TCP RST instead of an orderly close.
func (p *Proxy) closeAll(reset bool) {
	p.mu.Lock()
	conns := p.conns
	p.conns = map[net.Conn]struct{}{}
	p.mu.Unlock()
	for c := range conns {
		if tc, ok := c.(*net.TCPConn); ok && reset {
			_ = tc.SetLinger(0) // best effort: without it the cut is a close instead of a reset, still a cut
		}
		c.Close()
	}
}

// Cut stops the proxy listening (new connections are refused) and closes every open connection: a server that
// is down. Restore ends it.
func (p *Proxy) Cut() {
	p.mu.Lock()
	ln := p.ln
	p.ln = nil
	p.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	p.closeAll(false)
}

// Reset ends every open connection with a TCP reset; new connections are taken as before.
func (p *Proxy) Reset() { p.closeAll(true) }

// Freeze holds every byte in both directions, and new connections before they reach the upstream: a server
// stopped with SIGSTOP, or a network that drops everything. Restore ends it.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frozen == nil {
		p.frozen = make(chan struct{})
	}
}

// Delay holds every chunk for d before passing it on (0 ends the delay).
func (p *Proxy) Delay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = d
}

// Restore ends a cut, a freeze and a delay.
func (p *Proxy) Restore() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.frozen != nil {
		close(p.frozen)
		p.frozen = nil
	}
	p.delay = 0
	if p.ln == nil {
		ln, err := listenAgain(p.addr)
		if err != nil {
			return err
		}
		p.ln = ln
		go p.serve(ln)
	}
	return nil
}

// listenAgain takes the proxy's port back after a cut; the port may linger for a moment.
func listenAgain(addr string) (net.Listener, error) {
	var err error
	for range 50 {
		var ln net.Listener
		if ln, err = net.Listen("tcp", addr); err == nil {
			return ln, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil, err
}

// Close stops the proxy and ends every connection.
func (p *Proxy) Close() {
	p.mu.Lock()
	if p.frozen != nil {
		close(p.frozen)
		p.frozen = nil
	}
	p.mu.Unlock()
	p.Cut()
}
