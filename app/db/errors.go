package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Unavailable reports whether err means PostgreSQL could not do the work now — it is down, unreachable,
// frozen, too slow (a deadline or the statement timeout), restarting, out of disk or read-only — rather than
// that the work itself was wrong. The transaction did not commit (a commit whose answer was lost is the one
// exception: the submission key of a form makes sending it again safe). Trying again later may work.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ENOENT) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch pe.Code.Class() {
		case "08", // connection exception
			"53", // insufficient resources: disk full, out of memory, too many connections
			"57", // operator intervention: query canceled (statement timeout), admin or crash shutdown, starting up
			"58", // system error: I/O error
			"40": // transaction rollback: serialization failure, deadlock
			return true
		}
		return pe.Code == "25006" // read-only transaction: a standby, or the server was made read-only
	}
	return false
}

// RefusesWrites reports whether err means the server cannot take writes at all now (a full disk, an I/O
// error, read-only), even though it may answer reads.
func RefusesWrites(err error) bool {
	var pe *pq.Error
	if !errors.As(err, &pe) {
		return false
	}
	c := pe.Code.Class()
	return c == "53" && pe.Code != "53300" || c == "58" || pe.Code == "25006"
}

// BadInput reports whether PostgreSQL refused a value as text that cannot exist in the database (invalid
// UTF-8, a NUL byte) or a value out of range. Input is checked before it reaches the database; this is the
// backstop that turns a value that slipped through into a refused request instead of a server error.
func BadInput(err error) bool {
	var pe *pq.Error
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "22021", // character_not_in_repertoire: invalid byte sequence for encoding "UTF8"
		"22P05",          // untranslatable_character: \u0000 in jsonb
		"22003",          // numeric_value_out_of_range
		"22001",          // string_data_right_truncation
		"22007", "22008", // invalid or out-of-range date/time
		"22P02": // invalid_text_representation
		return true
	}
	return false
}

// ErrReadOnly means the server answers but takes no writes: a standby, or a server made read-only.
var ErrReadOnly = errors.New("db: PostgreSQL is read-only")

// Ready asks PostgreSQL whether it answers and takes writes, within ctx.
func Ready(ctx context.Context, conn *sqlx.DB) error {
	var readOnly bool
	if err := conn.GetContext(ctx, &readOnly,
		`SELECT pg_is_in_recovery() OR current_setting('transaction_read_only')::bool`); err != nil {
		return err
	}
	if readOnly {
		return ErrReadOnly
	}
	return nil
}
