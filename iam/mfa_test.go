package iam

import (
	"bytes"
	"context"
	"image/png"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/connect-iam/connect-iam/internal/mfa"
)

// TestMFADevices walks a virtual MFA device through its life: creation
// with seed and QR code, enabling with two consecutive codes, listing,
// resync, the conflicts that an enabled device causes, deactivation and
// deletion.
func TestMFADevices(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.client
	must(c.CreateUser(ctx, &awsiam.CreateUserInput{UserName: aws.String("alice")}))(t)
	out := must(c.CreateVirtualMFADevice(ctx, &awsiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("alice"),
		Path: aws.String("/team/"), Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("alice")}}}))(t)
	d := out.VirtualMFADevice
	serial := aws.ToString(d.SerialNumber)
	if serial != "arn:aws:iam::"+testAccount+":mfa/team/alice" {
		t.Fatalf("SerialNumber = %s", serial)
	}
	seed, err := mfa.ParseSeed(string(d.Base32StringSeed))
	if err != nil || len(seed) != 64 {
		t.Fatalf("Base32StringSeed %q: %v", d.Base32StringSeed, err)
	}
	if _, err := png.Decode(bytes.NewReader(d.QRCodePNG)); err != nil {
		t.Fatalf("QRCodePNG is not a PNG: %v", err)
	}
	if len(d.Tags) != 1 {
		t.Errorf("Tags = %+v", d.Tags)
	}
	_, err = c.CreateVirtualMFADevice(ctx, &awsiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("ALICE"), Path: aws.String("/team/")})
	if code, msg := apiError(t, err); code != "EntityAlreadyExists" || msg != "MFADevice entity at the same path and name already exists." {
		t.Errorf("duplicate device: %s %q", code, msg)
	}

	code := func(offset time.Duration) string {
		s, err := mfa.Code(seed, e.now.Add(offset))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	enable := func(user, serial, c1, c2 string) error {
		_, err := c.EnableMFADevice(ctx, &awsiam.EnableMFADeviceInput{UserName: aws.String(user), SerialNumber: aws.String(serial),
			AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2)})
		return err
	}
	for _, tc := range []struct {
		name, user, serial, c1, c2 string
		code, msg                  string
	}{
		{"codes in the wrong order", "alice", serial, code(0), code(-mfa.Period), "InvalidAuthenticationCode", "Authentication code for device is not valid."},
		{"same code twice", "alice", serial, code(0), code(0), "InvalidAuthenticationCode", "Authentication code for device is not valid."},
		{"codes from an hour ago", "alice", serial, code(-time.Hour - mfa.Period), code(-time.Hour), "InvalidAuthenticationCode", "Authentication code for device is not valid."},
		{"short code", "alice", serial, "12345", code(0), "ValidationError", ""},
		{"no such user", "bob", serial, code(-mfa.Period), code(0), "NoSuchEntity", "The user with name bob cannot be found."},
		{"no such device", "alice", serial + "x", code(-mfa.Period), code(0), "NoSuchEntity", "VirtualMFADevice with serial number " + serial + "x doesn't exist."},
	} {
		got, msg := apiError(t, enable(tc.user, tc.serial, tc.c1, tc.c2))
		if got != tc.code || (tc.msg != "" && msg != tc.msg) {
			t.Errorf("EnableMFADevice, %s: %s %q; want %s %q", tc.name, got, msg, tc.code, tc.msg)
		}
	}
	if err := enable("alice", serial, code(-mfa.Period), code(0)); err != nil {
		t.Fatalf("EnableMFADevice: %v", err)
	}
	if req, _ := e.authz.last("iam:EnableMFADevice"); req.Resource != "arn:aws:iam::"+testAccount+":user/alice" {
		t.Errorf("EnableMFADevice authorized on %s, want the user", req.Resource)
	}
	code2, _ := apiError(t, enable("admin", serial, code(-mfa.Period), code(0)))
	if code2 != "EntityAlreadyExists" {
		t.Errorf("enabling a device in use: %s", code2)
	}

	list := must(c.ListMFADevices(ctx, &awsiam.ListMFADevicesInput{UserName: aws.String("alice")}))(t)
	if len(list.MFADevices) != 1 || aws.ToString(list.MFADevices[0].SerialNumber) != serial || !list.MFADevices[0].EnableDate.Equal(e.now) {
		t.Errorf("ListMFADevices = %+v", list.MFADevices)
	}
	if mine := must(c.ListMFADevices(ctx, &awsiam.ListMFADevicesInput{}))(t); len(mine.MFADevices) != 0 {
		t.Errorf("ListMFADevices of the caller (admin) = %+v", mine.MFADevices)
	}
	must(c.CreateVirtualMFADevice(ctx, &awsiam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("spare")}))(t)
	for status, want := range map[types.AssignmentStatusType][]string{
		types.AssignmentStatusTypeAssigned:   {serial},
		types.AssignmentStatusTypeUnassigned: {"arn:aws:iam::" + testAccount + ":mfa/spare"},
		types.AssignmentStatusTypeAny:        {"arn:aws:iam::" + testAccount + ":mfa/spare", serial},
	} {
		v := must(c.ListVirtualMFADevices(ctx, &awsiam.ListVirtualMFADevicesInput{AssignmentStatus: status}))(t)
		var got []string
		for _, d := range v.VirtualMFADevices {
			got = append(got, aws.ToString(d.SerialNumber))
			if d.Base32StringSeed != nil || d.QRCodePNG != nil {
				t.Errorf("ListVirtualMFADevices returned the seed of %s", aws.ToString(d.SerialNumber))
			}
			if aws.ToString(d.SerialNumber) == serial && (d.User == nil || aws.ToString(d.User.UserName) != "alice" || d.EnableDate == nil) {
				t.Errorf("assigned device = %+v", d)
			}
		}
		if len(got) != len(want) || (len(got) > 0 && got[0] != want[0]) {
			t.Errorf("ListVirtualMFADevices %s = %v, want %v", status, got, want)
		}
	}
	g := must(c.GetMFADevice(ctx, &awsiam.GetMFADeviceInput{SerialNumber: aws.String(serial), UserName: aws.String("alice")}))(t)
	if aws.ToString(g.UserName) != "alice" || !g.EnableDate.Equal(e.now) {
		t.Errorf("GetMFADevice = %+v", g)
	}

	_, err = c.ResyncMFADevice(ctx, &awsiam.ResyncMFADeviceInput{UserName: aws.String("alice"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(code(4 * mfa.Period)), AuthenticationCode2: aws.String(code(5 * mfa.Period))})
	if err != nil {
		t.Errorf("ResyncMFADevice with a clock 2.5 minutes fast: %v", err)
	}
	_, err = c.ResyncMFADevice(ctx, &awsiam.ResyncMFADeviceInput{UserName: aws.String("admin"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(code(6 * mfa.Period)), AuthenticationCode2: aws.String(code(7 * mfa.Period))})
	if got, _ := apiError(t, err); got != "NoSuchEntity" {
		t.Errorf("ResyncMFADevice for a user the device is not enabled for: %v", err)
	}

	for name, call := range map[string]func() error{
		"DeleteVirtualMFADevice": func() error {
			_, err := c.DeleteVirtualMFADevice(ctx, &awsiam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
			return err
		},
		"DeleteUser": func() error {
			_, err := c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("alice")})
			return err
		},
	} {
		if got, msg := apiError(t, call()); got != "DeleteConflict" {
			t.Errorf("%s while the device is enabled: %s %q", name, got, msg)
		}
	}

	// The device follows its user's rename.
	must(c.UpdateUser(ctx, &awsiam.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alice2")}))(t)
	if l := must(c.ListMFADevices(ctx, &awsiam.ListMFADevicesInput{UserName: aws.String("alice2")}))(t); len(l.MFADevices) != 1 {
		t.Errorf("devices after rename = %+v", l.MFADevices)
	}
	must(c.DeactivateMFADevice(ctx, &awsiam.DeactivateMFADeviceInput{UserName: aws.String("alice2"), SerialNumber: aws.String(serial)}))(t)
	if l := must(c.ListMFADevices(ctx, &awsiam.ListMFADevicesInput{UserName: aws.String("alice2")}))(t); len(l.MFADevices) != 0 {
		t.Errorf("devices after DeactivateMFADevice = %+v", l.MFADevices)
	}
	must(c.DeleteVirtualMFADevice(ctx, &awsiam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)}))(t)
	_, err = c.DeleteVirtualMFADevice(ctx, &awsiam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	if got, msg := apiError(t, err); got != "NoSuchEntity" || msg != "VirtualMFADevice with serial number "+serial+" doesn't exist." {
		t.Errorf("deleting a deleted device: %s %q", got, msg)
	}
	must(c.DeleteUser(ctx, &awsiam.DeleteUserInput{UserName: aws.String("alice2")}))(t)
}
