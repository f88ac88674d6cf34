package restjson

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

type createUserInput struct {
	Username           string            `json:"Username"`
	SecurityProfileIDs []string          `json:"SecurityProfileIds"`
	Tags               map[string]string `json:"Tags"`
	PhoneConfig        *struct {
		AfterContactWorkTimeLimit int32 `json:"AfterContactWorkTimeLimit"`
		AutoAccept                bool  `json:"AutoAccept"`
	} `json:"PhoneConfig"`
	Start *Time `json:"Start"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		want  string // substring of the error message, "" for success
		check func(t *testing.T, in *createUserInput)
	}{
		{name: "empty body", body: "", check: func(t *testing.T, in *createUserInput) {
			if in.Username != "" {
				t.Error("empty body set fields")
			}
		}},
		{name: "whitespace body", body: " \n"},
		{name: "sdk body", body: `{"RoutingProfileId":"rp-1","SecurityProfileIds":["sp-1"],"Tags":{"team":"a"},"Username":"agent1","Start":1700000000.5}`,
			check: func(t *testing.T, in *createUserInput) {
				if in.Username != "agent1" || in.SecurityProfileIDs[0] != "sp-1" || in.Tags["team"] != "a" ||
					!time.Time(*in.Start).Equal(time.Unix(1700000000, 500_000_000)) {
					t.Errorf("decoded %+v", in)
				}
			}},
		{name: "string for list", body: `{"SecurityProfileIds":"sp-1"}`, want: "Value of type string at 'SecurityProfileIds' (1:28) cannot be read as array; send a JSON array."},
		{name: "number for string", body: "{\n  \"Username\": 5\n}", want: "Value of type number at 'Username' (2:15) cannot be read as string"},
		{name: "nested wrong type", body: `{"PhoneConfig":{"AutoAccept":"yes"}}`, want: "at 'PhoneConfig.AutoAccept'"},
		{name: "int overflow", body: `{"PhoneConfig":{"AfterContactWorkTimeLimit":99999999999}}`, want: "cannot be read as integer"},
		{name: "fraction for int", body: `{"PhoneConfig":{"AfterContactWorkTimeLimit":1.5}}`, want: "cannot be read as integer"},
		{name: "string timestamp", body: `{"Start":"2024-01-01T00:00:00Z"}`, want: "epoch seconds"},
		{name: "syntax", body: "{\n\"Username\": \"a\",,}", want: "Malformed JSON at 2:17"},
		{name: "truncated", body: `{"Username": "a"`, want: "ends early"},
		{name: "trailing data", body: `{"Username":"a"} {}`, want: "Unexpected data after the JSON body at 1:18"},
		{name: "array body", body: `[1]`, want: "at the request body"},
		{name: "unknown member ignored", body: `{"Unknown":{"x":[1]},"Username":"u"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in createUserInput
			err := Decode([]byte(tt.body), &in)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if tt.check != nil {
					tt.check(t, &in)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != "SerializationException" || e.HTTPStatus() != 400 || !strings.Contains(e.Message, tt.want) {
				t.Fatalf("Decode error = %v, want SerializationException containing %q", err, tt.want)
			}
		})
	}
}

func TestTimeJSON(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Unix(1700000000, 0), "1700000000"},
		{time.Unix(1700000000, 123_000_000), "1700000000.123"},
		{time.Unix(1700000000, 123_900_000), "1700000000.123"},
		{time.Time{}, "null"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(Time(tt.t))
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.t, b, err, tt.want)
		}
		if tt.t.IsZero() {
			continue
		}
		var back Time
		if err := json.Unmarshal(b, &back); err != nil || !time.Time(back).Equal(tt.t.Truncate(time.Millisecond)) {
			t.Errorf("Unmarshal(%s) = %v, %v", b, time.Time(back), err)
		}
	}
	var v Time
	for _, bad := range []string{`"1700000000"`, `true`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("Unmarshal(%s) succeeded", bad)
		}
	}
}

func TestWriteError(t *testing.T) {
	rec := httptest.NewRecorder()
	e := NewError(400, "InvalidRequestException", "bad")
	e.Fields = map[string]any{"Reason": map[string]any{"AttachedFileInvalidRequestExceptionReason": "INVALID_FILE_NAME"}}
	WriteError(rec, "rid", e)
	if rec.Code != 400 || rec.Header().Get("X-Amzn-ErrorType") != "InvalidRequestException" || rec.Header().Get("X-Amzn-RequestId") != "rid" {
		t.Errorf("status %d headers %v", rec.Code, rec.Header())
	}
	want := `{"Reason":{"AttachedFileInvalidRequestExceptionReason":"INVALID_FILE_NAME"},"__type":"InvalidRequestException","message":"bad"}`
	if rec.Body.String() != want {
		t.Errorf("body %s\nwant %s", rec.Body, want)
	}
	if AccessAnalyzerError("ValidationException", "m").HTTPStatus() != 400 || AccessAnalyzerError("InternalServerException", "m").HTTPStatus() != 500 {
		t.Error("AccessAnalyzerError status wrong")
	}
}

func TestWriteJSON(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := WriteJSON(rec, "r", map[string]any{"When": Time(time.Unix(5, 0))}); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 200 || rec.Body.String() != `{"When":5}` || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("got %d %s %v", rec.Code, rec.Body, rec.Header())
	}
	rec = httptest.NewRecorder()
	if err := WriteJSON(rec, "r", nil); err != nil || rec.Body.Len() != 0 || rec.Code != 200 {
		t.Errorf("nil body: %v %d %q", err, rec.Code, rec.Body)
	}
	if err := WriteJSON(httptest.NewRecorder(), "r", make(chan int)); err == nil {
		t.Error("WriteJSON(chan) succeeded")
	}
}

func TestQuery(t *testing.T) {
	v, _ := url.ParseQuery("maxResults=5&nextToken=t&tagKeys=a&tagKeys=b&flag=true&bad=x&big=4294967296")
	q := NewQuery(v)
	if n, ok := q.Int("maxResults"); !ok || n != 5 {
		t.Errorf("Int = %d %v", n, ok)
	}
	if q.String("nextToken") != "t" || len(q.Strings("tagKeys")) != 2 {
		t.Error("String/Strings wrong")
	}
	if b, ok := q.Bool("flag"); !ok || !b {
		t.Error("Bool wrong")
	}
	if _, ok := q.Int("absent"); ok || q.Err() != nil {
		t.Error("absent parameter reported")
	}
	if _, ok := q.Int("big"); ok {
		t.Error("out-of-range int accepted")
	}
	q.Int("bad")
	var e *Error
	if err := q.Err(); !errors.As(err, &e) || e.Code != "SerializationException" || !strings.Contains(e.Message, "big") {
		t.Errorf("Err = %v, want the first malformed value (big)", err)
	}
	q2 := NewQuery(v)
	if _, ok := q2.Bool("bad"); ok || q2.Err() == nil {
		t.Error("Bool(bad) accepted")
	}
}

// FuzzDecode checks that Decode never panics, that every failure is a 400
// SerializationException, and that every body it accepts is accepted by
// encoding/json too.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"Username":"a","Tags":{"k":"v"}}`, `{"Start":1.5}`, `{"SecurityProfileIds":[1]}`, "{\n,}", ``, `[]`, `{} x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var in createUserInput
		err := Decode([]byte(body), &in)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != "SerializationException" || e.HTTPStatus() != 400 {
				t.Fatalf("Decode error %v is not a 400 SerializationException", err)
			}
			return
		}
		if strings.TrimSpace(body) == "" {
			return
		}
		var ref createUserInput
		if err := json.Unmarshal([]byte(body), &ref); err != nil {
			t.Fatalf("Decode accepted %q, encoding/json rejects it: %v", body, err)
		}
	})
}
