package mfa

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/connect-iam/connect-iam/internal/secretbox"
	"github.com/connect-iam/connect-iam/store"
)

// The store keeps virtual MFA devices as resources of this service and
// type: the ID is the device's path and name, the name key their folded
// form (IAM's names are unique regardless of case) and the ARN the serial
// number.
const (
	ResourceService = "iam"
	ResourceType    = "mfa"
)

// Verification windows, in time steps either side of the server's clock
// (plus the device's drift).
const (
	// EnableWindow is how far back EnableMFADevice looks for the second
	// of two consecutive codes: codes typed from an app are a step or two
	// old when they arrive.
	EnableWindow = 2
	// ResyncWindow is how far ResyncMFADevice looks either side, to learn
	// the drift of a device whose clock is off.
	ResyncWindow = 20
	// SignInWindow is how far either side a single code is accepted.
	SignInWindow = 1
)

// MaxDevicesPerUser is IAM's quota of MFA devices assigned to one user.
const MaxDevicesPerUser = 8

// Errors of the device operations.
var (
	// ErrInvalidCode means a code (or pair of codes) does not match the
	// device's seed in the window, or was accepted before.
	ErrInvalidCode = errors.New("mfa: the authentication code is not valid for the device")
	// ErrNotAssigned means the device is not enabled for the user.
	ErrNotAssigned = errors.New("mfa: the device is not enabled for the user")
)

// Device is a virtual MFA device.
type Device struct {
	AccountID    string
	SerialNumber string // the device's ARN: arn:aws:iam::ACCOUNT:mfa/PATH/NAME
	Path         string // "/" or "/a/b/"
	Name         string
	// Seed is the Base32 seed in clear. The store holds it sealed with the
	// server's secretbox, the serial number as associated data.
	Seed string
	// UserName and UserID name the user the device is enabled for; both
	// are "" while it is unassigned.
	UserName string
	UserID   string
	Enabled  time.Time // zero while unassigned
	// LastStep is the time step of the last code the device accepted;
	// codes of that step or earlier are refused, so that a code is used
	// once.
	LastStep int64
	// Drift is the offset of the device's clock, in steps, that
	// ResyncMFADevice measured.
	Drift   int64
	Created time.Time

	revision int64
}

// attributes are what the store keeps of a device beyond the resource's
// own fields.
type attributes struct {
	Path     string    `json:"path"`
	Seed     []byte    `json:"seed"` // sealed
	UserName string    `json:"userName,omitempty"`
	UserID   string    `json:"userId,omitempty"`
	Enabled  time.Time `json:"enabled,omitzero"`
	LastStep int64     `json:"lastStep,omitempty"`
	Drift    int64     `json:"drift,omitempty"`
}

// SerialNumber returns the serial number (ARN) of a virtual device.
func SerialNumber(partition, accountID, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:" + partition + ":iam::" + accountID + ":mfa" + path + name
}

// Assigned reports whether the device is enabled for a user.
func (d *Device) Assigned() bool { return d.UserName != "" }

// toResource seals the seed and returns the device as a store resource.
func (d *Device) toResource(box *secretbox.Box) (store.Resource, error) {
	a := attributes{Path: d.Path, Seed: box.Seal([]byte(d.Seed), []byte(d.SerialNumber)), UserName: d.UserName,
		UserID: d.UserID, Enabled: d.Enabled, LastStep: d.LastStep, Drift: d.Drift}
	raw, err := json.Marshal(a)
	if err != nil {
		return store.Resource{}, fmt.Errorf("mfa: encoding device %s: %w", d.SerialNumber, err)
	}
	id := d.Path + d.Name
	return store.Resource{AccountID: d.AccountID, Service: ResourceService, Type: ResourceType, ID: id, ARN: d.SerialNumber,
		Name: d.Name, NameKey: store.FoldName(id), Attributes: raw, Revision: d.revision, Created: d.Created}, nil
}

// fromResource opens a stored device.
func fromResource(box *secretbox.Box, r store.Resource) (Device, error) {
	var a attributes
	if err := r.DecodeAttributes(&a); err != nil {
		return Device{}, fmt.Errorf("mfa: decoding device %s: %w", r.ARN, err)
	}
	seed, err := box.Open(a.Seed, []byte(r.ARN))
	if err != nil {
		return Device{}, fmt.Errorf("mfa: opening the seed of device %s (was the server's secret key replaced?): %w", r.ARN, err)
	}
	return Device{AccountID: r.AccountID, SerialNumber: r.ARN, Path: a.Path, Name: r.Name, Seed: string(seed),
		UserName: a.UserName, UserID: a.UserID, Enabled: a.Enabled, LastStep: a.LastStep, Drift: a.Drift,
		Created: r.Created, revision: r.Revision}, nil
}

// Create stores a new device. A device with the same path and name
// (regardless of case) or serial number is store.ErrAlreadyExists.
func Create(tx store.Tx, box *secretbox.Box, d Device) (Device, error) {
	r, err := d.toResource(box)
	if err != nil {
		return d, err
	}
	r, err = tx.CreateResource(r)
	if err != nil {
		return d, err
	}
	d.revision = r.Revision
	return d, nil
}

// Get returns the device of an account with a serial number;
// store.ErrNotFound when there is none.
func Get(tx store.ReadTx, box *secretbox.Box, accountID, serial string) (Device, error) {
	r, err := tx.GetResourceByARN(serial)
	if err != nil {
		return Device{}, err
	}
	if r.AccountID != accountID || r.Service != ResourceService || r.Type != ResourceType {
		return Device{}, fmt.Errorf("mfa: device %s: %w", serial, store.ErrNotFound)
	}
	return fromResource(box, r)
}

// Save writes back a device read with Get or List in the same
// transaction.
func Save(tx store.Tx, box *secretbox.Box, d Device) (Device, error) {
	r, err := d.toResource(box)
	if err != nil {
		return d, err
	}
	r, err = tx.UpdateResource(r)
	if err != nil {
		return d, err
	}
	d.revision = r.Revision
	return d, nil
}

// Delete deletes a device and its tags.
func Delete(tx store.Tx, d Device) error {
	return tx.DeleteResource(d.AccountID, ResourceService, ResourceType, d.Path+d.Name)
}

// List returns every virtual device of an account, ordered by path and
// name.
func List(tx store.ReadTx, box *secretbox.Box, accountID string) ([]Device, error) {
	var out []Device
	opt := store.ListOptions{MaxItems: store.MaxMaxItems}
	for {
		rs, next, err := tx.ListResources(accountID, ResourceService, ResourceType, store.ResourceFilter{}, opt)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			d, err := fromResource(box, r)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		if next == "" {
			return out, nil
		}
		opt.Marker = next
	}
}

// ForUser returns the devices enabled for a user, by the user's name as
// stored (compared regardless of case).
func ForUser(tx store.ReadTx, box *secretbox.Box, accountID, userName string) ([]Device, error) {
	all, err := List(tx, box, accountID)
	if err != nil {
		return nil, err
	}
	var out []Device
	for _, d := range all {
		if d.Assigned() && strings.EqualFold(d.UserName, userName) {
			out = append(out, d)
		}
	}
	return out, nil
}

// Enable checks two consecutive codes against the device's seed around
// now and assigns the device to a user. The codes' steps are consumed:
// neither can be used to sign in afterwards.
func (d *Device) Enable(code1, code2, userName, userID string, now time.Time) error {
	nowStep := Step(now)
	s, ok := FindConsecutive(d.Seed, code1, code2, nowStep-EnableWindow, nowStep+1)
	if !ok || s <= d.LastStep {
		return ErrInvalidCode
	}
	d.UserName, d.UserID, d.Enabled, d.LastStep, d.Drift = userName, userID, now.UTC(), s, 0
	return nil
}

// Resync checks two consecutive codes in a wide window and records the
// device's drift from them.
func (d *Device) Resync(code1, code2 string, now time.Time) error {
	nowStep := Step(now)
	s, ok := FindConsecutive(d.Seed, code1, code2, nowStep-ResyncWindow, nowStep+ResyncWindow)
	if !ok || s <= d.LastStep {
		return ErrInvalidCode
	}
	d.LastStep, d.Drift = s, s-nowStep
	return nil
}

// Deactivate removes the device's assignment. The last step stays, so
// that the codes it accepted cannot be replayed after it is enabled again.
func (d *Device) Deactivate() {
	d.UserName, d.UserID, d.Enabled, d.Drift = "", "", time.Time{}, 0
}

// Verify checks a single code, as GetSessionToken and AssumeRole take it,
// for the user the device must be enabled for, and consumes its step.
func (d *Device) Verify(code, userName string, now time.Time) error {
	if !d.Assigned() || !strings.EqualFold(d.UserName, userName) {
		return ErrNotAssigned
	}
	center := Step(now) + d.Drift
	s, ok := FindOne(d.Seed, code, center-SignInWindow, center+SignInWindow)
	if !ok || s <= d.LastStep {
		return ErrInvalidCode
	}
	d.LastStep = s
	return nil
}
