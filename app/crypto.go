package app

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/hkdf"
)

// Keys holds the keys derived from SECRET_KEY: one to encrypt personal data at rest (AES-256-GCM), one for the
// keyed hash that finds a person by e-mail address without storing it in clear, one to sign links, and one for
// the search index's keyed grams (search_index.go).
// Previous secrets (SECRET_KEY_PREVIOUS) still decrypt and verify, so the key can be rotated without downtime;
// `portal rekey` then re-encrypts everything with the current key.
type Keys struct {
	current  keySet
	previous []keySet
}

type keySet struct {
	id      [4]byte
	aead    cipher.AEAD
	index   []byte
	signing []byte
	search  []byte
}

// ErrDecrypt means a value could not be decrypted with any known key.
var ErrDecrypt = errors.New("unable to decrypt: unknown key or damaged data")

const cipherVersion = 1

// NewKeys derives the keys from the current secret and any previous ones.
func NewKeys(current string, previous ...string) (*Keys, error) {
	cur, err := deriveKeySet(current)
	if err != nil {
		return nil, err
	}
	k := &Keys{current: cur}
	for _, p := range previous {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		ks, err := deriveKeySet(p)
		if err != nil {
			return nil, err
		}
		k.previous = append(k.previous, ks)
	}
	return k, nil
}

func deriveKeySet(secret string) (keySet, error) {
	if len(secret) < 32 {
		return keySet{}, errors.New("secret key shorter than 32 characters")
	}
	derive := func(label string) []byte {
		out := make([]byte, 32)
		if _, err := io.ReadFull(hkdf.New(sha256.New, []byte(secret), nil, []byte("veilig-huis-portal/"+label)), out); err != nil {
			panic(err) // hkdf only fails when asked for more than 255 blocks
		}
		return out
	}
	block, err := aes.NewCipher(derive("data-encryption"))
	if err != nil {
		return keySet{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return keySet{}, err
	}
	ks := keySet{aead: aead, index: derive("email-index"), signing: derive("link-signing"), search: derive("search-index")}
	sum := sha256.Sum256(derive("key-id"))
	copy(ks.id[:], sum[:4])
	return ks, nil
}

// Encrypt seals plaintext with the current key: version, key id, nonce, ciphertext. Empty text stays nil (NULL).
func (k *Keys) Encrypt(plaintext string) []byte {
	if plaintext == "" {
		return nil
	}
	nonce := make([]byte, k.current.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	out := make([]byte, 0, 1+4+len(nonce)+len(plaintext)+k.current.aead.Overhead())
	out = append(out, cipherVersion)
	out = append(out, k.current.id[:]...)
	out = append(out, nonce...)
	return k.current.aead.Seal(out, nonce, []byte(plaintext), k.current.id[:])
}

// Decrypt opens a value sealed by Encrypt with the current or a previous key. nil decrypts to "".
func (k *Keys) Decrypt(sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	if len(sealed) < 5 || sealed[0] != cipherVersion {
		return "", ErrDecrypt
	}
	for _, ks := range k.all() {
		if !hmac.Equal(sealed[1:5], ks.id[:]) {
			continue
		}
		ns := ks.aead.NonceSize()
		if len(sealed) < 5+ns {
			return "", ErrDecrypt
		}
		plain, err := ks.aead.Open(nil, sealed[5:5+ns], sealed[5+ns:], ks.id[:])
		if err != nil {
			return "", ErrDecrypt
		}
		return string(plain), nil
	}
	return "", ErrDecrypt
}

// MustDecrypt decrypts, writing a visible marker instead of failing: a page should still show the rest.
func (k *Keys) MustDecrypt(sealed []byte) string {
	s, err := k.Decrypt(sealed)
	if err != nil {
		return "[?]"
	}
	return s
}

// NeedsRekey reports whether a value was sealed with a previous key.
func (k *Keys) NeedsRekey(sealed []byte) bool {
	return len(sealed) >= 5 && !hmac.Equal(sealed[1:5], k.current.id[:])
}

// EmailHash is the keyed hash of a normalised e-mail address, for lookups.
func (k *Keys) EmailHash(email string) []byte {
	return k.current.emailHash(email)
}

// EmailHashes returns the hash under every known key, so a lookup still works during a rotation.
func (k *Keys) EmailHashes(email string) [][]byte {
	var out [][]byte
	for _, ks := range k.all() {
		out = append(out, ks.emailHash(email))
	}
	return out
}

func (ks keySet) emailHash(email string) []byte {
	m := hmac.New(sha256.New, ks.index)
	m.Write([]byte(NormaliseEmail(email)))
	return m.Sum(nil)
}

func (k *Keys) all() []keySet { return append([]keySet{k.current}, k.previous...) }

// NormaliseEmail lowercases and trims an address, the form in which it is hashed.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// String never reveals a key.
func (k *Keys) String() string { return fmt.Sprintf("Keys{%d previous}", len(k.previous)) }
