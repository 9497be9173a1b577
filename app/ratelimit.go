package app

import (
	"context"
	"net/netip"
	"time"
)

// Allow counts one hit for key in a fixed window and reports whether the hit is within limit. The counter
// lives in PostgreSQL, so every portal process shares it.
func (a *App) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, error) {
	hits, err := countHit(ctx, a.Store.DB, key, a.Now().Add(window), a.Now())
	if err != nil {
		return false, err
	}
	return hits <= limit, nil
}

// refund takes back one hit of key counted in its current window: the attempt it stood for turned out not to
// count (a sign-in that succeeded). Counting first and refunding after keeps concurrent attempts from slipping
// past the limit together.
func (a *App) refund(ctx context.Context, key string) error {
	return uncountHit(ctx, a.Store.DB, key, a.Now())
}

// AddressKey names a client address in rate-limit keys: an IPv4 address as it is, an IPv6 address by its /64
// network, since one home or office gets a whole /64 and can pick a fresh address in it at will. Text that is
// no address is kept as it is.
func AddressKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	p, err := ip.WithZone("").Prefix(64)
	if err != nil {
		return addr
	}
	return p.String()
}
