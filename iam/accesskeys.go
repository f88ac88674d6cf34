package iam

import (
	"context"
	"errors"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateAccessKey"] = (*handler).createAccessKey
	operations["ListAccessKeys"] = (*handler).listAccessKeys
	operations["UpdateAccessKey"] = (*handler).updateAccessKey
	operations["DeleteAccessKey"] = (*handler).deleteAccessKey
	operations["GetAccessKeyLastUsed"] = (*handler).getAccessKeyLastUsed
}

// keyOwner returns the UserName parameter, or the calling IAM user when it
// is absent, as IAM does.
func keyOwner(c *call) (string, error) {
	if v := optName(c, "UserName", 128); v != "" {
		return v, nil
	}
	switch c.caller.Kind {
	case authz.UserCaller, authz.SessionTokenCaller:
		return c.caller.UserName, nil
	}
	return "", awsValidation("Must specify userName when calling with non-User credentials")
}

func noSuchKey(id string) error {
	return noSuchEntity("The Access Key with id %s cannot be found.", id)
}

func (h *handler) createAccessKey(ctx context.Context, c *call) (any, error) {
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	userName, err := keyOwner(c)
	if err != nil {
		return nil, err
	}
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:CreateAccessKey", store.KindUser, userName, nil)
	if err != nil {
		return nil, err
	}
	id, secret := NewAccessKey("AKIA")
	k := store.AccessKey{ID: id, AccountID: c.acct, UserName: e.name, SecretCiphertext: h.Box.Seal([]byte(secret), []byte(id)),
		Status: store.AccessKeyActive, Created: h.Now().UTC()}
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.CreateAccessKey(k)
		if errors.Is(err, store.ErrLimitExceeded) {
			return limitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", store.MaxAccessKeysPerUser)
		}
		return notFound(err, store.KindUser, userName)
	})
	if err != nil {
		return nil, err
	}
	return struct {
		AccessKey xAccessKey `xml:"AccessKey"`
	}{xAccessKey{UserName: e.name, AccessKeyID: id, Status: string(k.Status), SecretAccessKey: secret, CreateDate: awsquery.Time(k.Created)}}, nil
}

func (h *handler) listAccessKeys(ctx context.Context, c *call) (any, error) {
	opt := pageOpts(c)
	userName, err := keyOwner(c)
	if err != nil {
		return nil, err
	}
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:ListAccessKeys", store.KindUser, userName, nil)
	if err != nil {
		return nil, err
	}
	keys, next, err := viewPage(ctx, h.Store, opt, func(tx store.ReadTx) ([]store.AccessKey, error) {
		keys, err := tx.ListAccessKeys(c.acct, e.name)
		return keys, notFound(err, store.KindUser, userName)
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		AccessKeyMetadata []xAccessKey `xml:"AccessKeyMetadata>member"`
		page
	}{AccessKeyMetadata: make([]xAccessKey, 0, len(keys)), page: newPage(next)}
	for _, k := range keys {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, xAccessKey{UserName: k.UserName, AccessKeyID: k.ID,
			Status: string(k.Status), CreateDate: awsquery.Time(k.Created)})
	}
	return out, nil
}

// accessKeyParam reads AccessKeyId.
func accessKeyParam(c *call) string {
	v := c.p.Required("AccessKeyId")
	c.p.Length("AccessKeyId", 16, 128)
	c.p.Pattern("AccessKeyId", reName)
	return v
}

func (h *handler) updateAccessKey(ctx context.Context, c *call) (any, error) {
	id := accessKeyParam(c)
	status := c.p.Required("Status")
	c.p.Enum("Status", string(store.AccessKeyActive), string(store.AccessKeyInactive))
	userName, err := keyOwner(c)
	if err != nil {
		return nil, err
	}
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:UpdateAccessKey", store.KindUser, userName, nil)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.SetAccessKeyStatus(c.acct, e.name, id, store.AccessKeyStatus(status))
		if errors.Is(err, store.ErrNotFound) {
			return noSuchKey(id)
		}
		return err
	})
}

func (h *handler) deleteAccessKey(ctx context.Context, c *call) (any, error) {
	id := accessKeyParam(c)
	userName, err := keyOwner(c)
	if err != nil {
		return nil, err
	}
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	e, err := h.authEntity(ctx, c, "iam:DeleteAccessKey", store.KindUser, userName, nil)
	if err != nil {
		return nil, err
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.DeleteAccessKey(c.acct, e.name, id)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchKey(id)
		}
		return err
	})
}

func (h *handler) getAccessKeyLastUsed(ctx context.Context, c *call) (any, error) {
	id := accessKeyParam(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	var k store.AccessKey
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		k, err = tx.GetAccessKey(id)
		return err
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if err != nil || k.AccountID != c.acct {
		// Authorize on the account's users so that a denied caller learns
		// nothing about the key.
		if err := h.authorize(ctx, c, "iam:GetAccessKeyLastUsed", "arn:"+partition+":iam::"+c.acct+":user/*", nil); err != nil {
			return nil, err
		}
		return nil, noSuchKey(id)
	}
	if _, err := h.authEntity(ctx, c, "iam:GetAccessKeyLastUsed", store.KindUser, k.UserName, nil); err != nil {
		return nil, err
	}
	type lastUsed struct {
		LastUsedDate *awsquery.Time `xml:"LastUsedDate,omitempty"`
		ServiceName  string         `xml:"ServiceName"`
		Region       string         `xml:"Region"`
	}
	lu := lastUsed{LastUsedDate: ptime(k.LastUsed), ServiceName: k.LastUsedService, Region: k.LastUsedRegion}
	if k.LastUsed.IsZero() {
		lu.ServiceName, lu.Region = "N/A", "N/A"
	}
	return struct {
		UserName          string   `xml:"UserName"`
		AccessKeyLastUsed lastUsed `xml:"AccessKeyLastUsed"`
	}{k.UserName, lu}, nil
}
