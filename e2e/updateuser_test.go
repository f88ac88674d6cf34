package e2e_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconnect "github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/connect-iam/connect-iam/catalog"
	"github.com/connect-iam/connect-iam/internal/apimodel"
	"github.com/connect-iam/connect-iam/internal/apimodel/apimodeltest"
)

// TestUpdateUserStar checks the seed's "Describe and update Amazon Connect
// users based on tags" policy (connect:UpdateUser* where
// aws:ResourceTag/Department is Test) on all nine actions connect:UpdateUser*
// covers, through the server: each is allowed on the resource tagged
// Department=Test and denied on the one tagged Prod (users for the seven
// user operations, hierarchy groups for UpdateUserHierarchyGroupName, the
// instance for UpdateUserHierarchyStructure).
func TestUpdateUserStar(t *testing.T) {
	s := startServer(t)
	admin := s.connect(clientOptions{})
	ctx := context.Background()
	doc, err := os.ReadFile("../connect/testdata/department-test.json")
	if err != nil {
		t.Fatal(err)
	}
	dept := s.iamPrincipal(t, "dept", "", string(doc))
	test := newConnectWorld(t, admin, "dept-test")
	prod := newConnectWorld(t, admin, "dept-prod")
	tagged := func(w connectWorld, value string) (user, group string) {
		u, err := w.createUser(ctx, admin, "u-"+value, map[string]string{"Department": value})
		if err != nil {
			t.Fatal(err)
		}
		g, err := admin.CreateUserHierarchyGroup(ctx, &awsconnect.CreateUserHierarchyGroupInput{InstanceId: aws.String(w.instance),
			Name: aws.String("g-" + value), Tags: map[string]string{"Department": value}})
		if err != nil {
			t.Fatal(err)
		}
		// The instance, and the routing and security profiles that
		// UpdateUserRoutingProfile and UpdateUserSecurityProfiles are
		// authorized on besides the user.
		inst := "arn:aws:connect:us-east-1:" + account + ":instance/" + w.instance
		for _, arn := range []string{inst, inst + "/routing-profile/" + w.routing, inst + "/security-profile/" + w.security} {
			if _, err := admin.TagResource(ctx, &awsconnect.TagResourceInput{ResourceArn: aws.String(arn), Tags: map[string]string{"Department": value}}); err != nil {
				t.Fatal(err)
			}
		}
		return aws.ToString(u.UserId), aws.ToString(g.HierarchyGroupId)
	}
	testUser, testGroup := tagged(test, "Test")
	prodUser, prodGroup := tagged(prod, "Prod")

	m := apimodel.MustLoad("connect")
	var actions []string
	for _, name := range m.OperationNames() {
		if strings.HasPrefix(name, "UpdateUser") {
			actions = append(actions, name)
		}
	}
	covered := 0
	for _, name := range actions {
		if _, inCatalog := catalog.Default().Action("connect:" + name); !inCatalog {
			// Newer than the authorization reference (UpdateUserConfig):
			// connect:UpdateUser* covers it only once the reference lists it.
			continue
		}
		covered++
		op := m.Operations[name]
		for _, tc := range []struct {
			w           connectWorld
			user, group string
			allowed     bool
		}{{test, testUser, testGroup, true}, {prod, prodUser, prodGroup, false}} {
			input := apimodeltest.Minimal(m, m.Input(op))
			input["InstanceId"] = tc.w.instance
			if _, ok := m.Input(op).Members["UserId"]; ok {
				input["UserId"] = tc.user
			}
			if _, ok := m.Input(op).Members["HierarchyGroupId"]; ok {
				input["HierarchyGroupId"] = tc.group
			}
			if _, ok := m.Input(op).Members["RoutingProfileId"]; ok {
				input["RoutingProfileId"] = tc.w.routing
			}
			if _, ok := m.Input(op).Members["SecurityProfileIds"]; ok {
				input["SecurityProfileIds"] = []any{tc.w.security}
			}
			res := s.send(t, m, op, input, dept)
			denied := res.code == "AccessDeniedException"
			if denied == tc.allowed || res.status >= 500 {
				t.Errorf("%s on the resource tagged Department=%v: %v (allowed %v)", name, map[bool]string{true: "Test", false: "Prod"}[tc.allowed], res, tc.allowed)
			}
		}
	}
	if covered != 9 {
		t.Errorf("connect:UpdateUser* covered %d actions, want the nine the reference lists", covered)
	}
}
