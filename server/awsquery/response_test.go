package awsquery

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var interElementSpace = regexp.MustCompile(`>\s+<`)

func compact(b []byte) string {
	return interElementSpace.ReplaceAllString(strings.TrimSpace(string(b)), "><")
}

type testUser struct {
	Path       string `xml:"Path"`
	UserName   string `xml:"UserName"`
	UserID     string `xml:"UserId"`
	Arn        string `xml:"Arn"`
	CreateDate Time   `xml:"CreateDate"`
}

func TestGolden(t *testing.T) {
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600)).Add(time.Hour)
	tests := []struct {
		golden string
		got    func() ([]byte, error)
	}{
		{"iam-createuser.xml", func() ([]byte, error) {
			return MarshalResponse(IAM, "CreateUser", "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE", struct {
				User testUser `xml:"User"`
			}{testUser{"/", "bob", "AIDAEXAMPLE", "arn:aws:iam::123456789012:user/bob", Time(created)}})
		}},
		{"iam-error.xml", func() ([]byte, error) {
			return MarshalError(IAM, "req-1", NewError(http.StatusConflict, "EntityAlreadyExists", "User with name bob already exists.")), nil
		}},
		{"sts-getcalleridentity.xml", func() ([]byte, error) {
			return MarshalResponse(STS, "GetCallerIdentity", "c6104cbe-af31-11e0-8154-cbc7ccf896c7", struct {
				Arn     string `xml:"Arn"`
				UserID  string `xml:"UserId"`
				Account string `xml:"Account"`
			}{"arn:aws:iam::123456789012:user/alice", "AIDAALICE", "123456789012"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", tt.golden))
			if err != nil {
				t.Fatal(err)
			}
			got, err := tt.got()
			if err != nil {
				t.Fatal(err)
			}
			if compact(got) != compact(want) {
				t.Errorf("got\n%s\nwant\n%s", got, compact(want))
			}
		})
	}
}

func TestMarshalResponseNoResult(t *testing.T) {
	got, err := MarshalResponse(IAM, "DeleteUser", "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DeleteUserResponse>`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestMarshalResponseEscapes(t *testing.T) {
	got, err := MarshalResponse(IAM, "GetUserPolicy", "r", struct {
		PolicyDocument string `xml:"PolicyDocument"`
	}{`{"a":"<&>"}`})
	if err != nil {
		t.Fatal(err)
	}
	want := `<GetUserPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserPolicyResult><PolicyDocument>{&#34;a&#34;:&#34;&lt;&amp;&gt;&#34;}</PolicyDocument></GetUserPolicyResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetUserPolicyResponse>`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if _, err := MarshalResponse(IAM, "X", "r", make(chan int)); err == nil {
		t.Error("MarshalResponse of a channel succeeded")
	}
}

func TestErrorDefaults(t *testing.T) {
	tests := []struct {
		err       *Error
		status    int
		faultType string
	}{
		{&Error{Code: "ValidationError"}, 400, "Sender"},
		{&Error{Code: "NoSuchEntity", Status: 404}, 404, "Sender"},
		{&Error{Code: "ServiceFailure", Status: 500}, 500, "Receiver"},
		{&Error{Code: "InternalFailure", Type: "Receiver"}, 500, "Receiver"},
	}
	for _, tt := range tests {
		if tt.err.HTTPStatus() != tt.status || tt.err.FaultType() != tt.faultType {
			t.Errorf("%s: %d %s, want %d %s", tt.err.Code, tt.err.HTTPStatus(), tt.err.FaultType(), tt.status, tt.faultType)
		}
	}
}

func TestWriteError(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, STS, "rid", NewError(http.StatusForbidden, "AccessDenied", "no"))
	if rec.Code != 403 || rec.Header().Get("Content-Type") != "text/xml" || rec.Header().Get("X-Amzn-RequestId") != "rid" {
		t.Errorf("status %d headers %v", rec.Code, rec.Header())
	}
	want := `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>rid</RequestId></ErrorResponse>`
	if rec.Body.String() != want {
		t.Errorf("body %s\nwant %s", rec.Body, want)
	}
}

func TestTimeText(t *testing.T) {
	ts := Time(time.Date(2026, 11, 22, 3, 39, 34, 500_000_000, time.UTC))
	b, err := ts.MarshalText()
	if err != nil || string(b) != "2026-11-22T03:39:34Z" {
		t.Fatalf("MarshalText = %s, %v", b, err)
	}
	var back Time
	if err := back.UnmarshalText([]byte("2011-07-15T23:28:33.359Z")); err != nil {
		t.Fatal(err)
	}
	if !time.Time(back).Equal(time.Date(2011, 7, 15, 23, 28, 33, 359_000_000, time.UTC)) {
		t.Errorf("UnmarshalText = %v", time.Time(back))
	}
	if err := back.UnmarshalText([]byte("yesterday")); err == nil {
		t.Error("UnmarshalText accepted garbage")
	}
	if b, _ := (Time{}).MarshalText(); len(b) != 0 {
		t.Errorf("zero Time = %q, want empty", b)
	}
}

// TestMarshalResponseReusesEncoders checks that responses encoded by pooled
// encoders, concurrently and after a failed encoding, are each complete and
// independent of one another.
func TestMarshalResponseReusesEncoders(t *testing.T) {
	type user struct {
		UserName string `xml:"User>UserName"`
	}
	want := func(i int) string {
		return fmt.Sprintf(`<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User><UserName>u%d</UserName></User></GetUserResult>`+
			`<ResponseMetadata><RequestId>r%d</RequestId></ResponseMetadata></GetUserResponse>`, i, i)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w * 100; i < w*100+100; i++ {
				if i%10 == 0 {
					if _, err := MarshalResponse(IAM, "GetUser", "bad", make(chan int)); err == nil {
						t.Error("MarshalResponse of a channel succeeded")
					}
				}
				got, err := MarshalResponse(IAM, "GetUser", fmt.Sprintf("r%d", i), user{fmt.Sprintf("u%d", i)})
				if err != nil {
					t.Error(err)
					return
				}
				if string(got) != want(i) {
					t.Errorf("response %d:\ngot  %s\nwant %s", i, got, want(i))
					return
				}
				rec := httptest.NewRecorder()
				if err := WriteResponse(rec, IAM, "GetUser", fmt.Sprintf("r%d", i), user{fmt.Sprintf("u%d", i)}); err != nil {
					t.Error(err)
					return
				}
				if rec.Body.String() != want(i) {
					t.Errorf("written response %d:\ngot  %s\nwant %s", i, rec.Body.String(), want(i))
					return
				}
			}
		})
	}
	wg.Wait()
}
