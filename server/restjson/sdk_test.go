package restjson

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

type handlerFunc func(m *Match[handlerFunc], r *http.Request, body []byte) (any, error)

type userSummary struct {
	Arn              string `json:"Arn"`
	ID               string `json:"Id"`
	LastModifiedTime Time   `json:"LastModifiedTime"`
	Username         string `json:"Username"`
}

// connectServer serves a few Connect operations through a Router built
// from connectRoutes(), so that the SDK's own serializers exercise the route
// table and its deserializers the response and error encodings.
func connectServer(t *testing.T) (*httptest.Server, map[string]map[string]string) {
	t.Helper()
	modified := time.Unix(1700000000, 250_000_000)
	tags := map[string]map[string]string{}
	handlers := map[string]handlerFunc{
		"DescribeUser": func(m *Match[handlerFunc], r *http.Request, body []byte) (any, error) {
			if m.Labels["UserId"] == "missing" {
				return nil, connectError("ResourceNotFoundException", "User not found: "+m.Labels["UserId"])
			}
			return map[string]any{"User": map[string]any{
				"Id": m.Labels["UserId"], "Username": "agent1", "LastModifiedTime": Time(modified),
				"Arn": "arn:aws:connect:us-west-2:123456789012:instance/" + m.Labels["InstanceId"] + "/agent/" + m.Labels["UserId"],
			}}, nil
		},
		"ListUsers": func(m *Match[handlerFunc], r *http.Request, body []byte) (any, error) {
			q := NewQuery(r.URL.Query())
			max, _ := q.Int("maxResults")
			if err := q.Err(); err != nil {
				return nil, err
			}
			page := []userSummary{{"arn:1", "u-1", Time(modified), "a"}, {"arn:2", "u-2", Time(modified), "b"}, {"arn:3", "u-3", Time(modified), "c"}}
			start := 0
			if tok := q.String("nextToken"); tok != "" {
				start = int(tok[0] - '0')
			}
			end := min(start+int(max), len(page))
			out := map[string]any{"UserSummaryList": page[start:end]}
			if end < len(page) {
				out["NextToken"] = string(rune('0' + end))
			}
			return out, nil
		},
		"TagResource": func(m *Match[handlerFunc], r *http.Request, body []byte) (any, error) {
			var in struct {
				Tags map[string]string `json:"tags"`
			}
			if err := Decode(body, &in); err != nil {
				return nil, err
			}
			if len(in.Tags) == 0 {
				return nil, connectError("InvalidParameterException", "tags must not be empty")
			}
			tags[m.Labels["resourceArn"]] = in.Tags
			return nil, nil
		},
		"UntagResource": func(m *Match[handlerFunc], r *http.Request, body []byte) (any, error) {
			for _, k := range NewQuery(r.URL.Query()).Strings("tagKeys") {
				delete(tags[m.Labels["resourceArn"]], k)
			}
			return nil, nil
		},
	}
	rt := NewRouter[handlerFunc]()
	for _, route := range connectRoutes() {
		if h, ok := handlers[route.Operation]; ok {
			if err := rt.Add(route, h); err != nil {
				t.Fatal(err)
			}
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		m, err := rt.Match(r.Method, r.URL.EscapedPath())
		var out any
		if err == nil {
			out, err = m.Handler(m, r, body)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				e = connectError("InternalServiceException", err.Error())
			}
			WriteError(w, "rid", e)
			return
		}
		if err := WriteJSON(w, "rid", out); err != nil {
			t.Error(err)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, tags
}

func TestSDKConnect(t *testing.T) {
	srv, tags := connectServer(t)
	client := connect.NewFromConfig(aws.Config{
		Region:       "us-west-2",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(srv.URL),
	})
	ctx := context.Background()

	du, err := client.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String("i-1"), UserId: aws.String("u 1/x")})
	if err != nil {
		t.Fatalf("DescribeUser: %v", err)
	}
	if aws.ToString(du.User.Id) != "u 1/x" || !aws.ToTime(du.User.LastModifiedTime).Equal(time.Unix(1700000000, 250_000_000)) ||
		!strings.HasSuffix(aws.ToString(du.User.Arn), "instance/i-1/agent/u 1/x") {
		t.Errorf("DescribeUser = %+v", du.User)
	}

	_, err = client.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String("i-1"), UserId: aws.String("missing")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) || nf.ErrorMessage() != "User not found: missing" {
		t.Errorf("DescribeUser(missing) error = %v, want ResourceNotFoundException", err)
	}

	var names []string
	p := connect.NewListUsersPaginator(client, &connect.ListUsersInput{InstanceId: aws.String("i-1"), MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListUsers page %d: %v", pages+1, err)
		}
		pages++
		for _, u := range out.UserSummaryList {
			names = append(names, aws.ToString(u.Username))
		}
	}
	if pages != 2 || strings.Join(names, ",") != "a,b,c" {
		t.Errorf("ListUsers pages=%d names=%v", pages, names)
	}

	arn := "arn:aws:connect:us-west-2:123456789012:instance/i-1/queue/q-1"
	if _, err := client.TagResource(ctx, &connect.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"a": "1", "b": "2", "c": "3"}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	if _, err := client.UntagResource(ctx, &connect.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"a", "b"}}); err != nil {
		t.Fatalf("UntagResource: %v", err)
	}
	if got := tags[arn]; len(got) != 1 || got["c"] != "3" {
		t.Errorf("tags of %s = %v, want {c:3}", arn, got)
	}
	_, err = client.TagResource(ctx, &connect.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{}})
	var ip *types.InvalidParameterException
	if !errors.As(err, &ip) {
		t.Errorf("TagResource(no tags) error = %v, want InvalidParameterException", err)
	}
}
