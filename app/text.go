package app

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// Text is a text in several languages, stored as jsonb: {"nl": "...", "en": "..."}.
type Text map[string]string

// In returns the text in lang, falling back to Dutch.
func (t Text) In(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	return t["nl"]
}

// Scan reads a jsonb value.
func (t *Text) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*t = Text{}
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("text: cannot scan %T", src)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("text: %w", err)
	}
	*t = m
	return nil
}

// Value writes the text as jsonb.
func (t Text) Value() (driver.Value, error) {
	if t == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(map[string]string(t))
}
