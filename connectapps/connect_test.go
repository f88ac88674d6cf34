package connectapps

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connect-iam/connect-iam/authz"
	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/connect"
	"github.com/connect-iam/connect-iam/iam"
	"github.com/connect-iam/connect-iam/server"
	"github.com/connect-iam/connect-iam/server/sigv4"
)

// TestBesideConnect registers these services beside Amazon Connect on one
// server (as the serve wiring does): the /tags routes each service shares
// with Connect are told apart by the signing name, and a campaign refers
// to an instance created through the Connect API.
func TestBesideConnect(t *testing.T) {
	e := newEnv(t)
	az := authz.New(e.st, authz.Options{Catalog: catalog.Default(), ManagedPolicy: iam.ManagedPolicy})
	srv := server.New(server.Config{Authenticator: server.SigV4(&sigv4.Verifier{Store: authz.NewCredentialStore(e.st, e.box, nil)}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	connect.Register(srv, connect.Deps{Store: e.st, Authorizer: az})
	Register(srv, Deps{Store: e.st, Authorizer: az})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e.url = ts.URL

	ctx := context.Background()
	cc := awsconnect.NewFromConfig(e.config(adminKeyID))
	inst, err := cc.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: types.DirectoryTypeConnectManaged,
		InstanceAlias: aws.String("outbound"), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true)})
	must(t, err)
	id := aws.ToString(inst.Id)

	camp := rest{e, Campaigns, adminKeyID}
	must(t, camp.do("PUT", "/connect-instance/"+id+"/onboarding", map[string]any{"encryptionConfig": map[string]any{"enabled": false}}, nil))
	body := campaignBody("calls", map[string]string{"owner": aws.ToString(inst.Arn)})
	body["connectInstanceId"] = id
	var cp struct{ ID, Arn string }
	must(t, camp.do("PUT", "/campaigns", body, &cp))

	// The same /tags/{resourceArn} path reaches each service by signing name.
	var tags struct {
		Tags map[string]string `json:"tags"`
	}
	must(t, camp.do("GET", "/tags/"+esc(cp.Arn), nil, &tags))
	if tags.Tags["owner"] != aws.ToString(inst.Arn) {
		t.Errorf("campaign tags = %v", tags.Tags)
	}
	out, err := cc.ListTagsForResource(ctx, &awsconnect.ListTagsForResourceInput{ResourceArn: inst.Arn})
	must(t, err)
	if len(out.Tags) != 0 {
		t.Errorf("instance tags = %v, want none", out.Tags)
	}
}
