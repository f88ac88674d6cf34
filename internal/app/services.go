package app

import (
	"sort"

	"github.com/connect-iam/connect-iam/apiservice"
	"github.com/connect-iam/connect-iam/connect"
	"github.com/connect-iam/connect-iam/connectapps"
	"github.com/connect-iam/connect-iam/iam"
	"github.com/connect-iam/connect-iam/sts"
)

// ModelServices describes the services served from AWS's API models
// (Amazon Connect and its neighbours) and each of their operations, as
// New registers them, without opening anything.
func ModelServices() []*apiservice.Served {
	return append([]*apiservice.Served{connect.Served()}, connectapps.Served()...)
}

// QueryServices describes the awsQuery services (IAM and STS) as New
// registers them: every operation validated from AWS's model, with
// hand-written behaviour ("override").
func QueryServices() []*apiservice.Served {
	var out []*apiservice.Served
	for _, s := range []struct {
		name    string
		actions []string
	}{{"iam", iam.Actions()}, {"sts", sts.Actions()}} {
		sort.Strings(s.actions)
		sv := &apiservice.Served{SigningName: s.name, Prefix: s.name}
		for _, a := range s.actions {
			sv.Operations = append(sv.Operations, apiservice.Operation{Name: a, Model: s.name, Method: "POST", Path: "/?Action=" + a, Kind: "override"})
		}
		out = append(out, sv)
	}
	return out
}
