package awsquery

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
)

// sdkServer answers awsQuery calls with handle, decoding requests with
// Parse and encoding with WriteResponse/WriteError, so that the tests below
// exercise both directions against the real SDK clients.
func sdkServer(t *testing.T, svc Service, handle func(req *Request) (any, error)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := Parse(r, body)
		if err == nil && req.Version != svc.Version {
			err = NewError(400, "InvalidAction", "wrong version "+req.Version)
		}
		var result any
		if err == nil {
			result, err = handle(req)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				e = &Error{Code: "InternalFailure", Status: 500, Message: err.Error()}
			}
			WriteError(w, svc, "req-err", e)
			return
		}
		if err := WriteResponse(w, svc, req.Action, "req-ok", result); err != nil {
			t.Errorf("WriteResponse: %v", err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func sdkConfig(url string) aws.Config {
	return aws.Config{
		Region:       "us-west-2",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(url),
		HTTPClient:   http.DefaultClient,
	}
}

type xmlUser struct {
	Path                string `xml:"Path"`
	UserName            string `xml:"UserName"`
	UserID              string `xml:"UserId"`
	Arn                 string `xml:"Arn"`
	CreateDate          Time   `xml:"CreateDate"`
	PasswordLastUsed    *Time  `xml:"PasswordLastUsed,omitempty"`
	PermissionsBoundary *struct {
		PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
		PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
	} `xml:"PermissionsBoundary,omitempty"`
	Tags []xmlTag `xml:"Tags>member"`
}

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

var created = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func TestSDKIAM(t *testing.T) {
	srv := sdkServer(t, IAM, func(req *Request) (any, error) {
		switch req.Action {
		case "CreateUser":
			name := req.Required("UserName")
			req.Length("UserName", 1, 64)
			tags := req.Members("Tags", []string{"Key", "Value"}, "Key", "Value")
			if err := req.Err(); err != nil {
				return nil, err
			}
			if name == "bob" {
				return nil, NewError(http.StatusConflict, "EntityAlreadyExists", "User with name bob already exists.")
			}
			u := xmlUser{Path: "/", UserName: name, UserID: "AIDA1", Arn: "arn:aws:iam::123456789012:user/" + name, CreateDate: Time(created)}
			for _, m := range tags {
				u.Tags = append(u.Tags, xmlTag{m["Key"], m["Value"]})
			}
			u.PermissionsBoundary = &struct {
				PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
				PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
			}{"PermissionsBoundaryPolicy", req.String("PermissionsBoundary")}
			return struct {
				User xmlUser `xml:"User"`
			}{u}, nil
		case "ListUsers":
			max, _ := req.Int("MaxItems")
			req.Range("MaxItems", 1, 1000)
			if err := req.Err(); err != nil {
				return nil, err
			}
			used := Time(created.Add(time.Hour))
			return struct {
				Users       []xmlUser `xml:"Users>member"`
				IsTruncated bool      `xml:"IsTruncated"`
				Marker      string    `xml:"Marker,omitempty"`
			}{[]xmlUser{
				{Path: "/", UserName: "a", UserID: "AIDAA", Arn: "arn:a", CreateDate: Time(created), PasswordLastUsed: &used},
				{Path: "/x/", UserName: "b", UserID: "AIDAB", Arn: "arn:b", CreateDate: Time(created)},
			}, max == 2, "m-" + req.String("Marker")}, nil
		case "DeleteUser":
			return nil, nil
		}
		return nil, NewError(400, "InvalidAction", "unknown "+req.Action)
	})
	client := iam.NewFromConfig(sdkConfig(srv.URL))
	ctx := context.Background()

	out, err := client.CreateUser(ctx, &iam.CreateUserInput{
		UserName:            aws.String("alice"),
		PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"),
		Tags:                []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("a b&c")}, {Key: aws.String("k2"), Value: aws.String("")}},
	})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	u := out.User
	if aws.ToString(u.UserName) != "alice" || aws.ToString(u.Arn) != "arn:aws:iam::123456789012:user/alice" ||
		!aws.ToTime(u.CreateDate).Equal(created) || len(u.Tags) != 2 ||
		aws.ToString(u.Tags[0].Value) != "a b&c" || aws.ToString(u.Tags[1].Key) != "k2" ||
		aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn) != "arn:aws:iam::aws:policy/ReadOnlyAccess" ||
		u.PermissionsBoundary.PermissionsBoundaryType != iamtypes.PermissionsBoundaryAttachmentTypePolicy {
		t.Errorf("CreateUser output = %+v, boundary %+v", u, u.PermissionsBoundary)
	}

	_, err = client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")})
	var exists *iamtypes.EntityAlreadyExistsException
	if !errors.As(err, &exists) || exists.ErrorMessage() != "User with name bob already exists." {
		t.Errorf("CreateUser(bob) error = %v, want EntityAlreadyExistsException", err)
	}

	_, err = client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(string(make([]byte, 65)))})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ValidationError" {
		t.Errorf("long name error = %v, want ValidationError", err)
	}

	list, err := client.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(2), Marker: aws.String("p1")})
	if err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	if len(list.Users) != 2 || !list.IsTruncated || aws.ToString(list.Marker) != "m-p1" ||
		aws.ToString(list.Users[1].Path) != "/x/" || !aws.ToTime(list.Users[0].PasswordLastUsed).Equal(created.Add(time.Hour)) ||
		list.Users[1].PasswordLastUsed != nil {
		t.Errorf("ListUsers = %+v", list)
	}
	var rangeErr smithy.APIError
	if _, err := client.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(0)}); !errors.As(err, &rangeErr) ||
		rangeErr.ErrorMessage() != "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1" {
		t.Errorf("ListUsers(MaxItems=0) error = %v", err)
	}

	if _, err := client.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")}); err != nil {
		t.Errorf("DeleteUser: %v", err)
	}
}

func TestSDKSTS(t *testing.T) {
	expires := time.Date(2026, 11, 22, 4, 39, 34, 0, time.UTC)
	srv := sdkServer(t, STS, func(req *Request) (any, error) {
		switch req.Action {
		case "GetCallerIdentity":
			return struct {
				Arn     string `xml:"Arn"`
				UserID  string `xml:"UserId"`
				Account string `xml:"Account"`
			}{"arn:aws:iam::123456789012:user/alice", "AIDAALICE", "123456789012"}, nil
		case "AssumeRole":
			arn := req.Required("RoleArn")
			session := req.Required("RoleSessionName")
			req.Range("DurationSeconds", 900, 43200)
			policyArns := req.Members("PolicyArns", []string{"arn"}, "arn")
			tags := req.Members("Tags", []string{"Key", "Value"})
			transitive := req.List("TransitiveTagKeys")
			if err := req.Err(); err != nil {
				return nil, err
			}
			if len(policyArns) != 1 || policyArns[0]["arn"] != "arn:aws:iam::aws:policy/ReadOnlyAccess" ||
				len(tags) != 1 || tags[0]["Key"] != "dept" || len(transitive) != 1 || transitive[0] != "dept" {
				return nil, NewError(400, "InvalidParameterValue", "unexpected session parameters")
			}
			type creds struct {
				AccessKeyID     string `xml:"AccessKeyId"`
				SecretAccessKey string `xml:"SecretAccessKey"`
				SessionToken    string `xml:"SessionToken"`
				Expiration      Time   `xml:"Expiration"`
			}
			type assumed struct {
				AssumedRoleID string `xml:"AssumedRoleId"`
				Arn           string `xml:"Arn"`
			}
			return struct {
				Credentials     creds   `xml:"Credentials"`
				AssumedRoleUser assumed `xml:"AssumedRoleUser"`
				SourceIdentity  string  `xml:"SourceIdentity"`
			}{creds{"ASIA1", "s3cr3t", "tok", Time(expires)}, assumed{"AROA1:" + session, arn + "/" + session}, req.String("SourceIdentity")}, nil
		}
		return nil, NewError(400, "InvalidAction", "unknown "+req.Action)
	})
	client := sts.NewFromConfig(sdkConfig(srv.URL))
	ctx := context.Background()
	id, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	if aws.ToString(id.Account) != "123456789012" || aws.ToString(id.UserId) != "AIDAALICE" {
		t.Errorf("GetCallerIdentity = %+v", id)
	}
	out, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::123456789012:role/r"), RoleSessionName: aws.String("s1"),
		DurationSeconds:   aws.Int32(3600),
		PolicyArns:        []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}},
		Tags:              []ststypes.Tag{{Key: aws.String("dept"), Value: aws.String("x")}},
		TransitiveTagKeys: []string{"dept"},
		SourceIdentity:    aws.String("src-1"),
	})
	if err != nil {
		t.Fatalf("AssumeRole: %v", err)
	}
	if aws.ToString(out.Credentials.AccessKeyId) != "ASIA1" || !aws.ToTime(out.Credentials.Expiration).Equal(expires) ||
		aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:iam::123456789012:role/r/s1" || aws.ToString(out.SourceIdentity) != "src-1" {
		t.Errorf("AssumeRole = %+v %+v", out.Credentials, out.AssumedRoleUser)
	}
	_, err = client.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/r"),
		RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(60)})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ValidationError" {
		t.Errorf("AssumeRole(60s) error = %v", err)
	}
}
