package connect

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/connect-iam/connect-iam/store"
)

// TestDefaultResources checks the resources every new instance comes
// with, as in Amazon Connect: four security profiles, Basic Hours, the
// BasicQueue open during them and the Basic Routing Profile taking its
// contacts; they can be used at once and go with the instance.
func TestDefaultResources(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.admin
	inst := must(c.CreateInstance(ctx, &awsconnect.CreateInstanceInput{IdentityManagementType: types.DirectoryTypeConnectManaged,
		InstanceAlias: aws.String("defaults"), InboundCallsEnabled: aws.Bool(true), OutboundCallsEnabled: aws.Bool(true)}))(t)
	id := inst.Id
	instARN := aws.ToString(inst.Arn)

	names := func(list func() ([]string, error)) string {
		t.Helper()
		n, err := list()
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(n)
		return strings.Join(n, ",")
	}
	sps := map[string]string{} // name → ID
	spNames := names(func() ([]string, error) {
		out, err := c.ListSecurityProfiles(ctx, &awsconnect.ListSecurityProfilesInput{InstanceId: id})
		if err != nil {
			return nil, err
		}
		var n []string
		for _, s := range out.SecurityProfileSummaryList {
			n = append(n, aws.ToString(s.Name))
			sps[aws.ToString(s.Name)] = aws.ToString(s.Id)
			if !strings.HasPrefix(aws.ToString(s.Arn), instARN+"/security-profile/") {
				t.Errorf("security profile ARN %s", aws.ToString(s.Arn))
			}
		}
		return n, nil
	})
	hours := map[string]string{}
	queues := map[string]string{}
	routing := map[string]string{}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"security profiles", spNames, "Admin,Agent,CallCenterManager,QualityAnalyst"},
		{"hours of operation", names(func() ([]string, error) {
			out, err := c.ListHoursOfOperations(ctx, &awsconnect.ListHoursOfOperationsInput{InstanceId: id})
			var n []string
			if err == nil {
				for _, s := range out.HoursOfOperationSummaryList {
					n = append(n, aws.ToString(s.Name))
					hours[aws.ToString(s.Name)] = aws.ToString(s.Id)
				}
			}
			return n, err
		}), "Basic Hours"},
		{"queues", names(func() ([]string, error) {
			out, err := c.ListQueues(ctx, &awsconnect.ListQueuesInput{InstanceId: id})
			var n []string
			if err == nil {
				for _, s := range out.QueueSummaryList {
					n = append(n, aws.ToString(s.Name))
					queues[aws.ToString(s.Name)] = aws.ToString(s.Id)
				}
			}
			return n, err
		}), "BasicQueue"},
		{"routing profiles", names(func() ([]string, error) {
			out, err := c.ListRoutingProfiles(ctx, &awsconnect.ListRoutingProfilesInput{InstanceId: id})
			var n []string
			if err == nil {
				for _, s := range out.RoutingProfileSummaryList {
					n = append(n, aws.ToString(s.Name))
					routing[aws.ToString(s.Name)] = aws.ToString(s.Id)
				}
			}
			return n, err
		}), "Basic Routing Profile"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, tt.got, tt.want)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// They are linked as in Amazon Connect.
	q := must(c.DescribeQueue(ctx, &awsconnect.DescribeQueueInput{InstanceId: id, QueueId: aws.String(queues["BasicQueue"])}))(t)
	if aws.ToString(q.Queue.HoursOfOperationId) != hours["Basic Hours"] || q.Queue.Status != types.QueueStatusEnabled {
		t.Errorf("BasicQueue = %+v", q.Queue)
	}
	h := must(c.DescribeHoursOfOperation(ctx, &awsconnect.DescribeHoursOfOperationInput{InstanceId: id, HoursOfOperationId: aws.String(hours["Basic Hours"])}))(t)
	if aws.ToString(h.HoursOfOperation.TimeZone) != "UTC" || len(h.HoursOfOperation.Config) != 7 {
		t.Errorf("Basic Hours = %s with %d days", aws.ToString(h.HoursOfOperation.TimeZone), len(h.HoursOfOperation.Config))
	}
	rp := must(c.DescribeRoutingProfile(ctx, &awsconnect.DescribeRoutingProfileInput{InstanceId: id, RoutingProfileId: aws.String(routing["Basic Routing Profile"])}))(t)
	if aws.ToString(rp.RoutingProfile.DefaultOutboundQueueId) != queues["BasicQueue"] || len(rp.RoutingProfile.MediaConcurrencies) != 3 {
		t.Errorf("Basic Routing Profile = %+v", rp.RoutingProfile)
	}
	rq := must(c.ListRoutingProfileQueues(ctx, &awsconnect.ListRoutingProfileQueuesInput{InstanceId: id, RoutingProfileId: aws.String(routing["Basic Routing Profile"])}))(t)
	var channels []string
	for _, s := range rq.RoutingProfileQueueConfigSummaryList {
		if aws.ToString(s.QueueName) != "BasicQueue" {
			t.Errorf("Basic Routing Profile takes contacts from %s", aws.ToString(s.QueueName))
		}
		channels = append(channels, string(s.Channel))
	}
	if slices.Sort(channels); strings.Join(channels, ",") != "CHAT,TASK,VOICE" {
		t.Errorf("Basic Routing Profile channels %v", channels)
	}
	_, err := c.DeleteQueue(ctx, &awsconnect.DeleteQueueInput{InstanceId: id, QueueId: aws.String(queues["BasicQueue"])})
	if code, _ := apiError(t, err); code != "ResourceInUseException" {
		t.Errorf("DeleteQueue of BasicQueue: %v, want ResourceInUseException", err)
	}
	_, err = c.CreateSecurityProfile(ctx, &awsconnect.CreateSecurityProfileInput{InstanceId: id, SecurityProfileName: aws.String("admin")})
	if code, _ := apiError(t, err); code != "DuplicateResourceException" {
		t.Errorf("CreateSecurityProfile admin: %v, want DuplicateResourceException", err)
	}

	// A user can be created with the defaults alone.
	u := must(c.CreateUser(ctx, &awsconnect.CreateUserInput{InstanceId: id, Username: aws.String("first"), Password: aws.String("Passw0rd!x"),
		RoutingProfileId: aws.String(routing["Basic Routing Profile"]), SecurityProfileIds: []string{sps["Agent"]},
		PhoneConfig: &types.UserPhoneConfig{PhoneType: types.PhoneTypeSoftPhone}}))(t)
	if u.UserId == nil {
		t.Fatal("CreateUser returned no UserId")
	}

	// They go with the instance.
	must(c.DeleteInstance(ctx, &awsconnect.DeleteInstanceInput{InstanceId: id}))(t)
	err = e.st.View(ctx, func(tx store.ReadTx) error {
		for _, typ := range []string{"security-profile", "hours-of-operation", "queue", "routing-profile", "user"} {
			rs, _, err := tx.ListResources(testAccount, Service, typ, store.ResourceFilter{Parent: aws.ToString(id), HasParent: true}, store.ListOptions{MaxItems: 10})
			if err != nil {
				return err
			}
			if len(rs) != 0 {
				t.Errorf("%d %s resources left after DeleteInstance", len(rs), typ)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
