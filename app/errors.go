package app

import (
	"errors"
	"sort"
	"strings"
)

// Domain errors. Handlers map them to pages in one place.
var (
	// ErrNotFound means the thing asked for does not exist (or may not be shown to this caller).
	ErrNotFound = errors.New("not found")
	// ErrFull means a group has no seat left on the asked track.
	ErrFull = errors.New("group is full")
	// ErrClosed means a closed group has passed the session after which it takes no one.
	ErrClosed = errors.New("group is closed")
	// ErrSeparated means placing the person would put them in a group with someone they must never meet.
	ErrSeparated = errors.New("person is separated from a member of the group")
	// ErrTransition means the registration cannot go from its current state to the one asked.
	ErrTransition = errors.New("state change not allowed")
	// ErrForbidden means the caller may not do or see this.
	ErrForbidden = errors.New("forbidden")
	// ErrExpired means a link or offer has passed its time.
	ErrExpired = errors.New("expired")
	// ErrDuplicate means the thing exists already (one active registration per person per group).
	ErrDuplicate = errors.New("already exists")
	// ErrRateLimited means too many attempts came in a short time (login, codes, password reset); try later.
	ErrRateLimited = errors.New("too many attempts")
)

// ValidationError carries one message id (from the catalogue) per form field that is wrong.
type ValidationError struct {
	Fields map[string]string
}

// Error lists the fields in a stable order.
func (v *ValidationError) Error() string {
	names := make([]string, 0, len(v.Fields))
	for k := range v.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return "invalid fields: " + strings.Join(names, ", ")
}

// Add records a problem with field; the first problem per field wins.
func (v *ValidationError) Add(field, messageID string) {
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	if _, ok := v.Fields[field]; !ok {
		v.Fields[field] = messageID
	}
}

// OrNil returns v when it holds a problem, else nil.
func (v *ValidationError) OrNil() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return v
}

// AsValidation returns the ValidationError inside err, if any.
func AsValidation(err error) (*ValidationError, bool) {
	var v *ValidationError
	ok := errors.As(err, &v)
	return v, ok
}
