package app

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// NewToken returns a random 256-bit token for a link, and its hash, which is all the database keeps.
func NewToken() (raw string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	raw = base64.RawURLEncoding.EncodeToString(b)
	return raw, HashToken(raw)
}

// HashToken is the stored form of a token.
func HashToken(raw string) []byte {
	sum := sha256.Sum256([]byte(raw))
	return sum[:]
}

// Sign makes a tamper-proof link value for purpose and ids, valid until expires. Signed links need no stored
// token, so a reminder composed months later can still carry one.
func (k *Keys) Sign(purpose string, expires time.Time, ids ...int64) string {
	payload := make([]byte, 8*(len(ids)+1))
	binary.BigEndian.PutUint64(payload, uint64(expires.Unix()))
	for i, id := range ids {
		binary.BigEndian.PutUint64(payload[8*(i+1):], uint64(id))
	}
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(k.current.mac(purpose, payload))
}

// Verify checks a value made by Sign for purpose and returns its ids; it fails when the value was tampered with,
// made for another purpose, or has expired.
func (k *Keys) Verify(purpose, value string, now time.Time, n int) ([]int64, error) {
	p, m, ok := strings.Cut(value, ".")
	if !ok {
		return nil, ErrNotFound
	}
	// Strict: a last letter with stray low bits would decode to the same bytes, so one link would have many
	// spellings that all verify.
	payload, err1 := base64.RawURLEncoding.Strict().DecodeString(p)
	mac, err2 := base64.RawURLEncoding.Strict().DecodeString(m)
	if err1 != nil || err2 != nil || len(payload) != 8*(n+1) {
		return nil, ErrNotFound
	}
	// The decoder skips line breaks: only the exact encoding Sign wrote is the link.
	if base64.RawURLEncoding.EncodeToString(payload) != p || base64.RawURLEncoding.EncodeToString(mac) != m {
		return nil, ErrNotFound
	}
	valid := false
	for _, ks := range k.all() {
		if hmac.Equal(mac, ks.mac(purpose, payload)) {
			valid = true
			break
		}
	}
	if !valid {
		return nil, ErrNotFound
	}
	if now.Unix() > int64(binary.BigEndian.Uint64(payload)) {
		return nil, ErrExpired
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = int64(binary.BigEndian.Uint64(payload[8*(i+1):]))
	}
	return ids, nil
}

func (ks keySet) mac(purpose string, payload []byte) []byte {
	m := hmac.New(sha256.New, ks.signing)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:16]
}

// CSRFToken is the form token that belongs to a browser's CSRF cookie value.
func (k *Keys) CSRFToken(cookie string) string {
	return base64.RawURLEncoding.EncodeToString(k.current.mac("csrf", []byte(cookie)))
}

// CheckCSRF reports whether token belongs to cookie, in constant time.
func (k *Keys) CheckCSRF(cookie, token string) bool {
	if cookie == "" || token == "" {
		return false
	}
	return hmac.Equal([]byte(k.CSRFToken(cookie)), []byte(token))
}
