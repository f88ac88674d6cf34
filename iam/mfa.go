package iam

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/internal/mfa"
	"github.com/connect-iam/connect-iam/server/awsquery"
	"github.com/connect-iam/connect-iam/store"
)

func init() {
	operations["CreateVirtualMFADevice"] = (*handler).createVirtualMFADevice
	operations["EnableMFADevice"] = (*handler).enableMFADevice
	operations["ResyncMFADevice"] = (*handler).resyncMFADevice
	operations["DeactivateMFADevice"] = (*handler).deactivateMFADevice
	operations["DeleteVirtualMFADevice"] = (*handler).deleteVirtualMFADevice
	operations["ListMFADevices"] = (*handler).listMFADevices
	operations["ListVirtualMFADevices"] = (*handler).listVirtualMFADevices
	operations["GetMFADevice"] = (*handler).getMFADevice
	operations["TagMFADevice"] = (*handler).tagMFADevice
	operations["UntagMFADevice"] = (*handler).untagMFADevice
	operations["ListMFADeviceTags"] = (*handler).listMFADeviceTags
}

// Patterns of the MFA parameters in the IAM API model.
var (
	reSerialNumber = regexp.MustCompile(`[\w+=/:,.@-]+`)
	reAuthCode     = regexp.MustCompile(`[\d]+`)
)

// mfaIssuer is the issuer authenticator apps show beside the account.
const mfaIssuer = "connect-iam"

// Result shapes of the MFA operations.
type (
	xVirtualMFADevice struct {
		SerialNumber     string         `xml:"SerialNumber"`
		Base32StringSeed string         `xml:"Base32StringSeed,omitempty"`
		QRCodePNG        string         `xml:"QRCodePNG,omitempty"`
		User             *xUser         `xml:"User,omitempty"`
		EnableDate       *awsquery.Time `xml:"EnableDate,omitempty"`
		Tags             *xTagList      `xml:"Tags,omitempty"`
	}
	xMFADevice struct {
		UserName     string        `xml:"UserName"`
		SerialNumber string        `xml:"SerialNumber"`
		EnableDate   awsquery.Time `xml:"EnableDate"`
	}
)

func invalidAuthCode() error {
	return awsquery.NewError(http.StatusForbidden, "InvalidAuthenticationCode", "Authentication code for device is not valid.")
}

func noSuchDevice(serial string) error {
	return noSuchEntity("VirtualMFADevice with serial number %s doesn't exist.", serial)
}

// serialParam reads a required SerialNumber parameter.
func serialParam(c *call) string {
	v := c.p.Required("SerialNumber")
	c.p.Length("SerialNumber", 9, 256)
	c.p.Pattern("SerialNumber", reSerialNumber)
	return v
}

// authCodes reads AuthenticationCode1 and AuthenticationCode2.
func authCodes(c *call) (string, string) {
	var codes [2]string
	for i, p := range []string{"AuthenticationCode1", "AuthenticationCode2"} {
		codes[i] = c.p.Required(p)
		c.p.Length(p, 6, 6)
		c.p.Pattern(p, reAuthCode)
	}
	return codes[0], codes[1]
}

// mfaUser returns the UserName parameter or, when it is absent, the
// calling IAM user, as IAM does for the MFA operations.
func mfaUser(c *call, required bool) (string, error) {
	if v := c.p.String("UserName"); v != "" || required {
		return v, nil
	}
	switch c.caller.Kind {
	case authz.UserCaller, authz.SessionTokenCaller:
		return c.caller.UserName, nil
	}
	return "", awsValidation("Must specify userName when calling with non-User credentials")
}

// readDevice reads a device of the caller's account; found is false when
// there is none.
func (h *handler) readDevice(ctx context.Context, c *call, serial string) (d mfa.Device, tags []store.Tag, found bool, err error) {
	err = h.Store.View(ctx, func(tx store.ReadTx) error {
		var err error
		d, err = mfa.Get(tx, h.Box, c.acct, serial)
		if err != nil {
			return err
		}
		tags, err = tx.ListResourceTags(serial)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return d, nil, false, nil
	}
	return d, tags, err == nil, err
}

func (h *handler) createVirtualMFADevice(ctx context.Context, c *call) (any, error) {
	devName := c.p.Required("VirtualMFADeviceName")
	c.p.Length("VirtualMFADeviceName", 1, -1)
	c.p.Pattern("VirtualMFADeviceName", reName)
	p := path(c, "Path", "/")
	kv := map[string][]string{}
	tags := tagsParam(c, kv)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if c.tagErr != nil {
		return nil, c.tagErr
	}
	serial := mfa.SerialNumber(partition, c.acct, p, devName)
	if err := h.authorize(ctx, c, "iam:CreateVirtualMFADevice", serial, kv); err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		if err := h.authorize(ctx, c, "iam:TagMFADevice", serial, kv); err != nil {
			return nil, err
		}
	}
	d := mfa.Device{AccountID: c.acct, SerialNumber: serial, Path: p, Name: devName, Seed: mfa.NewSeed(), Created: h.Now().UTC()}
	png, err := mfa.QRCodePNG(d.Seed, mfaIssuer, c.acct+":"+devName)
	if err != nil {
		return nil, err
	}
	err = h.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := mfa.Create(tx, h.Box, d); err != nil {
			if errors.Is(err, store.ErrAlreadyExists) {
				return alreadyExists("MFADevice entity at the same path and name already exists.")
			}
			return err
		}
		if len(tags) > 0 {
			return tx.TagResource(serial, tags)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Base32StringSeed and QRCodePNG are blobs: base64 on the wire.
	return struct {
		VirtualMFADevice xVirtualMFADevice `xml:"VirtualMFADevice"`
	}{xVirtualMFADevice{SerialNumber: serial, Base32StringSeed: base64.StdEncoding.EncodeToString([]byte(d.Seed)),
		QRCodePNG: base64.StdEncoding.EncodeToString(png), Tags: optTags(tags)}}, nil
}

// deviceCodes runs EnableMFADevice and ResyncMFADevice: both authorize on
// the user and check two consecutive codes.
func (h *handler) deviceCodes(ctx context.Context, c *call, action string, apply func(tx store.Tx, u entity, d *mfa.Device) error) error {
	userName := name(c, "UserName", 128)
	serial := serialParam(c)
	if err := c.p.Err(); err != nil {
		return err
	}
	u, err := h.authEntity(ctx, c, action, store.KindUser, userName, nil)
	if err != nil {
		return err
	}
	return h.Store.Update(ctx, func(tx store.Tx) error {
		d, err := mfa.Get(tx, h.Box, c.acct, serial)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchDevice(serial)
		}
		if err != nil {
			return err
		}
		if err := apply(tx, u, &d); err != nil {
			return err
		}
		_, err = mfa.Save(tx, h.Box, d)
		return err
	})
}

func (h *handler) enableMFADevice(ctx context.Context, c *call) (any, error) {
	code1, code2 := authCodes(c)
	return nil, h.deviceCodes(ctx, c, "iam:EnableMFADevice", func(tx store.Tx, u entity, d *mfa.Device) error {
		if d.Assigned() {
			return alreadyExists("MFA Device is already in use.")
		}
		mine, err := mfa.ForUser(tx, h.Box, c.acct, u.name)
		if err != nil {
			return err
		}
		if len(mine) >= mfa.MaxDevicesPerUser {
			return limitExceeded("Cannot exceed quota for MFADevicesPerUser: %d", mfa.MaxDevicesPerUser)
		}
		if err := d.Enable(code1, code2, u.name, u.id, h.Now()); err != nil {
			return invalidAuthCode()
		}
		return nil
	})
}

func (h *handler) resyncMFADevice(ctx context.Context, c *call) (any, error) {
	code1, code2 := authCodes(c)
	return nil, h.deviceCodes(ctx, c, "iam:ResyncMFADevice", func(_ store.Tx, u entity, d *mfa.Device) error {
		if !d.Assigned() || !strings.EqualFold(d.UserName, u.name) {
			return noSuchEntity("MFA Device with serial number %s is not enabled for user %s.", d.SerialNumber, u.name)
		}
		if err := d.Resync(code1, code2, h.Now()); err != nil {
			return invalidAuthCode()
		}
		return nil
	})
}

func (h *handler) deactivateMFADevice(ctx context.Context, c *call) (any, error) {
	optName(c, "UserName", 128)
	serial := serialParam(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	d, _, found, err := h.readDevice(ctx, c, serial)
	if err != nil {
		return nil, err
	}
	userName, err := mfaUser(c, false)
	if err != nil {
		return nil, err
	}
	u, err := h.authEntity(ctx, c, "iam:DeactivateMFADevice", store.KindUser, userName, nil)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, noSuchDevice(serial)
	}
	if !d.Assigned() || !strings.EqualFold(d.UserName, u.name) {
		return nil, noSuchEntity("MFA Device with serial number %s is not enabled for user %s.", serial, u.name)
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		d, err := mfa.Get(tx, h.Box, c.acct, serial)
		if err != nil {
			return err
		}
		d.Deactivate()
		_, err = mfa.Save(tx, h.Box, d)
		return err
	})
}

func (h *handler) deleteVirtualMFADevice(ctx context.Context, c *call) (any, error) {
	serial := serialParam(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	d, tags, found, err := h.readDevice(ctx, c, serial)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:DeleteVirtualMFADevice", serial, nil, tags...); err != nil {
		return nil, err
	}
	if !found {
		return nil, noSuchDevice(serial)
	}
	if d.Assigned() {
		return nil, deleteConflict("MFA device is still in use.")
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		d, err := mfa.Get(tx, h.Box, c.acct, serial)
		if errors.Is(err, store.ErrNotFound) {
			return noSuchDevice(serial)
		}
		if err != nil {
			return err
		}
		if d.Assigned() {
			return deleteConflict("MFA device is still in use.")
		}
		return mfa.Delete(tx, d)
	})
}

func (h *handler) listMFADevices(ctx context.Context, c *call) (any, error) {
	optName(c, "UserName", 128)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	userName, err := mfaUser(c, false)
	if err != nil {
		return nil, err
	}
	u, err := h.authEntity(ctx, c, "iam:ListMFADevices", store.KindUser, userName, nil)
	if err != nil {
		return nil, err
	}
	devs, next, err := viewPage(ctx, h.Store, opt, func(tx store.ReadTx) ([]mfa.Device, error) {
		return mfa.ForUser(tx, h.Box, c.acct, u.name)
	})
	if err != nil {
		return nil, err
	}
	out := struct {
		MFADevices []xMFADevice `xml:"MFADevices>member"`
		page
	}{MFADevices: make([]xMFADevice, 0, len(devs)), page: newPage(next)}
	for _, d := range devs {
		out.MFADevices = append(out.MFADevices, xMFADevice{UserName: u.name, SerialNumber: d.SerialNumber, EnableDate: awsquery.Time(d.Enabled)})
	}
	return out, nil
}

func (h *handler) listVirtualMFADevices(ctx context.Context, c *call) (any, error) {
	c.p.Enum("AssignmentStatus", "Assigned", "Unassigned", "Any")
	status := c.p.String("AssignmentStatus")
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if err := h.authorize(ctx, c, "iam:ListVirtualMFADevices", "*", nil); err != nil {
		return nil, err
	}
	type item struct {
		d    mfa.Device
		user *store.User
		tags []store.Tag
	}
	var items []item
	err := h.Store.View(ctx, func(tx store.ReadTx) error {
		all, err := mfa.List(tx, h.Box, c.acct)
		if err != nil {
			return err
		}
		for _, d := range all {
			if (status == "Assigned" && !d.Assigned()) || (status == "Unassigned" && d.Assigned()) {
				continue
			}
			it := item{d: d}
			if d.Assigned() {
				u, err := tx.GetUser(c.acct, d.UserName)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
				if err == nil {
					it.user = &u
				}
			}
			if it.tags, err = tx.ListResourceTags(d.SerialNumber); err != nil {
				return err
			}
			items = append(items, it)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	items, next, err := pageSlice(items, opt)
	if err != nil {
		return nil, err
	}
	out := struct {
		VirtualMFADevices []xVirtualMFADevice `xml:"VirtualMFADevices>member"`
		page
	}{VirtualMFADevices: make([]xVirtualMFADevice, 0, len(items)), page: newPage(next)}
	for _, it := range items {
		x := xVirtualMFADevice{SerialNumber: it.d.SerialNumber, EnableDate: ptime(it.d.Enabled), Tags: optTags(it.tags)}
		if it.user != nil {
			u := userXML(*it.user, nil)
			x.User = &u
		}
		out.VirtualMFADevices = append(out.VirtualMFADevices, x)
	}
	return out, nil
}

func (h *handler) getMFADevice(ctx context.Context, c *call) (any, error) {
	serial := serialParam(c)
	optName(c, "UserName", 64)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	userName, err := mfaUser(c, false)
	if err != nil {
		return nil, err
	}
	u, err := h.authEntity(ctx, c, "iam:GetMFADevice", store.KindUser, userName, nil)
	if err != nil {
		return nil, err
	}
	d, _, found, err := h.readDevice(ctx, c, serial)
	if err != nil {
		return nil, err
	}
	if !found || !d.Assigned() || !strings.EqualFold(d.UserName, u.name) {
		return nil, noSuchEntity("MFA Device with serial number %s is not enabled for user %s.", serial, u.name)
	}
	return struct {
		UserName     string        `xml:"UserName"`
		SerialNumber string        `xml:"SerialNumber"`
		EnableDate   awsquery.Time `xml:"EnableDate"`
	}{u.name, d.SerialNumber, awsquery.Time(d.Enabled)}, nil
}

// deviceTarget reads SerialNumber and authorizes action on the device
// with aws:ResourceTag/* from its tags; it returns the device's tags.
func (h *handler) deviceTarget(ctx context.Context, c *call, action string, kv map[string][]string) (string, []store.Tag, error) {
	serial := c.p.String("SerialNumber")
	_, tags, found, err := h.readDevice(ctx, c, serial)
	if err != nil {
		return "", nil, err
	}
	if err := h.authorize(ctx, c, action, serial, kv, tags...); err != nil {
		return "", nil, err
	}
	if !found {
		return "", nil, noSuchDevice(serial)
	}
	return serial, tags, nil
}

func (h *handler) tagMFADevice(ctx context.Context, c *call) (any, error) {
	serialParam(c)
	if !c.p.Has("Tags.member.1.Key") {
		c.p.Violate("Tags", "Member must not be null")
	}
	kv := map[string][]string{}
	tags := tagsParam(c, kv)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	if c.tagErr != nil {
		return nil, c.tagErr
	}
	serial, old, err := h.deviceTarget(ctx, c, "iam:TagMFADevice", kv)
	if err != nil {
		return nil, err
	}
	// IAM's tag keys are case-insensitive; the store's resource tags are
	// not: a key given in another case replaces the stored one.
	var replaced []string
	for _, o := range old {
		for _, t := range tags {
			if strings.EqualFold(o.Key, t.Key) && o.Key != t.Key {
				replaced = append(replaced, o.Key)
			}
		}
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error {
		if len(replaced) > 0 {
			if err := tx.UntagResource(serial, replaced); err != nil {
				return err
			}
		}
		err := tx.TagResource(serial, tags)
		if errors.Is(err, store.ErrLimitExceeded) {
			return limitExceeded("The number of tags has reached the maximum limit of %d tags per resource.", store.MaxTagsPerEntity)
		}
		return err
	})
}

func (h *handler) untagMFADevice(ctx context.Context, c *call) (any, error) {
	serialParam(c)
	keys := c.p.List("TagKeys")
	if keys == nil {
		c.p.Violate("TagKeys", "Member must not be null")
	}
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	serial, old, err := h.deviceTarget(ctx, c, "iam:UntagMFADevice", map[string][]string{"aws:TagKeys": keys})
	if err != nil {
		return nil, err
	}
	var remove []string
	for _, o := range old {
		for _, k := range keys {
			if strings.EqualFold(o.Key, k) {
				remove = append(remove, o.Key)
			}
		}
	}
	if len(remove) == 0 {
		return nil, nil
	}
	return nil, h.Store.Update(ctx, func(tx store.Tx) error { return tx.UntagResource(serial, remove) })
}

func (h *handler) listMFADeviceTags(ctx context.Context, c *call) (any, error) {
	serialParam(c)
	opt := pageOpts(c)
	if err := c.p.Err(); err != nil {
		return nil, err
	}
	_, tags, err := h.deviceTarget(ctx, c, "iam:ListMFADeviceTags", nil)
	if err != nil {
		return nil, err
	}
	tags, next, err := pageSlice(tags, opt)
	if err != nil {
		return nil, err
	}
	return struct {
		Tags []xTag `xml:"Tags>member"`
		page
	}{xTags(tags), newPage(next)}, nil
}

// userDevices returns the MFA devices enabled for a user, for DeleteUser's
// conflict check and UpdateUser's rename.
func (h *handler) userDevices(tx store.ReadTx, acct, userName string) ([]mfa.Device, error) {
	return mfa.ForUser(tx, h.Box, acct, userName)
}
