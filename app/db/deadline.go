package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/lib/pq"
)

// Why a wrapper around lib/pq: when a context ends, lib/pq sends PostgreSQL a cancel request over a new
// connection and keeps waiting on the old socket for the answer. A server that is stopped (SIGSTOP, a frozen
// machine, a cut network) never answers either, so the call hangs until TCP gives up, minutes later. This
// wrapper knows each connection's socket and puts the call's deadline on it: a read or write past the deadline
// fails, lib/pq marks the connection broken, and database/sql drops it.

// connector opens lib/pq connections whose every call is bounded on the socket.
type connector struct {
	cfg pq.Config
}

func newConnector(url string) (*connector, error) {
	cfg, err := config(url)
	if err != nil {
		return nil, err
	}
	return &connector{cfg: cfg}, nil
}

func sqlOpenDB(c *connector) *sql.DB { return sql.OpenDB(c) }

// Connect opens one connection and remembers its socket.
func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	d := &dialer{outer: ctx}
	pc, err := pq.NewConnectorConfig(c.cfg)
	if err != nil {
		return nil, err
	}
	pc.Dialer(d)
	// connect_timeout bounds the handshake; a caller that gives up sooner ends it sooner.
	stop := context.AfterFunc(ctx, func() {
		if s := d.first(); s != nil {
			_ = s.SetDeadline(time.Now())
		}
	})
	dc, err := pc.Connect(ctx)
	stop()
	if err != nil {
		if ctx.Err() != nil {
			return nil, errors.Join(ctx.Err(), err)
		}
		return nil, err
	}
	sock := d.first()
	if sock == nil {
		dc.Close()
		return nil, driver.ErrBadConn
	}
	return &conn{Conn: dc, sock: sock}, nil
}

// Driver is lib/pq's driver.
func (c *connector) Driver() driver.Driver { return &pq.Driver{} }

// dialer dials with TCP keepalive and remembers the first socket it opened: the connection's own (later
// dials through it are lib/pq's cancel requests).
type dialer struct {
	outer context.Context // the caller's: when it has ended, the handshake ends at once
	mu    sync.Mutex
	sock  net.Conn
}

func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	nd := net.Dialer{Timeout: ConnectTimeout, KeepAlive: KeepAlive}
	s, err := nd.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	if d.sock == nil {
		d.sock = s
		if d.outer != nil && d.outer.Err() != nil {
			_ = s.SetDeadline(time.Now())
		}
	} else {
		// A cancel request: bound it too, a frozen server would hold it open.
		_ = s.SetDeadline(time.Now().Add(ConnectTimeout))
	}
	d.mu.Unlock()
	return s, nil
}

func (d *dialer) Dial(network, address string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, address)
}

func (d *dialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return d.DialContext(ctx, network, address)
}

func (d *dialer) first() net.Conn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sock
}

// fallback bounds a call whose context has no deadline: the server ends a statement after StatementTimeout,
// so a socket silent for longer than that and a margin belongs to a server that is gone.
const fallback = StatementTimeout + 5*time.Second

// conn is a lib/pq connection whose calls set the socket's deadline from their context, and whose socket
// times out at once when that context is cancelled. Rows read after a query returns keep the query's deadline.
type conn struct {
	driver.Conn
	sock net.Conn
	// byContext: the deadline on the socket is the last call's context's, which COMMIT and ROLLBACK keep.
	byContext bool

	mu       sync.Mutex
	call     uint64      // counts calls, so a late cancellation of an earlier call leaves a later one alone
	stopLast func() bool // stops watching the previous call's context
}

func (c *conn) bound(ctx context.Context) {
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(fallback)
	}
	c.byContext = ok
	c.mu.Lock()
	c.call++
	call := c.call
	if c.stopLast != nil {
		c.stopLast()
		c.stopLast = nil
	}
	_ = c.sock.SetDeadline(dl)
	c.mu.Unlock()
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			if c.call == call {
				_ = c.sock.SetDeadline(time.Now())
			}
		})
		c.mu.Lock()
		if c.call == call {
			c.stopLast = stop
		}
		c.mu.Unlock()
	}
}

// boundEnd bounds COMMIT or ROLLBACK: by the transaction's last deadline, else by the fallback.
func (c *conn) boundEnd() {
	if !c.byContext {
		_ = c.sock.SetDeadline(time.Now().Add(fallback))
	}
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.bound(ctx)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.bound(ctx)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.bound(ctx)
	s, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return &stmt{Stmt: s, c: c}, nil
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.bound(ctx)
	t, err := c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &tx{Tx: t, c: c}, nil
}

func (c *conn) Ping(ctx context.Context) error {
	c.bound(ctx)
	return c.Conn.(driver.Pinger).Ping(ctx)
}

func (c *conn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *conn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

func (c *conn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.Conn.(driver.NamedValueChecker).CheckNamedValue(nv)
}

// tx bounds COMMIT and ROLLBACK, which take no context.
type tx struct {
	driver.Tx
	c *conn
}

func (t *tx) Commit() error {
	t.c.boundEnd()
	return t.Tx.Commit()
}

func (t *tx) Rollback() error {
	t.c.boundEnd()
	return t.Tx.Rollback()
}

// stmt bounds the calls of a prepared statement.
type stmt struct {
	driver.Stmt
	c *conn
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.c.bound(ctx)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.c.bound(ctx)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error {
	if cv, ok := s.Stmt.(driver.NamedValueChecker); ok {
		return cv.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
