package app

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ImportHold is how long a checked list can still be imported: the preview's confirm button is for now, not for
// tomorrow.
const ImportHold = 30 * time.Minute

// The preview of an import shows names and contact details, so the uploaded file must not wait on the server
// between the preview and the confirmation. Rather than store it (a table of personal data in clear, or one more
// encrypted table to purge), the preview's confirm form carries the file sealed with the portal's key, bound to
// the staff member, the group and the moment: only the portal can open it, nobody else can use it, and it is
// worthless after ImportHold. Staff do not have to choose the file a second time.

// SealImport seals an uploaded list for the confirm form of its preview: base64 text, for a hidden field. For
// the office (OfficeRoles), else ErrForbidden.
func (a *App) SealImport(ctx context.Context, actor Actor, groupID int64, data []byte) (string, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return "", err
	}
	head := fmt.Sprintf("import1|%d|%d|%d|", actor.ID(), groupID, a.Now().Unix())
	return base64.RawURLEncoding.EncodeToString(a.Keys.Encrypt(head + string(data))), nil
}

// OpenImport opens what SealImport sealed, for the same staff member and group: ErrExpired after ImportHold,
// ErrForbidden for another actor or group, ErrDecrypt for anything that SealImport did not make.
func (a *App) OpenImport(ctx context.Context, actor Actor, groupID int64, sealed string) ([]byte, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return nil, err
	}
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return nil, ErrDecrypt
	}
	plain, err := a.Keys.Decrypt(raw)
	if err != nil {
		return nil, ErrDecrypt
	}
	parts := strings.SplitN(plain, "|", 5)
	if len(parts) != 5 || parts[0] != "import1" {
		return nil, ErrDecrypt
	}
	at, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return nil, ErrDecrypt
	}
	if parts[1] != strconv.FormatInt(actor.ID(), 10) || parts[2] != strconv.FormatInt(groupID, 10) {
		return nil, ErrForbidden
	}
	if a.Now().Sub(time.Unix(at, 0)) > ImportHold {
		return nil, ErrExpired
	}
	return []byte(parts[4]), nil
}
